import type { Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import type { PreparedInsert } from '../insert-rows.js';
import type { DeleteStep, UpdateStep } from '../plan.js';
import { chunk, fieldOf, jsonText, quote, tableName, type SqlDialect, type WriteStatement } from './dialect.js';
import { infinity, jsonCarries, sqliteJsonRows } from './sqlite-json.js';
import { StatementBuilder } from './statement-builder.js';

/**
 * SQLite: `UPDATE ... FROM` a derived table of the rows, joined on the primary key. The rows of
 * a step of more than {@link SQLITE_FEW_ROWS} rows travel as ONE bound JSON parameter, unpacked
 * by `json_each` (see `sqlite-json.ts`):
 *
 * ```sql
 * UPDATE "Account" SET "balance" = d.column2, "version" = "Account"."version" + 1
 * FROM (SELECT j.value ->> 0 AS column1, j.value ->> 1 AS column2, j.value ->> 2 AS column3 FROM json_each(?) AS j) AS d
 * WHERE "Account"."id" = d.column1 AND "Account"."version" = d.column3
 * RETURNING "Account"."id" AS "id"
 * ```
 *
 * A `DateTime` or `Bytes` column that has one value for every row (the commit's `@updatedAt`
 * instant) is bound once (`"updatedAt" = ?`). Steps of a few rows (the bank transfer's) and steps
 * with another `DateTime` or `Bytes` column use `FROM (VALUES (?, ?, ?), ...)` instead: SQLite
 * prepares it in about two thirds of the time (`json_each` and `->>` cost more to plan than they
 * save on a few rows; Prisma's adapter prepares every statement anew), values
 * bound natively (the driver stores a bound `Date` or `Uint8Array` exactly as Prisma's own writes
 * do), one statement per 32,766 bound parameters, SQLite's limit. ±Infinity, which Prisma's raw
 * queries would bind as NULL, travel as the text `'9e999'` / `'-9e999'`, which the REAL column
 * (and a comparison with it) turns into ±Infinity.
 *
 * @module
 */

/** Most bound parameters SQLite accepts in one statement. */
export const SQLITE_MAX_PARAMETERS = 32_766;

/** Most rows a step may have to travel as bound `VALUES` rather than as one JSON parameter. */
export const SQLITE_FEW_ROWS = 4;

/** The rows as one JSON parameter, when the step has more than a few and every value can travel as JSON. */
function manyRowsJson(fields: readonly FieldMetadata[], rows: readonly (readonly unknown[])[]): string | undefined {
  return rows.length > SQLITE_FEW_ROWS ? sqliteJsonRows(fields, rows) : undefined;
}

function bind(field: FieldMetadata, value: unknown): unknown {
  if (value === undefined) return null;
  if (field.kind === 'Json') return jsonText(field, value);
  if (typeof value === 'number' && !Number.isFinite(value)) return infinity(value);
  return value;
}

/**
 * What a write returns: the primary key columns and, for a delta UPDATE, the sums stored, aliased
 * to field names (`"Account"."id" AS "id", "Account"."balance" AS "balance"`).
 */
function returning(model: ModelMetadata, deltas: readonly string[] = []): string {
  const table = tableName(model);
  return [...model.primaryKey, ...deltas].map((name) => `${table}.${quote(fieldOf(model, name).column)} AS ${quote(name)}`).join(', ');
}

/** A delta bound (a decimal literal of the schema) bound in the column's type. */
function boundValue(field: FieldMetadata, limit: string): unknown {
  return field.kind === 'BigInt' ? BigInt(limit) : Number(limit);
}

/**
 * The rows of one JSON parameter as a derived table with the columns `VALUES` would have
 * (`column1`, `column2`, ...), so the statement reads the same either way.
 */
function jsonTable(b: StatementBuilder, json: string, columns: number): StatementBuilder {
  const names = Array.from({ length: columns }, (_, i) => `j.value ->> ${i} AS column${i + 1}`).join(', ');
  return b.text(`(SELECT ${names} FROM json_each(`).value(json).text(') AS j)');
}

/** The one value every row of the step sets `name` to (Dates compared by time), if there is one. */
function sameValue(step: UpdateStep, name: string): { readonly value: unknown } | undefined {
  const first = step.rows[0]?.set[name];
  const time = first instanceof Date ? first.getTime() : undefined;
  for (const row of step.rows) {
    const value = row.set[name];
    if (value !== first && (time === undefined || !(value instanceof Date) || value.getTime() !== time)) return undefined;
  }
  return { value: first };
}

function comparable(field: FieldMetadata, expr: string): string {
  return field.kind === 'Json' ? `json(${expr})` : expr;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  inserts(insert: PreparedInsert, model: ModelMetadata): Sql[] {
    const names = insert.columns.map((f) => quote(f.column)).join(', ');
    const back =
      insert.generated.length === 0 ? '1 AS "_"' : insert.generated.map((f) => `${quote(f.column)} AS ${quote(f.name)}`).join(', ');
    const rows = insert.rows.map((r) => insert.columns.map((f) => bind(f, r[f.name])));
    const perChunk = Math.max(1, Math.floor(SQLITE_MAX_PARAMETERS / Math.max(1, insert.columns.length)));
    const head = `INSERT INTO ${tableName(model)} (${names}) VALUES `;
    return chunk(rows, perChunk).map((part) => new StatementBuilder(head).rows(part).text(` RETURNING ${back}`).build());
  },
  supports(_model, fields) {
    return fields.every((f) => !f.isList);
  },
  updates(step: UpdateStep, model: ModelMetadata): WriteStatement[] {
    const table = tableName(model);
    const keys = model.primaryKey.map((name) => fieldOf(model, name));
    const fields = step.fields.map((name) => fieldOf(model, name));
    // A DateTime or Bytes column with one value for every row (the commit's `@updatedAt` stamp) is
    // bound once, so that it does not keep the other columns from travelling as JSON.
    const constants = fields.map((f) => (jsonCarries(f) ? undefined : sameValue(step, f.name)));
    const varying = fields.filter((_, i) => constants[i] === undefined);
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    const checked = step.check === 'original' ? step.checked.map((name) => fieldOf(model, name)) : [];
    // Column n of the VALUES rows is `d.column<n>` (1-based): keys, new values, version or originals.
    let n = 0;
    const keyCols = keys.map(() => ++n);
    const setCols = varying.map(() => ++n);
    const versionCol = version ? ++n : 0;
    const originalCols = checked.map(() => ++n);
    const deltas = new Set(step.deltas);
    // `SET ...` (constants bound once) and the bounds of the WHERE clause: the same in every chunk.
    const set = new StatementBuilder(`UPDATE ${table} SET `);
    const bounds = new StatementBuilder();
    fields.forEach((f, i) => {
      if (i > 0) set.text(', ');
      const constant = constants[i];
      if (constant) {
        set.text(`${quote(f.column)} = `).value(bind(f, constant.value));
        return;
      }
      const value = `d.column${setCols[varying.indexOf(f)]}`;
      if (!deltas.has(f.name)) {
        set.text(`${quote(f.column)} = ${value}`);
        return;
      }
      // A delta: added to the value stored now, its bounds checked against the sum in the same statement.
      const sum = `${table}.${quote(f.column)} + ${value}`;
      set.text(`${quote(f.column)} = ${sum}`);
      if (f.delta?.min !== undefined) bounds.text(` AND ${sum} >= `).value(boundValue(f, f.delta.min));
      if (f.delta?.max !== undefined) bounds.text(` AND ${sum} <= `).value(boundValue(f, f.delta.max));
    });
    const checks = keys.map((k, i) => `${table}.${quote(k.column)} = d.column${keyCols[i]}`);
    if (version) {
      set.text(`${fields.length > 0 ? ', ' : ''}${quote(version.column)} = ${table}.${quote(version.column)} + 1`);
      checks.push(`${table}.${quote(version.column)} = d.column${versionCol}`);
    }
    checked.forEach((f, i) => {
      checks.push(`${comparable(f, `${table}.${quote(f.column)}`)} IS ${comparable(f, `d.column${originalCols[i]}`)}`);
    });
    const columnFields = [...keys, ...varying, ...(version ? [version] : []), ...checked];
    const rows = step.rows.map((r) => [
      ...keys.map((k) => bind(k, r.key[k.name])),
      ...varying.map((f) => bind(f, deltas.has(f.name) ? r.deltas?.[f.name] : r.set[f.name])),
      ...(version ? [r.version] : []),
      ...checked.map((f) => bind(f, r.original[f.name])),
    ]);
    const where = ` AS d WHERE ${checks.join(' AND ')}`;
    const back = ` RETURNING ${returning(model, step.deltas)}`;
    const statement = (from: (b: StatementBuilder) => StatementBuilder): WriteStatement => ({
      kind: 'keys',
      sql: from(new StatementBuilder().append(set).text(' FROM ')).text(where).append(bounds).text(back).build(),
    });
    const json = manyRowsJson(columnFields, rows);
    if (json !== undefined) return [statement((b) => jsonTable(b, json, n))];
    const perChunk = Math.max(1, Math.floor((SQLITE_MAX_PARAMETERS - set.size - bounds.size) / n));
    return chunk(rows, perChunk).map((part) => statement((b) => b.text('(VALUES ').rows(part).text(')')));
  },
  deletes(step: DeleteStep, model: ModelMetadata): WriteStatement[] {
    const table = tableName(model);
    const columns = model.primaryKey.map((name) => fieldOf(model, name));
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    if (version) columns.push(version);
    const head = `DELETE FROM ${table} WHERE (${columns.map((c) => quote(c.column)).join(', ')}) IN (`;
    const back = `) RETURNING ${returning(model)}`;
    const rows = step.rows.map((r) => [
      ...model.primaryKey.map((name) => bind(fieldOf(model, name), r.key[name])),
      ...(version ? [r.version] : []),
    ]);
    const json = manyRowsJson(columns, rows);
    if (json !== undefined) {
      return [{ kind: 'keys', sql: jsonTable(new StatementBuilder(`${head}SELECT * FROM `), json, columns.length).text(back).build() }];
    }
    return chunk(rows, Math.max(1, Math.floor(SQLITE_MAX_PARAMETERS / columns.length))).map((part) => ({
      kind: 'keys',
      sql: new StatementBuilder(`${head}VALUES `).rows(part).text(back).build(),
    }));
  },
};
