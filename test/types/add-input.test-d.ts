/**
 * Type tests of `add()` (not run: `npm run typecheck`, i.e. `tsc --noEmit`, checks this file and
 * fails if an `@ts-expect-error` line compiles). A required relation must be given, as the
 * related tracked object or as its foreign-key value(s); an optional one may be left out.
 */
import type { UnitOfWork } from 'prisma-uow';
import type { Models } from '../generated/sqlite/uow/index.js';

declare const uow: UnitOfWork<Models>;

export function requiredRelationsMustBeGiven(): void {
  const user = uow.user.add({ name: 'Ann' });
  const account = uow.account.add({ owner: user, balance: 10 });
  const other = uow.account.add({ ownerId: 1, balance: '10.50' });
  uow.account.add({ owner: user, ownerId: 1, balance: 10 });

  // @ts-expect-error Account.owner is required: give the User or its ownerId
  uow.account.add({ balance: 10 });
  // @ts-expect-error a required relation is not null
  uow.account.add({ owner: null, balance: 10 });
  // @ts-expect-error the related object must be a User
  uow.account.add({ owner: account, balance: 10 });
  // @ts-expect-error the foreign key has the type of the key it references
  uow.account.add({ ownerId: '1', balance: 10 });

  // Two required relations: each given one way or the other.
  uow.ledgerEntry.add({ from: account, to: other, amount: 1 });
  uow.ledgerEntry.add({ fromId: 1, to: other, amount: 1 });
  uow.ledgerEntry.add({ fromId: 1, toId: 2, amount: 1 });
  // @ts-expect-error LedgerEntry.to is missing
  uow.ledgerEntry.add({ from: account, amount: 1 });
  // @ts-expect-error LedgerEntry.from is missing
  uow.ledgerEntry.add({ toId: 2, amount: 1 });
  // @ts-expect-error both are missing
  uow.ledgerEntry.add({ amount: 1 });

  // An optional relation (a self-relation here) may be left out, or given either way.
  const root = uow.node.add({ label: 'root' });
  uow.node.add({ label: 'child', parent: root });
  uow.node.add({ label: 'child', parentId: 1 });

  // Required scalars stay required.
  // @ts-expect-error Account.balance is required
  uow.account.add({ owner: user });
}
