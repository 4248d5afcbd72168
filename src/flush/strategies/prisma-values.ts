import { DbNull, JsonNull } from '@prisma/client/runtime/client';
import type { ConflictingRow } from '../../errors.js';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
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

/** The `where` of one row's update: its key plus its concurrency check (on the `checked` fields). */
export function updateWhere(model: ModelMetadata, check: string, row: UpdateRow, checked: readonly string[]): Row {
  const where: Row = { ...row.key };
  if (check === 'version' && model.versionField !== undefined) where[model.versionField] = row.version;
  if (check === 'original') {
    for (const name of checked) where[name] = equalsFilter(model, name, row.original[name]);
  }
  return where;
}

/** The `data` of one row's update: its changed fields, and the version increment. */
export function updateData(model: ModelMetadata, check: string, set: Readonly<Row>): Row {
  const data = toPrismaData(model, set);
  if (check === 'version' && model.versionField !== undefined) data[model.versionField] = { increment: 1 };
  return data;
}

/** Describes a row that failed its check. */
export function conflict(model: ModelMetadata, key: Readonly<Row>, version?: unknown): ConflictingRow {
  const shown = model.primaryKey.length === 1 ? key[model.primaryKey[0]!] : { ...key };
  return version === undefined ? { model: model.name, key: shown } : { model: model.name, key: shown, expectedVersion: version };
}
