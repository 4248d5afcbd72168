import { join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata, RelationMetadata, SchemaMetadata } from '../../metadata/types.js';
import { chunk, fieldOf, quote, tableName } from './dialect.js';
import { boundRows, keyColumns } from './postgres.js';
import { rowFromLockedRead, selectedColumn } from './postgres-read.js';
import { postgresScalar, ROW_FORM_LIMIT } from './postgres-row.js';
import { identityColumns, sessionGate, type StatementSession } from './postgres-session.js';
import { SQLITE_MAX_PARAMETERS } from './sqlite.js';
import { StatementBuilder } from './statement-builder.js';

/**
 * The rows with some primary keys AND the rows they reference through to-one relations, in ONE
 * statement (`getMany(keys, { preload: ['owner'] })`): one `LEFT JOIN` per relation, each
 * related row's columns aliased `r<relation>$<field position>`.
 *
 * ```sql
 * SELECT t."id" AS "id", t."ownerId" AS "ownerId", ..., r0."id" AS "r0$0", r0."name" AS "r0$1", ...
 * FROM "Account" AS t LEFT JOIN "User" AS r0 ON r0."id" = t."ownerId"
 * WHERE (t."id") IN (($1::int4), ($2::int4))
 * ```
 *
 * With a session (PostgreSQL, interactive units: `getMany(keys, { lock: 'update', preload })`)
 * the model's rows are also locked, in key order (`ORDER BY key FOR NO KEY UPDATE OF t`); the
 * related rows are read, not locked.
 *
 * PostgreSQL and SQLite; {@link splitJoinedRow} turns each result row into what Prisma's
 * `findMany` returns for the row and for each related row (or `undefined` when the foreign key
 * is null or matches nothing).
 *
 * @example
 * ```ts
 * const statement = joinedRead(schema, account, [{ id: 1 }, { id: 2 }], [ownerRelation]);
 * const rows = (await prisma.$queryRaw<Row[]>(statement)).map((row) => splitJoinedRow(schema, account, [ownerRelation], row));
 * ```
 *
 * @module
 */

type Row = Record<string, unknown>;

/** Whether {@link joinedRead} reads on this provider (PostgreSQL, SQLite). */
export function canJoinRead(schema: SchemaMetadata): boolean {
  return schema.provider === 'postgresql' || schema.provider === 'sqlite';
}

/**
 * The select list of one table: the model's own columns aliased to field names (as every read of
 * prisma-uow returns them), a related table's by position (`r0$3`: field names are not bounded,
 * PostgreSQL truncates longer aliases to 63 bytes).
 */
function columns(provider: string, alias: string, fields: readonly FieldMetadata[], related: boolean): string[] {
  return fields.map((field, i) => {
    const as = related ? `${alias}$${i}` : field.name;
    // Every provider reads the columns as they are, except PostgreSQL's lists of some types (see `selectedColumn`).
    return provider === 'postgresql' ? selectedColumn(field, alias, as) : `${alias}.${quote(field.column)} AS ${quote(as)}`;
  });
}

/** The main table's key columns, `t."id"` (`t."a", t."b"` for a compound key). */
function keyColumnList(model: ModelMetadata): string {
  return model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
}

function keyFilter(schema: SchemaMetadata, model: ModelMetadata, keys: readonly Row[]): Sql {
  const target = raw(`(${keyColumnList(model)})`);
  if (schema.provider === 'postgresql' && keys.length > ROW_FORM_LIMIT) {
    return sql`${target} IN ${boundRows(keyColumns(model, keys.map((key) => ({ key }))))}`;
  }
  const value = (name: string, key: Row): unknown => {
    const field = fieldOf(model, name);
    return schema.provider === 'postgresql' ? postgresScalar(field, model, key[name]) : key[name];
  };
  const tuples = keys.map((key) => sql`(${join(model.primaryKey.map((name) => value(name, key)), ', ')})`);
  // SQLite reads `(a, b) IN (VALUES (?, ?), ...)`; PostgreSQL `(a, b) IN ((...), ...)`.
  return schema.provider === 'sqlite' ? sql`${target} IN (VALUES ${join(tuples, ', ')})` : sql`${target} IN (${join(tuples, ', ')})`;
}

/**
 * The keys of each {@link joinedRead} to send: all of them in one on PostgreSQL (past a few keys
 * they travel as one array per key column), batches on SQLite, which binds one parameter per key
 * part and takes at most {@link SQLITE_MAX_PARAMETERS} per statement.
 */
