import type { ConflictingRow } from '../errors.js';
import type { FieldMetadata, ModelMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf } from '../tracking/keys.js';
import { valuesEqual } from '../tracking/values.js';
import { conflict } from './strategies/prisma-values.js';

/**
 * Read checks (`uow.$check(entity)`, `run(fn, { checkReads: true })`): rows the unit only read
 * must still hold, at commit, the version (versioned models) or the values (others) they were
 * read with. The checks are plain data, one per model, built here from snapshots; backends read
 * the rows inside the commit transaction (PostgreSQL: `FOR SHARE`, so a concurrent writer waits
 * for the commit or is seen) in ONE statement per model, and {@link failedReadChecks} compares.
 *
 * @module
 */

/** The rows of one model a commit checks. @internal */
export interface ReadCheck {
  readonly model: string;
  /** Every field some row compares (what the check reads besides the key). */
  readonly fields: readonly string[];
  /** Per row: its key, and the fields it compares with the values they must still have. */
  readonly rows: readonly { readonly key: Readonly<Row>; readonly expected: Readonly<Row> }[];
}

/**
 * A row to check: its model, the snapshot it was read with, and the fields the commit writes
 * itself (checks run after the writes, so those are left out: the write checks them, or the
 * field is a declared delta that needs no check).
 *
 * @internal
 */
export interface CheckedRow {
  readonly model: string;
  readonly base: Readonly<Row>;
  readonly written?: ReadonlySet<string>;
}

/**
 * One {@link ReadCheck} per model, models in name order (rows keep the order given: the
 * PostgreSQL statement locks them in key order itself). Each row must be given once.
 *
 * @example
 * ```ts
 * planReadChecks(schema, [{ model: 'Account', base: account }]);
 * // [{ model: 'Account', fields: ['version'], rows: [{ key: { id: 1 }, expected: { version: 3 } }] }]
 * ```
 * @internal
 */
export function planReadChecks(schema: SchemaMetadata, rows: Iterable<CheckedRow>): ReadCheck[] {
  const byModel = new Map<string, CheckedRow[]>();
  for (const row of rows) {
    let list = byModel.get(row.model);
    if (!list) byModel.set(row.model, (list = []));
    list.push(row);
  }
  const checks: ReadCheck[] = [];
  for (const name of [...byModel.keys()].sort()) {
    const model = schema.models[name]!;
    const all = model.versionField !== undefined ? [model.versionField] : model.fields.filter((f) => !model.primaryKey.includes(f.name)).map((f) => f.name);
    const used = new Set<string>();
    const list = byModel.get(name)!.map((row) => {
      const fields = row.written ? all.filter((f) => !row.written!.has(f)) : all;
      for (const f of fields) used.add(f);
      return { key: pick(row.base, model.primaryKey), expected: pick(row.base, fields) };
    });
    checks.push(Object.freeze({ model: name, fields: Object.freeze(all.filter((f) => used.has(f))), rows: Object.freeze(list) }));
  }
  return checks;
}

function pick(base: Readonly<Row>, names: readonly string[]): Row {
  const out: Row = {};
  for (const name of names) out[name] = base[name];
  return out;
}

function same(fields: ReadonlyMap<string, FieldMetadata>, now: Readonly<Row>, expected: Readonly<Row>): boolean {
  for (const name in expected) if (!valuesEqual(fields.get(name)!, now[name], expected[name])) return false;
  return true;
}

/**
 * The rows of `check` that fail it, given the rows read inside the commit transaction: rows
 * missing from `stored` (deleted since) and rows whose checked fields differ (compared by value).
 *
 * @internal
 */
export function failedReadChecks(model: ModelMetadata, check: ReadCheck, stored: readonly Readonly<Row>[]): ConflictingRow[] {
  // A single number/string/bigint key is its own identity (no string built per row).
  const single = model.primaryKey.length === 1 ? model.primaryKey[0]! : undefined;
  const identity = (row: Readonly<Row>): unknown => {
    const value = single === undefined ? undefined : row[single];
    return typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' ? value : identityOf(model, row);
  };
  const byIdentity = new Map<unknown, Readonly<Row>>();
  for (const row of stored) byIdentity.set(identity(row), row);
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  const failed: ConflictingRow[] = [];
  for (const row of check.rows) {
    const now = byIdentity.get(identity(row.key));
    if (now && same(fields, now, row.expected)) continue;
    failed.push(conflict(model, row.key, model.versionField === undefined ? undefined : row.expected[model.versionField]));
  }
  return failed;
}

/** `findMany` arguments reading the rows of a check (key fields and checked fields only). @internal */
export function readCheckQuery(model: ModelMetadata, check: ReadCheck): Row {
  const select = Object.fromEntries([...model.primaryKey, ...check.fields].map((name) => [name, true]));
  if (model.primaryKey.length === 1) {
    const name = model.primaryKey[0]!;
    return { where: { [name]: { in: check.rows.map((r) => r.key[name]) } }, select };
  }
  return { where: { OR: check.rows.map((r) => ({ ...r.key })) }, select };
}
