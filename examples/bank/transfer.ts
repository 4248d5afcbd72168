import type { Decimal } from '@prisma/client/runtime/client';
import { TransferRejectedError, money } from './domain.js';
import type { BankUnit, TrackedAccount } from './models.js';

/** Loyalty points the sender's owner earns per transfer. */
export const LOYALTY_POINTS_PER_TRANSFER = 10;

/** A transfer request. */
export interface TransferRequest {
  readonly fromId: number;
  readonly toId: number;
  readonly amount: Decimal.Value;
}

/**
 * The bank transfer of the seed article: debit one account, credit another, write a ledger
 * entry, add loyalty points to the sender's owner. Plain code over loaded objects: no
 * transaction, no save. The unit it runs in writes all of it at its end, or nothing. With the
 * bank schema's declared deltas (`balance` `@delta(min: 0)`, `loyaltyPoints` `@delta`), the
 * commit adds to both instead of overwriting them: concurrent transfers on the same accounts do
 * not conflict, and a balance that concurrent withdrawals would take below zero stops the commit
 * with a `DeltaBoundError` (run the unit again to re-read and refuse with `InsufficientFundsError`).
 *
 * A frozen owner sends nothing. The transfer never writes `frozen`, so the decision is
 * protected with `uow.$check(owner)`: if the owner is frozen (or changed otherwise) between
 * this read and the commit, the commit is a `ConcurrencyConflictError`, and a retry refuses.
 *
 * @example
 * ```ts
 * await units.run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: '25.00' }));
 * ```
 */
export async function transfer(uow: BankUnit, request: TransferRequest): Promise<void> {
  const amount = money(request.amount);
  if (amount.lessThanOrEqualTo(0)) {
    throw new TransferRejectedError(`A transfer amount must be positive, got ${amount.toString()}.`);
  }
  if (request.fromId === request.toId) {
    throw new TransferRejectedError(`Account#${request.fromId} cannot transfer to itself.`);
  }
  // Both accounts and their owners in one query: the owner's `get` below sends nothing.
  const [sender, receiver] = (await uow.accounts.getManyWithOwners([request.fromId, request.toId])) as [TrackedAccount, TrackedAccount];
  sender.withdraw(amount); // BankAccount's rule: refuses to overdraw
  receiver.deposit(amount);
  uow.ledger.record(sender, receiver, amount);
  const owner = await uow.user.get(sender.ownerId);
  if (owner.frozen) throw new TransferRejectedError(`User#${owner.id} is frozen: Account#${sender.id} sends no transfers.`);
  uow.$check(owner); // the refusal above was decided on this read: the commit must still see it
  owner.loyaltyPoints += LOYALTY_POINTS_PER_TRANSFER;
}
