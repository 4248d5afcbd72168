import { UsageError } from '../errors.js';
import type { FieldMetadata, ModelMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { compareScalars, isPlainObject } from './scalars.js';
import { unsupported } from './not-evaluable.js';

/**
 * Prisma `orderBy` evaluated in memory, as PostgreSQL sorts by default: nulls after every value
 * ascending and before them descending (`nulls: 'first' | 'last'` overrides that). The primary
 * key breaks ties, so results are deterministic; without `orderBy`, rows come in primary-key
 * order.
 *
 * @module
 */

/** How rows compare. */
export type RowComparator = (a: Readonly<Row>, b: Readonly<Row>) => number;

interface SortKey {
  readonly field: FieldMetadata;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

function invalid(model: ModelMetadata, message: string, field?: string): UsageError {
  return new UsageError('INVALID_ARGUMENT', `${model.name} orderBy: ${message}.`, { model: model.name, field });
}

function sortKey(model: ModelMetadata, name: string, value: unknown): SortKey {
  const field = model.fields.find((f) => f.name === name);
  if (!field) {
    const what = model.relations.some((r) => r.name === name) || name.startsWith('_') ? `ordering by '${name}'` : `ordering by '${name}' (not a scalar field)`;
    throw unsupported(model, what, name);
  }
  if (field.kind === 'Json' || field.isList) throw unsupported(model, `ordering by the ${field.isList ? 'list' : 'Json'} field ${name}`, name);
  const spec = isPlainObject(value) ? value : { sort: value };
  const sort = spec['sort'];
  if (sort !== 'asc' && sort !== 'desc') throw invalid(model, `'${name}' must be 'asc', 'desc' or { sort, nulls }, got ${JSON.stringify(value)}`, name);
  const nulls = spec['nulls'];
  if (nulls !== undefined && nulls !== 'first' && nulls !== 'last') throw invalid(model, `'${name}.nulls' must be 'first' or 'last'`, name);
  const descending = sort === 'desc';
  return { field, descending, nullsFirst: nulls === undefined ? descending : nulls === 'first' };
}

function compareBy(key: SortKey, a: Readonly<Row>, b: Readonly<Row>): number {
  const va = a[key.field.name];
  const vb = b[key.field.name];
  if (va === null || va === undefined || vb === null || vb === undefined) {
    const na = va === null || va === undefined;
    const nb = vb === null || vb === undefined;
    if (na === nb) return 0;
    return na === key.nullsFirst ? -1 : 1;
  }
  const c = compareScalars(key.field.kind, va, vb);
  return key.descending ? -c : c;
}

/** Sort keys of the primary key, ascending: the tie-breaker of every ordering. */
function primaryKeyOrder(model: ModelMetadata): SortKey[] {
  return model.primaryKey.map((name) => ({ field: model.fields.find((f) => f.name === name)!, descending: false, nullsFirst: false }));
}

/**
 * Compiles a Prisma `orderBy` (an object or an array of objects) into a comparator. Throws a
 * {@link UsageError} for relation orderings, `_count`, `_relevance`, and Json or list fields.
 *
 * @example
 * ```ts
 * rows.sort(compileOrderBy(account, [{ balance: 'desc' }, { id: 'asc' }]));
 * ```
 */
export function compileOrderBy(model: ModelMetadata, orderBy: unknown): RowComparator {
  const keys: SortKey[] = [];
  for (const item of orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy]) {
    if (!isPlainObject(item)) throw invalid(model, `expected an object like { id: 'asc' }, got ${String(item)}`);
    for (const [name, value] of Object.entries(item)) {
      if (value !== undefined) keys.push(sortKey(model, name, value));
    }
  }
  keys.push(...primaryKeyOrder(model));
  return (a, b) => {
    for (const key of keys) {
      const c = compareBy(key, a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}
