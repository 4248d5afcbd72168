import { AfterCommitError, EntityNotFoundError, UnitClosedError, UsageError, describeRow } from '../errors.js';
import type { CommitOrder } from '../flush/commit-order.js';
import { planFlush } from '../flush/planner.js';
import { checkReferencesByExistence } from '../flush/reference-deletes.js';
import type { ModelInfo, SchemaInfo } from '../metadata/model-info.js';
import type { FlushPlan } from '../flush/plan.js';
import { computeChangeSet, isEmptyChangeSet, type ChangeSet, type FinalValues } from '../tracking/change-set.js';
import { EntityState, sealSnapshot, type EntityHost, type Row } from '../tracking/entity.js';
import { IdentityMap } from '../tracking/identity-map.js';
import { identityOf, keyToWhere, keyValueOf } from '../tracking/keys.js';
import type { UnitBackend } from './backend.js';
import { describeChanges, type ChangeList } from './changes.js';
import { HookSet } from './hooks.js';
import { newRow } from './new-row.js';
import { keysOfQuery, keysQuery, readName } from './read-keys.js';
import { preloadMissing, preloadRelations, type PreloadHost } from './preload.js';
import { hasPendingChanges, mergeRows, notEvaluable, pendingNotEvaluable, pendingRows, storedQuery, type Candidate } from './pending-reads.js';
import { readChecksOf } from './read-check-rows.js';
import { foldReadChecks, type ReadCheck } from '../flush/read-checks.js';
import { Repository, type RepositoryHost } from './repository.js';
import type { ModelMap } from './types.js';

/** Every tracked object of every unit → its state (objects carry no hidden fields). */
const states = new WeakMap<object, EntityState>();

/** Options of reads through a repository. */
export interface ReadOptions {
  /**
   * `'update'`: lock the rows until the unit commits (`SELECT ... FOR NO KEY UPDATE`, in
   * primary-key order, in one statement per call). PostgreSQL, in a unit run with
   * `{ interactive: true }`. To lock several rows without risking a deadlock with units locking
   * the same rows in another order, lock them in ONE call (`getMany`, or `find`).
   */
  readonly lock?: 'update';
}

/**
 * Options of `get` and `getMany`: {@link ReadOptions}, and relations to preload.
 *
 * @typeParam R - the model's to-one relations whose foreign key is on it (`'owner'` for `Account`).
 */
export interface LoadOptions<R extends string = string> extends ReadOptions {
  /**
   * To-one relations whose rows are read into the unit with the objects (`['owner']`): in the
   * same statement on PostgreSQL and SQLite (one `LEFT JOIN` each), in one more read per
   * relation on MariaDB and for objects the unit already tracked. A later `get` of those rows
   * is answered from the unit, without a statement. With `lock` the objects' rows are locked
   * and the related rows read, not locked: in one statement on PostgreSQL
   * (`FOR NO KEY UPDATE OF` the model's table), the locking read and one read per relation on
   * MariaDB and in the in-memory store.
   *
   * @example
   * ```ts
   * const [from, to] = await uow.account.getMany([1, 2], { preload: ['owner'] }); // one SELECT
   * const owner = await uow.user.get(from.ownerId);                                // none
   * // interactive unit: both accounts locked, their owners read, in one SELECT on PostgreSQL
   * const locked = await uow.account.getMany([1, 2], { lock: 'update', preload: ['owner'] });
   * ```
   */
  readonly preload?: readonly R[];
}

/** How a unit ended, or that it is still open. */
export type UnitStatus = 'open' | 'committing' | 'committed' | 'rolled back';

/** @internal */
export interface UnitParts {
  readonly backend: UnitBackend;
  readonly models: SchemaInfo;
  readonly order: CommitOrder;
  /** The factory's hooks (the unit adds its own). */
  readonly hooks: HookSet<ModelMap>;
  /**
   * The backend writes into a transaction that commits after the unit's commit returns
   * (interactive units): the unit is committed when its runner calls `transactionCommitted()`.
   */
  readonly deferred?: boolean;
  /** Interactive units: queries flush pending changes that could affect them first (default `true`). */
  readonly autoflush?: boolean;
  /** Check at commit every row the unit read (as if `$check` was called on each). */
  readonly checkReads?: boolean;
}

