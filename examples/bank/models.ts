import type { UnitOfWork } from 'prisma-uow';
import type { Models } from '../../src/generated/uow/index.js';
import { AccountRepository, LedgerRepository } from './repositories.js';

/** The models the bank uses (any schema that has these three models works). */
export type BankModels = Pick<Models, 'User' | 'Account' | 'LedgerEntry'>;

/** The bank's repositories, registered on every unit (`uow.accounts`, `uow.ledger`). */
export const bankRepositories = {
  accounts: (uow: UnitOfWork<BankModels>) => new AccountRepository(uow.account),
  ledger: (uow: UnitOfWork<BankModels>) => new LedgerRepository(uow.ledgerEntry),
};

/** A unit of work as the bank's services see it. */
export type BankUnit = UnitOfWork<BankModels, typeof bankRepositories>;