export function joinedReadBatches(schema: SchemaMetadata, model: ModelMetadata, keys: readonly Row[]): (readonly Row[])[] {
  if (schema.provider !== 'sqlite') return [keys];
  return chunk(keys, Math.max(1, Math.floor(SQLITE_MAX_PARAMETERS / model.primaryKey.length)));
}

/** The select list and the `FROM` clause of a joined read. */
interface Head {
  /** `t."id" AS "id", ..., r0."id" AS "r0$0", ...` */
  readonly columns: string;
  /** ` FROM "Account" AS t LEFT JOIN "User" AS r0 ON ...` */
  readonly from: string;
}

/** The same text for every read of a model with the same relations: built once per model, provider and relations. */
const heads = new WeakMap<ModelMetadata, Map<string, Head>>();

function head(schema: SchemaMetadata, model: ModelMetadata, relations: readonly RelationMetadata[]): Head {
  let byRelations = heads.get(model);
  if (!byRelations) heads.set(model, (byRelations = new Map()));
  const key = `${schema.provider}:${relations.map((r) => `${r.name}>${r.target}`).join(',')}`;
  const known = byRelations.get(key);
  if (known !== undefined) return known;
  const list = columns(schema.provider, 't', model.fields, false);
  const joins: string[] = [];
  relations.forEach((relation, i) => {
    const target = schema.models[relation.target]!;
    const alias = `r${i}`;
    list.push(...columns(schema.provider, alias, target.fields, true));
    const on = relation.fields.map((name, j) => `${alias}.${quote(fieldOf(target, relation.references[j]!).column)} = t.${quote(fieldOf(model, name).column)}`);
    joins.push(` LEFT JOIN ${tableName(target)} AS ${alias} ON ${on.join(' AND ')}`);
  });
  const text = { columns: list.join(', '), from: ` FROM ${tableName(model)} AS t${joins.join('')}` };
  byRelations.set(key, text);
  return text;
}

/** The statement: `model`'s rows with these primary keys, each joined to its related rows. */
export function joinedRead(schema: SchemaMetadata, model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[], locking?: StatementSession): Sql {
  const { columns: list, from } = head(schema, model, relations);
  if (!locking && schema.provider === 'sqlite' && model.primaryKey.length === 1) {
    // `t."id" IN (?, ?)`: SQLite prepares it in half the time of `(t."id") IN (VALUES (?), (?))`.
    const name = model.primaryKey[0]!;
    const b = new StatementBuilder(`SELECT ${list}${from} WHERE t.${quote(fieldOf(model, name).column)} IN (`);
    return b.list(keys.map((key) => key[name])).text(')').build();
  }
  const read = sql`SELECT ${raw(list)}${locking?.identify ? sql`, ${identityColumns()}` : raw('')}${raw(from)} WHERE ${keyFilter(schema, model, keys)}`;
  if (!locking) return read;
  // PostgreSQL, an interactive unit's `getMany(keys, { lock, preload })`: the model's rows locked
  // in key order (as `postgresLockedRead` locks them), the related rows read, not locked.
  return sql`${read} AND ${sessionGate(locking)} ORDER BY ${raw(keyColumnList(model))} FOR NO KEY UPDATE OF t`;
}

function pick(model: ModelMetadata, row: Row, alias?: string): Row {
  const own: Row = {};
  model.fields.forEach((field, i) => (own[field.name] = row[alias === undefined ? field.name : `${alias}$${i}`]));
  return rowFromLockedRead(model, own);
}

/** The rows of {@link joinedRead}: the model's rows, and per relation the related rows found (repeats possible). */
export function splitJoinedRows(schema: SchemaMetadata, model: ModelMetadata, relations: readonly RelationMetadata[], found: readonly Row[]): { rows: Row[]; related: Row[][] } {
  const rows: Row[] = [];
  const related: Row[][] = relations.map(() => []);
  for (const one of found) {
    const split = splitJoinedRow(schema, model, relations, one);
    rows.push(split.row);
    split.related.forEach((row, i) => row && related[i]!.push(row));
  }
  return { rows, related };
}

/** One row of {@link joinedRead}: the model's row, and per relation the related row or `undefined`. */
export function splitJoinedRow(schema: SchemaMetadata, model: ModelMetadata, relations: readonly RelationMetadata[], row: Row): { row: Row; related: (Row | undefined)[] } {
  return {
    row: pick(model, row),
    related: relations.map((relation, i) => {
      const target = schema.models[relation.target]!;
      const related = pick(target, row, `r${i}`);
      // No related row: its primary key (never null in a stored row) came back null.
      return target.primaryKey.some((name) => related[name] === null) ? undefined : related;
    }),
  };
}
