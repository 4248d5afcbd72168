import { describeRow } from '../errors.js';
import type { ModelInfo } from '../metadata/model-info.js';
import type { Row } from '../tracking/entity.js';

/**
 * Reading rows by primary key (`get`, `getMany`): the `findMany` arguments, and the name the
 * read has in errors.
 *
 * @module
 */

/**
 * `findMany` arguments that read the rows with these keys: one `in` list for single-field keys,
 * an `OR` of the key objects for composite ones.
 *
 * @example
 * ```ts
 * keysQuery(account, [{ id: 7 }, { id: 3 }]); // { where: { id: { in: [7, 3] } } }
 * ```
 * @internal
 */
export function keysQuery(info: ModelInfo, wheres: readonly Row[]): Row {
  if (wheres.length === 1) return { where: wheres[0], take: 1 };
  if (info.primaryKey.length === 1) {
    const name = info.primaryKey[0]!;
    return { where: { [name]: { in: wheres.map((w) => w[name]) } } };
  }
  return { where: { OR: wheres } };
}

/** How a read is named in errors: `get Account#7`, `getMany Account (3 keys)`. @internal */
export function readName(info: ModelInfo, keys: readonly unknown[], action: string): string {
  return keys.length === 1 && action.startsWith('get ') ? `get ${describeRow(info.name, keys[0])}` : `${action} (${keys.length} keys)`;
}
