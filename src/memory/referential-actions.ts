import { describeRow } from '../errors.js';
import type { ModelMetadata, ReferentialAction, RelationMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { keyValueOf, tupleKey } from '../tracking/keys.js';
import { checkForeignKeys, checkNotNull } from './constraints.js';
import { defaultFor } from './defaults.js';
import { MemoryStoreError, foreignKeyName, showFields } from './store-error.js';
import type { WorkingCopy } from './tables.js';

/**
 * Referential actions of the in-memory store: what deleting a row, or changing the fields other
 * rows reference, does to the rows that reference it, as each relation's `onDelete` / `onUpdate`
 * declares (Prisma's defaults filled in by the generator), and when, as SQLite and PostgreSQL
 * do it:
 * - `Restrict` refuses at once (P2003);
 * - `NoAction` refuses at the end of the statement if a row still references the old values
 *   (a database's immediate foreign-key check);
 * - `Cascade` deletes the referencing rows (recursively) or makes their keys follow;
 * - `SetNull` / `SetDefault` set their foreign keys to null / to the fields' defaults (which
 *   must then reference an existing row at the end of the statement).
 *
 * @internal
 * @module
 */

/** Checks to run when the current statement ends (see {@link endStatement}). */
export type StatementChecks = (() => void)[];

/** What a referential action needs: the working copy, and where end-of-statement checks go. */
export interface ActionContext {
  readonly schema: SchemaMetadata;
  readonly tx: WorkingCopy;
  readonly now: Date;
  /** End-of-statement checks; without it they run as soon as the row's actions are done. */
  readonly checks?: StatementChecks;
}

interface Reference {
  readonly child: ModelMetadata;
  readonly relation: RelationMetadata;
  readonly identity: string;
}

function pick(row: Readonly<Row>, fields: readonly string[]): unknown[] {
  return fields.map((f) => row[f]);
}

/** Rows whose foreign keys hold the values `row` (of `model`) has in the fields they reference. */
function referencesTo(ctx: ActionContext, model: ModelMetadata, row: Readonly<Row>, fields?: ReadonlySet<string>): Reference[] {
  const out: Reference[] = [];
  for (const child of Object.values(ctx.schema.models)) {
    for (const relation of child.relations) {
      if (relation.target !== model.name) continue;
      if (fields && !relation.references.some((f) => fields.has(f))) continue;
      const key = tupleKey(pick(row, relation.references));
      if (key === undefined) continue;
      for (const [identity, other] of ctx.tx.table(child.name)) {
        if (tupleKey(pick(other, relation.fields)) === key) out.push({ child, relation, identity });
      }
    }
  }
  return out;
}

/** Sets the foreign key of a referencing row (if it is still there). */
function rewrite(ctx: ActionContext, ref: Reference, values: (fk: string, i: number) => unknown): void {
  const table = ctx.tx.writable(ref.child.name);
  const current = table.get(ref.identity);
  if (current === undefined) return;
  const next: Row = { ...current };
  ref.relation.fields.forEach((fk, i) => (next[fk] = values(fk, i)));
  checkNotNull(ref.child, next);
  table.set(ref.identity, Object.freeze(next));
}

/** `SetDefault`: the foreign key takes its fields' defaults, which must reference a row by the end of the statement. */
function setDefault(ctx: ActionContext, ref: Reference): void {
  const fields = ref.relation.fields;
  rewrite(ctx, ref, (fk) => defaultFor(ref.child, ref.child.fields.find((f) => f.name === fk)!, ctx.tx.counters, ctx.now) ?? null);
  later(ctx, () => {
    const current = ctx.tx.table(ref.child.name).get(ref.identity);
    if (current) checkForeignKeys(ctx.tx, ctx.schema, ref.child, current, new Set(fields));
  });
}

function later(ctx: ActionContext, check: () => void): void {
  if (ctx.checks) ctx.checks.push(check);
  else check();
}

/** Runs (and clears) the checks deferred to the end of the statement. */
export function endStatement(ctx: ActionContext): void {
  const checks = ctx.checks;
  if (!checks) return;
  const pending = checks.splice(0);
  for (const check of pending) check();
}

function stillReferenced(model: ModelMetadata, row: Readonly<Row>, ref: Reference, child: Readonly<Row>, what: string, action: string): MemoryStoreError {
  const name = foreignKeyName(ref.child, ref.relation.fields);
  const held = `${describeRow(ref.child.name, keyValueOf(ref.child, child))} (${ref.child.name}.${ref.relation.name}: ${showFields(ref.relation.fields, child)})`;
  return new MemoryStoreError(
    `Foreign key constraint violated on \`${name}\`: ${describeRow(model.name, keyValueOf(model, row))} ${what} by ${held}, whose relation says ${action}; remove or re-link the ${ref.child.name} rows first`,
    'P2003',
    { modelName: ref.child.name, field_name: name },
  );
}

/** Refuses now (`Restrict`) or at the end of the statement (`NoAction`) if `ref` still holds `key`. */
function refuse(ctx: ActionContext, model: ModelMetadata, row: Readonly<Row>, ref: Reference, action: ReferentialAction, what: string, label: string): void {
  const key = tupleKey(pick(row, ref.relation.references));
  const check = () => {
    const child = ctx.tx.table(ref.child.name).get(ref.identity);
    if (child === undefined || tupleKey(pick(child, ref.relation.fields)) !== key) return;
    // NO ACTION passes when a row with those values exists again by the end of the statement.
    if (action === 'NoAction') {
      for (const other of ctx.tx.table(model.name).values()) if (tupleKey(pick(other, ref.relation.references)) === key) return;
    }
    throw stillReferenced(model, row, ref, child, what, `${label}: ${action}`);
  };
  if (action === 'Restrict') check();
  else later(ctx, check);
}

/**
 * Deletes the stored row `identity` of `model` and applies the `onDelete` action of every
 * relation referencing it. Returns false when there was no such row.
 */
export function deleteStoredRow(ctx: ActionContext, model: ModelMetadata, identity: string): boolean {
  const table = ctx.tx.writable(model.name);
  const row = table.get(identity);
  if (row === undefined) return false;
  table.delete(identity);
  const refs = referencesTo(ctx, model, row);
  for (const ref of refs) {
    if (ref.relation.onDelete === 'Restrict') refuse(ctx, model, row, ref, 'Restrict', 'is still referenced', 'onDelete');
  }
  for (const ref of refs) {
    switch (ref.relation.onDelete) {
      case 'Cascade':
        deleteStoredRow(ctx, ref.child, ref.identity);
        break;
      case 'SetNull':
        rewrite(ctx, ref, () => null);
        break;
      case 'SetDefault':
        setDefault(ctx, ref);
        break;
      case 'NoAction':
        refuse(ctx, model, row, ref, 'NoAction', 'is still referenced', 'onDelete');
        break;
      case 'Restrict':
        break;
    }
  }
  return true;
}

/**
 * After referenced fields of a row changed (`before` → `after`, `changed` the changed fields),
 * applies the `onUpdate` action of every relation referencing the old values.
 */
export function applyKeyChange(ctx: ActionContext, model: ModelMetadata, before: Readonly<Row>, after: Readonly<Row>, changed: ReadonlySet<string>): void {
  for (const ref of referencesTo(ctx, model, before, changed)) {
    const action = ref.relation.onUpdate;
    const what = `cannot change ${showFields(ref.relation.references, before)}: it is still referenced`;
    if (action === 'Restrict' || action === 'NoAction') {
      refuse(ctx, model, before, ref, action, what, 'onUpdate');
    } else if (action === 'Cascade') {
      rewrite(ctx, ref, (_fk, i) => after[ref.relation.references[i]!]);
    } else if (action === 'SetNull') {
      rewrite(ctx, ref, () => null);
    } else {
      setDefault(ctx, ref);
    }
  }
}