/** A commit that was written; its transaction may still be open (interactive units). */
interface Flushed {
  readonly changes: ChangeSet;
  readonly finals: FinalValues;
  readonly inserted: ReadonlyMap<number, Row>;
  /** Delta fields as stored by the commit (`col + Δ`, read back), by entity id. */
  readonly updated?: ReadonlyMap<number, Row> | undefined;
}

/** The value after `version` (a version field is an `Int` or a `BigInt`). */
function nextVersion(version: unknown): unknown {
  return typeof version === 'bigint' ? version + 1n : (version as number) + 1;
}

/** What a commit would do, computed without sending anything. */
export interface CommitPreview<M extends ModelMap = ModelMap> {
  /** Per row: inserts with their values, updates with old → new values, deletes. */
  readonly changes: ChangeList<M>;
  /** The statements the commit would send, in order (SQL text, or Prisma calls). */
  readonly statements: readonly string[];
  /** The plan behind the statements. */
  readonly plan: FlushPlan;
}

/**
 * The unit-of-work machinery behind `uow`: identity map, tracked objects, commit and rollback.
 * Users reach it through repositories (`uow.account`) and the `$`-methods of the unit.
 *
 * @internal
 */
export class UnitOfWorkCore implements EntityHost, RepositoryHost {
  private readonly identity = new IdentityMap();
  private readonly added: EntityState[] = [];
  private readonly dirty = new Set<EntityState>();
  private readonly removed = new Set<EntityState>();
  /** New objects added with the key of a removed row (which they replace) → that removed row. */
  private readonly replacing = new Map<EntityState, EntityState>();
  private state: UnitStatus = 'open';
  /** A commit written to an open transaction, waiting for it to commit (interactive units). */
  private pending: Flushed | undefined = undefined;
  /** Objects given to `$check`: their rows must be unchanged at commit. */
  private readonly checked = new Set<EntityState>();
  /** What earlier `$flush()` calls wrote (for the after-commit hooks). */
  private readonly flushed: ChangeList<ModelMap>[] = [];
  /** Tracked objects as they were before the first `$flush()` wrote them: a rollback restores them. */
  private readonly beforeFlush = new Map<EntityState, { base: Row; status: EntityState['status']; identity: string | undefined }>();
  /** Why the unit was rolled back, when an error (not `$rollback()`) ended it. */
  rollbackReason: unknown = undefined;
  /** The factory's hooks, then the unit's own (`$beforeFlush`, ...), in registration order. */
  readonly hooks: HookSet<ModelMap>;

  constructor(private readonly parts: UnitParts) {
    this.hooks = parts.hooks.copy();
  }

  get status(): UnitStatus {
    return this.state;
  }

  get endedBy(): 'commit' | 'rollback' | undefined {
    if (this.state === 'open') return undefined;
    return this.state === 'rolled back' ? 'rollback' : 'commit';
  }

  /** Number of objects the unit tracks. */
  get size(): number {
    return this.identity.size;
  }

  markDirty(state: EntityState): void {
    this.dirty.add(state);
  }

  stateOf(value: unknown): EntityState | undefined {
    if (value === null || typeof value !== 'object') return undefined;
    const state = states.get(value);
    return state && state.host === this ? state : undefined;
  }

  repository(name: string): Repository<never, never> {
    const info = this.parts.models.get(name);
    if (!info) throw new UsageError('INVALID_ARGUMENT', `The schema has no model '${name}'.`, { model: name });
    return new Repository(this, info);
  }

  private assertOpen(action: string): void {
    if (this.state !== 'open') {
      throw new UnitClosedError(`Cannot ${action}: the unit of work has ${this.state === 'committing' ? 'started committing' : `ended (${this.state})`}. Start a new unit.`);
    }
  }

  private track(info: ModelInfo, row: Row): EntityState | undefined {
    const identity = identityOf(info.meta, row);
    const existing = identity === undefined ? undefined : this.identity.get(info.name, identity);
    // A removed row, or the new object replacing it: the stored row is the removed one.
    if (existing) {
      if (existing.status === 'removed' || this.replacing.has(existing)) return undefined;
      if (existing.reference) {
        // A reference read at last: the row fills its snapshot.
        existing.base = sealSnapshot(info, row);
        existing.reference = false;
      }
      return existing;
    }
    const state = new EntityState(info, this, row, 'managed', identity);
    states.set(state.proxy, state);
    this.identity.add(state);
    return state;
  }

