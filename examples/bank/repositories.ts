import type { Entity, Repository } from 'prisma-uow';
import type { BankModels } from './models.js';

/**
 * The application's own repositories (the seed's `AccountRepository` and `LogRepository`):
 * extra queries over the unit's generic repositories, reached as `uow.accounts` and `uow.ledger`.
 *
 * @module
 */

type Account = Entity<BankModels, 'Account'>;

/** Accounts, with the queries the bank needs. */
export class AccountRepository {
  constructor(private readonly accounts: Repository<BankModels, 'Account'>) {}

  /** The account with this id (throws `EntityNotFoundError` when there is none). */
  get(id: number): Promise<Account> {
    return this.accounts.get(id);
  }

  /** Accounts of one user, oldest first. */
  ofOwner(ownerId: number): Promise<Account[]> {
    return this.accounts.find({ where: { ownerId }, orderBy: { id: 'asc' } });
  }
}

/** The ledger: one entry per transfer. */
export class LedgerRepository {
  constructor(private readonly entries: Repository<BankModels, 'LedgerEntry'>) {}

  /** Records a transfer; written when the unit commits. */
  record(from: Account, to: Account, amount: Account['balance']): Entity<BankModels, 'LedgerEntry'> {
    return this.entries.add({ from, to, amount });
  }
}
