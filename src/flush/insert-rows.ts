import { Decimal } from '@prisma/client/runtime/client';
import { defaultLiteral } from '../metadata/default-literal.js';
import type { FieldMetadata, ModelMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';

/**
 * Preparing a multi-row INSERT written by the unit itself: every row gets the same columns, the
 * defaults Prisma would compute client-side are filled in (`now()`, `@updatedAt`, literals), and
 * the columns the database fills (`autoincrement()`, `dbgenerated(...)`) are read back.
 *
 * @module
 */

/** A prepared insert: the columns written, the complete rows, and the columns read back. */
export interface PreparedInsert {
  readonly columns: readonly FieldMetadata[];
  readonly rows: readonly Row[];
  readonly generated: readonly FieldMetadata[];
}

/** The value Prisma would give `field` on insert, or `NOT_COMPUTABLE`. */
const NOT_COMPUTABLE = Symbol('not computable here');

function clientDefault(field: FieldMetadata, now: Date): unknown {
  if (field.isUpdatedAt) return new Date(now.getTime());
  const spec = field.defaultValue;
  if (spec === undefined) return field.isRequired ? NOT_COMPUTABLE : null;
  if ('function' in spec) return spec.function === 'now' ? new Date(now.getTime()) : NOT_COMPUTABLE;
  return Array.isArray(spec.value) ? NOT_COMPUTABLE : defaultLiteral(field, spec.value as string | number | boolean);
}

/**
 * Completes the rows of one model's insert, or returns `undefined` when the unit cannot write
 * them itself and Prisma must (defaults such as `uuid()` or `cuid()` that Prisma generates, list
 * columns, or database-generated columns given for some rows only).
 *
 * @example
 * ```ts
 * prepareInsert(ledgerEntry, [{ fromId: 1, toId: 2, amount: new Decimal(5) }]);
 * // columns fromId, toId, amount, createdAt (now); generated: id
 * ```
 */
export function prepareInsert(model: ModelMetadata, rows: readonly Readonly<Row>[], now = new Date()): PreparedInsert | undefined {
  const columns: FieldMetadata[] = [];
  const generated: FieldMetadata[] = [];
  const filled: Row[] = rows.map((row) => ({ ...row }));
  for (const field of model.fields) {
    if (field.isList) return undefined;
    const given = rows.filter((row) => row[field.name] !== undefined).length;
    if (given === 0 && field.default === 'database') {
      generated.push(field);
      continue;
    }
    if (given < rows.length) {
      if (field.default === 'database') return undefined;
      const fallback = clientDefault(field, now);
      if (fallback === NOT_COMPUTABLE) return undefined;
      for (const row of filled) if (row[field.name] === undefined) row[field.name] = fallback;
    }
    columns.push(field);
  }
  return columns.length === 0 ? undefined : { columns, rows: filled, generated };
}

/** A value read back from the database (raw query) in the type Prisma Client returns for `field`. */
export function fromDatabase(field: FieldMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'Int':
    case 'Float':
      return Number(value);
    case 'BigInt':
      return typeof value === 'bigint' ? value : BigInt(value as number | string);
    case 'Decimal':
      return Decimal.isDecimal(value) ? value : new Decimal(String(value));
    case 'Boolean':
      return value === true || value === 1 || value === 1n || value === 'true';
    case 'DateTime':
      return value instanceof Date ? value : new Date(value as string | number);
    case 'Bytes':
      return value instanceof Uint8Array ? value : new Uint8Array(Buffer.from(String(value), 'base64'));
    case 'Json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    default:
      return String(value);
  }
}
