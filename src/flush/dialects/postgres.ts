import { join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import type { PreparedInsert } from '../insert-rows.js';
import type { DeleteStep, UpdateStep } from '../plan.js';
import { fieldOf, quote, tableName, type SqlDialect } from './dialect.js';
import { postgresArrayLiteral, sameText } from './postgres-values.js';

/**
 * PostgreSQL: one statement per step whatever the number of rows. Each column travels as ONE
 * bound array (an array literal, see `postgres-values.ts`), unnested into a derived table that
 * the target joins on its primary key; a column whose rows all get the same value is bound once
 * (`"balance" = $3::numeric`):
 *
 * ```sql
 * WITH d AS MATERIALIZED (
 *     SELECT b.* FROM "Account" AS t
 *     JOIN unnest($1::int4[], $2::numeric[], $3::int4[]) WITH ORDINALITY AS b(k0, s0, v, i) ON t."id" = b.k0
 *     ORDER BY t."id" FOR NO KEY UPDATE OF t),
 *   w AS (UPDATE "Account" AS t SET "balance" = d.s0, "version" = t."version" + 1
 *         FROM d WHERE t."id" = d.k0 AND t."version" = d.v RETURNING d.i)
 * SELECT count(*)::int4 AS "written", CASE WHEN count(*) < $4::int8 THEN array_agg(w.i)::int4[] END AS "rows" FROM w
 * ```
 *
 * `d` locks the rows in primary-key order before any is written, whatever join order the
 * planner picks, so two commits touching the same rows wait for each other instead of
 * deadlocking. The statement returns one row: the number of rows written and, only when some
 * were not (their concurrency check failed, or they are gone), which ones were. The statement
 * text depends only on the columns, never on the row count, and the parameter count is the
 * column count plus one (far below PostgreSQL's 65,535 limit).
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

/** One column of a step: N values bound as one array literal, or one value when all are equal. */
type Column =
  | { readonly alias: string; readonly type: string; readonly literal: string }
  | { readonly alias: string; readonly type: string; readonly constant: string | null };

function column(alias: string, field: FieldMetadata, model: ModelMetadata, values: readonly unknown[], fold = false): Column {
  const type = postgresType(field, model);
  const same = fold ? sameText(field, values) : undefined;
  return same ? { alias, type, constant: same.text } : { alias, type, literal: postgresArrayLiteral(field, values) };
}

/** How a statement reads a column: `d.<alias>` for an array, the bound value for a constant. */
function valueOf(c: Column, bound = 'd'): Sql {
  return 'literal' in c ? raw(`${bound}.${c.alias}`) : sql`${c.constant}::${raw(c.type)}`;
}

/** The array columns as `unnest(...)` arguments, and their aliases. */
function arrays(columns: readonly Column[]): { args: Sql; aliases: string[] } {
  const bound = columns.filter((c): c is Extract<Column, { literal: string }> => 'literal' in c);
  return {
    args: join(
      bound.map((c) => sql`${c.literal}::${raw(c.type)}[]`),
      ', ',
    ),
    aliases: bound.map((c) => c.alias),
  };
}

function keyColumns(model: ModelMetadata, rows: readonly { key: Readonly<Record<string, unknown>> }[]): Column[] {
  return model.primaryKey.map((name, i) => column(`k${i}`, fieldOf(model, name), model, rows.map((r) => r.key[name])));
}

function keyJoin(model: ModelMetadata, bound = 'd'): string {
  return model.primaryKey.map((name, i) => `t.${quote(fieldOf(model, name).column)} = ${bound}.k${i}`).join(' AND ');
}

/**
 * Wraps one UPDATE or DELETE (`write`, which reads the locked rows as `d` and must end with
 * `RETURNING d.i`) in the statement every bulk write uses:
 *
 * - `d`: the bound rows, numbered (`i`, from 1, in the step's order), joined to their targets,
 *   which are locked in primary-key order (`ORDER BY` under `FOR ... OF t`) before any is
 *   written, whatever join order the planner picks. Updates lock `FOR NO KEY UPDATE`, the lock an
 *   UPDATE takes anyway, which does not block inserts of rows referencing these (their
 *   foreign-key checks take `FOR KEY SHARE`); deletes lock `FOR UPDATE`;
 * - `w`: the write, with its per-row concurrency check;
 * - the result, one row: how many rows were written and, only when that is fewer than the step's
 *   rows, the numbers of those written (the others failed their check, or are gone).
 */
function guardedWrite(model: ModelMetadata, columns: readonly Column[], rows: number, mode: 'NO KEY UPDATE' | 'UPDATE', write: Sql): Sql {
  const keys = model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
  const { args, aliases } = arrays(columns);
  const bound = sql`unnest(${args}) WITH ORDINALITY AS b(${raw([...aliases, 'i'].join(', '))})`;
  return sql`WITH d AS MATERIALIZED (SELECT b.* FROM ${raw(tableName(model))} AS t JOIN ${bound} ON ${raw(keyJoin(model, 'b'))} ORDER BY ${raw(
    keys,
  )} FOR ${raw(mode)} OF t), w AS (${write}) SELECT count(*)::int4 AS "written", CASE WHEN count(*) < ${rows}::int8 THEN array_agg(w.i)::int4[] END AS "rows" FROM w`;
}

function comparable(field: FieldMetadata, expr: Sql): Sql {
  return field.kind === 'Json' ? sql`${expr}::jsonb` : expr;
}

function generatedColumns(insert: PreparedInsert): Sql {
  return insert.generated.length === 0
    ? raw('1 AS "_"')
    : raw(insert.generated.map((f) => `${quote(f.column)} AS ${quote(f.name)}`).join(', '));
}

export const postgresDialect: SqlDialect = {
  name: 'postgresql',
  reports: 'count',
  inserts(insert: PreparedInsert, model: ModelMetadata): Sql[] {
    const names = insert.columns.map((f) => quote(f.column)).join(', ');
    const arrays = join(
      insert.columns.map((f) => sql`${postgresArrayLiteral(f, insert.rows.map((r) => r[f.name]))}::${raw(postgresType(f, model))}[]`),
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
    const sets: Sql[] = [];
    const checks: Sql[] = [raw(keyJoin(model))];
    fields.forEach((field, i) => {
      const set = column(`s${i}`, field, model, step.rows.map((r) => r.set[field.name]), true);
      columns.push(set);
      sets.push(sql`${raw(quote(field.column))} = ${valueOf(set)}`);
      if (step.check === 'original') {
        const original = column(`o${i}`, field, model, step.rows.map((r) => r.original[field.name]), true);
        columns.push(original);
        checks.push(sql`${comparable(field, raw(`t.${quote(field.column)}`))} IS NOT DISTINCT FROM ${comparable(field, valueOf(original))}`);
      }
    });
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    if (version) {
      columns.push(column('v', version, model, step.rows.map((r) => r.version)));
      sets.push(raw(`${quote(version.column)} = t.${quote(version.column)} + 1`));
      checks.push(raw(`t.${quote(version.column)} = d.v`));
    }
    return [
      guardedWrite(
        model,
        columns,
        step.rows.length,
        'NO KEY UPDATE',
        sql`UPDATE ${raw(tableName(model))} AS t SET ${join(sets, ', ')} FROM d WHERE ${join(checks, ' AND ')} RETURNING d.i`,
      ),
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
      guardedWrite(model, columns, step.rows.length, 'UPDATE', sql`DELETE FROM ${raw(tableName(model))} AS t USING d WHERE ${raw(checks.join(' AND '))} RETURNING d.i`),
    ];
  },
};

/**
 * Locks rows by primary key, in key order, until the transaction ends: the pessimistic read of
 * `uow.account.get(id, { lock: 'update' })` inside an interactive unit.
 *
 * ```sql
 * SELECT t."id" FROM "Account" AS t WHERE (t."id") IN (SELECT * FROM unnest($1::int4[])) ORDER BY t."id" FOR NO KEY UPDATE
 * ```
 *
 * `FOR NO KEY UPDATE` is what the later UPDATE needs, and still lets other transactions insert
 * rows that reference these.
 */
export function postgresLockStatement(model: ModelMetadata, keys: readonly Readonly<Record<string, unknown>>[]): Sql {
  const columns = keyColumns(model, keys.map((key) => ({ key })));
  const target = model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
  return sql`SELECT ${raw(target)} FROM ${raw(tableName(model))} AS t WHERE (${raw(target)}) IN (SELECT * FROM unnest(${arrays(columns).args})) ORDER BY ${raw(
    target,
  )} FOR NO KEY UPDATE`;
}
