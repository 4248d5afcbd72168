import { describeRow } from '../errors.js';
import type { ModelMetadata, RelationMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf, keyValueOf } from '../tracking/keys.js';
import { MemoryStoreError, foreignKeyName, showFields } from './store-error.js';
import type { WorkingCopy } from './tables.js';

/**
 * Constraints of the in-memory store, checked row by row as each write happens (like the
 * immediate constraints Prisma's migrations create): NOT NULL, primary key, `@unique` /
 * `@@unique`, foreign keys, and the referential actions Prisma's schema defaults to:
 * `ON DELETE RESTRICT` for required relations, `ON DELETE SET NULL` for optional ones,
 * `ON UPDATE CASCADE` for both.
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

interface Reference {
  readonly child: ModelMetadata;
  readonly relation: RelationMetadata;
  readonly identity: string;
}

/** Rows whose foreign keys point at `row` (a row of `model`), over relations referencing `fields`. */
function referencesTo(tx: WorkingCopy, schema: SchemaMetadata, model: ModelMetadata, row: Readonly<Row>, fields?: ReadonlySet<string>): Reference[] {
  const out: Reference[] = [];
  for (const child of Object.values(schema.models)) {
    for (const relation of child.relations) {
      if (relation.target !== model.name || !touches(relation.references, fields)) continue;
      const key = tupleKey(model, relation.references, row);
      if (key === undefined) continue;
      for (const [identity, other] of tx.table(child.name)) {
        if (tupleKey(child, relation.fields, other) === key) out.push({ child, relation, identity });
      }
    }
  }
  return out;
}

function rewrite(tx: WorkingCopy, ref: Reference, values: (fk: string, i: number) => unknown): void {
  const table = tx.writable(ref.child.name);
  const current = table.get(ref.identity);
  if (current === undefined) return;
  const next: Row = { ...current };
  ref.relation.fields.forEach((fk, i) => (next[fk] = values(fk, i)));
  table.set(ref.identity, Object.freeze(next));
}

/**
 * What deleting `row` does to the rows that reference it: a required relation refuses the delete
 * (P2003, `ON DELETE RESTRICT`); an optional one clears the foreign key (`ON DELETE SET NULL`).
 * Call after the row left its table.
 */
export function applyDelete(tx: WorkingCopy, schema: SchemaMetadata, model: ModelMetadata, row: Readonly<Row>): void {
  const refs = referencesTo(tx, schema, model, row);
  const restricting = refs.find((ref) => !ref.relation.isOptional);
  if (restricting) {
    const child = tx.table(restricting.child.name).get(restricting.identity)!;
    const { child: childModel, relation } = restricting;
    const name = foreignKeyName(childModel, relation.fields);
    throw new MemoryStoreError(
      `Foreign key constraint violated on \`${name}\`: ${describeRow(model.name, keyValueOf(model, row))} is still referenced by ${describeRow(childModel.name, keyValueOf(childModel, child))} (${childModel.name}.${relation.name}: ${showFields(relation.fields, child)}); remove or re-link the ${childModel.name} rows first`,
      'P2003',
      { modelName: model.name, field_name: name },
    );
  }
  for (const ref of refs) rewrite(tx, ref, () => null);
}

/**
 * What changing referenced fields of a row does to the rows that reference the old values:
 * their foreign keys follow (`ON UPDATE CASCADE`).
 */
export function applyKeyChange(tx: WorkingCopy, schema: SchemaMetadata, model: ModelMetadata, before: Readonly<Row>, after: Readonly<Row>, changed: ReadonlySet<string>): void {
  for (const ref of referencesTo(tx, schema, model, before, changed)) {
    rewrite(tx, ref, (_fk, i) => after[ref.relation.references[i]!]);
  }
}