  /** The backend's locking read, or a usage error saying how to get one. */
  private locker(info: ModelInfo): NonNullable<UnitBackend['lockRows']> {
    const lockRows = this.parts.backend.lockRows;
    if (!lockRows) {
      throw new UsageError(
        'INVALID_ARGUMENT',
        `${info.name}: locking reads need PostgreSQL or MariaDB and a unit run with { interactive: true } (the lock must be held until the commit).`,
        { model: info.name },
      );
    }
    return lockRows.bind(this.parts.backend);
  }

  async get(info: ModelInfo, key: unknown, options: LoadOptions = {}): Promise<object> {
    const [entity] = await this.load(info, [key], options, `get ${info.name}`);
    return entity!;
  }

  async getMany(info: ModelInfo, keys: readonly unknown[], options: LoadOptions = {}): Promise<object[]> {
    if (!Array.isArray(keys)) {
      throw new UsageError('INVALID_ARGUMENT', `${info.name}.getMany() takes an array of primary keys, got ${typeof keys}.`, { model: info.name });
    }
    return this.load(info, keys, options, `getMany ${info.name}`);
  }

  /**
   * The objects with these keys, in the order of `keys`: from the identity map when tracked,
   * the others loaded in ONE read. With a lock, every key is read and locked in ONE statement, in
   * key order (tracked objects keep their in-memory values).
   */
  private async load(info: ModelInfo, keys: readonly unknown[], options: LoadOptions, action: string): Promise<object[]> {
    this.assertOpen(action);
    const preload = preloadRelations(info, options.preload);
    const wheres = keys.map((key) => keyToWhere(info.meta, key, info.provider));
    const identities = wheres.map((where) => identityOf(info.meta, where)!);
    const wanted = new Map<string, Row>();
    for (let i = 0; i < wheres.length; i++) {
      const state = this.identity.get(info.name, identities[i]!);
      if (options.lock || !state || (state.reference && state.status !== 'removed')) wanted.set(identities[i]!, wheres[i]!);
    }
    let rows: Row[] = [];
    let related: Row[][] = [];
    const joined = preload.length > 0 ? this.parts.backend.findManyJoined : undefined;
    const lockJoined = preload.length > 0 ? this.parts.backend.lockRowsJoined : undefined;
    if (options.lock && lockJoined) ({ rows, related } = await lockJoined.call(this.parts.backend, info.meta, [...wanted.values()], preload));
    else if (options.lock) rows = await this.locker(info)(info.meta, [...wanted.values()]);
    else if (wanted.size > 0 && joined) ({ rows, related } = await joined.call(this.parts.backend, info.meta, [...wanted.values()], preload, readName(info, keys, action)));
    else if (wanted.size > 0) rows = await this.parts.backend.findMany(info.meta, keysQuery(info, [...wanted.values()]), readName(info, keys, action));
    this.assertOpen(action);
    for (const row of rows) this.track(info, row);
    related.forEach((list, i) => {
      const target = this.parts.models.get(preload[i]!.target)!;
      for (const row of list) this.track(target, row);
    });
    const out: object[] = [];
    const missing = new Map<string, unknown>();
    keys.forEach((key, i) => {
      const state = this.identity.get(info.name, identities[i]!);
      if (state?.status === 'removed') throw new EntityNotFoundError(info.name, key, 'it was removed in this unit');
      if (state) out.push(state.proxy);
      else if (!missing.has(identities[i]!)) missing.set(identities[i]!, key);
    });
    if (missing.size > 0) throw new EntityNotFoundError(info.name, [...missing.values()][0], undefined, [...missing.values()]);
    if (preload.length > 0) await preloadMissing(this.preloadHost(), preload, out as Row[], readName(info, keys, action));
    return out;
  }

