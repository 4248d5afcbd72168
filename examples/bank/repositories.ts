import type { Entity, Repository } from 'prisma-uow';
import type { BankModels, TrackedAccount } from './models.js';

/**
 * The application's own repositories (the seed's `AccountRepository` and `LogRepository`):
 * extra queries over the unit's generic repositories, reached as `uow.accounts` and `uow.ledger`.
 *
 * @module
 */

/** Accounts, with the queries the bank needs. */
export class AccountRepository {
  constructor(private readonly accounts: Repository<BankModels, 'Account', TrackedAccount>) {}

  /** The account with this id (throws `EntityNotFoundError` when there is none). */
  get(id: number): Promise<TrackedAccount> {
    return this.accounts.get(id);
  }

  /** The accounts with these ids, in that order, read in ONE query (throws `EntityNotFoundError` naming every missing id). */
  getMany(ids: readonly number[]): Promise<TrackedAccount[]> {
    return this.accounts.getMany(ids);
  }

  /**
   * The accounts with these ids, in that order, and their owners, read together in ONE query
   * (`preload`): a `uow.user.get(account.ownerId)` afterwards is answered by the unit.
   */
  getManyWithOwners(ids: readonly number[]): Promise<TrackedAccount[]> {
    return this.accounts.getMany(ids, { preload: ['owner'] });
  }

  /** Accounts of one user, oldest first. */
  ofOwner(ownerId: number): Promise<TrackedAccount[]> {
    return this.accounts.find({ where: { ownerId }, orderBy: { id: 'asc' } });
  }
}

/** The ledger: one entry per transfer. */
export class LedgerRepository {
  constructor(private readonly entries: Repository<BankModels, 'LedgerEntry'>) {}

  /** Records a transfer; written when the unit commits. */
  record(from: TrackedAccount, to: TrackedAccount, amount: TrackedAccount['balance']): Entity<BankModels, 'LedgerEntry'> {
    return this.entries.add({ from, to, amount });
  }
}
