import { Decimal } from '@prisma/client/runtime/client';

/**
 * The bank's domain rules that are not about one account (those live in `BankAccount`): they
 * know nothing of databases or transactions.
 *
 * @module
 */

/** A domain rule was broken; the unit of work rolls back and nothing is written. */
export class TransferRejectedError extends Error {
  override name = 'TransferRejectedError';
}

/** Money as a Decimal, whatever the caller passed. */
export function money(value: Decimal.Value): Decimal {
  return new Decimal(value);
}
