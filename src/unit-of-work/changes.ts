import type { SchemaMetadata } from '../metadata/types.js';
import { PendingKey, type ChangeSet } from '../tracking/change-set.js';
import type { Row } from '../tracking/entity.js';
import { keyValueOf } from '../tracking/keys.js';
import type { KeyInput, ModelMap } from './types.js';

/**
 * The typed description of what a commit writes, for hooks and previews: per row, the model,
 * its key and what happens to it (values inserted, fields changed from → to, deleted).
 *
 * @module
 */

/** Old and new value of each changed field. */
export type FieldChanges<R> = { readonly [F in keyof R]?: { readonly from: R[F]; readonly to: R[F] } };

/** One row written by a commit. `key` is `undefined` for an insert whose key the database generates, until it is committed. */
export type RowChange<M extends ModelMap> = {
  [N in keyof M & string]:
    | { readonly kind: 'insert'; readonly model: N; readonly key: KeyInput<M[N]> | undefined; readonly values: Readonly<Partial<M[N]['row']>> }
    | { readonly kind: 'update'; readonly model: N; readonly key: KeyInput<M[N]>; readonly changes: FieldChanges<M[N]['row']> }
    | { readonly kind: 'delete'; readonly model: N; readonly key: KeyInput<M[N]> };
}[keyof M & string];

/** Everything one commit writes, in the order of the change set (inserts, updates, deletes). */
export type ChangeList<M extends ModelMap> = readonly RowChange<M>[];

function visible(row: Readonly<Row>): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) out[name] = value instanceof PendingKey ? undefined : value;
  return out;
}

function keyOf(schema: SchemaMetadata, model: string, row: Readonly<Row>): unknown {
  const meta = schema.models[model]!;
  return meta.primaryKey.every((k) => row[k] !== undefined && row[k] !== null) ? keyValueOf(meta, row) : undefined;
}

/**
 * Describes a change set. Pass the rows the database returned for inserts (by entity id) to get
 * generated keys and defaults in the description.
 *
 * @example
 * ```ts
 * describeChanges(schema, changes).filter((c) => c.kind === 'update' && c.model === 'Account');
 * ```
 */
export function describeChanges<M extends ModelMap>(
  schema: SchemaMetadata,
  changes: ChangeSet,
  inserted: ReadonlyMap<number, Row> = new Map(),
): ChangeList<M> {
  const out: Record<string, unknown>[] = [];
  for (const i of changes.inserts) {
    const values = inserted.get(i.entity) ?? visible(i.values);
    out.push({ kind: 'insert', model: i.model, key: keyOf(schema, i.model, values), values: Object.freeze({ ...values }) });
  }
  for (const u of changes.updates) {
    const fieldChanges: Record<string, { from: unknown; to: unknown }> = {};
    for (const [name, to] of Object.entries(u.set)) {
      fieldChanges[name] = Object.freeze({ from: u.original[name], to: to instanceof PendingKey ? undefined : to });
    }
    out.push({ kind: 'update', model: u.model, key: keyValueOf(schema.models[u.model]!, u.key), changes: Object.freeze(fieldChanges) });
  }
  for (const d of changes.deletes) out.push({ kind: 'delete', model: d.model, key: keyValueOf(schema.models[d.model]!, d.key) });
  return Object.freeze(out.map((c) => Object.freeze(c))) as unknown as ChangeList<M>;
}
