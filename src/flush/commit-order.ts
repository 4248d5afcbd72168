import type { SchemaMetadata } from '../metadata/types.js';

/**
 * The order in which a commit writes tables: referenced tables first for inserts, the reverse for
 * deletes. Pure and computed once per schema.
 *
 * @module
 */

/** Result of {@link commitOrder}. */
export interface CommitOrder {
  /** Models, parents before children. */
  readonly models: readonly string[];
  /**
   * Relations (`Model.relation`) cut to break a cycle between models. New rows insert these
   * foreign keys as null and set them with an update after all inserts.
   */
  readonly deferred: ReadonlySet<string>;
}

/**
 * Topological sort of models by foreign keys (Kahn's algorithm, ties broken by schema order so
 * the order is stable). A cycle is broken at an optional relation.
 *
 * @example
 * ```ts
 * commitOrder(schema).models; // ['User', 'Account', 'LedgerEntry']
 * ```
 */
export function commitOrder(schema: SchemaMetadata): CommitOrder {
  const names = Object.keys(schema.models);
  /** child -> relations to other models it references */
  const edges = new Map<string, { relation: string; parent: string; optional: boolean }[]>();
  for (const name of names) {
    const model = schema.models[name]!;
    edges.set(
      name,
      model.relations
        .filter((r) => r.target !== name)
        .map((r) => ({ relation: `${name}.${r.name}`, parent: r.target, optional: r.isOptional })),
    );
  }
  const deferred = new Set<string>();
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = names.find(
      (n) => !done.has(n) && edges.get(n)!.every((e) => done.has(e.parent) || deferred.has(e.relation)),
    );
    if (ready !== undefined) {
      done.add(ready);
      order.push(ready);
      continue;
    }
    // A cycle: cut one relation, preferring an optional one, so the remaining models can proceed.
    const pending = names.filter((n) => !done.has(n));
    const candidates = pending.flatMap((n) =>
      edges.get(n)!.filter((e) => !done.has(e.parent) && !deferred.has(e.relation)),
    );
    const cut = candidates.find((e) => e.optional) ?? candidates[0]!;
    deferred.add(cut.relation);
  }
  return { models: order, deferred };
}
