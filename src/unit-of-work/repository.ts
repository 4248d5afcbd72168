import type { ModelInfo } from '../metadata/model-info.js';
import type { AddInput, Entity, FindArgs, KeyInput, ModelMap } from './types.js';
import type { LoadOptions, ReadOptions } from './unit-of-work.js';

/** What a repository needs from its unit. @internal */
export interface RepositoryHost {
  get(info: ModelInfo, key: unknown, options?: LoadOptions): Promise<object>;
  getMany(info: ModelInfo, keys: readonly unknown[], options?: LoadOptions): Promise<object[]>;
  find(info: ModelInfo, args: object | undefined, first: boolean, options?: ReadOptions): Promise<object[]>;
  add(info: ModelInfo, data: object): object;
  remove(info: ModelInfo, entity: object): void;
  ref(info: ModelInfo, key: unknown): object;
}

/**
 * The repository of one model inside a unit: `uow.account`, `uow.ledgerEntry`, ... Objects it
 * returns are tracked: change them like plain objects and the unit writes the changes when it
 * ends.
 *
 * @example
 * ```ts
 * await units.run(async (uow) => {
 *   const account = await uow.account.get(1);        // typed as the Prisma `Account` row
 *   account.balance = account.balance.plus(10);       // tracked; written at commit
 *   const poor = await uow.account.find({ where: { balance: { lt: 5 } } });
 *   uow.ledgerEntry.add({ fromId: 1, toId: 2, amount: 10 });
 *   uow.account.remove(poor[0]!);
 * });
 * ```
 */
export class Repository<M extends ModelMap, N extends keyof M & string, E extends object = Entity<M, N>> {
  /** @internal */
  constructor(
    private readonly host: RepositoryHost,
    private readonly info: ModelInfo,
  ) {}

  /** The model's name, e.g. `Account`. */
  get model(): N {
    return this.info.name as N;
  }

  /**
   * The object with this primary key: from the unit if it is already there, else loaded.
   * Throws `EntityNotFoundError` when no row has the key. With `{ lock: 'update' }` (PostgreSQL,
   * interactive units) the row is read and locked in one statement and stays locked until the
   * commit. To lock several rows, lock them in one {@link Repository.getMany} call: rows locked
   * one `get` at a time are locked in the order of the calls, and two units doing that in
   * opposite orders deadlock.
   */
  get(key: KeyInput<M[N]>, options?: LoadOptions<keyof M[N]['refs'] & string>): Promise<E> {
    return this.host.get(this.info, key, options) as Promise<E>;
  }

  /**
   * The objects with these primary keys, in the order of `keys` (a key given twice gives the
   * same object twice). Objects already in the unit come from it; the others are loaded in ONE
   * query. Throws `EntityNotFoundError` naming every key that has no row (`error.keys`).
   *
   * With `{ lock: 'update' }` (PostgreSQL, interactive units), every row is read and locked in
   * ONE statement, in primary-key order whatever the order of `keys`: units locking overlapping
   * rows this way wait for each other and never deadlock.
   *
   * With `{ preload: ['owner'] }` the rows the objects reference through those relations are
   * read into the unit too, in the same statement on PostgreSQL and SQLite (see
   * {@link LoadOptions.preload}): a later `get` of them sends nothing.
   *
   * @example
   * ```ts
   * await units.run(async (uow) => {
   *   const [from, to] = await uow.account.getMany([fromId, toId], { lock: 'update' });
   *   from.balance = from.balance.minus(amount);
   *   to.balance = to.balance.plus(amount);
   * }, { interactive: true, retry: 5 });
   * ```
   */
  getMany(keys: readonly KeyInput<M[N]>[], options?: LoadOptions<keyof M[N]['refs'] & string>): Promise<E[]> {
    return this.host.getMany(this.info, keys, options) as Promise<E[]>;
  }