  /** How {@link preloadMissing} reads into this unit. */
  private preloadHost(): PreloadHost {
    return {
      model: (name) => this.parts.models.get(name)!,
      tracks: (info, where) => this.identity.get(info.name, identityOf(info.meta, where)!) !== undefined,
      read: async (info, query, what) => {
        const rows = await this.parts.backend.findMany(info.meta, query, what);
        this.assertOpen(what);
        for (const row of rows) this.track(info, row);
      },
    };
  }

  async find(info: ModelInfo, args: object | undefined, first: boolean, options: ReadOptions = {}): Promise<object[]> {
    this.assertOpen(`query ${info.name}`);
    const query: Row = { ...(args as Row | undefined) };
    for (const forbidden of ['select', 'include', 'omit']) {
      if (query[forbidden] !== undefined) {
        throw new UsageError('INVALID_ARGUMENT', `${info.name}.find does not take '${forbidden}': tracked objects are whole rows. Use the Prisma client directly for partial reads.`, { model: info.name });
      }
    }
    if (first) query['take'] = 1;
    const what = first ? 'findFirst' : 'find';
    let pending = pendingRows(info, this.tracked());
    if (pending || hasPendingChanges(this.tracked())) {
      const error = notEvaluable(info, query);
      if (this.parts.deferred && this.parts.autoflush !== false && (pending || error)) {
        // Interactive unit: write what the query could see, then let the database answer.
        await this.flushPending();
        pending = undefined;
      } else if (error) throw pendingNotEvaluable(info, error);
    }
    if (!pending) {
      const out: object[] = [];
      for (const row of await this.readStored(info, query, what, options)) {
        const state = this.track(info, row);
        if (state) out.push(state.proxy);
      }
      return out;
    }
    const rows = await this.readStored(info, storedQuery(info, query, pending.hidden), what, options);
    const stored: Candidate[] = [];
    for (const row of rows) {
      const state = this.track(info, row);
      // A new object holding the key of a stored row it does not replace is a pending row (it comes from `live`).
      if (state && state.status === 'managed') stored.push({ values: state.current(), state });
    }
    return mergeRows(info, query, stored, pending.live).map((state) => state.proxy);
  }

  /** Rows matching `query` in the database (locked and read again with `{ lock: 'update' }`). */
  private async readStored(info: ModelInfo, query: Row, what: string, options: ReadOptions): Promise<Row[]> {
    const lockRows = options.lock ? this.locker(info) : undefined;
    const byKeys = lockRows && keysOfQuery(info, query);
    if (lockRows && byKeys) {
      // Selected by primary key: locked and read in ONE statement, in key order.
      const locked = await lockRows(info.meta, byKeys.keys);
      this.assertOpen(`query ${info.name}`);
      if (byKeys.descending) locked.reverse();
      return byKeys.take === undefined ? locked : locked.slice(0, byKeys.take);
    }
    let rows = await this.parts.backend.findMany(info.meta, query, what);
    if (lockRows && rows.length > 0) {
      // Lock what matched, in key order, reading it again in the same statement: the values are current under the lock.
      const fresh = await lockRows(info.meta, rows.map((row) => Object.fromEntries(info.primaryKey.map((k) => [k, row[k]]))));
      const byIdentity = new Map(fresh.map((row) => [identityOf(info.meta, row), row]));
      rows = rows.map((row) => byIdentity.get(identityOf(info.meta, row))).filter((row): row is Row => row !== undefined);
    }
    this.assertOpen(`query ${info.name}`);
    return rows;
  }

  /**
   * The object for the row with this key without loading it: the tracked object when the unit
   * has it, else a reference that knows only its key (assignable to relations, removable).
   */
  ref(info: ModelInfo, key: unknown): object {
    this.assertOpen(`reference a ${info.name}`);
    const where = keyToWhere(info.meta, key, info.provider);
    const identity = identityOf(info.meta, where)!;
    const existing = this.identity.get(info.name, identity);
    if (existing?.status === 'removed') throw new EntityNotFoundError(info.name, key, 'it was removed in this unit');
    if (existing) return existing.proxy;
    const state = new EntityState(info, this, Object.freeze({ ...where }), 'managed', identity);
    state.reference = true;
    states.set(state.proxy, state);
    this.identity.add(state);
    return state.proxy;
  }

