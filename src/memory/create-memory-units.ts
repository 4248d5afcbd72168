import type { ClassMap, ModelMap, Schema } from '../unit-of-work/types.js';
import type { UnitHooks } from '../unit-of-work/hooks.js';
import { Units, type AnyRepositoryFactories, type AsyncContextOption, type RepositoryFactories } from '../unit-of-work/units.js';
import { MemoryBackend } from './memory-backend.js';
import { MemoryStore, type Fixtures, type MemoryStoreOptions } from './memory-store.js';

/** Options of {@link createMemoryUnits}. */
export interface MemoryUnitsOptions<M extends ModelMap, R extends RepositoryFactories<M, C>, C extends ClassMap<M> = {}> extends MemoryStoreOptions, AsyncContextOption {
  /** The `schema` export of the module the prisma-uow generator wrote. */
  readonly schema: Schema<M>;
  /** The rows the store starts with, by model: `{ User: [{ id: 1, name: 'Alice' }] }`. */
  readonly fixtures?: Fixtures<M>;
  /** The application's repositories, as for `createUnits`. */
  readonly repositories?: R;
  /** Hooks that run for every unit, as for `createUnits`. */
  readonly hooks?: UnitHooks<M>;
  /** Domain classes by model, as for `createUnits`. */
  readonly classes?: C;
}

/** What {@link createMemoryUnits} returns. */
export interface MemoryUnits<M extends ModelMap, R extends AnyRepositoryFactories, C extends ClassMap<M> = {}> {
  /** Units of work over the store: the same type `createUnits` returns. */
  readonly units: Units<M, R, C>;
  /** The rows the units read and commit to, for setup and assertions. */
  readonly store: MemoryStore<M>;
}

/**
 * Creates units of work over an in-memory store instead of a database: the same identity map,
 * repositories, change tracking, atomic commit, rollback and conflict detection, with no Prisma
 * client, in microseconds. For unit tests of business flows; test queries and constraints the
 * store does not model (relation filters, triggers) against a database.
 *
 * The store enforces primary keys, `@unique`/`@@unique`, required fields and foreign keys with
 * each relation's `onDelete` / `onUpdate` as the schema declares them (`Restrict`, `NoAction`,
 * `Cascade`, `SetNull`, `SetDefault`; Prisma's defaults where none is given) and fills defaults
 * (`autoincrement()` continues after the largest fixture id). Values are kept as the schema's
 * database stores them (a `Decimal(10,2)` fixture of `185.385` is `185.39`; SQLite's Decimals are
 * doubles). Its failures reach you as the
 * `DatabaseError` a database would cause, with the Prisma code (`P2002` unique, `P2003`
 * foreign key) on `error.cause.code`. Per-unit options (`strategy`, `transaction`) are
 * accepted and ignored. `run(fn, { retry })` retries conflicts as usual. `onStatement` receives
 * a pseudo statement for each statement a database would have been sent (`SELECT Account`,
 * `BEGIN`, `UPDATE Account (balance)`, `COMMIT`), for tests that count statements.
 * `run(fn, { interactive: true })` runs the whole unit as one store transaction that excludes
 * every other commit until it ends, so locking reads (`get(key, { lock: 'update' })`) work and
 * never wait. An interactive unit must not wait for another unit's commit: that commit waits
 * for it.
 *
 * @example
 * ```ts
 * import { createMemoryUnits } from 'prisma-uow';
 * import { schema } from './generated/uow/index.js';
 *
 * const { units, store } = createMemoryUnits({
 *   schema,
 *   repositories: bankRepositories,
 *   fixtures: {
 *     User: [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }],
 *     Account: [{ id: 1, ownerId: 1, balance: 100 }, { id: 2, ownerId: 2, balance: 50 }],
 *   },
 * });
 * await units.run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: 25 }));
 * expect(store.rows('Account').map((a) => a.balance.toNumber())).toEqual([75, 75]);
 * expect(store.rows('LedgerEntry')).toHaveLength(1);
 * ```
 */
export function createMemoryUnits<M extends ModelMap, R extends RepositoryFactories<M, C> = {}, C extends ClassMap<M> = {}>(
  options: MemoryUnitsOptions<M, R, C>,
): MemoryUnits<M, R, C> {
  const { schema } = options;
  const store = new MemoryStore(schema, options.fixtures, options.onStatement ? { onStatement: options.onStatement } : {});
  const units = new Units<M, R, C>({
    classes: options.classes,
    schema,
    repositories: options.repositories,
    hooks: options.hooks,
    asyncContext: options.asyncContext,
    backend: () => new MemoryBackend(schema, store),
    transaction: (_unit, body) => store.transaction((tx) => body(new MemoryBackend(schema, store, tx))),
  });
  return { units, store };
}
