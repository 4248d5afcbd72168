import { defaultFor } from '../memory/defaults.js';
import type { ModelInfo } from '../metadata/model-info.js';
import { QueryNotEvaluableError } from '../query/not-evaluable.js';
import { findRows } from '../query/where.js';
import type { TrackedChanges } from '../tracking/change-set.js';
import type { EntityState, Row } from '../tracking/entity.js';

/**
 * Queries that see a unit's pending changes without writing them (optimistic units): the
 * database answers for the rows the unit did not change, the in-memory evaluator (`src/query/`)
 * for the rows it added or changed, and removed rows are left out. Pure: the unit passes its
 * pending rows and a function that reads the database.
 *
 * The rule, exactly:
 * - rows added in the unit, and loaded rows changed in it, match (and sort) on their in-memory
 *   values, foreign keys set through links (`entry.from = account`) and literal `@default`s of
 *   new rows included;
 * - the database is asked for the other rows only (`NOT` the changed and removed keys), with
 *   `take` widened to `skip + take` so that no row the merge needs is cut off; the merged rows
 *   are sorted with the in-memory comparator (primary key last) and `skip`/`take` applied then;
 * - rows the unit did not change match on their stored values, as before, and come back as the
 *   tracked objects.
 *
 * @module
 */

/** The pending changes of one model that a query must see. @internal */
export interface PendingRows {
  /** Rows added in the unit and loaded rows changed in it: matched on their in-memory values. */
  readonly live: readonly EntityState[];
  /** Primary keys (as `where` objects) of stored rows the database must not answer for: changed and removed rows. */
  readonly hidden: readonly Row[];
}

/** Whether the in-memory evaluator answers these `findMany` arguments; the error saying why not otherwise. @internal */
export function notEvaluable(info: ModelInfo, query: Readonly<Row>): QueryNotEvaluableError | undefined {
  try {
    findRows(info.meta, [], query);
    return undefined;
  } catch (error) {
    if (error instanceof QueryNotEvaluableError) return error;
    throw error;
  }
}

/**
 * The error a query gets when it cannot be evaluated against the unit's pending changes: it
 * names the operator and says what to do.
 *
 * @internal
 */
export function pendingNotEvaluable(info: ModelInfo, error: QueryNotEvaluableError): QueryNotEvaluableError {
  return new QueryNotEvaluableError(
    info.name,
    error.what,
    `${info.name}.find: ${error.what} cannot be evaluated against this unit's pending changes (the in-memory evaluator does not support it, and the database has not seen them). Query the model's own scalar fields, make the query before changing rows, or run the unit with { interactive: true }, where queries flush pending changes first.`,
    error.field,
  );
}

/** The values a pending row is matched on: current values, linked foreign keys, literal defaults of new rows. */
export function pendingView(state: EntityState): Row {
  const values = state.current();
  if (!state.refs && state.status !== 'new') return values;
  const out: Row = { ...values };
  if (state.refs) {
    for (const [name, target] of state.refs) {
      const relation = state.info.relations.get(name)!;
      const targetValues = target.current();
      relation.fields.forEach((fk, i) => (out[fk] = targetValues[relation.references[i]!]));
    }
  }
  if (state.status === 'new') {
    for (const field of state.info.meta.fields) {
      const fallback = field.defaultValue;
      if (out[field.name] === undefined && fallback !== undefined && !('function' in fallback)) {
        out[field.name] = defaultFor(state.info.meta, field, new Map(), new Date(0));
      }
    }
  }
  return out;
}

function asList(orderBy: unknown): readonly unknown[] {
  return orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
}

/** `orderBy` with the primary key appended (ascending), so that the database and the evaluator break ties alike. */
function withKeyOrder(info: ModelInfo, orderBy: unknown): unknown[] {
  const list = [...asList(orderBy)];
  const named = new Set(list.flatMap((item) => (item !== null && typeof item === 'object' ? Object.keys(item) : [])));
  for (const name of info.primaryKey) if (!named.has(name)) list.push({ [name]: 'asc' });
  return list;
}

