import type { FieldMetadata, ModelMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf } from '../tracking/keys.js';
import { valuesEqual } from '../tracking/values.js';
import { checkForeignKeys, checkNotNull, checkUnique } from './constraints.js';
import { advanceSequence, defaultFor, isSequence } from './defaults.js';
import { normalizeValue } from '../query/scalars.js';
import { applyKeyChange, deleteStoredRow, type ActionContext } from './referential-actions.js';
import { MemoryStoreError } from './store-error.js';

/**
 * Row writes of the in-memory store: insert, update and delete one row of a working copy, the
 * way a database statement would (values normalized, defaults filled, constraints checked,
 * referential actions applied). Callers decide what a missing row means.
 *
 * @internal
 * @module
 */

/**
 * What a row write needs: the working copy, the instant of the transaction (`now()` defaults
 * and `@updatedAt` fields get it) and where checks deferred to the end of the statement go.
 */
export interface WriteContext extends ActionContext {
  /** Skip foreign-key checks (seeding checks them once every table is filled). */
  readonly deferForeignKeys?: boolean;
}

function fieldOf(model: ModelMetadata, name: string): FieldMetadata {
  const field = model.fields.find((f) => f.name === name);
  if (field) return field;
  throw new MemoryStoreError(`${model.name} has no scalar field '${name}'`, undefined, { modelName: model.name, field: name });
}

/**
 * Inserts a row: given values normalized, left-out fields from their default (or null, or `[]`
 * for lists). Returns the stored (frozen) row.
 *
 * @example
 * ```ts
 * insertRow(ctx, user, { name: 'Ann' }); // { id: 3, name: 'Ann', loyaltyPoints: 0 }
 * ```
 */
export function insertRow(ctx: WriteContext, model: ModelMetadata, values: Readonly<Row>): Readonly<Row> {
  for (const name of Object.keys(values)) if (values[name] !== undefined) fieldOf(model, name);
  const row: Row = {};
  for (const field of model.fields) {
    const given = values[field.name];
    if (given !== undefined) {
      row[field.name] = normalizeValue(model, field, given, ctx.schema.provider);
      if (isSequence(field)) advanceSequence(ctx.tx.counters, model, field, row[field.name]);
      continue;
    }
    const fallback = defaultFor(model, field, ctx.tx.counters, ctx.now);
    // A required field left out stays undefined, so the NOT NULL check tells it from a JSON null.
    row[field.name] = fallback !== undefined ? fallback : field.isList ? [] : field.isRequired ? undefined : null;
  }
  checkNotNull(model, row);
  const identity = identityOf(model, row)!;
  checkUnique(ctx.tx, model, identity, row);
  if (!ctx.deferForeignKeys) checkForeignKeys(ctx.tx, ctx.schema, model, row);
  const stored = Object.freeze(row);
  ctx.tx.writable(model.name).set(identity, stored);
  return stored;
}

/**
 * Updates the stored row `identity` with `changes` (and `@updatedAt` fields with the
 * transaction's instant). Rows referencing changed fields get their relation's `onUpdate`.
 * Returns the new stored row.
 */
export function updateRow(ctx: WriteContext, model: ModelMetadata, identity: string, changes: Readonly<Row>): Readonly<Row> {
  const stored = ctx.tx.table(model.name).get(identity);
  if (stored === undefined) throw new Error(`prisma-uow internal error: ${model.name} ${identity} is not stored`);
  const next: Row = { ...stored };
  for (const [name, value] of Object.entries(changes)) {
    if (value !== undefined) next[name] = normalizeValue(model, fieldOf(model, name), value, ctx.schema.provider);
  }
  for (const field of model.fields) {
    if (field.isUpdatedAt && changes[field.name] === undefined) next[field.name] = new Date(ctx.now.getTime());
  }
  const changed = new Set(model.fields.filter((f) => !valuesEqual(f, stored[f.name], next[f.name])).map((f) => f.name));
  checkNotNull(model, next);
  const nextIdentity = identityOf(model, next)!;
  checkUnique(ctx.tx, model, nextIdentity, next, { self: identity, changed });
  if (!ctx.deferForeignKeys) checkForeignKeys(ctx.tx, ctx.schema, model, next, changed);
  const table = ctx.tx.writable(model.name);
  if (nextIdentity !== identity) table.delete(identity);
  const frozen = Object.freeze(next);
  table.set(nextIdentity, frozen);
  applyKeyChange(ctx, model, stored, frozen, changed);
  return frozen;
}

/**
 * Deletes the stored row `identity`; rows referencing it get their relation's `onDelete`
 * (refused, deleted too, or unlinked). Returns false when there was no such row.
 */
export function deleteRow(ctx: WriteContext, model: ModelMetadata, identity: string): boolean {
  return deleteStoredRow(ctx, model, identity);
}
