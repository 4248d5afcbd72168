import { planReadChecks, type CheckedRow, type ReadCheck } from '../flush/read-checks.js';
import type { SchemaMetadata } from '../metadata/types.js';
import type { ChangeSet } from '../tracking/change-set.js';
import type { EntityState } from '../tracking/entity.js';

/**
 * The read checks of a commit (`$check`, `checkReads`) from the unit's objects: which rows, and
 * which of their fields. Checks run after the writes: a deleted row, and an updated row of a
 * versioned model, are checked by their write; an updated unversioned row compares the fields
 * the commit does not write (the written ones are checked by the write, or are declared deltas).
 *
 * @example
 * ```ts
 * const checks = readChecksOf(schema, checkReads ? identity.all : checked, changes);
 * ```
 * @internal
 */
export function readChecksOf(schema: SchemaMetadata, candidates: Iterable<EntityState>, changes: ChangeSet): ReadCheck[] {
  let written: Map<number, ReadonlySet<string> | undefined> | undefined;
  const rows: CheckedRow[] = [];
  for (const state of candidates) {
    if (state.status !== 'managed' || state.reference) continue;
    if (!written) {
      written = new Map();
      for (const row of changes.updates) written.set(row.entity, new Set(Object.keys(row.set)));
      for (const row of changes.deletes) written.set(row.entity, undefined);
    }
    if (!written.has(state.id)) rows.push({ model: state.info.name, base: state.base });
    else {
      const fields = written.get(state.id);
      if (fields && state.info.versionField === undefined) rows.push({ model: state.info.name, base: state.base, written: fields });
    }
  }
  return rows.length === 0 ? [] : planReadChecks(schema, rows);
}
