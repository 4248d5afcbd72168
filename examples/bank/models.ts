import type { EntityOf, ModelMap, UnitControls, UnitOfWork, Units } from 'prisma-uow';
import type { Models } from '../../src/generated/uow/index.js';
import { BankAccount } from './account.js';
import { AccountRepository, LedgerRepository } from './repositories.js';

/** The models the bank uses (any schema that has these three models works). */
export type BankModels = Pick<Models, 'User' | 'Account' | 'LedgerEntry'>;

/** Domain classes of the bank: every tracked `Account` is a {@link BankAccount}. */
export const bankClasses = { Account: BankAccount };

/** A tracked account: the `Account` row with {@link BankAccount}'s methods. */
export type TrackedAccount = EntityOf<BankModels, 'Account', typeof bankClasses>;

/** The model repositories of a unit that the bank uses. */
export type BankModelRepositories = Pick<UnitOfWork<BankModels, {}, typeof bankClasses>, 'user' | 'account' | 'ledgerEntry'>;

/** The bank's repositories, registered on every unit (`uow.accounts`, `uow.ledger`). */
export const bankRepositories = {
  accounts: (uow: BankModelRepositories) => new AccountRepository(uow.account),
  ledger: (uow: BankModelRepositories) => new LedgerRepository(uow.ledgerEntry),
};

/**
 * Everything the bank registers on a factory: spread it into `createUnits` or
 * `createMemoryUnits`.
 *
 * @example
 * ```ts
 * const units = createUnits({ prisma, schema, ...bank });
 * ```
 */
export const bank = { repositories: bankRepositories, classes: bankClasses };

/** Units of work with the bank's repositories and classes over models `M` (which include the bank's). */
export type BankUnits<M extends ModelMap> = Units<M, BankRepositoryFactories, typeof bankClasses>;

/** The type of {@link bankRepositories}. */
export type BankRepositoryFactories = typeof bankRepositories;

/**
 * A unit of work as the bank's services see it: repositories only. Services never commit or roll
 * back; the `run` around them does.
 */
export type BankUnit = BankModelRepositories &
  Pick<UnitControls, '$check'> & { readonly accounts: AccountRepository; readonly ledger: LedgerRepository };