  add(info: ModelInfo, data: object): object {
    this.assertOpen(`add a ${info.name}`);
    const already = data !== null && typeof data === 'object' ? states.get(data) : undefined;
    if (already) {
      const where = already.host === this ? 'in this unit' : 'in another unit of work';
      throw new UsageError(already.host === this ? 'ALREADY_TRACKED' : 'OTHER_UNIT', `${already.describe()} is already tracked ${where}; add() takes plain data for a new row.`, { model: already.info.name, key: already.key });
    }
    const { base, refs } = newRow(info, data, (value) => this.stateOf(value));
    const identity = identityOf(info.meta, base);
    const holder = identity === undefined ? undefined : this.identity.get(info.name, identity);
    if (holder && holder.status !== 'removed') {
      const key = keyValueOf(info.meta, base);
      const what = holder.status === 'new' ? 'was already added in this unit' : 'is loaded in this unit; change that object instead, or remove it first';
      throw new UsageError('ALREADY_TRACKED', `${describeRow(info.name, key)} ${what}: a primary key can be in a unit once.`, { model: info.name, key });
    }
    const state = new EntityState(info, this, Object.freeze(base), 'new', identity);
    // The key of a row removed in this unit: the new object replaces it (deleted, then inserted).
    if (holder) this.replacing.set(state, holder);
    if (refs.size > 0) state.refs = refs;
    states.set(state.proxy, state);
    this.identity.add(state);
    this.added.push(state);
    return state.proxy;
  }

  /**
   * `$check(entity)`: at commit, the row must still have the version (or, unversioned, the
   * values) it was read with, else the commit is a `ConcurrencyConflictError`.
   */
  check(entity: object): void {
    this.assertOpen('check a row');
    const state = entity !== null && typeof entity === 'object' ? states.get(entity) : undefined;
    if (!state) throw new UsageError('NOT_TRACKED', '$check() takes an object loaded in this unit; got one it never loaded.');
    if (state.host !== this) throw new UsageError('OTHER_UNIT', `${state.describe()} belongs to another unit of work; load it in this unit to check it.`, { model: state.info.name, key: state.key });
    if (state.status !== 'managed' || state.reference) {
      const why = state.reference ? 'is a reference that was never read (load it with get())' : state.status === 'new' ? 'was added in this unit (there is nothing stored to check)' : 'was removed in this unit (its delete checks it)';
      throw new UsageError('INVALID_ARGUMENT', `${state.describe()} cannot be checked: it ${why}.`, { model: state.info.name, key: state.key });
    }
    this.checked.add(state);
  }

  remove(info: ModelInfo, entity: object): void {
    this.assertOpen(`remove a ${info.name}`);
    const state = entity !== null && typeof entity === 'object' ? states.get(entity) : undefined;
    if (!state) throw new UsageError('NOT_TRACKED', `${info.name}.remove() takes an object loaded or added in this unit; got one it never loaded.`, { model: info.name });
    if (state.host !== this) throw new UsageError('OTHER_UNIT', `${state.describe()} belongs to another unit of work; load it in this unit to remove it.`, { model: info.name, key: state.key });
    if (state.info !== info) throw new UsageError('WRONG_MODEL', `${info.name}.remove() got a ${state.info.name} object.`, { model: info.name, key: state.key });
    if (state.status === 'removed') return;
    if (state.status === 'new') {
      state.status = 'removed';
      this.identity.forget(state);
      this.added.splice(this.added.indexOf(state), 1);
      const replaced = this.replacing.get(state);
      if (replaced) {
        this.replacing.delete(state);
        this.identity.register(replaced);
      }
      return;
    }
    state.status = 'removed';
    this.removed.add(state);
  }

  /**
   * The plan of a commit and the read checks left to read: checks of rows the plan updates are
   * folded into their UPDATEs (`foldReadChecks`), so they cost no statement of their own.
   */
  private planWithChecks(changes: ChangeSet): { plan: FlushPlan; checks: readonly ReadCheck[] } {
    const plan = this.plan(changes);
    const checks = readChecksOf(this.parts.backend.schema, this.parts.checkReads ? this.identity.all : this.checked, changes);
    const folded = checks.length > 0 ? foldReadChecks(plan, this.parts.backend.schema, checks) : undefined;
    return folded ? { plan: folded, checks: [] } : { plan, checks };
  }

