import { describeRow } from '../errors.js';
import type { SchemaMetadata } from '../metadata/types.js';
import { PendingKey, type ChangeSet, type InsertChange, type UpdateChange } from '../tracking/change-set.js';
import type { Row } from '../tracking/entity.js';
import { onlyDeltas } from '../tracking/delta.js';
import { tupleKey } from '../tracking/keys.js';
import type { CommitOrder } from './commit-order.js';
import { cyclicCuts, dependencies, type Dependency, type Operation } from './dependencies.js';
import type { DeleteStep, FlushPlan, FlushStep, InsertStep, RowCheck, UpdateRow, UpdateStep } from './plan.js';
import { schedule, type Emission } from './scheduler.js';

/**
 * The planner: a pure function from a change set to a flush plan. Inserts parents before
 * children (null-then-link for optional links, level by level for required self-relations),
 * updates grouped by the set of changed columns, deletes children first, and any write moved
 * before another when the rows need it (a unique value or key freed for another row, a tree of
 * removed rows). Rows are sorted by primary key inside every update and delete step.
 *
 * @module
 */

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const sa = a instanceof Date ? a.toISOString() : String(a);
  const sb = b instanceof Date ? b.toISOString() : String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Orders rows by primary key (field by field), the lock order every commit follows. */
export function compareKeys(pk: readonly string[], a: Readonly<Row>, b: Readonly<Row>): number {
  for (const name of pk) {
    const c = compareValues(a[name], b[name]);
    if (c !== 0) return c;
  }
  return 0;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  // An index loop: for...of allocated an iterator result per row here (1 MB at 10,000 rows).
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** One model's new rows, with the foreign keys that cannot be written yet set to null. */
interface PreparedInserts {
  rows: { entity: number; values: Row }[];
  /** Updates that set those foreign keys once every row is inserted. */
  links: UpdateChange[];
}

/** Whether a new row of `target` has `values` in `fields` (given keys, not generated ones). */
type NewRowLookup = (target: string, fields: readonly string[], values: readonly unknown[]) => boolean;

function newRowLookup(insertsByModel: ReadonlyMap<string, readonly InsertChange[]>): NewRowLookup {
  const indexes = new Map<string, Set<string>>();
  return (target, fields, values) => {
    const inserts = insertsByModel.get(target);
    const key = tupleKey(values);
    if (!inserts || key === undefined) return false;
    const id = `${target}\u0000${fields.join('\u0000')}`;
    let index = indexes.get(id);
    if (!index) {
      index = new Set();
      for (const insert of inserts) {
        const k = tupleKey(fields.map((f) => insert.values[f]));
        if (k !== undefined) index.add(k);
      }
      indexes.set(id, index);
    }
    return index.has(key);
  };
}

/**
 * Prepares one model's inserts: a foreign key to a new row over a relation cut to break a cycle
 * between models, or over an optional self-relation (a new tree), is inserted as null and set by
 * a link afterwards, so the model's rows go in one statement; this for generated keys (pending)
 * and given ones alike. Other references to new rows wait for those rows' inserts (see
 * `dependencies.ts`): a required self-relation inserts level by level.
 */
function prepareInserts(schema: SchemaMetadata, order: CommitOrder, model: string, inserts: readonly InsertChange[], isNew: NewRowLookup): PreparedInserts {
  const meta = schema.models[model]!;
  const links: UpdateChange[] = [];
  const sameModel = new Set(inserts.map((i) => i.entity));
  const linkable = meta.relations.filter((r) => order.deferred.has(`${model}.${r.name}`) || (r.target === model && r.isOptional));
  const rows = inserts.map((change) => {
    const values: Row = { ...change.values };
    const link: Row = {};
    for (const relation of linkable) {
      const deferred = order.deferred.has(`${model}.${relation.name}`);
      const given = relation.fields.map((fk) => values[fk]);
      if (!given.some((v) => v instanceof PendingKey)) {
        // Given keys of a new row (`parentId: 1` where Folder#1 is added too).
        if (isNew(relation.target, relation.references, given)) {
          for (const fk of relation.fields) {
            link[fk] = values[fk];
            values[fk] = null;
          }
        }
        continue;
      }
      for (const fk of relation.fields) {
        const value = values[fk];
        if (!(value instanceof PendingKey)) continue;
        if (deferred || sameModel.has(value.entity)) {
          values[fk] = null;
          link[fk] = value;
        }
      }
    }
    if (Object.keys(link).length > 0) {
      links.push({ model, entity: change.entity, key: {}, set: link, original: {} });
    }
    return { entity: change.entity, values };
  });
  return { rows, links };
}

/**
 * The grouping key of an update: its column names, sorted, joined by NUL. Most updates change
 * one column or list several already in order, so the key is usually built without sorting.
 */
function columnsKey(set: Readonly<Row>): string {
  let key: string | undefined;
  let previous = '';
  for (const name in set) {
    if (key === undefined) key = name;
    else if (name > previous) key += `\u0000${name}`;
    else return Object.keys(set).sort().join('\u0000');
    previous = name;
  }
  return key ?? '';
}

/** The kinds of step, in the order a commit writes them when nothing forces another order. */
const enum Bucket {
  /** Updates that must come before an insert or another update (they free a unique value, ...). */
  EarlyUpdate,
  /** Deletes that must come before an insert or an update (they free a unique value or key). */
  EarlyDelete,
  Insert,
  Link,
  Update,
  Delete,
}

interface Group {
  readonly bucket: Bucket;
  readonly model: string;
  /** Sorted column names (updates), joined by NUL. */
  readonly fields: string;
  /** Unlinks: updates without a concurrency check (the rows are deleted next, with theirs). */
  readonly unchecked: boolean;
  readonly position: number;
  readonly ops: number[];
}

/** Updates and deletes that some insert, link or update waits for, directly or not. */
function earlyWrites(ops: readonly Operation[], deps: readonly Dependency[]): Uint8Array {
  const incoming: (number[] | undefined)[] = new Array(ops.length);
  for (const d of deps) (incoming[d.after] ??= []).push(d.before);
  const early = new Uint8Array(ops.length);
  const seen = new Uint8Array(ops.length);
  const stack: number[] = [];
  for (let i = 0; i < ops.length; i++) if (ops[i]!.kind !== 'delete' && incoming[i]) stack.push(i);
  while (stack.length > 0) {
    for (const before of incoming[stack.pop()!] ?? []) {
      if (seen[before]) continue;
      seen[before] = 1;
      if (ops[before]!.kind !== 'insert' && ops[before]!.kind !== 'link') early[before] = 1;
      stack.push(before);
    }
  }
  return early;
}

/**
 * Where a kind of step goes in a commit. MariaDB/MySQL (provider `mysql`): updates before
 * inserts. InnoDB's foreign-key check of an inserted row takes a shared lock on the referenced
 * row, which conflicts with the exclusive lock of an update of it; two commits that each insert
 * a child (a ledger entry) and then update its parents (the accounts) deadlock on those
 * upgrades. Updating first takes the exclusive locks, in key order, before any shared one.
 * (PostgreSQL's `FOR KEY SHARE` and `FOR NO KEY UPDATE` do not conflict; SQLite has one writer.)
 * Updates that need an inserted row still wait for it (see `scheduler.ts`).
 */
function bucketRank(schema: SchemaMetadata): (bucket: Bucket) => number {
  return schema.provider === 'mysql' ? (b) => (b === Bucket.Update ? Bucket.Insert - 0.5 : b) : (b) => b;
}

/** Every write grouped into its step kind, groups in canonical order, rows in key order where it matters. */
function groupOperations(schema: SchemaMetadata, order: CommitOrder, ops: readonly Operation[], early: Uint8Array | undefined): Group[] {
  const position = new Map(order.models.map((m, i) => [m, i]));
  const models = order.models.length;
  const groups = new Map<string, Group>();
  let last: Group | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let bucket: Bucket;
    if (op.kind === 'insert') bucket = Bucket.Insert;
    else if (op.kind === 'link') bucket = Bucket.Link;
    else if (op.kind === 'update' || op.kind === 'unlink') bucket = early?.[i] ? Bucket.EarlyUpdate : Bucket.Update;
    else bucket = early?.[i] ? Bucket.EarlyDelete : Bucket.Delete;
    const fields = op.kind === 'delete' || op.kind === 'insert' ? '' : columnsKey(op.row.set);
    const unchecked = op.kind === 'unlink';
    // Consecutive writes mostly share a group (10,000 changed balances): no key string for those.
    if (last !== undefined && last.bucket === bucket && last.model === op.model && last.fields === fields && last.unchecked === unchecked) {
      last.ops.push(i);
      continue;
    }
    const id = `${bucket}\u0001${op.model}\u0001${fields}\u0001${unchecked}`;
    let group = groups.get(id);
    if (!group) {
      const at = position.get(op.model)!;
      const deletes = bucket === Bucket.EarlyDelete || bucket === Bucket.Delete;
      group = { bucket, model: op.model, fields, unchecked, position: deletes ? models - at : at, ops: [] };
      groups.set(id, group);
    }
    group.ops.push(i);
    last = group;
  }
  // Stable: column sets of one model keep the order in which they first appear.
  const rank = bucketRank(schema);
  const sorted = [...groups.values()].sort((a, b) => rank(a.bucket) - rank(b.bucket) || a.position - b.position);
  for (const group of sorted) {
    if (group.bucket === Bucket.Insert || group.bucket === Bucket.Link) continue;
    const pk = schema.models[group.model]!.primaryKey;
    const keyOf = (i: number) => (ops[i] as Extract<Operation, { kind: 'update' | 'unlink' | 'delete' }>).row.key;
    const list = group.ops;
    for (let j = 1; j < list.length; j++) {
      if (compareKeys(pk, keyOf(list[j - 1]!), keyOf(list[j]!)) > 0) {
        list.sort((a, b) => compareKeys(pk, keyOf(a), keyOf(b)));
        break;
      }
    }
  }
  return sorted;
}

