import { Decimal } from '@prisma/client/runtime/client';
import type { FieldMetadata, ScalarKind } from '../metadata/types.js';

/**
 * Value semantics of Prisma scalars: two values are equal when the database would store the same
 * thing. `new Date(5)` equals `new Date(5)`, `Decimal('1.50')` equals `Decimal(1.5)`, `Json` is
 * compared structurally, `Bytes` byte by byte.
 *
 * @module
 */

/**
 * Equality of two finite Decimals from their normalised parts (sign, exponent, base-1e7 digits),
 * which decimal.js declares public: `a.equals(b)` converts `b` to a new Decimal on every call,
 * and a commit compares every changed Decimal.
 */
function sameDecimal(a: Decimal, b: Decimal): boolean {
  const da = a.d;
  const db = b.d;
  if (!da || !db) return a.equals(b); // NaN, ±Infinity
  if (da[0] === 0 || db[0] === 0) return da[0] === db[0]; // zero: sign does not matter
  if (a.s !== b.s || a.e !== b.e || da.length !== db.length) return false;
  for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) return false;
  return true;
}

function decimalEqual(a: unknown, b: unknown): boolean {
  if (Decimal.isDecimal(a) && Decimal.isDecimal(b)) return sameDecimal(a, b);
  try {
    return new Decimal(a as Decimal.Value).equals(new Decimal(b as Decimal.Value));
  } catch {
    return false;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).getTime();
  return undefined;
}

/** Structural equality for JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Equality of one scalar (not list) value of the given kind. */
export function scalarEqual(kind: ScalarKind, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  switch (kind) {
    case 'DateTime': {
      const ta = timeOf(a);
      return ta !== undefined && ta === timeOf(b);
    }
    case 'Decimal':
      return decimalEqual(a, b);
    case 'BigInt':
      return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')
        ? BigInt(a) === BigInt(b)
        : false;
    case 'Bytes':
      return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
    case 'Json':
      return jsonEqual(a, b);
    case 'Float':
      return Number.isNaN(a) && Number.isNaN(b);
    default:
      return false;
  }
}

/**
 * True when `a` and `b` are the same value for this field (lists element by element).
 *
 * @example
 * ```ts
 * valuesEqual(balanceField, new Decimal('10.0'), new Decimal(10)); // true
 * ```
 */
export function valuesEqual(field: Pick<FieldMetadata, 'kind' | 'isList'>, a: unknown, b: unknown): boolean {
  if (!field.isList || !Array.isArray(a) || !Array.isArray(b)) return scalarEqual(field.kind, a, b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!scalarEqual(field.kind, a[i], b[i])) return false;
  return true;
}

/** True for values that can be changed in place without an assignment (`Date`, `Uint8Array`). */
export function isMutableLeaf(value: unknown): value is Date | Uint8Array {
  return value instanceof Date || value instanceof Uint8Array;
}

/** A copy of a mutable leaf, so that in-place changes to the copy never reach the snapshot. */
export function cloneLeaf<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  return value;
}