  /** The plan of a change set; removed references are checked by existence (they have no loaded version). */
  private plan(changes: ChangeSet): FlushPlan {
    const plan = planFlush(this.parts.backend.schema, this.parts.order, changes);
    const references = new Set<number>();
    for (const state of this.removed) if (state.reference) references.add(state.id);
    return checkReferencesByExistence(plan, references);
  }

  private tracked() {
    return { added: this.added, dirty: this.dirty, removed: this.removed };
  }

  /** What a commit would write now, and the statements it would send; the unit stays open. */
  preview(): CommitPreview {
    this.assertOpen('preview a commit');
    const { changes } = computeChangeSet(this.tracked(), { peek: true });
    const schema = this.parts.backend.schema;
    const { plan, checks } = this.planWithChecks(changes);
    const whole = this.parts.backend.describeCommit?.(plan, checks);
    if (whole) return { changes: describeChanges(schema, changes), statements: whole, plan };
    const strategy = this.parts.backend.strategy;
    // As sent: on PostgreSQL the first statement of the commit also identifies its transaction.
    const session = (first: boolean) => (schema.provider === 'postgresql' ? { budgetMs: 1, identify: first && !this.parts.backend.identified, beacon: '0' } : undefined);
    const statements = strategy ? plan.steps.flatMap((step, i) => strategy.describe(step, schema.models[step.model]!, session(i === 0))) : [];
    return { changes: describeChanges(schema, changes), statements, plan };
  }

  /**
   * Writes every change in one transaction, then ends the unit and runs the after-commit hooks.
   * In an interactive unit the transaction commits later: the unit stays `committing` until its
   * runner reports the transaction committed ({@link UnitOfWorkCore.transactionCommitted}).
   */
  async commit(): Promise<void> {
    const flushed = await this.flush();
    if (this.parts.deferred) this.pending = flushed;
    else await this.settle(flushed);
  }

  /**
   * Interactive units: writes the pending changes now, into the unit's transaction, and keeps
   * tracking. Snapshots advance to what was written (versions, generated keys), removed rows
   * leave the unit, and the commit writes only what changed since. Conflicts are detected as
   * at commit; any failure rolls the unit back (its transaction writes nothing).
   */
  async flushPending(): Promise<void> {
    this.assertOpen('flush');
    if (!this.parts.deferred) {
      throw new UsageError('INVALID_ARGUMENT', '$flush() writes into the unit\'s transaction: run the unit with { interactive: true } (optimistic units write everything in one short transaction at commit).');
    }
    if (!hasPendingChanges(this.tracked())) return;
    const schema = this.parts.backend.schema;
    try {
      const { changes, finals } = computeChangeSet(this.tracked());
      if (this.hooks.has('beforeFlush')) await this.hooks.beforeFlush(describeChanges(schema, changes));
      const { inserted, updated } = await this.parts.backend.commit(this.plan(changes));
      for (const state of [...finals.states, ...this.removed]) {
        if (!this.beforeFlush.has(state)) this.beforeFlush.set(state, { base: state.base, status: state.status, identity: state.identity });
      }
      this.applyCommitted(finals, inserted, updated);
      if (this.hooks.has('afterCommit')) this.flushed.push(describeChanges(schema, changes, inserted));
      for (const state of this.removed) {
        // The row is gone: a new object may take its key (the one replacing it already did).
        if (this.identity.get(state.info.name, state.identity!) === state) this.identity.forget(state);
      }
      this.removed.clear();
      this.replacing.clear();
      this.added.length = 0;
      this.dirty.clear();
      // Links stay on the objects: keep them where the next commit compares them.
      for (const state of finals.states) if (state.refs && state.status === 'managed') this.dirty.add(state);
    } catch (error) {
      await this.end(error);
      throw error;
    }
  }

  /** Interactive units: their transaction has committed, so the unit is committed now. */
  async transactionCommitted(): Promise<void> {
    const flushed = this.pending;
    this.pending = undefined;
    if (flushed) await this.settle(flushed);
  }

