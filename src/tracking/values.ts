import { Decimal, JsonNull } from '@prisma/client/runtime/client';
import type { FieldMetadata, ScalarKind } from '../metadata/types.js';

/**
 * Value semantics of Prisma scalars: two values are equal when the database would store the same
 * thing. `new Date(5)` equals `new Date(5)`, `Decimal('1.50')` equals `Decimal(1.5)`, `Json` is
 * compared structurally in the form the database stores (`undefined` members dropped), `Bytes`
 * byte by byte. Values are kept at the column's precision when they enter a unit
 * (`column-values.ts`), so comparing them compares what the database will hold.
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

/**
 * One value as `JSON.stringify` writes it (after `toJSON`, so a Date is its ISO string and a
 * Decimal its string; NaN and ±Infinity are null), a bigint as its decimal string (as Prisma
 * writes it), `Prisma.JsonNull` as null; `undefined` when JSON has no form for it (an
 * `undefined`, function or symbol member is dropped, and is null as an array item).
 */
function jsonForm(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null || value === JsonNull) return null;
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON !== 'function') return value;
      const out: unknown = toJSON.call(value);
      return out !== null && typeof out === 'object' ? out : jsonForm(out);
    }
    case 'string':
    case 'boolean':
      return value;
    default:
      return undefined;
  }
}

/**
 * Equality of two JSON values as the database stores them: structural, object key order does
 * not matter, and values are compared in the form `JSON.stringify` writes them, so
 * `{ a: 1, b: undefined }` equals `{ a: 1 }` and `[undefined]` equals `[null]`.
 *
 * @example
 * ```ts
 * jsonEqual({ a: 1, extra: undefined }, { a: 1 }); // true
 * ```
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return sameJson(jsonForm(a), jsonForm(b));
}

/** `jsonEqual` of two values already in {@link jsonForm}. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(jsonForm(a[i]) ?? null, jsonForm(b[i]) ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let members = 0;
  for (const k of Object.keys(ra)) {
    const va = jsonForm(ra[k]);
    if (va === undefined) continue;
    members++;
    if (!Object.prototype.hasOwnProperty.call(rb, k)) return false;
    const vb = jsonForm(rb[k]);
    if (vb === undefined || !sameJson(va, vb)) return false;
  }
  for (const k of Object.keys(rb)) if (jsonForm(rb[k]) !== undefined) members--;
  return members === 0;
}

/**
 * A JSON value as the database will store it and Prisma read it back: what `JSON.stringify`
 * writes (see {@link jsonEqual}), bigints as their decimal strings, parsed again. Throws a
 * `TypeError` for values JSON cannot hold (a cycle).
 *
 * @example
 * ```ts
 * storedJson({ at: new Date(0), gone: undefined, list: [undefined] }); // { at: '1970-01-01T00:00:00.000Z', list: [null] }
 * ```
 */
export function storedJson(value: unknown): unknown {
  if (value === null || value === JsonNull) return null;
  if (typeof value !== 'object') {
    const form = jsonForm(value);
    return form === undefined ? null : form;
  }
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v === JsonNull ? null : v))) as unknown;
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

