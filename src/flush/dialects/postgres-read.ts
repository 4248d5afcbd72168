import { Decimal, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import { fieldOf, quote, tableName } from './dialect.js';
import { boundRows, keyColumns } from './postgres.js';
import { identityColumns, sessionGate, type StatementSession } from './postgres-session.js';

/**
 * The locking read of PostgreSQL in ONE statement: the rows with the given primary keys, every
 * column, locked in key order until the transaction ends.
 *
 * ```sql
 * SELECT t."id" AS "id", t."balance" AS "balance", ... FROM "Account" AS t
 * WHERE (t."id") IN (SELECT unnest($1::int4[]) AS k0) ORDER BY t."id" FOR NO KEY UPDATE
 * ```
 *
 * Rows are locked in key order whatever order the keys were given in, so two transactions
 * locking overlapping rows through it wait for each other instead of deadlocking. `FOR NO KEY
 * UPDATE` is what the later UPDATE takes anyway, and still lets other transactions insert rows
 * that reference these. {@link rowFromLockedRead} turns each row into exactly what Prisma's
 * `findMany` returns for it.
 *
 * @module
 */

/** List columns whose elements the driver returns in another type than Prisma does: read as `text[]`. */
const LIST_AS_TEXT: ReadonlySet<FieldMetadata['kind']> = new Set(['Decimal', 'BigInt', 'Enum']);

/** `t."col" AS "field"` (lists the driver types otherwise read as `text[]`). @internal */
export function selectedColumn(field: FieldMetadata, alias = 't', as = field.name): string {
  const column = `${alias}.${quote(field.column)}`;
  return `${field.isList && LIST_AS_TEXT.has(field.kind) ? `${column}::text[]` : column} AS ${quote(as)}`;
}

/** The statement: every column of the rows with `keys`, locked in key order (`FOR NO KEY UPDATE`). */
export function postgresLockedRead(
  model: ModelMetadata,
  keys: readonly Readonly<Record<string, unknown>>[],
  session?: StatementSession,
  /** `FOR SHARE` for read checks: rows stay readable and lockable for share by others, not writable. */
  lock: 'FOR NO KEY UPDATE' | 'FOR SHARE' = 'FOR NO KEY UPDATE',
  /** Read only these fields (and the key); every field by default. */
  fields: readonly FieldMetadata[] = model.fields,
): Sql {
  const columns = keyColumns(model, keys.map((key) => ({ key })));
  const target = model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
  const list = raw(fields.map((field) => selectedColumn(field)).join(', '));
  const identity = session?.identify ? sql`, ${identityColumns()}` : raw('');
  const gate = session ? sql` AND ${sessionGate(session)}` : raw('');
  return sql`SELECT ${list}${identity} FROM ${raw(tableName(model))} AS t WHERE (${raw(target)}) IN ${boundRows(columns)}${gate} ORDER BY ${raw(
    target,
  )} ${raw(lock)}`;
}

function scalar(field: FieldMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'Int':
    case 'Float':
      return typeof value === 'number' ? value : Number(value);
    case 'BigInt':
      return typeof value === 'bigint' ? value : BigInt(value as string | number);
    case 'Decimal':
      return Decimal.isDecimal(value) ? value : new Decimal(String(value));
    case 'Boolean':
      return typeof value === 'boolean' ? value : value === 't' || value === 'true' || value === 1;
    case 'DateTime':
      return value instanceof Date ? value : new Date(value as string);
    case 'Bytes':
      return value instanceof Uint8Array ? value : new Uint8Array(Buffer.from(String(value), 'base64'));
    case 'Json':
      return value; // the driver parsed it already, as Prisma does (a JSON string stays a string)
    default:
      return String(value);
  }
}

/**
 * A row of {@link postgresLockedRead} as Prisma's `findMany` returns it: the model's fields only,
 * each in Prisma's type (`bigint`, `Decimal`, `Date`, `Uint8Array`, parsed JSON, enum names).
 */
export function rowFromLockedRead(model: ModelMetadata, row: Readonly<Record<string, unknown>>, fields: readonly FieldMetadata[] = model.fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = row[field.name];
    out[field.name] = field.isList && Array.isArray(value) ? value.map((v) => scalar(field, v)) : scalar(field, value);
  }
  return out;
}
