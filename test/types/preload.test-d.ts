/**
 * Type tests of `preload` (not run: `npm run typecheck` checks this file and fails if an
 * `@ts-expect-error` line compiles). `preload` takes the model's to-one relations whose foreign
 * key is on it; anything else is a type error.
 */
import type { UnitOfWork } from 'prisma-uow';
import type { Models } from '../generated/sqlite/uow/index.js';

declare const uow: UnitOfWork<Models>;

export async function preloadNamesRelations(): Promise<void> {
  await uow.account.getMany([1, 2], { preload: ['owner'] });
  await uow.account.get(1, { preload: ['owner'] });
  await uow.ledgerEntry.get(1, { preload: ['from', 'to'] });
  await uow.node.getMany([1], { preload: ['parent'] });

  // @ts-expect-error Account has no relation 'nope'
  await uow.account.get(1, { preload: ['nope'] });
  // @ts-expect-error User holds no foreign key: its accounts are not a to-one relation of it
  await uow.user.get(1, { preload: ['accounts'] });
  // @ts-expect-error a field is not a relation
  await uow.account.get(1, { preload: ['ownerId'] });
  // @ts-expect-error preload takes an array
  await uow.account.get(1, { preload: 'owner' });
}