function updateStep(schema: SchemaMetadata, model: string, fields: readonly string[], check: RowCheck | undefined, rows: readonly UpdateRow[]): UpdateStep {
  const meta = schema.models[model]!;
  const deltas = check === 'none' ? [] : fields.filter((name) => meta.fields.find((f) => f.name === name)?.delta !== undefined);
  // Rows changing nothing but deltas (and @updatedAt stamps) only have to exist: no version, no originals.
  const chosen: RowCheck = check ?? (deltas.length > 0 && onlyDeltas(meta, fields) ? 'exists' : meta.versionField !== undefined ? 'version' : 'original');
  // The original-value check compares the written columns but `@updatedAt`, which every writer
  // sets, and deltas, which are added to whatever is stored.
  const checked =
    chosen === 'original' ? fields.filter((name) => { const f = meta.fields.find((x) => x.name === name); return !f?.isUpdatedAt && f?.delta === undefined; }) : [];
  return Object.freeze({ op: 'update', model, fields, check: chosen, checked, deltas, rows: Object.freeze(rows) });
}

/**
 * Replaces each cut dependency (a removed row's optional foreign key on a cycle of removed rows)
 * by an `unlink` write that sets the foreign key to null; the referenced row's delete waits for
 * the unlink instead of the referencing row's delete.
 */
