import { describeRow } from '../errors.js';
import { isPlainObject } from '../query/scalars.js';
import { identityOf, keyToWhere } from '../tracking/keys.js';
import type { ModelInfo } from '../metadata/model-info.js';
import type { Row } from '../tracking/entity.js';

/**
 * Reading rows by primary key (`get`, `getMany`): the `findMany` arguments, and the name the
 * read has in errors.
 *
 * @module
 */

/**
 * `findMany` arguments that read the rows with these keys: one `in` list for single-field keys,
 * an `OR` of the key objects for composite ones.
 *
 * @example
 * ```ts
 * keysQuery(account, [{ id: 7 }, { id: 3 }]); // { where: { id: { in: [7, 3] } } }
 * ```
 * @internal
 */
export function keysQuery(info: Pick<ModelInfo, 'primaryKey'>, wheres: readonly Row[]): Row {
  if (wheres.length === 1) return { where: wheres[0], take: 1 };
  if (info.primaryKey.length === 1) {
    const name = info.primaryKey[0]!;
    return { where: { [name]: { in: wheres.map((w) => w[name]) } } };
  }
  return { where: { OR: wheres } };
}

/** How a read is named in errors: `get Account#7`, `getMany Account (3 keys)`. @internal */
export function readName(info: ModelInfo, keys: readonly unknown[], action: string): string {
  return keys.length === 1 && action.startsWith('get ') ? `get ${describeRow(info.name, keys[0])}` : `${action} (${keys.length} keys)`;
}

/** The keys a locking `find` names, and what it asks of their order (see {@link keysOfQuery}). @internal */
export interface QueriedKeys {
  readonly keys: Row[];
  /** Ordered by the key, descending (`orderBy: { id: 'desc' }`); ascending otherwise. */
  readonly descending: boolean;
  readonly take?: number;
}

const ORDERED_KEY_KINDS: ReadonlySet<string> = new Set(['Int', 'BigInt']);

/**
 * The primary keys a `find` query selects when it selects by primary key only, so that a locking
 * `find` can lock and read them in ONE statement (as `getMany(keys, { lock })` does) instead of
 * reading them first to learn their keys: `where` is `{ id: v }`, `{ id: { equals: v } }` or
 * `{ id: { in: [...] } }` of a single-field key, `orderBy` (if any) orders by that key (of an
 * integer kind, whose order JavaScript and the database agree on), `take` (if any) is positive.
 * Any other query, or a value that is not a valid key, gives `undefined`: the query goes to the
 * database as it is.
 *
 * @example
 * ```ts
 * keysOfQuery(account, { where: { id: { in: [3, 1] } }, orderBy: { id: 'desc' } });
 * // { keys: [{ id: 3 }, { id: 1 }], descending: true }: locked and read in key order, then reversed
 * ```
 * @internal
 */
export function keysOfQuery(info: ModelInfo, query: Row): QueriedKeys | undefined {
  if (info.primaryKey.length !== 1) return undefined;
  const name = info.primaryKey[0]!;
  const { where, orderBy, take, ...rest } = query;
  if (Object.values(rest).some((value) => value !== undefined)) return undefined;
  if (take !== undefined && !(Number.isInteger(take) && (take as number) > 0)) return undefined;
  let descending = false;
  if (orderBy !== undefined) {
    const order = Array.isArray(orderBy) && orderBy.length === 1 ? orderBy[0] : orderBy;
    if (!isPlainObject(order) || Object.keys(order).length !== 1 || (order[name] !== 'asc' && order[name] !== 'desc')) return undefined;
    if (!ORDERED_KEY_KINDS.has(info.meta.fields.find((field) => field.name === name)?.kind ?? '')) return undefined;
    descending = order[name] === 'desc';
  }
  if (!isPlainObject(where) || Object.keys(where).length !== 1 || !(name in where)) return undefined;
  const filter = where[name];
  let values: unknown[];
  if (!isPlainObject(filter)) values = [filter];
  else if (Object.keys(filter).length === 1 && 'equals' in filter) values = [filter['equals']];
  else if (Object.keys(filter).length === 1 && Array.isArray(filter['in']) && filter['in'].length > 0) values = filter['in'];
  else return undefined;
  const keys = new Map<string, Row>();
  for (const value of values) {
    if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') return undefined;
    let key: Row;
    try {
      key = keyToWhere(info.meta, value, info.provider);
    } catch {
      return undefined; // Prisma reports a bad value its own way
    }
    keys.set(identityOf(info.meta, key)!, key);
  }
  // Every locking read returns its rows in ascending key order, whatever the order of the keys.
  return { keys: [...keys.values()], descending, ...(take !== undefined ? { take: take as number } : {}) };
}
