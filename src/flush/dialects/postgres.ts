import { join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import type { PreparedInsert } from '../insert-rows.js';
import type { DeleteStep, UpdateStep } from '../plan.js';
import { fieldOf, quote, tableName, type SqlDialect, type WriteStatement } from './dialect.js';
import { identityColumns, type StatementSession } from './postgres-session.js';
import { comparable, gated, generatedColumns, postgresInsertValues, postgresUpdateRow, ROW_FORM_LIMIT, writtenColumns } from './postgres-row.js';
import { postgresType } from './postgres-types.js';
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
 *     JOIN (SELECT unnest($1::int4[]) AS k0, unnest($2::numeric[]) AS s0, unnest($3::int4[]) AS v) AS b ON t."id" = b.k0
 *     ORDER BY t."id" FOR NO KEY UPDATE OF t)
 * UPDATE "Account" AS t SET "balance" = d.s0, "version" = t."version" + 1
 * FROM d WHERE t."id" = d.k0 AND t."version" = d.v
 * ```
 *
 * `d` locks the rows in primary-key order before any is written, whatever join order the
 * planner picks, so two commits touching the same rows wait for each other instead of
 * deadlocking. The UPDATE's row count is the concurrency check: when it is short, one more
 * query in the same transaction says which rows this transaction wrote (their `xmin`), and the
 * others are the conflicts. A DELETE cannot be asked afterwards, so it numbers its rows and
 * returns, in one row, the count and (only when short) the numbers it deleted. The statement
 * text depends only on the columns, never on the row count, and the parameter count is the
 * column count (plus one), far below PostgreSQL's 65,535 limit. A step of one row (an update)
 * or of a few rows (an insert, up to 4) is written with plain bound values instead
 * (`postgres-row.ts`), which the server plans in a fraction of the time.
 *
 * @module
 */

/** One column of a step: N values bound as one array literal, or one value when all are equal. */
/** @internal */
export type Column =
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

/**
 * The bound rows as a derived table: one `unnest($n::type[]) AS alias` per array column, and
 * with `numbered`, `generate_series(1, N) AS i`, the row's 1-based position in the step.
 * Set-returning functions in one select list advance together, row by row.
 */
export function boundRows(columns: readonly Column[], numbered?: number): Sql {
  const parts = columns.flatMap((c) => ('literal' in c ? [sql`unnest(${c.literal}::${raw(c.type)}[]) AS ${raw(c.alias)}`] : []));
  if (numbered !== undefined) parts.push(sql`generate_series(1, ${numbered}::int4) AS i`);
  return sql`(SELECT ${join(parts, ', ')})`;
}

/** The primary-key columns of `rows`, bound as arrays aliased `k0`, `k1`, ... @internal */
export function keyColumns(model: ModelMetadata, rows: readonly { key: Readonly<Record<string, unknown>> }[]): Column[] {
  return model.primaryKey.map((name, i) => column(`k${i}`, fieldOf(model, name), model, rows.map((r) => r.key[name])));
}

function keyJoin(model: ModelMetadata, bound = 'd'): string {
  return model.primaryKey.map((name, i) => `t.${quote(fieldOf(model, name).column)} = ${bound}.k${i}`).join(' AND ');
}

/**
 * `WITH d AS MATERIALIZED (...)`: the bound rows joined to their target rows, which are locked
 * in primary-key order (`ORDER BY` under `FOR ... OF t`) before the statement writes any of
 * them, whatever join order the planner picks. Updates lock `FOR NO KEY UPDATE`, the lock an
 * UPDATE takes anyway, which does not block inserts of rows referencing these (their
 * foreign-key checks take `FOR KEY SHARE`); deletes lock `FOR UPDATE`.
 */
function lockedRows(model: ModelMetadata, bound: Sql, mode: 'NO KEY UPDATE' | 'UPDATE', session?: StatementSession): Sql {
  const keys = model.primaryKey.map((name) => `t.${quote(fieldOf(model, name).column)}`).join(', ');
  return sql`WITH d AS MATERIALIZED (SELECT b.* FROM ${raw(tableName(model))} AS t JOIN ${bound} AS b ON ${raw(keyJoin(model, 'b'))}${gated(
    session,
  )} ORDER BY ${raw(keys)} FOR ${raw(mode)} OF t)`;
}

/** `, <identity columns>` when the statement must identify its transaction, or nothing. */
function identified(session: StatementSession | undefined): Sql {
  return session?.identify ? sql`, ${identityColumns()}` : raw('');
}

/**
 * After an UPDATE that wrote fewer rows than it was given: the positions (`row`, 1-based) of the
 * step's rows that this transaction wrote. A row version written by this transaction carries its
 * transaction id as `xmin`; the others failed their check, or are gone.
 */
function writtenByThisTransaction(model: ModelMetadata, keys: readonly Column[], rows: number): Sql {
  return sql`SELECT b.i AS "row" FROM ${raw(tableName(model))} AS t JOIN ${boundRows(keys, rows)} AS b ON ${raw(
    keyJoin(model, 'b'),
  )} WHERE t.xmin::text = (txid_current() % 4294967296)::text`;
}

/** The parts of one update step's statement: the locking CTE `d`, the UPDATE from it, the key columns. */
function updateParts(step: UpdateStep, model: ModelMetadata, session?: StatementSession): { locked: Sql; update: Sql; keys: Column[] } {
  const fields = step.fields.map((name) => fieldOf(model, name));
  const keys = keyColumns(model, step.rows);
  const columns = [...keys];
  const sets: Sql[] = [];
  const checks: Sql[] = [raw(keyJoin(model))];
  fields.forEach((field, i) => {
    const delta = step.deltas.includes(field.name);
    const set = column(`s${i}`, field, model, step.rows.map((r) => (delta ? r.deltas?.[field.name] : r.set[field.name])), true);
    columns.push(set);
    if (!delta) {
      sets.push(sql`${raw(quote(field.column))} = ${valueOf(set)}`);
      return;
    }
    // A delta: added to the value stored now, its bounds checked against the sum in the same statement.
    const sum = sql`t.${raw(quote(field.column))} + ${valueOf(set)}`;
    sets.push(sql`${raw(quote(field.column))} = ${sum}`);
    if (field.delta?.min !== undefined) checks.push(sql`${sum} >= ${field.delta.min}::${raw(set.type)}`);
    if (field.delta?.max !== undefined) checks.push(sql`${sum} <= ${field.delta.max}::${raw(set.type)}`);
  });
  if (step.check === 'original') {
    step.checked.forEach((name, i) => {
      const field = fieldOf(model, name);
      const original = column(`o${i}`, field, model, step.rows.map((r) => r.original[field.name]), true);
      columns.push(original);
      checks.push(sql`${comparable(field, raw(`t.${quote(field.column)}`))} IS NOT DISTINCT FROM ${comparable(field, valueOf(original))}`);
    });
  }
  const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
  if (version) {
    const loaded = column('v', version, model, step.rows.map((r) => r.version), true);
    columns.push(loaded);
    sets.push(raw(`${quote(version.column)} = t.${quote(version.column)} + 1`));
    checks.push(sql`t.${raw(quote(version.column))} = ${valueOf(loaded)}`);
  }
  const update = sql`UPDATE ${raw(tableName(model))} AS t SET ${join(sets, ', ')} FROM d WHERE ${join(checks, ' AND ')}`;
  return { locked: lockedRows(model, boundRows(columns), 'NO KEY UPDATE', session), update, keys };
}

/**
 * One update step as a statement returning every row it wrote: its key and its delta fields as
 * stored (aliased to field names). For the one-statement commit (`postgres-one-statement.ts`).
 *
 * @internal
 */
export function postgresUpdateReturning(step: UpdateStep, model: ModelMetadata, session?: StatementSession): Sql {
  const { locked, update } = updateParts(step, model, session);
  return sql`${locked} ${update} RETURNING ${writtenColumns(step, model)}`;
}

export const postgresDialect: SqlDialect = {
  name: 'postgresql',
  inserts(insert: PreparedInsert, model: ModelMetadata, session?: StatementSession): Sql[] {
    const names = insert.columns.map((f) => quote(f.column)).join(', ');
    const arrays = join(
      insert.columns.map((f) => sql`${postgresArrayLiteral(f, insert.rows.map((r) => r[f.name]))}::${raw(postgresType(f, model))}[]`),
      ', ',
    );
    if (insert.rows.length <= ROW_FORM_LIMIT) return [sql`${postgresInsertValues(insert, model, session)}${identified(session)}`];
    return [
      sql`INSERT INTO ${raw(tableName(model))} (${raw(names)}) SELECT * FROM unnest(${arrays})${gated(session)} RETURNING ${generatedColumns(insert)}${identified(
        session,
      )}`,
    ];
  },
  supports(_model, fields) {
    return fields.every((f) => !f.isList);
  },
  updates(step: UpdateStep, model: ModelMetadata, session?: StatementSession): WriteStatement[] {
    if (step.rows.length === 1) {
      // One row: a plain UPDATE by key, far cheaper to plan; what it returns is what it wrote.
      const statement = postgresUpdateRow(step, step.rows[0]!, model, session);
      return [{ kind: 'keys', sql: session?.identify ? sql`${statement}, ${identityColumns()}` : statement }];
    }
    if (step.deltas.length > 0) {
      // Deltas: the rows written come back with the sums stored (the objects show them after the commit).
      const returning = postgresUpdateReturning(step, model, session);
      return [{ kind: 'keys', sql: session?.identify ? sql`${returning}, ${identityColumns()}` : returning }];
    }
    const { locked, update, keys } = updateParts(step, model, session);
    const written = writtenByThisTransaction(model, keys, step.rows.length);
    if (!session?.identify) return [{ kind: 'count', sql: sql`${locked} ${update}`, written }];
    // The transaction's first statement also returns its identity: the count comes back as a row.
    return [{ kind: 'count', counted: true, sql: sql`${locked}, w AS (${update} RETURNING 1) SELECT count(*)::int4 AS "written", ${identityColumns()} FROM w`, written }];
  },
  deletes(step: DeleteStep, model: ModelMetadata, session?: StatementSession): WriteStatement[] {
    const columns = keyColumns(model, step.rows);
    const checks = [keyJoin(model)];
    const version = step.check === 'version' && model.versionField ? fieldOf(model, model.versionField) : undefined;
    if (version) {
      columns.push(column('v', version, model, step.rows.map((r) => r.version)));
      checks.push(`t.${quote(version.column)} = d.v`);
    }
    const n = step.rows.length;
    return [
      {
        kind: 'summary',
        sql: sql`${lockedRows(model, boundRows(columns, n), 'UPDATE', session)}, w AS (DELETE FROM ${raw(tableName(model))} AS t USING d WHERE ${raw(
          checks.join(' AND '),
        )} RETURNING d.i) SELECT count(*)::int4 AS "written", CASE WHEN count(*) < ${n}::int8 THEN array_agg(w.i) END AS "rows"${identified(session)} FROM w`,
      },
    ];
  },
};
