import type { Entity } from 'prisma-uow';
import type { BankModels, BankUnit } from '../bank/models.js';
import { money } from '../bank/domain.js';
import { transfer, type TransferRequest } from '../bank/transfer.js';

/**
 * The bank as the HTTP routes call it. Its functions take no unit: they find the request's unit
 * with `units.current()` (AsyncLocalStorage), as code deep in an application's call stack would.
 *
 * @module
 */

type Account = Entity<BankModels, 'Account'>;

/**
 * One row a commit wrote, as the service reads it. Looser than `RowChange<BankModels>` on
 * purpose: the unit may belong to a schema with more models than the bank's, and its commit
 * reports all of them.
 */
export interface WrittenRow {
  readonly kind: 'insert' | 'update' | 'delete';
  readonly model: string;
  readonly key: unknown;
}

/** The unit as the service reaches it: the bank's repositories, and `$afterCommit` for side effects. */
export interface RequestUnit extends BankUnit {
  $afterCommit(hook: (changes: readonly WrittenRow[]) => void | Promise<void>): void;
}

/** What the service needs of a units factory: the unit of the request in progress. */
export interface CurrentUnit {
  current(): RequestUnit;
}

/** Sent after a transfer has committed (never for a refused or rolled-back one). */
export interface TransferNotification {
  readonly ledgerEntryId: number;
  readonly fromId: number;
  readonly toId: number;
  readonly amount: string;
}

/** What a transfer leaves: the two tracked accounts, and the ledger entry's id once committed. */
export interface TransferReceipt {
  readonly from: Account;
  readonly to: Account;
  /** The new ledger entry's id: `undefined` until the unit has committed. */
  ledgerEntryId: number | undefined;
}

/** An account as JSON: the Decimal balance as a string, so no precision is lost. */
export interface AccountView {
  readonly id: number;
  readonly balance: string;
  readonly version: number;
}

/** The JSON view of a tracked account (read it after the commit to see the committed version). */
export function accountView(account: Account): AccountView {
  return { id: account.id, balance: account.balance.toString(), version: account.version };
}

/**
 * The bank's operations for the routes, over whatever unit is current.
 *
 * @example
 * ```ts
 * const bank = new BankService(units, (n) => mailer.send(n));
 * await units.run(() => bank.transferFunds({ fromId: 1, toId: 2, amount: '25.00' }));
 * ```
 */
export class BankService {
  constructor(
    private readonly units: CurrentUnit,
    private readonly notify: (notification: TransferNotification) => void,
  ) {}

  /**
   * Runs the bank transfer in the current unit and registers the notification as an
   * after-commit hook: it is sent only if this unit commits, so a refused transfer, or an
   * attempt that lost a race and was retried, notifies no one.
   */
  async transferFunds(request: TransferRequest): Promise<TransferReceipt> {
    const uow = this.units.current();
    await transfer(uow, request);
    // The identity map gives back the objects transfer() changed, without a query.
    const receipt: TransferReceipt = {
      from: await uow.accounts.get(request.fromId),
      to: await uow.accounts.get(request.toId),
      ledgerEntryId: undefined,
    };
    uow.$afterCommit((changes) => {
      // What the commit wrote, generated keys included: the ledger entry is its one insert.
      const entry = changes.find((change) => change.kind === 'insert' && change.model === 'LedgerEntry');
      const id = entry?.key;
      if (typeof id !== 'number') throw new Error('The committed transfer wrote no ledger entry.');
      receipt.ledgerEntryId = id;
      this.notify({ ledgerEntryId: id, fromId: receipt.from.id, toId: receipt.to.id, amount: money(request.amount).toString() });
    });
    return receipt;
  }

  /** The account with this id (`EntityNotFoundError` when there is none). */
  account(id: number): Promise<Account> {
    return this.units.current().accounts.get(id);
  }
}
