import { Decimal } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../metadata/types.js';
import type { Row } from './entity.js';

/**
 * Arithmetic of declared deltas (`/// @delta`): the change a unit made to a counter field, that
 * change added to a stored value, and the field's bounds. Shared by the change set (Δ), the
 * in-memory store (which applies Δ like the databases do) and the bound errors.
 *
 * @module
 */

/** The fields of `model` declared `/// @delta`. */
export function deltaFields(model: ModelMetadata): readonly FieldMetadata[] {
  return model.fields.filter((f) => f.delta !== undefined);
}

/** Whether every written field of an update is a delta (or an `@updatedAt` stamp): such a row is not checked for conflicts. */
export function onlyDeltas(model: ModelMetadata, fields: Iterable<string>): boolean {
  let any = false;
  for (const name of fields) {
    const field = model.fields.find((f) => f.name === name);
    if (field?.isUpdatedAt) continue;
    if (field?.delta === undefined) return false;
    any = true;
  }
  return any;
}

/**
 * Δ = `to` − `from` for a delta field (values of the field's JavaScript type: number, bigint,
 * Decimal).
 *
 * @example
 * ```ts
 * deltaBetween(balanceField, new Decimal('40.5'), new Decimal('100')); // Decimal('-59.5')
 * ```
 */
export function deltaBetween(field: FieldMetadata, to: unknown, from: unknown): unknown {
  switch (field.kind) {
    case 'BigInt':
      return BigInt(to as bigint) - BigInt(from as bigint);
    case 'Decimal':
      return new Decimal(to as Decimal.Value).minus(new Decimal(from as Decimal.Value));
    default:
      return (to as number) - (from as number);
  }
}

/** `value` + `delta` for a delta field. */
export function addDelta(field: FieldMetadata, value: unknown, delta: unknown): unknown {
  switch (field.kind) {
    case 'BigInt':
      return BigInt(value as bigint) + BigInt(delta as bigint);
    case 'Decimal':
      return new Decimal(value as Decimal.Value).plus(new Decimal(delta as Decimal.Value));
    default:
      return (value as number) + (delta as number);
  }
}

/** -1, 0 or 1 as `value` is below, at or above the decimal literal `limit`. */
function compareToLimit(field: FieldMetadata, value: unknown, limit: string): number {
  switch (field.kind) {
    case 'BigInt': {
      const v = BigInt(value as bigint);
      const l = BigInt(limit);
      return v < l ? -1 : v > l ? 1 : 0;
    }
    case 'Decimal':
      return new Decimal(value as Decimal.Value).comparedTo(new Decimal(limit));
    default:
      return Math.sign((value as number) - Number(limit));
  }
}

/** The bound `value` crosses, if any. */
export function brokenBound(field: FieldMetadata, value: unknown): { readonly bound: 'min' | 'max'; readonly limit: string } | undefined {
  const delta = field.delta;
  if (!delta) return undefined;
  if (delta.min !== undefined && compareToLimit(field, value, delta.min) < 0) return { bound: 'min', limit: delta.min };
  if (delta.max !== undefined && compareToLimit(field, value, delta.max) > 0) return { bound: 'max', limit: delta.max };
  return undefined;
}

/** Whether the field has a bound. */
export function isBounded(field: FieldMetadata): boolean {
  return field.delta !== undefined && (field.delta.min !== undefined || field.delta.max !== undefined);
}

/** The deltas of one update row (`set` new values, `original` loaded ones) for the `fields` given. */
export function rowDeltas(fields: readonly FieldMetadata[], set: Readonly<Row>, original: Readonly<Row>): Row {
  const out: Row = {};
  for (const field of fields) out[field.name] = deltaBetween(field, set[field.name], original[field.name]);
  return out;
}
