import { UsageError } from '../errors.js';
import type { ModelInfo } from '../metadata/model-info.js';
import type { RelationMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { keysQuery } from './read-keys.js';

/**
 * `get`/`getMany` with `{ preload: ['owner'] }`: the rows the loaded objects reference through
 * these to-one relations are read into the unit too, in the same statement where the backend
 * can (PostgreSQL, SQLite: one `LEFT JOIN` per relation), so that a later `get` of them is
 * answered from the identity map:
 *
 * ```ts
 * const [from, to] = await uow.account.getMany([1, 2], { preload: ['owner'] }); // ONE statement
 * const owner = await uow.user.get(from.ownerId);                                // no statement
 * ```
 *
 * This module validates the option and reads what the joined statement could not give: the
 * related rows of objects the unit already tracked (they were not read again), or every related
 * row when the backend has no joined read (MariaDB, the in-memory backend): one read per relation.
 *
 * @module
 */

/** The relations `preload` names, checked: to-one relations whose foreign key is on the model. */
export function preloadRelations(info: ModelInfo, preload: unknown): RelationMetadata[] {
  if (preload === undefined) return [];
  if (!Array.isArray(preload)) {
    throw new UsageError('INVALID_ARGUMENT', `${info.name}: preload takes an array of relation names, got ${typeof preload}.`, { model: info.name });
  }
  const out: RelationMetadata[] = [];
  for (const name of preload) {
    const relation = typeof name === 'string' ? info.relations.get(name) : undefined;
    if (!relation) {
      const known = [...info.relations.keys()];
      throw new UsageError(
        'INVALID_ARGUMENT',
        `${info.name} has no relation '${String(name)}' to preload; preload names to-one relations whose foreign key is on ${info.name}: ${known.length > 0 ? known.join(', ') : 'it has none'}.`,
        { model: info.name },
      );
    }
    if (!out.includes(relation)) out.push(relation);
  }
  return out;
}

/** What the unit lends to {@link preloadMissing}. */
export interface PreloadHost {
  model(name: string): ModelInfo;
  /** Whether the unit tracks the row with this key (`where` holds the key fields). */
  tracks(info: ModelInfo, where: Row): boolean;
  /** Reads rows matching Prisma `findMany` arguments and tracks them. */
  read(info: ModelInfo, query: Row, what: string): Promise<void>;
}

/**
 * Reads the related rows of `objects` (their current foreign-key values) that the unit does not
 * track yet: one read per relation, none when every one is tracked (or the foreign key is null).
 */
export async function preloadMissing(host: PreloadHost, relations: readonly RelationMetadata[], objects: readonly Row[], what: string): Promise<void> {
  for (const relation of relations) {
    const target = host.model(relation.target);
    const byPrimaryKey = relation.references.length === target.primaryKey.length && relation.references.every((name) => target.primaryKeySet.has(name));
    const wanted = new Map<string, Row>();
    for (const object of objects) {
      const where: Row = {};
      let complete = true;
      relation.fields.forEach((field, i) => {
        const value = object[field];
        if (value === null || value === undefined) complete = false;
        where[relation.references[i]!] = value;
      });
      if (!complete || (byPrimaryKey && host.tracks(target, where))) continue;
      wanted.set(JSON.stringify(Object.values(where), (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)), where);
    }
    if (wanted.size === 0) continue;
    const wheres = [...wanted.values()];
    await host.read(target, byPrimaryKey ? keysQuery(target, wheres) : { where: { OR: wheres } }, `${what}, preload ${relation.name}`);
  }
}