  /**
   * Rows matching Prisma `findMany` arguments, as this unit sees them. Rows already in the unit
   * come back as the same objects, with their in-memory changes (the database values never
   * overwrite them).
   *
   * The unit's own pending changes are seen. In optimistic units (the default) nothing is
   * written for that: rows added in the unit that match are returned, removed rows are not, and
   * rows changed in the unit are matched and ordered on their in-memory values; the database
   * answers for the other rows (with `take` widened by `skip`), and `orderBy`, `skip` and `take`
   * apply to the merged rows. Filters the in-memory evaluator does not answer (relation filters,
   * full-text search, Json paths, `cursor`, `distinct`) throw a `QueryNotEvaluableError`
   * while the unit has pending changes (none: the database answers them as usual). In units run
   * with `{ interactive: true }` the query flushes the pending changes that could affect it
   * first (`autoflush`), so the database answers every filter.
   *
   * With `{ lock: 'update' }` (PostgreSQL, interactive units) the matches are then read again
   * and locked in one statement, in key order (a row deleted in between is left out). A query
   * that selects by primary key only (`where: { id: { in: [1, 2] } }`, `{ id: 1 }`; ordered by
   * that key or not) skips the first read: its rows are locked and read in ONE statement, as
   * `getMany(keys, { lock: 'update' })` does.
   *
   * @example
   * ```ts
   * await units.run(async (uow) => {
   *   const account = uow.account.add({ ownerId: 1, balance: 10 });
   *   const mine = await uow.account.find({ where: { ownerId: 1 } }); // includes `account`
   * });
   * ```
   */
  find(args?: FindArgs<M[N]>, options?: ReadOptions): Promise<E[]> {
    return this.host.find(this.info, args, false, options) as Promise<E[]>;
  }

  /** The first row matching the arguments, or `null`. */
  async findFirst(args?: FindArgs<M[N]>, options?: ReadOptions): Promise<E | null> {
    const rows = (await this.host.find(this.info, args, true, options)) as E[];
    return rows[0] ?? null;
  }

  /**
   * Adds a new row; it is inserted at commit. Returns the tracked object: fields the database
   * generates (ids, defaults) appear on it after the commit. Relations can be given as objects
   * of this unit (`{ owner: user }`), also when those are new themselves.
   *
   * The key of a row removed in this unit may be added again: the new object replaces the
   * removed one (`get(key)` returns it), and the commit deletes the old row before inserting
   * the new one. Any other key already in the unit is a `UsageError` (`ALREADY_TRACKED`).
   *
   * @example
   * ```ts
   * uow.membership.remove(await uow.membership.get({ groupId: 1, userName: 'ann' }));
   * uow.membership.add({ groupId: 1, userName: 'ann', role: 'admin' }); // replaces the row
   * ```
   */
  add(data: AddInput<M, N>): E {
    return this.host.add(this.info, data) as E;
  }

  /**
   * The object for the row with this key, WITHOUT reading it: the tracked object when the unit
   * has it, else a reference that knows only its primary key. A reference can be linked to
   * (`add({ from: ref, ... })`, `entry.to = ref`) and passed to {@link Repository.remove}; its
   * other fields throw a `UsageError` (`NOT_LOADED`) until a `get`/`find` of the row loads them
   * into the same object. The commit checks what it must: a linked row that does not exist
   * fails the foreign key (`DatabaseError`), a removed reference whose row is already gone is a
   * `ConcurrencyConflictError`, as for loaded rows (the delete is checked by existence, not by
   * version: the unit never saw one).
   *
   * @example
   * ```ts
   * await units.run((uow) => {
   *   uow.ledgerEntry.add({ from: uow.account.ref(7), to: uow.account.ref(8), amount: 10 }); // no SELECT
   *   uow.order.remove(uow.order.ref(9));                                                  // DELETE, no SELECT
   * });
   * ```
   */
  ref(key: KeyInput<M[N]>): E {
    return this.host.ref(this.info, key) as E;
  }

  /** Deletes the row at commit. The object must belong to this unit (loaded, added, or a {@link Repository.ref}). */
  remove(entity: E): void {
    this.host.remove(this.info, entity);
  }
}