function unlinkCycles(ops: Operation[], deps: readonly Dependency[], cuts: readonly number[]): Dependency[] {
  const out = [...deps];
  const unlinks = new Map<string, number>();
  for (const j of cuts) {
    const d = deps[j]!;
    const relation = d.relation!;
    const id = `${d.before}\u0000${relation.name}`;
    let unlink = unlinks.get(id);
    if (unlink === undefined) {
      const { model, entity, key, original } = (ops[d.before] as Extract<Operation, { kind: 'delete' }>).row;
      const set = Object.fromEntries(relation.fields.map((f) => [f, null]));
      unlink = ops.push({ kind: 'unlink', model, row: { model, entity, key, set, original } }) - 1;
      unlinks.set(id, unlink);
    }
    out[j] = { before: unlink, after: d.after, kind: 'reference' };
  }
  return out;
}

function describeOperation(op: Operation): string {
  return op.kind === 'insert' ? `new ${op.model}` : describeRow(op.model, op.row.key);
}

/** The steps of a commit whose writes depend on each other (see `scheduler.ts`). */
function scheduleGroups(ops: readonly Operation[], groups: readonly Group[], deps: readonly Dependency[]): Emission[] {
  const groupOf = new Int32Array(ops.length);
  const rank = new Int32Array(ops.length);
  let next = 0;
  groups.forEach((group, g) => {
    for (const op of group.ops) {
      groupOf[op] = g;
      rank[op] = next++;
    }
  });
  return schedule({ count: ops.length, groups: groups.length, groupOf, rank, dependencies: deps, describe: (op) => describeOperation(ops[op]!) });
}

