import { AnyNull, DbNull, Decimal, JsonNull } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata, Provider, ScalarKind } from '../metadata/types.js';
import { ColumnProblem, fitToColumn } from '../tracking/column-values.js';
import type { Row } from '../tracking/entity.js';
import { storedJson } from '../tracking/values.js';
import { MemoryStoreError, showValue } from '../memory/store-error.js';

/**
 * Scalar values in the in-memory store: each field's value is normalized on the way in to the
 * type Prisma returns for it (a `Decimal`, a `bigint`, a `Date`, a `Uint8Array`, parsed JSON) and
 * to what the schema's database would store (a `Decimal` at its column's scale, see
 * `tracking/column-values.ts`), copied on the way out, and compared by value the way a database
 * orders it.
 *
 * @internal
 * @module
 */

const INTEGER = /^-?\d+$/;

/** True for `{ ... }` objects (filters, fixture rows), false for Dates, Decimals, arrays and class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function problem(model: ModelMetadata, field: FieldMetadata, expected: string, value: unknown): MemoryStoreError {
  return new MemoryStoreError(`${model.name}.${field.name} must be ${expected}, got ${showValue(value)}`, undefined, {
    modelName: model.name,
    field: field.name,
  });
}

function toDecimal(value: unknown): Decimal | undefined {
  if (value instanceof Decimal) return value;
  if (!Decimal.isDecimal(value) && typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    const d = new Decimal(typeof value === 'number' ? value : String(value));
    return d.isFinite() ? d : undefined;
  } catch {
    return undefined;
  }
}

function toJson(value: unknown): unknown {
  if (value === DbNull || value === JsonNull || value === AnyNull) return null;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return storedJson(value);
}

function normalizeScalar(model: ModelMetadata, field: FieldMetadata, value: unknown): unknown {
  switch (field.kind) {
    case 'String':
    case 'Enum':
      if (typeof value === 'string') return value;
      throw problem(model, field, 'a string', value);
    case 'Int':
      if (Number.isInteger(value)) return value;
      throw problem(model, field, 'an integer number', value);
    case 'Float':
      if (typeof value === 'number') return value;
      throw problem(model, field, 'a number', value);
    case 'BigInt':
      if (typeof value === 'bigint') return value;
      if (Number.isInteger(value) || (typeof value === 'string' && INTEGER.test(value))) return BigInt(value as number | string);
      throw problem(model, field, 'a bigint (or an integer number)', value);
    case 'Decimal': {
      const d = toDecimal(value);
      if (d) return d;
      throw problem(model, field, 'a Decimal, a finite number or a numeric string', value);
    }
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      throw problem(model, field, 'a boolean', value);
    case 'DateTime': {
      const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (!Number.isNaN(time)) return new Date(time);
      throw problem(model, field, 'a valid Date (or an ISO 8601 string)', value);
    }
    case 'Bytes':
      if (value instanceof Uint8Array) return new Uint8Array(value);
      throw problem(model, field, 'a Uint8Array', value);
    case 'Json':
      try {
        const json = toJson(value);
        if (json !== undefined) return json;
      } catch {
        // BigInt or a cycle: not JSON.
      }
      throw problem(model, field, 'a JSON value', value);
  }
}

/** A value of the right type as the column stores it (`provider`'s rules; none without one). */
function fitScalar(model: ModelMetadata, field: FieldMetadata, value: unknown, provider: Provider | undefined): unknown {
  const typed = normalizeScalar(model, field, value);
  if (provider === undefined) return typed;
  const fitted = fitToColumn(field, provider, typed);
  if (fitted instanceof ColumnProblem) throw problem(model, field, fitted.expected, value);
  return fitted;
}

/**
 * Checks `value` for `field` and returns it as the store keeps it (what Prisma would return).
 * With the schema's `provider`, the value is also kept as that database stores it (a `Decimal`
 * rounded to its column's scale, a BigInt within 64 bits, an enum value of the enum); filter
 * operands are normalized without one. `null` stays `null` (whether the field may be null is a
 * constraint, checked elsewhere). Throws a {@link MemoryStoreError} without code when the value
 * cannot be stored in the field.
 *
 * @example
 * ```ts
 * normalizeValue(account, balanceField, 100); // Decimal(100)
 * ```
 */
export function normalizeValue(model: ModelMetadata, field: FieldMetadata, value: unknown, provider?: Provider): unknown {
  if (value === null || (field.kind === 'Json' && (value === DbNull || value === JsonNull))) return null;
  if (!field.isList) return fitScalar(model, field, value, provider);
  if (!Array.isArray(value)) throw problem(model, field, 'an array', value);
  return value.map((item: unknown) => {
    if (item === null || item === undefined) throw problem(model, field, 'an array without nulls', value);
    return fitScalar(model, field, item, provider);
  });
}

function cloneScalar(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value !== null && typeof value === 'object' && !(value instanceof Decimal)) return structuredClone(value);
  return value;
}

/** A copy of a stored value that shares nothing mutable with the store. */
function cloneValue(value: unknown): unknown {
  return Array.isArray(value) ? value.map(cloneScalar) : cloneScalar(value);
}

/**
 * A copy of a stored row, fields in schema order (as Prisma returns them).
 *
 * @example
 * ```ts
 * const copy = cloneRow(account, stored); // copy.balance is the same (immutable) Decimal
 * ```
 */
export function cloneRow(model: ModelMetadata, row: Readonly<Row>): Row {
  const out: Row = {};
  for (const field of model.fields) out[field.name] = cloneValue(row[field.name]);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.byteLength - b.byteLength;
}

function sign(a: number | bigint | string, b: number | bigint | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two non-null normalized values of one kind: numbers, bigints and Decimals by value,
 * dates by time, strings by UTF-16 code unit (a binary collation), `false` before `true`, bytes
 * lexicographically. Enums compare by name (PostgreSQL orders them by declaration).
 *
 * @example
 * ```ts
 * compareScalars('Decimal', new Decimal('1.50'), new Decimal(2)); // -1
 * ```
 */
export function compareScalars(kind: ScalarKind, a: unknown, b: unknown): number {
  switch (kind) {
    case 'Decimal':
      return (a as Decimal).comparedTo(b as Decimal);
    case 'DateTime':
      return sign((a as Date).getTime(), (b as Date).getTime());
    case 'Boolean':
      return sign(Number(a), Number(b));
    case 'Bytes':
      return Math.sign(compareBytes(a as Uint8Array, b as Uint8Array));
    case 'Json':
      throw new Error(`prisma-uow internal error: Json values have no order`);
    default:
      return sign(a as number | bigint | string, b as number | bigint | string);
  }
}
