import { DeltaBoundError, type ConflictingRow } from '../errors.js';
import type { ModelMetadata } from '../metadata/types.js';
import { addDelta, brokenBound, isBounded } from '../tracking/delta.js';
import { identityOf } from '../tracking/keys.js';
import { valuesEqual } from '../tracking/values.js';
import { fieldOf } from './dialects/dialect.js';
import type { Row } from '../tracking/entity.js';
import type { UpdateRow, UpdateStep } from './plan.js';
import { conflictIdentity, type RowReader } from './recheck.js';

/**
 * Bounds of declared deltas (`/// @delta(min: 0)`). Every strategy writes a delta as
 * `col = col + Δ` with the bound in the same statement's condition (`col + Δ >= 0`), so the
 * database itself checks the sum against the value committed before it, under the row lock: two
 * concurrent units can never together drive a counter out of bounds. A row the statement did not
 * write either failed its concurrency check (or is gone) or would have left a bound; only then,
 * the rows are read again inside the same transaction (still locked by the statement) to tell
 * which, and a bound is reported as a {@link DeltaBoundError} naming model, key, field, bound
 * and the value the row would have reached. Conflicts come first: a unit that conflicts is retried
 * and re-reads, and may then fit. A row that fits with the value stored now is written again
 * (see {@link DeltaFailures.again}).
 *
 * @internal
 * @module
 */

/** Whether some delta the step writes has a bound (only then can an unwritten row be a bound). */
export function hasBounds(step: UpdateStep, model: ModelMetadata): boolean {
  return step.deltas.some((name) => isBounded(fieldOf(model, name)));
}

/** What the rows a delta step did not write turned out to be. */
export interface DeltaFailures {
  /** The first row that would leave a bound (its check passed), when there is one. */
  readonly violation?: DeltaBoundError;
  /** Rows that failed their check or are gone. */
  readonly conflicts: readonly ConflictingRow[];
  /**
   * Rows that pass their check and fit their bounds with the value stored now: the statement
   * compared the bound with the row as its snapshot saw it, before a concurrent commit it then
   * waited for (PostgreSQL evaluates `WHERE` on the snapshot's row first, and re-checks only rows
   * that passed). They are locked now: write them again.
   */
  readonly again: readonly UpdateRow[];
}

/**
 * Sorts the rows a step with deltas did not write (`failed`) into conflicts, rows to write again,
 * and the first bound violation, from their current values read inside the transaction.
 *
 * @example
 * ```ts
 * const { violation, conflicts, again } = await deltaFailures(step, model, failed, transactionReader(tx, 'postgresql'));
 * ```
 */
export async function deltaFailures(step: UpdateStep, model: ModelMetadata, failed: readonly ConflictingRow[], read: RowReader): Promise<DeltaFailures> {
  const suspects = new Set(failed.map((row) => conflictIdentity(model, row)));
  const rows = step.rows.filter((row) => suspects.has(identityOf(model, row.key)));
  const version = step.check === 'version' ? model.versionField : undefined;
  const fields = [...step.deltas, ...step.checked, ...(version !== undefined ? [version] : [])];
  const current = rows.length === 0 ? new Map<string | undefined, Row>() : new Map((await read(model, rows.map((row) => row.key), fields)).map((row) => [identityOf(model, row), row]));
  const conflicts: ConflictingRow[] = [];
  const again: UpdateRow[] = [];
  let violation: DeltaBoundError | undefined;
  for (const row of rows) {
    const now = current.get(identityOf(model, row.key));
    const passes =
      now !== undefined &&
      (version === undefined || valuesEqual(fieldOf(model, version), now[version], row.version)) &&
      step.checked.every((name) => valuesEqual(fieldOf(model, name), now[name], row.original[name]));
    if (!passes) {
      conflicts.push(failed.find((f) => conflictIdentity(model, f) === identityOf(model, row.key))!);
      continue;
    }
    const broken = brokenDelta(step, model, row, now);
    if (broken) violation ??= broken;
    else again.push(row);
  }
  // Failed rows the step does not hold (cannot happen, but never drop a failure).
  for (const f of failed) if (!rows.some((row) => identityOf(model, row.key) === conflictIdentity(model, f))) conflicts.push(f);
  return violation ? { violation, conflicts, again } : { conflicts, again };
}

/** The bound a row's deltas would cross, added to the stored values `now`. */
function brokenDelta(step: UpdateStep, model: ModelMetadata, row: UpdateRow, now: Readonly<Row>): DeltaBoundError | undefined {
  for (const name of step.deltas) {
    const field = fieldOf(model, name);
    const delta = row.deltas?.[name];
    const reached = addDelta(field, now[name], delta);
    const bound = brokenBound(field, reached);
    if (!bound) continue;
    const key = model.primaryKey.length === 1 ? row.key[model.primaryKey[0]!] : { ...row.key };
    return new DeltaBoundError({ model: model.name, key, field: name, bound: bound.bound, limit: bound.limit, reached, delta });
  }
  return undefined;
}
