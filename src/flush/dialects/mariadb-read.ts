import { raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import { fieldOf } from './dialect.js';
import { mariadbQuote } from './mariadb.js';
import { jsonTableType, jsonTableValue, mariadbJsonRows } from './mariadb-json.js';

/**
 * The locking read of MariaDB in ONE statement: the rows with the given primary keys, every
 * column, locked (`FOR UPDATE`) until the transaction ends, in key order.
 *
 * ```sql
 * SELECT t.`id` AS `id`, t.`balance` AS `balance`, ...
 * FROM JSON_TABLE(?, '$[*]' COLUMNS(i FOR ORDINALITY, k0 BIGINT PATH '$[0]')) AS d
 * STRAIGHT_JOIN `Account` AS t FORCE INDEX (PRIMARY) ON t.`id` = d.k0 ORDER BY d.i FOR UPDATE
 * ```
 *
 * The keys are sorted before they are bound, `STRAIGHT_JOIN` makes the join read them in that
 * order and `FORCE INDEX` look each row up by key (a scan, which the optimizer prefers on small
 * tables, would lock every row it passes), so InnoDB locks exactly these rows, in key order and two transactions locking overlapping
 * rows wait for each other instead of deadlocking. A locking read returns the latest committed
 * rows even under REPEATABLE READ. Rows come back as Prisma's raw queries return them on
 * MariaDB (`rowFromLockedRead` of `postgres-read.ts` turns them into what `findMany` returns).
 *
 * @module
 */

function compareKeyParts(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if ((typeof x === 'number' || typeof x === 'bigint') && (typeof y === 'number' || typeof y === 'bigint')) return x < y ? -1 : x > y ? 1 : 0;
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

/** `keys` in primary-key order (the order every writer locks rows in). */
export function sortedKeys(model: ModelMetadata, keys: readonly Readonly<Record<string, unknown>>[]): Readonly<Record<string, unknown>>[] {
  return [...keys].sort((a, b) => {
    for (const name of model.primaryKey) {
      const c = compareKeyParts(a[name], b[name]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/**
 * The statement: the columns `columns` (default every one) of the rows with `keys`, locked in key
 * order: `FOR UPDATE`, or `LOCK IN SHARE MODE` for read checks (MariaDB has no `FOR SHARE`).
 */
export function mariadbLockedRead(
  model: ModelMetadata,
  keys: readonly Readonly<Record<string, unknown>>[],
  mode: 'FOR UPDATE' | 'LOCK IN SHARE MODE' = 'FOR UPDATE',
  columns: readonly FieldMetadata[] = model.fields,
): Sql {
  const fields = model.primaryKey.map((name) => fieldOf(model, name));
  const defs = fields.map((f, i) => `k${i} ${jsonTableType(f, true)} PATH '$[${i}]'`).join(', ');
  const json = mariadbJsonRows(
    fields,
    sortedKeys(model, keys).map((key) => fields.map((f) => key[f.name])),
  );
  const on = fields.map((f, i) => `t.${mariadbQuote(f.column)} = ${jsonTableValue(f, `k${i}`, true)}`).join(' AND ');
  const list = columns.map((f) => `t.${mariadbQuote(f.column)} AS ${mariadbQuote(f.name)}`).join(', ');
  const table = model.schema ? `${mariadbQuote(model.schema)}.${mariadbQuote(model.table)}` : mariadbQuote(model.table);
  return sql`SELECT ${raw(list)} FROM JSON_TABLE(${json}, '$[*]' COLUMNS(i FOR ORDINALITY, ${raw(defs)})) AS d STRAIGHT_JOIN ${raw(table)} AS t FORCE INDEX (PRIMARY) ON ${raw(
    on,
  )} ORDER BY d.i ${raw(mode)}`;
}
