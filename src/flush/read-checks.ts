import type { ConflictingRow } from '../errors.js';
import type { ModelMetadata, SchemaMetadata } from '../metadata/types.js';
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

/** The rows of one model a commit checks, sorted by primary key. @internal */
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
 * One {@link ReadCheck} per model, models in name order and rows in key order (locks are taken
 * in one order by every unit).
 *
 * @example
 * ```ts
 * planReadChecks(schema, [{ model: 'User', base: user }]);
 * // [{ model: 'User', fields: ['version'], rows: [{ key: { id: 1 }, expected: { version: 3 } }] }]
 * ```
 * @internal
 */
export function planReadChecks(schema: SchemaMetadata, rows: Iterable<CheckedRow>): ReadCheck[] {
  const byModel = new Map<string, Map<string, CheckedRow>>();
  for (const row of rows) {
    const model = schema.models[row.model]!;
    const identity = identityOf(model, row.base)!;
    let list = byModel.get(row.model);
    if (!list) byModel.set(row.model, (list = new Map()));
    list.set(identity, row);
  }
  const checks: ReadCheck[] = [];
  for (const name of [...byModel.keys()].sort()) {
    const model = schema.models[name]!;
    const all = model.versionField !== undefined ? [model.versionField] : model.fields.filter((f) => !model.primaryKey.includes(f.name)).map((f) => f.name);
    const pick = (base: Readonly<Row>, names: readonly string[]) => Object.freeze(Object.fromEntries(names.map((n) => [n, base[n]])));
    const used = new Set<string>();
    const list = [...byModel.get(name)!.values()].map((row) => {
      const fields = row.written ? all.filter((f) => !row.written!.has(f)) : all;
      for (const f of fields) used.add(f);
      return Object.freeze({ key: pick(row.base, model.primaryKey), expected: pick(row.base, fields) });
    });
    list.sort((a, b) => compareKeys(model, a.key, b.key));
    checks.push(Object.freeze({ model: name, fields: Object.freeze(all.filter((f) => used.has(f))), rows: Object.freeze(list) }));
  }
  return checks;
}

function compareKeys(model: ModelMetadata, a: Readonly<Row>, b: Readonly<Row>): number {
  for (const name of model.primaryKey) {
    const x = a[name] as number | bigint | string | Date;
    const y = b[name] as number | bigint | string | Date;
    const [p, q] = x instanceof Date && y instanceof Date ? [x.getTime(), y.getTime()] : [x, y];
    if (p < q) return -1;
    if (p > q) return 1;
  }
  return 0;
}

/**
 * The rows of `check` that fail it, given the rows read inside the commit transaction: rows
 * missing from `stored` (deleted since) and rows whose checked fields differ (compared by value).
 *
 * @internal
 */
export function failedReadChecks(model: ModelMetadata, check: ReadCheck, stored: readonly Readonly<Row>[]): ConflictingRow[] {
  const byIdentity = new Map(stored.map((row) => [identityOf(model, row), row]));
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  const failed: ConflictingRow[] = [];
  for (const row of check.rows) {
    const now = byIdentity.get(identityOf(model, row.key));
    if (now && Object.keys(row.expected).every((name) => valuesEqual(fields.get(name)!, now[name], row.expected[name]))) continue;
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
