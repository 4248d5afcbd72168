import { describeRow } from '../errors.js';
import type { ModelMetadata, RelationMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf, keyValueOf } from '../tracking/keys.js';
import { MemoryStoreError, foreignKeyName, showFields } from './store-error.js';
import type { WorkingCopy } from './tables.js';

/**
 * Constraints of the in-memory store, checked row by row as each write happens (like the
 * immediate constraints Prisma's migrations create): NOT NULL, primary key, `@unique` /
 * `@@unique`, foreign keys. What deleting or re-keying a referenced row does is in
 * `referential-actions.ts`.
 *
 * @internal
 * @module
 */

/** `model` with `fields` as its key, by fields list (metadata lists are never rebuilt). */
const keyedBy = new WeakMap<readonly string[], ModelMetadata>();

/** The canonical key of `fields` of `row` (as `identityOf`), `undefined` when one is null. */
function tupleKey(model: ModelMetadata, fields: readonly string[], row: Readonly<Row>): string | undefined {
  let keyed = keyedBy.get(fields);
  if (keyed?.name !== model.name) {
    keyed = { ...model, primaryKey: fields };
    keyedBy.set(fields, keyed);
  }
  return identityOf(keyed, row);
}

function touches(fields: readonly string[], changed: ReadonlySet<string> | undefined): boolean {
  return changed === undefined || fields.some((f) => changed.has(f));
}

/**
 * Required fields must hold a value (no code: Prisma Client refuses such a write itself). A
 * required `Json` field may hold JSON null, which Prisma reads back as `null`.
 */
export function checkNotNull(model: ModelMetadata, row: Readonly<Row>): void {
  const missing = model.fields
    .filter((f) => f.isRequired && !(f.kind === 'Json' && !f.isList && row[f.name] === null) && (row[f.name] === null || row[f.name] === undefined))
    .map((f) => f.name);
  if (missing.length === 0) return;
  throw new MemoryStoreError(
    `Null constraint violation on the fields: (${missing.map((m) => `\`${m}\``).join(', ')}): ${model.name} requires ${missing.join(', ')}; give ${missing.length === 1 ? 'it a value' : 'them values'}`,
    undefined,
    { modelName: model.name, constraint: missing },
  );
}

function uniqueViolation(model: ModelMetadata, fields: readonly string[], row: Readonly<Row>, holder: Readonly<Row>): MemoryStoreError {
  const existing = describeRow(model.name, keyValueOf(model, holder));
  const detail =
    fields === model.primaryKey
      ? `${existing} already exists; load it to change it, or use another key`
      : `${existing} already has ${showFields(fields, row)}; use another value`;
  return new MemoryStoreError(
    `Unique constraint failed on the fields: (${fields.map((f) => `\`${f}\``).join(', ')}): ${detail}`,
    'P2002',
    { modelName: model.name, target: [...fields] },
  );
}

/**
 * No other row may have the primary key of `row` or the values of one of its unique
 * constraints (P2002). A constraint with a null field never conflicts (SQL semantics). Call
 * before `row` is stored; `self` is the key the row had before (updates), `changed` limits the
 * check to constraints over those fields.
 */
export function checkUnique(
  tx: WorkingCopy,
  model: ModelMetadata,
  identity: string,
  row: Readonly<Row>,
  options: { readonly self?: string; readonly changed?: ReadonlySet<string> } = {},
): void {
  const table = tx.table(model.name);
  const holder = identity === options.self ? undefined : table.get(identity);
  if (holder !== undefined) throw uniqueViolation(model, model.primaryKey, row, holder);
  for (const fields of model.uniques) {
    if (!touches(fields, options.changed)) continue;
    const key = tupleKey(model, fields, row);
    if (key === undefined) continue;
    for (const [otherIdentity, other] of table) {
      if (otherIdentity !== options.self && tupleKey(model, fields, other) === key) throw uniqueViolation(model, fields, row, other);
    }
  }
}

function referenced(tx: WorkingCopy, target: ModelMetadata, relation: RelationMetadata, probe: Readonly<Row>): boolean {
  const refs = relation.references;
  const byKey = refs.length === target.primaryKey.length && target.primaryKey.every((k) => refs.includes(k));
  if (byKey) {
    const identity = identityOf(target, probe);
    return identity !== undefined && tx.table(target.name).has(identity);
  }
  const key = tupleKey(target, refs, probe);
  for (const row of tx.table(target.name).values()) if (tupleKey(target, refs, row) === key) return true;
  return false;
}

/**
 * Every foreign key of `row` that is fully set must reference an existing row (P2003).
 * `changed` limits the check to relations over those fields (updates).
 */
export function checkForeignKeys(tx: WorkingCopy, schema: SchemaMetadata, model: ModelMetadata, row: Readonly<Row>, changed?: ReadonlySet<string>): void {
  for (const relation of model.relations) {
    if (!touches(relation.fields, changed)) continue;
    const probe: Row = {};
    relation.fields.forEach((fk, i) => (probe[relation.references[i]!] = row[fk]));
    if (relation.references.some((r) => probe[r] === null || probe[r] === undefined)) continue;
    const target = schema.models[relation.target]!;
    if (referenced(tx, target, relation, probe)) continue;
    const name = foreignKeyName(model, relation.fields);
    throw new MemoryStoreError(
      `Foreign key constraint violated on \`${name}\`: ${model.name}.${relation.name} (${showFields(relation.fields, row)}) references no ${target.name} with ${showFields(relation.references, probe)}; add that ${target.name} first or link an existing one`,
      'P2003',
      { modelName: model.name, field_name: name },
    );
  }
}
