import type { FlushStrategyName } from '../flush/strategy.js';
import type { ChangeList } from './changes.js';
import type { UnitHooks } from './hooks.js';
import type { TransactionOptions } from './prisma-backend.js';
import type { RetryOptions } from './retry.js';
import type { Repository } from './repository.js';
import type { ClassMap, DelegateName, EntityOf, ModelMap } from './types.js';
import type { CommitPreview, UnitStatus } from './unit-of-work.js';

/**
 * The public shape of a unit of work and the options that open one.
 *
 * @module
 */

/** Factories of the application's own repositories, by the name they get on the unit. */
export type RepositoryFactories<M extends ModelMap, C extends ClassMap<M> = {}> = Record<string, (uow: UnitOfWork<M, {}, C>) => unknown>;

/**
 * Any repository factories: what unit types accept. `createUnits` checks factories against the
 * unit they will receive ({@link RepositoryFactories}); types that only carry them do not need to.
 */
export type AnyRepositoryFactories = Record<string, (uow: never) => unknown>;

/** The `$`-members every unit has (named so they never clash with a model's repository). */
export interface UnitControls<M extends ModelMap = ModelMap> {
  /** `open`, `committing`, `committed` or `rolled back`. */
  readonly $status: UnitStatus;
  /**
   * Writes every change in one transaction and ends the unit. `run` calls it for you. In an
   * interactive unit the changes are written into the unit's transaction and the unit stays
   * `committing` until `run` has committed that transaction.
   */
  $commit(): Promise<void>;
  /** Drops every change and ends the unit. `run` calls it when its function throws. */
  $rollback(): Promise<void>;
  /**
   * What a commit would write now (per row: inserts, updates with old → new values, deletes)
   * and the statements it would send, without sending anything. The unit stays open.
   */
  $preview(): CommitPreview<M>;
  /**
   * Writes the pending changes now, into the unit's transaction, and keeps tracking: the commit
   * then writes only what changed since. Only in units run with `{ interactive: true }` (else a
   * `UsageError`). Conflicts are detected as at commit; if the unit fails later, nothing of it
   * is written (the transaction rolls back) and objects show their loaded values again.
   * `$beforeFlush` hooks run for each flush; `$afterCommit` hooks get everything written.
   *
   * @example
   * ```ts
   * await units.run(async (uow) => {
   *   uow.shape.remove(await uow.shape.get(oldId)); // holds the unique slug 'home'
   *   await uow.$flush();                           // DELETE now, inside the transaction
   *   uow.shape.add({ ...data, slug: 'home' });     // INSERT at commit: the slug is free
   * }, { interactive: true });
   * ```
   */
  $flush(): Promise<void>;
  /**
   * Makes the commit check a row this unit only read: inside the commit transaction, the row
   * must still have the version (or, for unversioned models, every value) it was read with,
   * else the commit is a `ConcurrencyConflictError` (retryable, like any conflict). Rows are
   * read back in ONE statement per model (PostgreSQL: `FOR SHARE`, so a writer racing the commit
   * waits for it or is seen). This catches write skew: a transfer that reads `user.frozen`
   * without writing the user fails if the user was frozen since. A row the commit also updates
   * or deletes is checked by that write instead.
   *
   * @example
   * ```ts
   * await units.run(async (uow) => {
   *   const user = await uow.user.get(userId);
   *   if (user.frozen) throw new Error('frozen');
   *   uow.$check(user); // the decision stands only if the user is unchanged at commit
   *   const account = await uow.account.get(accountId);
   *   account.balance = account.balance.minus(10);
   * }, { retry: 5 });
   * ```
   */
  $check(entity: object): void;
  /** Runs `hook` with the changes before anything is written; a throw aborts the commit. */
  $beforeFlush(hook: (changes: ChangeList<M>) => void | Promise<void>): void;
  /** Runs `hook` with what was written, once the transaction has committed (never after a rollback). */
  $afterCommit(hook: (changes: ChangeList<M>) => void | Promise<void>): void;
  /** Runs `hook` when the unit ends without writing, with the error that ended it. */
  $afterRollback(hook: (error: unknown) => void | Promise<void>): void;
}

/**
 * A unit of work: one repository per model (`uow.account`, `uow.ledgerEntry`), the application's
 * own repositories, and {@link UnitControls}.
 */
export type UnitOfWork<M extends ModelMap, R extends AnyRepositoryFactories = {}, C extends ClassMap<M> = {}> = {
  readonly [N in keyof M & string as DelegateName<N>]: N extends keyof C ? Repository<M, N, EntityOf<M, N, C>> : Repository<M, N>;
} & { readonly [K in keyof R]: ReturnType<R[K]> } & UnitControls<M>;

/** Per-unit options of `units.run` and `units.begin`. */
export interface UnitOptions {
  readonly strategy?: FlushStrategyName;
  readonly transaction?: TransactionOptions;
  /**
   * PostgreSQL, `bulk`: commit a unit whose writes do not depend on each other (inserts and
   * updates; no key generated by one write used by another; no deletes) as ONE statement of
   * data-modifying CTEs, atomic without BEGIN/COMMIT: one round trip instead of 2 + one per step
   * (bench/results/commit-options.md). The same checks, bounds and lock order; when a row is not
   * written, nothing is, and the unit is committed again in a transaction, which reports the rows.
   * A connection lost while that statement runs leaves the outcome unknown
   * (`CommitOutcomeUnknownError`, never retried). Other units use the transaction. Default false.
   */
  readonly oneStatement?: boolean;
  /**
   * Check at commit every row the unit read (as {@link UnitControls.$check} does for one): the
   * unit commits only if nothing it read changed since, which gives it serializable behaviour
   * for the rows it touched without `SERIALIZABLE` isolation. Costs one read per model of the
   * rows read, inside the commit (see the checkReads benchmark). Units that write nothing skip it.
   */
  readonly checkReads?: boolean;
}

/** Options of `units.run`. */
export interface RunOptions extends UnitOptions {
  /**
   * Run `fn` again, in a fresh unit, when the unit loses a race (conflict, serialization
   * failure, deadlock, SQLite busy) or hits a failure that wrote nothing (a read that lost its
   * connection, a commit that timed out or lost its connection before `COMMIT`): see
   * `isRetryableError`. A unit that committed or may have committed never runs again. A number
   * is the total attempts. Off unless given: `fn` must then have no effects outside the unit
   * (use `$afterCommit` for those).
   */
  readonly retry?: RetryOptions | number;
  /**
   * Run the whole unit (its reads, its locks and its commit) inside one interactive
   * transaction, so `get`, `getMany` and `find` with `{ lock: 'update' }` can hold row locks
   * until the commit (lock several rows in ONE call: `getMany` locks them in key order). The
   * transaction timeout bounds the whole unit. Keep such units short: they hold a connection
   * and locks throughout. Default `false`: reads happen outside, the commit is one short
   * transaction.
   */
  readonly interactive?: boolean;
  /**
   * Interactive units: a `find`/`findFirst` first flushes ({@link UnitControls.$flush}) the
   * pending changes that could affect it (changes of the queried model; any change when the
   * query has a filter the in-memory evaluator does not answer, such as a relation filter), so
   * the database answers with the unit's own writes. Default `true`; with `false` such queries
   * see pending changes as optimistic units do (merged in memory). Ignored by optimistic units.
   */
  readonly autoflush?: boolean;
}

/** Hooks given to a factory run for every unit it opens. */
export type FactoryHooks<M extends ModelMap> = UnitHooks<M>;
