import { Decimal } from '@prisma/client/runtime/client';

/**
 * The bank's domain rules, as plain functions over plain objects: they know nothing of
 * databases or transactions.
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

/** The account shape the rules need (any tracked `Account`). */
export interface AccountLike {
  id: number;
  balance: Decimal;
}

/** Takes `amount` out of `account`; refuses to overdraw. */
export function withdraw(account: AccountLike, amount: Decimal): void {
  if (account.balance.lessThan(amount)) {
    throw new TransferRejectedError(
      `Account#${account.id} has ${account.balance.toFixed(2)}, less than the ${amount.toFixed(2)} to withdraw.`,
    );
  }
  account.balance = account.balance.minus(amount);
}

/** Puts `amount` into `account`. */
export function deposit(account: AccountLike, amount: Decimal): void {
  account.balance = account.balance.plus(amount);
}
