import { DbNull, Decimal, JsonNull } from '@prisma/client/runtime/client';
import type { ConflictingRow } from '../../errors.js';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import { addDelta, deltaBetween } from '../../tracking/delta.js';
import type { Row } from '../../tracking/entity.js';
import type { UpdateRow } from '../plan.js';

/**
 * Converting plan rows to Prisma Client arguments (shared by the `per-row` and `grouped`
 * strategies).
 *
 * @internal
 * @module
 */

function field(model: ModelMetadata, name: string): FieldMetadata {
  return model.fields.find((f) => f.name === name)!;
}

/**
 * A `Json` null as Prisma Client takes it: a JSON null in a required field (the only null it can
 * hold) or where the unit was given `Prisma.JsonNull`, else the database NULL.
 */
function jsonNull(f: FieldMetadata, value: unknown): unknown {
  return value === JsonNull || f.isRequired ? JsonNull : DbNull;
}

/** Row values as Prisma Client `data` (`Json` nulls as {@link jsonNull} says). */
export function toPrismaData(model: ModelMetadata, row: Readonly<Row>): Row {
  const data: Row = {};
  for (const [name, value] of Object.entries(row)) {
    const f = field(model, name);
    data[name] = (value === null || value === JsonNull) && f.kind === 'Json' && !f.isList ? jsonNull(f, value) : value;
  }
  return data;
}

/** A `where` condition that matches `value` exactly in field `name`. */
export function equalsFilter(model: ModelMetadata, name: string, value: unknown): unknown {
  const f = field(model, name);
  if (f.kind === 'Json' && !f.isList) return { equals: value === null ? jsonNull(f, value) : value };
  if (f.isList) return value === null ? null : { equals: value };
  return value;
}

/**
 * The bounds of a delta field as a filter on the value stored before the update: `col + Δ >= min`
 * is `col >= min − Δ` (and `<= max − Δ`), so the database checks the sum under the row lock.
 */
function boundFilter(f: FieldMetadata, delta: unknown): Row | undefined {
  const bounds = f.delta;
  if (!bounds || (bounds.min === undefined && bounds.max === undefined)) return undefined;
  const filter: Row = {};
  const negated = deltaBetween(f, 0, delta);
  if (bounds.min !== undefined) filter['gte'] = addDelta(f, literal(f, bounds.min), negated);
  if (bounds.max !== undefined) filter['lte'] = addDelta(f, literal(f, bounds.max), negated);
  return filter;
}

/** A bound (decimal literal) in the field's JavaScript type. */
function literal(f: FieldMetadata, text: string): unknown {
  return f.kind === 'BigInt' ? BigInt(text) : f.kind === 'Decimal' ? new Decimal(text) : Number(text);
}

/** The `where` of one row's update: its key plus its concurrency check (on the `checked` fields) and delta bounds. */
export function updateWhere(model: ModelMetadata, check: string, row: UpdateRow, checked: readonly string[], deltas: readonly string[] = []): Row {
  const where: Row = { ...row.key };
  if (check === 'version' && model.versionField !== undefined) where[model.versionField] = row.version;
  if (check === 'original') {
    for (const name of checked) where[name] = equalsFilter(model, name, row.original[name]);
  }
  for (const name of deltas) {
    const filter = boundFilter(field(model, name), row.deltas?.[name]);
    if (filter) where[name] = filter;
  }
  return where;
}

/**
 * The `data` of one row's update: its changed fields (deltas as `{ increment: Δ }`), and the
 * version increment.
 */
export function updateData(model: ModelMetadata, check: string, set: Readonly<Row>, deltas?: Readonly<Row>): Row {
  const data = toPrismaData(model, set);
  if (deltas) for (const name in deltas) data[name] = { increment: deltas[name] };
  if (check === 'version' && model.versionField !== undefined) data[model.versionField] = { increment: 1 };
  return data;
}

/** Describes a row that failed its check. */
export function conflict(model: ModelMetadata, key: Readonly<Row>, version?: unknown): ConflictingRow {
  const shown = model.primaryKey.length === 1 ? key[model.primaryKey[0]!] : { ...key };
  return version === undefined ? { model: model.name, key: shown } : { model: model.name, key: shown, expectedVersion: version };
}
