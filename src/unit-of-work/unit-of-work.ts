import { EntityNotFoundError, UnitClosedError, UsageError, describeRow } from '../errors.js';
import type { CommitOrder } from '../flush/commit-order.js';
import { planFlush } from '../flush/planner.js';
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
import { Repository, type RepositoryHost } from './repository.js';
import type { ModelMap } from './types.js';

/** Every tracked object of every unit → its state (objects carry no hidden fields). */
const states = new WeakMap<object, EntityState>();

/** Options of reads through a repository. */
export interface ReadOptions {
  /**
   * `'update'`: lock the rows (`SELECT ... FOR UPDATE`, in primary-key order) until the unit
   * commits. PostgreSQL, in a unit run with `{ interactive: true }`.
   */
  readonly lock?: 'update';
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
    if (existing) return existing.status === 'removed' || this.replacing.has(existing) ? undefined : existing;
    const state = new EntityState(info, this, row, 'managed', identity);
    states.set(state.proxy, state);
    this.identity.add(state);
    return state;
  }

  /** The backend's row lock, or a usage error saying how to get one. */
  private locker(info: ModelInfo): NonNullable<UnitBackend['lock']> {
    const lock = this.parts.backend.lock;
    if (!lock) {
      throw new UsageError(
        'INVALID_ARGUMENT',
        `${info.name}: locking reads need PostgreSQL and a unit run with { interactive: true } (the lock must be held until the commit).`,
        { model: info.name },
      );
    }
    return lock.bind(this.parts.backend);
  }

  async get(info: ModelInfo, key: unknown, options: ReadOptions = {}): Promise<object> {
    this.assertOpen(`get ${info.name}`);
    const where = keyToWhere(info.meta, key, info.provider);
    const identity = identityOf(info.meta, where);
    const known = identity === undefined ? undefined : this.identity.get(info.name, identity);
    if (options.lock) await this.locker(info)(info.meta, [where]);
    if (known) {
      if (known.status === 'removed') throw new EntityNotFoundError(info.name, key, 'it was removed in this unit');
      return known.proxy;
    }
    const rows = await this.parts.backend.findMany(info.meta, { where, take: 1 });
    this.assertOpen(`get ${info.name}`);
    const row = rows[0];
    const state = row ? this.track(info, row) : undefined;
    if (!state) throw new EntityNotFoundError(info.name, key);
    return state.proxy;
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
    let rows = await this.parts.backend.findMany(info.meta, query);
    if (options.lock && rows.length > 0) {
      // Lock what matched, in key order, then read it again: the values are current under the lock.
      const keys = rows.map((row) => Object.fromEntries(info.primaryKey.map((k) => [k, row[k]])));
      await this.locker(info)(info.meta, keys);
      const fresh = await this.parts.backend.findMany(info.meta, { where: { OR: keys } });
      const byIdentity = new Map(fresh.map((row) => [identityOf(info.meta, row), row]));
      rows = rows.map((row) => byIdentity.get(identityOf(info.meta, row))).filter((row): row is Row => row !== undefined);
    }
    this.assertOpen(`query ${info.name}`);
    const out: object[] = [];
    for (const row of rows) {
      const state = this.track(info, row);
      if (state) out.push(state.proxy);
    }
    return out;
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

  private tracked() {
    return { added: this.added, dirty: this.dirty, removed: this.removed };
  }

  /** What a commit would write now, and the statements it would send; the unit stays open. */
  preview(): CommitPreview {
    this.assertOpen('preview a commit');
    const { changes } = computeChangeSet(this.tracked(), { peek: true });
    const schema = this.parts.backend.schema;
    const plan = planFlush(schema, this.parts.order, changes);
    const strategy = this.parts.backend.strategy;
    const statements = strategy ? plan.steps.flatMap((step) => strategy.describe(step, schema.models[step.model]!)) : [];
    return { changes: describeChanges(schema, changes), statements, plan };
  }

  /** Writes every change in one transaction, then ends the unit and runs the after-commit hooks. */
  async commit(): Promise<void> {
    this.assertOpen('commit');
    this.state = 'committing';
    const schema = this.parts.backend.schema;
    let written: ChangeList<ModelMap>;
    try {
      const { changes, finals } = computeChangeSet(this.tracked());
      if (this.hooks.has('beforeFlush')) await this.hooks.beforeFlush(describeChanges(schema, changes));
      let inserted: ReadonlyMap<number, Row> = new Map();
      if (!isEmptyChangeSet(changes)) {
        inserted = (await this.parts.backend.commit(planFlush(schema, this.parts.order, changes))).inserted;
      }
      this.applyCommitted(finals, inserted);
      this.state = 'committed';
      written = this.hooks.has('afterCommit') ? describeChanges(schema, changes, inserted) : [];
    } catch (error) {
      await this.end(error);
      throw error;
    }
    if (written.length === 0 && !this.hooks.has('afterCommit')) return;
    const failure = await this.hooks.afterCommit(written);
    if (failure) throw failure;
  }

  /** After a commit: snapshots take the committed values (generated keys, new versions, links). */
  private applyCommitted(finals: FinalValues, inserted: ReadonlyMap<number, Row>): void {
    const { states, values, updated } = finals;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const stored = inserted.get(state.id);
      let next: Row = stored ? { ...values[i], ...stored } : values[i]!;
      const versionField = state.info.versionField;
      if (!stored && versionField !== undefined && updated[i]) {
        if (Object.isFrozen(next)) next = { ...next };
        next[versionField] = (next[versionField] as number) + 1;
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
    for (const state of this.dirty) state.discard();
    this.state = 'rolled back';
    this.rollbackReason = reason;
    const failure = await this.hooks.afterRollback(reason);
    if (failure) throw failure;
  }
}
