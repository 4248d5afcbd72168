import { join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import type { PreparedInsert } from '../insert-rows.js';
import type { DeleteStep, UpdateStep } from '../plan.js';
import { chunk, fieldOf, type SqlDialect, type WriteStatement } from './dialect.js';
import { valuesEqual } from '../../tracking/values.js';
import { jsonTableType, jsonTableValue, mariadbJsonChunks, mariadbJsonRows, sameValueSql, type JsonChunk } from './mariadb-json.js';

/**
 * MariaDB (10.6 and later): the rows of a step travel as ONE bound JSON parameter, unpacked by
 * `JSON_TABLE` (see `mariadb-json.ts`), and the target table is joined to them on its primary
 * key with the concurrency check in the join:
 *
 * ```sql
 * UPDATE JSON_TABLE(?, '$[*]' COLUMNS(i FOR ORDINALITY, k0 BIGINT PATH '$[0]', s0 DECIMAL(65, 30) PATH '$[1]', v BIGINT PATH '$[2]')) AS d
 * STRAIGHT_JOIN `Account` AS t FORCE INDEX (PRIMARY) ON t.`id` = d.k0 AND t.`version` = d.v
 * SET t.`balance` = d.s0, t.`version` = t.`version` + 1
 * ```
 *
 * The rows arrive in primary-key order, the join reads them in that order (`STRAIGHT_JOIN`) and
 * looks each target row up by its primary key (`FORCE INDEX`: on a small table the optimizer
 * would rather scan it, and an UPDATE locks every row it scans), so InnoDB locks exactly the
 * step's rows, in key order: two commits touching the same rows wait for each other instead of
 * deadlocking. MariaDB
 * has no `UPDATE ... RETURNING`, and its row count (the matched rows, with the check) is the
 * concurrency check: when it is short, one more query in the same transaction lists the rows
 * that now hold what this statement wrote (new values and version + 1). A row another transaction set to exactly those values cannot be told
 * from one this statement wrote; when such rows make the list longer than the row count,
 * every row of the statement is named (see `approximate` in `dialect.ts`).
 *
 * A written column that every row of the step sets to the same value (one patch applied to many
 * rows) travels once, in a second, one-row `JSON_TABLE` read before the rows, in the column
 * type it would have had among them: `UPDATE JSON_TABLE(?, ...) AS c STRAIGHT_JOIN JSON_TABLE(?,
 * ...) AS d STRAIGHT_JOIN ... SET t.`balance` = c.s0` (N copies of the value would make the
 * JSON longer to write, send and parse).
 *
 * Declared deltas (`/// @delta`) are written as `t.col = t.col + d.sN` with their bounds in the
 * join (`t.col + d.sN >= 0`), outside the concurrency check; having no `RETURNING` here, the sums
 * the UPDATE stored are read back by key right after it, in the same transaction (the rows are
 * locked by the UPDATE, so what is read is what it wrote).
 *
 * A DELETE names the rows it removed exactly with `RETURNING` (single-table only on MariaDB,
 * whose `IN (SELECT ... FROM JSON_TABLE(...))` would run as a dependent subquery), so its keys
 * (and versions) are bound as row constructors, `WHERE (`id`, `version`) IN ((?, ?), ...)`,
 * in chunks of at most 65,535 placeholders; the range scan locks them in key order.
 *
 * Inserts are `INSERT ... SELECT ... FROM JSON_TABLE(...) ORDER BY i RETURNING` the generated
 * columns (MariaDB 10.5+). Statements are split only where the JSON would pass
 * {@link MARIADB_MAX_JSON_BYTES} (`max_allowed_packet` is 16 MiB by default); each carries one
 * parameter (two with a constant column), far below the 65,535-placeholder limit.
 *
 * @module
 */

/** Most bytes of JSON one statement carries: half of MariaDB's default `max_allowed_packet` (16 MiB). */
export const MARIADB_MAX_JSON_BYTES = 8 * 1024 * 1024;

/** Most placeholders MariaDB takes in one statement. */
export const MARIADB_MAX_PARAMETERS = 65_535;

/** A key or version value bound as a parameter (Prisma binds Dates and bytes natively). */
function bound(_field: FieldMetadata, value: unknown): unknown {
  return value === undefined ? null : value;
}

/** A delta bound (a decimal literal from the schema, checked again here) as SQL. */
function boundLiteral(model: ModelMetadata, field: FieldMetadata, bound: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(bound)) throw new Error(`prisma-uow: the @delta bound '${bound}' of ${model.name}.${field.name} is not a decimal literal; regenerate the metadata (prisma generate)`);
  return bound;
}

