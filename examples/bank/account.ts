import type { Decimal } from '@prisma/client/runtime/client';
import type { Account } from '../../src/generated/prisma/client.js';
import { TransferRejectedError } from './domain.js';

/**
 * The seed's domain class: an account that knows its own rules. Register it with
 * `createUnits({ classes: { Account: BankAccount } })`; every tracked `Account` then has these
 * methods, and stays identity-mapped and change-tracked like a plain row.
 *
 * The constructor never runs (objects come from rows): declare the row's fields through the
 * interface of the same name, and keep behaviour in methods and getters.
 *
 * @example
 * ```ts
 * const sender = await uow.account.get(1);   // a BankAccount
 * sender.withdraw(money(25));                 // throws InsufficientFundsError when overdrawn
 * ```
 */
export interface BankAccount extends Account {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class BankAccount {
  /** Takes `amount` out; refuses to overdraw. */
  withdraw(amount: Decimal): void {
    if (this.balance.lessThan(amount)) throw new InsufficientFundsError(this.id, this.balance, amount);
    this.balance = this.balance.minus(amount);
  }

  /** Puts `amount` in. */
  deposit(amount: Decimal): void {
    this.balance = this.balance.plus(amount);
  }

  /** Whether the account holds at least `amount`. */
  covers(amount: Decimal): boolean {
    return this.balance.greaterThanOrEqualTo(amount);
  }
}

/** A withdrawal larger than the balance. */
export class InsufficientFundsError extends TransferRejectedError {
  override name = 'InsufficientFundsError';
  constructor(
    readonly accountId: number,
    readonly balance: Decimal,
    readonly amount: Decimal,
  ) {
    super(`Account#${accountId} has ${balance.toFixed(2)}, less than the ${amount.toFixed(2)} to withdraw.`);
  }
}
