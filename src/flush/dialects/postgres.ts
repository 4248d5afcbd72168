import { join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import type { PreparedInsert } from '../insert-rows.js';
import type { DeleteStep, UpdateStep } from '../plan.js';
import { fieldOf, quote, tableName, type SqlDialect } from './dialect.js';

/**
 * PostgreSQL: one statement per step whatever the number of rows. Each column travels as ONE
 * bound array, unnested into a derived table that the target joins on its primary key:
 *
 * ```sql
 * WITH d AS MATERIALIZED (
 *   SELECT b.* FROM "Account" AS t
 *   JOIN (SELECT unnest($1::int4[]) AS k0, unnest($2::numeric[]) AS s0, unnest($3::int4[]) AS v) AS b ON t."id" = b.k0
 *   ORDER BY t."id" FOR NO KEY UPDATE OF t)
 * UPDATE "Account" AS t SET "balance" = d.s0, "version" = t."version" + 1
 * FROM d WHERE t."id" = d.k0 AND t."version" = d.v
 * RETURNING t."id" AS "id"
 * ```
 *
 * `d` locks the rows in primary-key order before any is written, whatever join order the
 * planner picks, so two commits touching the same rows wait for each other instead of
 * deadlocking. The statement text depends only on the columns, never on the row count, and the
 * parameter count is the column count (far below PostgreSQL's 65,535 limit).
 *
 * @module
 */

const NATIVE_TYPES: Readonly<Record<string, string>> = {
  Text: 'text',
  VarChar: 'varchar',
  Char: 'bpchar',
  Uuid: 'uuid',
  Citext: 'citext',
  Inet: 'inet',
  Xml: 'xml',
  Bit: 'bit',
  VarBit: 'varbit',
  Integer: 'int4',
  SmallInt: 'int2',
  Oid: 'oid',
  BigInt: 'int8',
  DoublePrecision: 'float8',
  Real: 'float4',
  Decimal: 'numeric',
  Money: 'money',
  Timestamp: 'timestamp',
  Timestamptz: 'timestamptz',
  Date: 'date',
  Time: 'time',
  Timetz: 'timetz',
  Boolean: 'bool',
  Json: 'json',
  JsonB: 'jsonb',
  ByteA: 'bytea',
};

const DEFAULT_TYPES: Readonly<Record<string, string>> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  Boolean: 'bool',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** The PostgreSQL type of a column (element type for the bound array). */
export function postgresType(field: FieldMetadata, model: ModelMetadata): string {
  if (field.kind === 'Enum') {
    const name = quote(field.enumType ?? field.name);
    return model.schema ? `${quote(model.schema)}.${name}` : name;
  }
  const native = field.nativeType ? NATIVE_TYPES[field.nativeType[0]] : undefined;
  if (native) return native;
  return DEFAULT_TYPES[field.kind] ?? 'text';
}

/**
 * One array element as text: the driver types a whole array by its first element, so every
 * element is sent in the same, unambiguous text form and PostgreSQL casts it.
 */
export function postgresElement(field: FieldMetadata, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (field.kind === 'Json') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return String(value);
}

interface Column {
  readonly alias: string;
  readonly type: string;
  readonly values: (string | null)[];
}

function column(alias: string, field: FieldMetadata, model: ModelMetadata, values: unknown[]): Column {
  return { alias, type: postgresType(field, model), values: values.map((v) => postgresElement(field, v)) };
}

function derivedTable(columns: readonly Column[]): Sql {
  return join(
    columns.map((c) => sql`unnest(${c.values}::${raw(c.type)}[]) AS ${raw(c.alias)}`),
    ', ',
  );
}

function keyColumns(model: ModelMetadata, rows: readonly { key: Readonly<Record<string, unknown>> }[]): Column[] {
  return model.primaryKey.map((name, i) => column(`k${i}`, fieldOf(model, name), model, rows.map((r) => r.key[name])));
}

function keyJoin(model: ModelMetadata, bound = 'd'): string {
  return model.primaryKey.map((name, i) => `t.${quote(fieldOf(model, name).column)} = ${bound}.k${i}`).join(' AND ');
}

/**
 * The `WITH d AS (...)` prefix: the bound rows joined to their target rows, which are locked in
 * primary-key order (`ORDER BY` under `FOR ... OF t`) before the statement writes any of them.
 * Updates lock `FOR NO KEY UPDATE`, the lock an UPDATE takes anyway, which does not block
 * inserts of rows referencing these (their foreign-key checks take `FOR KEY SHARE`); deletes
 * lock `FOR UPDATE`.
 */
function lockedRows(model: ModelMetadata, columns: readonly Column[], mode: 'NO KEY UPDATE' | 'UPDATE'): Sql {
  const keys = model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
  return sql`WITH d AS MATERIALIZED (SELECT b.* FROM ${raw(tableName(model))} AS t JOIN (SELECT ${derivedTable(columns)}) AS b ON ${raw(
    keyJoin(model, 'b'),
  )} ORDER BY ${raw(keys)} FOR ${raw(mode)} OF t) `;
}

function returning(model: ModelMetadata): Sql {
  return raw(model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)} AS ${quote(name)}`).join(', '));
}

function comparable(field: FieldMetadata, expr: string): string {
  return field.kind === 'Json' ? `${expr}::jsonb` : expr;
}

function generatedColumns(insert: PreparedInsert): Sql {
  return insert.generated.length === 0
    ? raw('1 AS "_"')
    : raw(insert.generated.map((f) => `${quote(f.column)} AS ${quote(f.name)}`).join(', '));
}

export const postgresDialect: SqlDialect = {
  name: 'postgresql',
  inserts(insert: PreparedInsert, model: ModelMetadata): Sql[] {
    const columns = insert.columns.map((f, i) => column(`c${i}`, f, model, insert.rows.map((r) => r[f.name])));
    const names = insert.columns.map((f) => quote(f.column)).join(', ');
    const arrays = join(
      columns.map((c) => sql`${c.values}::${raw(c.type)}[]`),
      ', ',
    );
    return [sql`INSERT INTO ${raw(tableName(model))} (${raw(names)}) SELECT * FROM unnest(${arrays}) RETURNING ${generatedColumns(insert)}`];
  },
  supports(_model, fields) {
    return fields.every((f) => !f.isList);
  },
  updates(step: UpdateStep, model: ModelMetadata): Sql[] {
    const fields = step.fields.map((name) => fieldOf(model, name));
    const columns = keyColumns(model, step.rows);
    const sets: string[] = [];
    const checks: string[] = [keyJoin(model)];
    fields.forEach((field, i) => {
      columns.push(column(`s${i}`, field, model, step.rows.map((r) => r.set[field.name])));
      sets.push(`${quote(field.column)} = d.s${i}`);
      if (step.check === 'original') {
        columns.push(column(`o${i}`, field, model, step.rows.map((r) => r.original[field.name])));
        checks.push(`${comparable(field, `t.${quote(field.column)}`)} IS NOT DISTINCT FROM ${comparable(field, `d.o${i}`)}`);
      }
    });
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    if (version) {
      columns.push(column('v', version, model, step.rows.map((r) => r.version)));
      sets.push(`${quote(version.column)} = t.${quote(version.column)} + 1`);
      checks.push(`t.${quote(version.column)} = d.v`);
    }
    return [
      sql`${lockedRows(model, columns, 'NO KEY UPDATE')}UPDATE ${raw(tableName(model))} AS t SET ${raw(sets.join(', '))} FROM d WHERE ${raw(
        checks.join(' AND '),
      )} RETURNING ${returning(model)}`,
    ];
  },
  deletes(step: DeleteStep, model: ModelMetadata): Sql[] {
    const columns = keyColumns(model, step.rows);
    const checks = [keyJoin(model)];
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    if (version) {
      columns.push(column('v', version, model, step.rows.map((r) => r.version)));
      checks.push(`t.${quote(version.column)} = d.v`);
    }
    return [
      sql`${lockedRows(model, columns, 'UPDATE')}DELETE FROM ${raw(tableName(model))} AS t USING d WHERE ${raw(
        checks.join(' AND '),
      )} RETURNING ${returning(model)}`,
    ];
  },
};

/**
 * Locks rows by primary key, in key order, until the transaction ends: the pessimistic read of
 * `uow.account.get(id, { lock: 'update' })` inside an interactive unit.
 *
 * ```sql
 * SELECT t."id" FROM "Account" AS t WHERE (t."id") IN (SELECT unnest($1::int4[])) ORDER BY t."id" FOR NO KEY UPDATE
 * ```
 *
 * `FOR NO KEY UPDATE` is what the later UPDATE needs, and still lets other transactions insert
 * rows that reference these.
 */
export function postgresLockStatement(model: ModelMetadata, keys: readonly Readonly<Record<string, unknown>>[]): Sql {
  const columns = keyColumns(model, keys.map((key) => ({ key })));
  const target = model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
  return sql`SELECT ${raw(target)} FROM ${raw(tableName(model))} AS t WHERE (${raw(target)}) IN (SELECT ${derivedTable(
    columns,
  )}) ORDER BY ${raw(target)} FOR NO KEY UPDATE`;
}
