import type { ConflictingRow } from '../errors.js';
import type { FieldMetadata, ModelMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf } from '../tracking/keys.js';
import type { FlushPlan, UpdateRow } from './plan.js';
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

/**
 * Read checks (`$check`, `checkReads`) folded into the plan's UPDATEs, so a commit needs no
 * statement of its own to check rows it also updates: a checked row of an unversioned model
 * gets the checked values as an original-value check in its UPDATE (`WHERE ... AND "frozen" IS
 * NOT DISTINCT FROM $n`), which the database evaluates on the row's latest version when it writes
 * it (PostgreSQL READ COMMITTED re-checks a row changed meanwhile; MariaDB's UPDATE reads the
 * latest committed row; SQLite writers are serialized), and holds it locked until the commit:
 * a change committed since the read makes the row fail its check, a `ConcurrencyConflictError`
 * naming it, as the separate check would. A versioned row updated with its version check is
 * checked already (the read check compares the version only).
 *
 * Returns `undefined` when some checked row is not updated by the plan, or an update step has
 * rows with different checks: the checks are then read by a statement of their own.
 *
 * @example
 * ```ts
 * const plan = foldReadChecks(planFlush(changes, schema), schema, checks) ?? unfolded;
 * ```
 * @internal
 */
export function foldReadChecks(plan: FlushPlan, schema: SchemaMetadata, checks: readonly ReadCheck[]): FlushPlan | undefined {
  const expected = new Map<string, Readonly<Row>>();
  for (const check of checks) {
    const model = schema.models[check.model]!;
    for (const row of check.rows) expected.set(`${check.model}\u0000${identityOf(model, row.key)}`, row.expected);
  }
  let folded = 0;
  const steps = plan.steps.map((step) => {
    if (step.op !== 'update') return step;
    const model = schema.models[step.model]!;
    const found = step.rows.map((r) => expected.get(`${step.model}\u0000${identityOf(model, r.key)}`));
    if (found.every((f) => f === undefined)) return step;
    if (step.check === 'version') {
      const version = model.versionField!;
      const covered = found.every((f, i) => f !== undefined && Object.keys(f).every((n) => n === version) && (!(version in f) || f[version] === step.rows[i]!.version));
      if (!covered) return undefined;
      folded += step.rows.length;
      return step;
    }
    if (step.check !== 'exists' && step.check !== 'original') return undefined;
    const fields = Object.keys(found[0] ?? {});
    if (found.some((f) => f === undefined || Object.keys(f).length !== fields.length || fields.some((n) => !(n in f)))) return undefined;
    folded += step.rows.length;
    const checked = [...new Set([...(step.check === 'original' ? step.checked : []), ...fields])].sort();
    const rows: UpdateRow[] = step.rows.map((r, i) => ({ ...r, original: { ...r.original, ...found[i] } }));
    return { ...step, check: 'original' as const, checked, rows };
  });
  if (steps.some((step) => step === undefined)) return undefined;
  const total = checks.reduce((n, check) => n + check.rows.length, 0);
  return folded === total ? { ...plan, steps: steps as FlushPlan['steps'] } : undefined;
}
