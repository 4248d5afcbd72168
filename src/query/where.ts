import { UsageError } from '../errors.js';
import type { FieldMetadata, ModelMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { FieldFilter, and, not, or, type Condition } from './field-filter.js';
import { compileOrderBy } from './order-by.js';
import { isPlainObject } from './scalars.js';
import { unsupported } from './not-evaluable.js';

/**
 * Prisma `findMany` arguments evaluated over rows in memory: `where` (scalar filters, `AND` /
 * `OR` / `NOT`), `orderBy`, `skip` and `take`. Filters follow SQL's three-valued logic, as the
 * database would: a comparison with a null field is unknown, so `{ name: { not: 'Ann' } }`
 * does not match rows whose `name` is null, and neither does `NOT: { name: 'Ann' }`.
 * Pure: no store, no state.
 *
 * @module
 */

function compileNode(model: ModelMetadata, fields: ReadonlyMap<string, FieldMetadata>, where: unknown): Condition {
  if (!isPlainObject(where)) {
    throw new UsageError('INVALID_ARGUMENT', `${model.name}: 'where' must be an object of field filters, got ${String(where)}.`, { model: model.name });
  }
  const conditions: Condition[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      const parts = (Array.isArray(value) ? value : [value]).map((w) => compileNode(model, fields, w));
      conditions.push(key === 'AND' ? and(parts) : key === 'OR' ? or(parts) : and(parts.map(not)));
      continue;
    }
    const field = fields.get(key);
    if (field) {
      conditions.push(new FieldFilter(model, field).compile(value));
      continue;
    }
    const relation = model.relations.find((r) => r.name === key);
    throw relation
      ? unsupported(model, `filtering on the relation '${key}' (${relation.target})`, key)
      : unsupported(model, `filtering on '${key}' (not a scalar field of ${model.name}; relation filters are not evaluated)`, key);
  }
  return and(conditions);
}

/**
 * Compiles a Prisma `where` into a predicate over stored rows. Throws a {@link UsageError}
 * (`INVALID_ARGUMENT`) at once for anything the in-memory unit does not evaluate, even when no
 * row would be tested.
 *
 * @example
 * ```ts
 * const rich = compileWhere(account, { balance: { gte: 100 }, NOT: { ownerId: 3 } });
 * rows.filter(rich);
 * ```
 */
export function compileWhere(model: ModelMetadata, where: unknown): (row: Readonly<Row>) => boolean {
  if (where === undefined) return () => true;
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  const condition = compileNode(model, fields, where);
  return (row) => condition(row) === true;
}

function count(model: ModelMetadata, name: string, value: unknown, allowNegative: boolean): number {
  if (Number.isInteger(value) && (allowNegative || (value as number) >= 0)) return value as number;
  throw new UsageError('INVALID_ARGUMENT', `${model.name}: '${name}' must be ${allowNegative ? 'an integer' : 'a non-negative integer'}, got ${String(value)}.`, { model: model.name });
}

/**
 * The rows of `rows` a Prisma `findMany({ where, orderBy, skip, take })` returns, in order. The
 * rows themselves are returned, not copies. `cursor` and `distinct` are rejected.
 *
 * @example
 * ```ts
 * findRows(account, table.values(), { where: { ownerId: 1 }, orderBy: { balance: 'desc' }, take: 2 });
 * ```
 */
export function findRows(model: ModelMetadata, rows: Iterable<Readonly<Row>>, args: Readonly<Row>): Readonly<Row>[] {
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || key === 'where' || key === 'orderBy' || key === 'skip' || key === 'take') continue;
    throw unsupported(model, `the findMany argument '${key}'`);
  }
  const matches = compileWhere(model, args['where']);
  const sorted = [...rows].filter(matches).sort(compileOrderBy(model, args['orderBy']));
  const skip = args['skip'] === undefined ? 0 : count(model, 'skip', args['skip'], false);
  if (args['take'] === undefined) return sorted.slice(skip);
  const take = count(model, 'take', args['take'], true);
  if (take >= 0) return sorted.slice(skip, skip + take);
  return sorted.reverse().slice(skip, skip - take).reverse();
}