/**
 * Plans a commit. Writes go in this order unless the rows themselves need another: inserts
 * (parents before children), links, updates, deletes (children first). Deletes and updates that
 * free a unique value or primary key another write takes move before it; a removed row is
 * deleted after the removed rows that reference it (a tree level by level, leaves first); see
 * `dependencies.ts` and `scheduler.ts`.
 *
 * @example
 * ```ts
 * const plan = planFlush(schema, commitOrder(schema), changes);
 * plan.steps.map((s) => `${s.op} ${s.model}`); // ['insert LedgerEntry', 'update Account']
 * ```
 */
export function planFlush(schema: SchemaMetadata, order: CommitOrder, changes: ChangeSet): FlushPlan {
  const insertsByModel = groupBy(changes.inserts, (i) => i.model);
  const isNew = newRowLookup(insertsByModel);
  const prepared: { model: string; inserts: PreparedInserts }[] = [];
  let links = 0;
  for (const model of order.models) {
    const inserts = insertsByModel.get(model);
    if (!inserts) continue;
    const one = prepareInserts(schema, order, model, inserts, isNew);
    prepared.push({ model, inserts: one });
    links += one.links.length;
  }
  // Sized once (push grew and copied it, about 0.3 MB of garbage at 10,000 updates).
  const ops: Operation[] = new Array(changes.inserts.length + links + changes.updates.length + changes.deletes.length);
  let n = 0;
  for (const { model, inserts } of prepared) for (const row of inserts.rows) ops[n++] = { kind: 'insert', model, row };
  for (const { inserts } of prepared) for (const row of inserts.links) ops[n++] = { kind: 'link', model: row.model, row };
  for (const row of changes.updates) ops[n++] = { kind: 'update', model: row.model, row };
  for (const row of changes.deletes) ops[n++] = { kind: 'delete', model: row.model, row };

  let deps = dependencies(schema, ops);
  const cuts = cyclicCuts(ops.length, deps);
  if (cuts.length > 0) deps = unlinkCycles(ops, deps, cuts);
  const groups = groupOperations(schema, order, ops, deps.length > 0 ? earlyWrites(ops, deps) : undefined);
  const emissions = deps.length === 0 ? groups.map((group, g) => ({ group: g, ops: group.ops })) : scheduleGroups(ops, groups, deps);

  const steps: FlushStep[] = [];
  for (const emission of emissions) {
    const group = groups[emission.group]!;
    const { bucket, model } = group;
    const rows: unknown[] = new Array(emission.ops.length);
    for (let j = 0; j < rows.length; j++) rows[j] = ops[emission.ops[j]!]!.row;
    if (bucket === Bucket.Insert) {
      steps.push(Object.freeze({ op: 'insert', model, rows: Object.freeze(rows as InsertStep['rows']) }));
    } else if (bucket === Bucket.Link || bucket === Bucket.Update || bucket === Bucket.EarlyUpdate) {
      steps.push(updateStep(schema, model, group.fields.split('\u0000'), group.unchecked || bucket === Bucket.Link ? 'none' : undefined, rows as UpdateRow[]));
    } else {
      const versioned = schema.models[model]!.versionField !== undefined;
      steps.push(Object.freeze({ op: 'delete', model, check: versioned ? 'version' : 'exists', rows: Object.freeze(rows as DeleteStep['rows']) }));
    }
  }
  return Object.freeze({ steps: Object.freeze(steps) });
}
