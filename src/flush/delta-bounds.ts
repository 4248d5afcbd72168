import { DeltaBoundError, type ConflictingRow } from '../errors.js';
import type { ModelMetadata } from '../metadata/types.js';
import { addDelta, brokenBound, isBounded } from '../tracking/delta.js';
import { identityOf } from '../tracking/keys.js';
import { valuesEqual } from '../tracking/values.js';
import { fieldOf } from './dialects/dialect.js';
import type { UpdateStep } from './plan.js';
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
 * and re-reads, and may then fit.
 *
 * @internal
 * @module
 */

/** Whether some delta the step writes has a bound (only then can an unwritten row be a bound). */
export function hasBounds(step: UpdateStep, model: ModelMetadata): boolean {
  return step.deltas.some((name) => isBounded(fieldOf(model, name)));
}

/**
 * Of the rows a step did not write (`failed`), the first that would have left a bound and passes
 * its concurrency check, as a {@link DeltaBoundError}; `undefined` when any failed row is a real
 * conflict (or none is a bound).
 *
 * @example
 * ```ts
 * const broken = await boundViolation(step, model, failed, transactionReader(tx, 'postgresql'));
 * if (broken) throw broken;
 * ```
 */
export async function boundViolation(step: UpdateStep, model: ModelMetadata, failed: readonly ConflictingRow[], read: RowReader): Promise<DeltaBoundError | undefined> {
  const suspects = new Set(failed.map((row) => conflictIdentity(model, row)));
  const rows = step.rows.filter((row) => suspects.has(identityOf(model, row.key)));
  if (rows.length === 0) return undefined;
  const version = step.check === 'version' ? model.versionField : undefined;
  const fields = [...step.deltas, ...step.checked, ...(version !== undefined ? [version] : [])];
  const current = new Map((await read(model, rows.map((row) => row.key), fields)).map((row) => [identityOf(model, row), row]));
  let violation: DeltaBoundError | undefined;
  for (const row of rows) {
    const now = current.get(identityOf(model, row.key));
    if (now === undefined) return undefined;
    if (version !== undefined && !valuesEqual(fieldOf(model, version), now[version], row.version)) return undefined;
    if (!step.checked.every((name) => valuesEqual(fieldOf(model, name), now[name], row.original[name]))) return undefined;
    let broken: DeltaBoundError | undefined;
    for (const name of step.deltas) {
      const field = fieldOf(model, name);
      const delta = row.deltas?.[name];
      const reached = addDelta(field, now[name], delta);
      const bound = brokenBound(field, reached);
      if (!bound) continue;
      const key = model.primaryKey.length === 1 ? row.key[model.primaryKey[0]!] : { ...row.key };
      broken = new DeltaBoundError({ model: model.name, key, field: name, bound: bound.bound, limit: bound.limit, reached, delta });
      break;
    }
    if (!broken) return undefined;
    violation ??= broken;
  }
  return violation;
}