  /** Computes and writes the change set; on any failure the unit is rolled back. */
  private async flush(): Promise<Flushed> {
    this.assertOpen('commit');
    this.state = 'committing';
    const schema = this.parts.backend.schema;
    try {
      const { changes, finals } = computeChangeSet(this.tracked());
      if (this.hooks.has('beforeFlush')) await this.hooks.beforeFlush(describeChanges(schema, changes));
      let inserted: ReadonlyMap<number, Row> = new Map();
      let updated: ReadonlyMap<number, Row> | undefined;
      const { plan, checks } = this.planWithChecks(changes);
      // A unit that writes nothing checks only the rows given to $check (checkReads protects writes).
      if (!isEmptyChangeSet(changes) || (checks.length > 0 && this.checked.size > 0)) {
        ({ inserted, updated } = await this.parts.backend.commit(plan, checks));
      }
      return { changes, finals, inserted, updated };
    } catch (error) {
      await this.end(error);
      throw error;
    }
  }

  /**
   * The transaction committed: from here on the unit IS committed, whatever fails. A failure
   * while updating the objects is an {@link AfterCommitError}, a failing hook a `HookError`
   * (`committed: true`); neither rolls anything back.
   */
  private async settle({ changes, finals, inserted, updated }: Flushed): Promise<void> {
    this.state = 'committed';
    let failure: unknown;
    try {
      this.applyCommitted(finals, inserted, updated);
    } catch (error) {
      failure = error;
    }
    let hookFailure: unknown;
    if (this.hooks.has('afterCommit')) {
      let written: ChangeList<ModelMap> = [];
      try {
        written = [...this.flushed.flat(), ...describeChanges(this.parts.backend.schema, changes, inserted)];
      } catch (error) {
        failure ??= error;
      }
      hookFailure = await this.hooks.afterCommit(written);
    }
    if (failure !== undefined) throw new AfterCommitError(failure);
    if (hookFailure) throw hookFailure;
  }

  /**
   * After a commit: snapshots take the committed values (generated keys, new versions, links, and
   * delta fields as the database stored them: `col + Δ` of concurrent units included).
   */
  private applyCommitted(finals: FinalValues, inserted: ReadonlyMap<number, Row>, sums: ReadonlyMap<number, Row> | undefined): void {
    const { states, values, updated } = finals;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const stored = inserted.get(state.id);
      const sum = stored ? undefined : sums?.get(state.id);
      let next: Row = stored || sum ? { ...values[i], ...stored, ...sum } : values[i]!;
      const versionField = state.info.versionField;
      if (!stored && versionField !== undefined && updated[i]) {
        if (Object.isFrozen(next)) next = { ...next };
        next[versionField] = nextVersion(next[versionField]);
      }
      state.base = sealSnapshot(state.info, next);
      if (stored) {
        state.identity = identityOf(state.info.meta, state.base);
        this.identity.register(state);
        state.status = 'managed';
      }
    }
    for (const state of states) if (state.refs) this.applyLinks(state);
  }

  /** After a commit: foreign keys set through links (`child.parent = node`) take the linked keys. */
  private applyLinks(state: EntityState): void {
    const next: Row = { ...state.base };
    for (const [name, target] of state.refs!) {
      const relation = state.info.relations.get(name)!;
      relation.fields.forEach((fk, i) => (next[fk] = target.base[relation.references[i]!]));
    }
    state.base = Object.freeze(next);
  }

  /**
   * Drops every change and ends the unit; objects show the values they were loaded with. `reason`
   * is the error that ended the unit (none for an explicit `$rollback()`).
   */
  async rollback(reason?: unknown): Promise<void> {
    if (this.state === 'committed' || this.state === 'rolled back') return;
    await this.end(reason);
  }

  /** Ends the unit without writing and runs the after-rollback hooks. */
  private async end(reason: unknown): Promise<void> {
    this.pending = undefined;
    for (const state of this.dirty) state.discard();
    // Written by `$flush()` into a transaction that will not commit: back to the loaded values.
    for (const [state, before] of this.beforeFlush) {
      state.discard();
      state.base = before.base;
      state.status = before.status;
      state.identity = before.identity;
    }
    this.state = 'rolled back';
    this.rollbackReason = reason;
    const failure = await this.hooks.afterRollback(reason);
    if (failure) throw failure;
  }
}