/** A backquoted identifier. Names come from the schema, never from values. */
export function mariadbQuote(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function table(model: ModelMetadata): string {
  return model.schema ? `${mariadbQuote(model.schema)}.${mariadbQuote(model.table)}` : mariadbQuote(model.table);
}

/** One column of the JSON rows: its alias in `d` (or `c`, see `constant`), its field, and whether it is a key. */
interface JsonColumn {
  readonly alias: string;
  readonly field: FieldMetadata;
  readonly key?: boolean;
  /** A written value the same for every row: it travels once, in the one-row `JSON_TABLE` `c`. */
  readonly constant?: boolean;
}

function jsonTable(columns: readonly JsonColumn[], json: string): Sql {
  const defs = columns.map((c, i) => `${c.alias} ${jsonTableType(c.field, c.key)} PATH '$[${i}]'`).join(', ');
  return sql`JSON_TABLE(${json}, '$[*]' COLUMNS(i FOR ORDINALITY, ${raw(defs)}))`;
}

/** How a statement reads column `c` (from `d`, or from `c` when it is a constant). */
function valueOf(c: JsonColumn): string {
  return jsonTableValue(c.field, c.alias, c.key, c.constant ? 'c' : 'd');
}

/**
 * Whether every row of the step sets `field` to the same value, as its JSON text would show:
 * `Decimal`s and `DateTime`s compared by value (`1.50` and `1.5` write the same text), others
 * by identity (two equal `Json` objects may still be written in different key orders).
 */
function sameForAll(field: FieldMetadata, rows: UpdateStep['rows']): boolean {
  if (rows.length < 2) return false;
  const first = rows[0]!.set[field.name];
  const byValue = field.kind === 'Decimal' || field.kind === 'DateTime';
  for (let r = 1; r < rows.length; r++) {
    const value = rows[r]!.set[field.name];
    if (value !== first && !(byValue && value !== null && first !== null && valuesEqual(field, value, first))) return false;
  }
  return true;
}

/** Row chunks whose JSON stays within {@link MARIADB_MAX_JSON_BYTES} (see `mariadbJsonChunks`). */
function jsonChunks<R>(fields: readonly FieldMetadata[], rows: readonly R[], value: (row: R, i: number) => unknown): JsonChunk[] {
  return mariadbJsonChunks(fields, rows, value, MARIADB_MAX_JSON_BYTES);
}

function keyColumns(model: ModelMetadata): JsonColumn[] {
  return model.primaryKey.map((name, i) => ({ alias: `k${i}`, field: fieldOf(model, name), key: true }));
}

function keyJoin(keys: readonly JsonColumn[]): string {
  return keys.map((k) => `t.${mariadbQuote(k.field.column)} = ${jsonTableValue(k.field, k.alias, true)}`).join(' AND ');
}

export const mariadbDialect: SqlDialect = {
  name: 'mariadb',
  supports(_model, fields) {
    return fields.every((f) => !f.isList);
  },
  inserts(insert: PreparedInsert, model: ModelMetadata): Sql[] {
    const columns: JsonColumn[] = insert.columns.map((field, i) => ({ alias: `c${i}`, field }));
    const names = insert.columns.map((f) => mariadbQuote(f.column)).join(', ');
    const values = columns.map((c) => jsonTableValue(c.field, c.alias)).join(', ');
    const back = insert.generated.length === 0 ? '1 AS `_`' : insert.generated.map((f) => `${mariadbQuote(f.column)} AS ${mariadbQuote(f.name)}`).join(', ');
    return jsonChunks(insert.columns, insert.rows, (row, i) => row[insert.columns[i]!.name]).map(
      (part) =>
        sql`INSERT INTO ${raw(table(model))} (${raw(names)}) SELECT ${raw(values)} FROM ${jsonTable(columns, part.json)} AS d ORDER BY d.i RETURNING ${raw(back)}`,
    );
  },
  updates(step: UpdateStep, model: ModelMetadata): WriteStatement[] {
    const keys = keyColumns(model);
    const sets: JsonColumn[] = step.fields.map((name, i) => {
      const field = fieldOf(model, name);
      const constant = !step.deltas.includes(name) && sameForAll(field, step.rows);
      return constant ? { alias: `s${i}`, field, constant } : { alias: `s${i}`, field };
    });
    const isDelta = (c: JsonColumn) => step.deltas.includes(c.field.name);
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    const originals: JsonColumn[] = step.check === 'original' ? step.checked.map((name, i) => ({ alias: `o${i}`, field: fieldOf(model, name) })) : [];
    const constants = sets.filter((s) => s.constant);
    const versions: JsonColumn[] = version ? [{ alias: 'v', field: version }] : [];
    const perRow = sets.filter((s) => !s.constant);
    const columns = [...keys, ...perRow, ...versions, ...originals];
    const on = [keyJoin(keys)];
    if (version) on.push(`t.${mariadbQuote(version.column)} = d.v`);
    for (const o of originals) on.push(sameValueSql(o.field, `t.${mariadbQuote(o.field.column)}`, jsonTableValue(o.field, o.alias)));
    const assignments = sets.map((s) => {
      const target = `t.${mariadbQuote(s.field.column)}`;
      if (!isDelta(s)) return `${target} = ${valueOf(s)}`;
      // A delta: added to the value stored now; its bounds are checked against the sum in the join.
      const sum = `${target} + d.${s.alias}`;
      if (s.field.delta?.min !== undefined) on.push(`${sum} >= ${boundLiteral(model, s.field, s.field.delta.min)}`);
      if (s.field.delta?.max !== undefined) on.push(`${sum} <= ${boundLiteral(model, s.field, s.field.delta.max)}`);
      return `${target} = ${sum}`;
    });
    if (version) assignments.push(`t.${mariadbQuote(version.column)} = t.${mariadbQuote(version.column)} + 1`);
    // After a short count: the rows that now hold what the statement wrote (sums cannot be told apart).
    const looksWritten = sets.filter((s) => !isDelta(s)).map((s) => sameValueSql(s.field, `t.${mariadbQuote(s.field.column)}`, valueOf(s)));
    if (version) looksWritten.push(`t.${mariadbQuote(version.column)} = d.v + 1`);
    // Where column i of a row comes from: the key, the new values (Δ for deltas), the loaded version, the originals.
    const from = [
      ...keys.map((c) => ({ part: 'key', name: c.field.name }) as const),
      ...perRow.map((c) => ({ part: isDelta(c) ? 'delta' : 'set', name: c.field.name }) as const),
      ...versions.map((c) => ({ part: 'version', name: c.field.name }) as const),
      ...originals.map((c) => ({ part: 'original', name: c.field.name }) as const),
    ];
    const value = (r: UpdateStep['rows'][number], i: number): unknown => {
      const { part, name } = from[i]!;
      switch (part) {
        case 'key':
          return r.key[name];
        case 'set':
          return r.set[name];
        case 'delta':
          return r.deltas?.[name] ?? 0;
        case 'version':
          return r.version;
        case 'original':
          return r.original[name];
      }
    };
    // The constants: one row, read first (`c STRAIGHT_JOIN d`), so it is read once.
    const constantTable = constants.length === 0 ? undefined : jsonTable(constants, mariadbJsonRows(constants.map((c) => c.field), [constants.map((c) => step.rows[0]!.set[c.field.name])]));
    const source = (rows: Sql): Sql => (constantTable ? sql`${constantTable} AS c STRAIGHT_JOIN ${rows} AS d` : sql`${rows} AS d`);
    // No UPDATE ... RETURNING on MariaDB: the sums a delta UPDATE stored are read back by key in
    // the same transaction (the rows are locked by it, so the values read are the ones it wrote).
    const deltaColumns = sets.filter(isDelta);
    const back = [...keys.map((k) => `t.${mariadbQuote(k.field.column)} AS ${mariadbQuote(k.field.name)}`), ...deltaColumns.map((s) => `t.${mariadbQuote(s.field.column)} AS ${mariadbQuote(s.field.name)}`)].join(', ');
    return jsonChunks(
      columns.map((c) => c.field),
      step.rows,
      value,
    ).flatMap((part): WriteStatement[] => {
      const update: WriteStatement = {
        kind: 'count',
        first: part.first,
        rows: part.rows,
        approximate: true,
        sql: sql`UPDATE ${source(jsonTable(columns, part.json))} STRAIGHT_JOIN ${raw(table(model))} AS t FORCE INDEX (PRIMARY) ON ${raw(on.join(' AND '))} SET ${raw(
          assignments.join(', '),
        )}`,
        written: sql`SELECT d.i AS \`row\` FROM ${source(jsonTable(columns, part.json))} JOIN ${raw(table(model))} AS t ON ${raw(keyJoin(keys))} WHERE ${raw(
          looksWritten.length > 0 ? looksWritten.join(' AND ') : 'TRUE',
        )}`,
      };
      if (deltaColumns.length === 0) return [update];
      return [update, { kind: 'keys', sql: sql`SELECT ${raw(back)} FROM ${jsonTable(keys, part.json)} AS d JOIN ${raw(table(model))} AS t ON ${raw(keyJoin(keys))} ORDER BY d.i` }];
    });
  },
  deletes(step: DeleteStep, model: ModelMetadata): WriteStatement[] {
    const fields = model.primaryKey.map((name) => fieldOf(model, name));
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    if (version) fields.push(version);
    const target = fields.map((f) => mariadbQuote(f.column)).join(', ');
    const back = model.primaryKey.map((name) => `${mariadbQuote(fieldOf(model, name).column)} AS ${mariadbQuote(name)}`).join(', ');
    const rows = step.rows.map((r) => [...model.primaryKey.map((name) => bound(fieldOf(model, name), r.key[name])), ...(version ? [r.version] : [])]);
    return chunk(rows, Math.floor(MARIADB_MAX_PARAMETERS / fields.length)).map((part) => ({
      kind: 'keys',
      sql: sql`DELETE FROM ${raw(table(model))} WHERE (${raw(target)}) IN (${join(
        part.map((row) => sql`(${join(row, ', ')})`),
        ', ',
      )}) RETURNING ${raw(back)}`,
    }));
  },
};