/** A `where` matching none of these keys. */
function excluding(info: ModelInfo, keys: readonly Row[]): Row {
  if (info.primaryKey.length === 1) {
    const name = info.primaryKey[0]!;
    return { NOT: { [name]: { in: keys.map((k) => k[name]) } } };
  }
  return { NOT: { OR: keys.map((k) => ({ ...k })) } };
}

/**
 * The `findMany` arguments that ask the database for what a merged query needs: the rows not
 * hidden by pending changes, without `skip`, at most `skip + |take|` of them.
 *
 * @example
 * ```ts
 * storedQuery(account, { where: { ownerId: 1 }, skip: 2, take: 3 }, [{ id: 7 }]);
 * // { where: { AND: [{ ownerId: 1 }, { NOT: { id: { in: [7] } } }] }, orderBy: [{ id: 'asc' }], take: 5 }
 * ```
 * @internal
 */
export function storedQuery(info: ModelInfo, query: Readonly<Row>, hidden: readonly Row[]): Row {
  const out: Row = {};
  const where = query['where'];
  if (hidden.length === 0) {
    if (where !== undefined) out['where'] = where;
  } else out['where'] = where === undefined ? excluding(info, hidden) : { AND: [where, excluding(info, hidden)] };
  out['orderBy'] = withKeyOrder(info, query['orderBy']);
  const take = query['take'];
  if (typeof take === 'number') {
    const skip = typeof query['skip'] === 'number' ? query['skip'] : 0;
    out['take'] = take >= 0 ? skip + take : take - skip;
  }
  return out;
}

/** One candidate row of a merged query: the values it is matched and sorted on, and its object. */
export interface Candidate {
  readonly values: Readonly<Row>;
  readonly state: EntityState;
}

/**
 * Merges the stored rows the database returned (already matched) with the pending rows that
 * match in memory, sorts them all with the in-memory comparator and applies `skip`/`take`.
 *
 * @internal
 */
export function mergeRows(info: ModelInfo, query: Readonly<Row>, stored: readonly Candidate[], live: readonly EntityState[]): EntityState[] {
  const byRow = new Map<Readonly<Row>, EntityState>();
  for (const c of stored) byRow.set(c.values, c.state);
  const views = live.map((state) => {
    const values = pendingView(state);
    byRow.set(values, state);
    return values;
  });
  const { where, orderBy, skip, take } = query;
  const matching = findRows(info.meta, views, { where });
  const page = findRows(info.meta, [...stored.map((c) => c.values), ...matching], { orderBy, skip, take });
  return page.map((row) => byRow.get(row)!);
}

/** Whether a tracked object has changes to write (an object only read, or whose `Date` was only handed out, has none). */
function changed(state: EntityState): boolean {
  return state.refs !== undefined || state.peek().changed !== undefined;
}

/** Rows of `info` added, changed or removed in the unit and not written yet; `undefined` when there are none. @internal */
export function pendingRows(info: ModelInfo, tracked: TrackedChanges): PendingRows | undefined {
  const live: EntityState[] = [];
  const hidden: Row[] = [];
  const keyOf = (state: EntityState) => Object.fromEntries(info.primaryKey.map((k) => [k, state.base[k]]));
  for (const state of tracked.added) if (state.info === info && state.status === 'new') live.push(state);
  for (const state of tracked.dirty) {
    if (state.info === info && state.status === 'managed' && changed(state)) {
      live.push(state);
      hidden.push(keyOf(state));
    }
  }
  for (const state of tracked.removed) if (state.info === info && state.status === 'removed') hidden.push(keyOf(state));
  return live.length > 0 || hidden.length > 0 ? { live, hidden } : undefined;
}

/** Whether the unit has anything to write. @internal */
export function hasPendingChanges(tracked: TrackedChanges): boolean {
  if (tracked.added.length > 0 || tracked.removed.size > 0) return true;
  for (const state of tracked.dirty) if (state.status === 'managed' && changed(state)) return true;
  return false;
}
