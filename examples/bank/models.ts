import type { UnitOfWork } from 'prisma-uow';
import type { Models } from '../../src/generated/uow/index.js';
import { AccountRepository, LedgerRepository } from './repositories.js';

/** The models the bank uses (any schema that has these three models works). */
export type BankModels = Pick<Models, 'User' | 'Account' | 'LedgerEntry'>;

/** The model repositories of a unit that the bank uses. */
export type BankModelRepositories = Pick<UnitOfWork<BankModels>, 'user' | 'account' | 'ledgerEntry'>;

/** The bank's repositories, registered on every unit (`uow.accounts`, `uow.ledger`). */
export const bankRepositories = {
  accounts: (uow: BankModelRepositories) => new AccountRepository(uow.account),
  ledger: (uow: BankModelRepositories) => new LedgerRepository(uow.ledgerEntry),
};

/**
 * A unit of work as the bank's services see it: repositories only. Services never commit or roll
 * back; the `run` around them does.
 */
export type BankUnit = BankModelRepositories & { readonly accounts: AccountRepository; readonly ledger: LedgerRepository };
