import type { Sql } from '@prisma/client/runtime/client';
import type { ConflictingRow } from '../../errors.js';
import type { ModelMetadata } from '../../metadata/types.js';
import type { Row } from '../../tracking/entity.js';
import { identityOf } from '../../tracking/keys.js';
import { fieldOf, type SqlDialect, type WriteStatement } from '../dialects/dialect.js';
import type { FlushStrategy, StepContext } from '../strategy.js';
import { fromDatabase, prepareInsert } from '../insert-rows.js';
import { groupedStrategy } from './grouped.js';
import { conflict } from './prisma-values.js';

/**
 * `bulk`: one SQL statement per plan step (chunked only at the database's bind-parameter limit).
 * Inserts are the dialect's multi-row INSERTs (Prisma's `createManyAndReturn` where Prisma must
 * compute a default, see `insert-rows.ts`); updates and deletes use the dialect's statements,
 * whose result doubles as the concurrency check.
 */

async function run(sqls: readonly object[], ctx: StepContext): Promise<Row[]> {
  let out: Row[] = [];
  // concat, not push(...rows): spreading a few hundred thousand rows into arguments overflows the stack.
  for (const statement of sqls) out = out.concat(await ctx.tx.$queryRaw<Row[]>(statement));
  return out;
}

type StepRow = { readonly key: Readonly<Row>; readonly version?: unknown };

/** The row count of a `count` statement (from its one row when it is `counted`). */
async function count(statement: Extract<WriteStatement, { kind: 'count' }>, ctx: StepContext): Promise<number> {
  if (!statement.counted) return ctx.tx.$executeRaw(statement.sql);
  const [result] = await ctx.tx.$queryRaw<Row[]>(statement.sql);
  ctx.session?.learn(result);
  return Number(result?.['written']);
}

/**
 * Sends the statements of one update or delete step and returns the rows they did not write
 * (failed their concurrency check, or were gone), each as a conflict.
 */
async function write(statements: readonly WriteStatement[], ctx: StepContext, expected: readonly StepRow[], back?: Row[]): Promise<ConflictingRow[]> {
  const model = ctx.model;
  let keys: Row[] = [];
  let positions: Set<number> | undefined;
  const mark = (first: number, rows: Iterable<number>) => {
    positions ??= new Set();
    for (const row of rows) positions.add(first + row);
  };
  for (const statement of statements) {
    if (statement.kind === 'keys') {
      const rows = await ctx.tx.$queryRaw<Row[]>(statement.sql);
      ctx.session?.learn(rows[0]);
      keys = keys.concat(rows);
      continue;
    }
    if (statement.kind === 'summary') {
      if (statements.length !== 1) throw new Error(`prisma-uow internal error: a summary statement for ${model.name} must be the step's only one`);
      const [result] = await ctx.tx.$queryRaw<Row[]>(statement.sql);
      ctx.session?.learn(result);
      if (Number(result?.['written']) === expected.length) return [];
      mark(0, ((result?.['rows'] ?? []) as unknown[]).map(Number));
      continue;
    }
    const first = statement.first ?? 0;
    const rows = statement.rows ?? expected.length;
    if (statement.rows === undefined && statements.length !== 1) throw new Error(`prisma-uow internal error: a count statement for ${model.name} without its rows must be the step's only one`);
    const written = await count(statement, ctx);
    if (written === rows) {
      if (statements.length === 1) return [];
      mark(first, Array.from({ length: rows }, (_, i) => i + 1));
      continue;
    }
    const listed = (await ctx.tx.$queryRaw<Row[]>(statement.written)).map((r) => Number(r['row']));
    // A list longer than the count holds rows that only look written: name them all.
    mark(first, statement.approximate && listed.length !== written ? [] : listed);
  }
  let isWritten = (_: StepRow, i: number) => positions?.has(i + 1) ?? false;
  if (back) for (const row of keys) back.push(row);
  if (positions === undefined) {
    if (keys.length === expected.length) return [];
    const done = new Set(keys.map((r) => identityOf(model, r)));
    isWritten = (r) => done.has(identityOf(model, r.key));
  }
  return expected.filter((r, i) => !isWritten(r, i)).map((r) => conflict(model, r.key, r.version));
}

/** Rows a delta UPDATE returned (key and delta columns, aliased to field names), in the fields' types. */
export function storedDeltas(model: ModelMetadata, deltas: readonly string[], rows: readonly Row[]): Row[] {
  const fields = deltas.map((name) => fieldOf(model, name));
  return rows.map((row) => {
    const out: Row = {};
    for (const name of model.primaryKey) out[name] = row[name];
    for (const field of fields) out[field.name] = fromDatabase(field, row[field.name]);
    return out;
  });
}

/** The bulk strategy for one SQL dialect. */
export function bulkStrategy(dialect: SqlDialect): FlushStrategy {
  const text = (statement: Sql) => (dialect.name === 'postgresql' ? statement.text : statement.sql);
  return {
    name: 'bulk',
    describe(step, model, session) {
      if (step.op === 'insert') {
        const prepared = prepareInsert(model, step.rows.map((r) => r.values));
        return prepared && dialect.supports(model, prepared.columns)
          ? dialect.inserts(prepared, model, session).map(text)
          : groupedStrategy.describe(step, model);
      }
      const keys = model.primaryKey.map((name) => fieldOf(model, name));
      const fields = step.op === 'update' ? [...keys, ...step.fields.map((name) => fieldOf(model, name))] : keys;
      if (!dialect.supports(model, fields)) return groupedStrategy.describe(step, model);
      return (step.op === 'update' ? dialect.updates(step, model, session) : dialect.deletes(step, model, session)).map((w) => text(w.sql));
    },
    async insert(step, ctx) {
      const prepared = prepareInsert(ctx.model, step.rows.map((r) => r.values));
      if (!prepared || !dialect.supports(ctx.model, prepared.columns)) return groupedStrategy.insert(step, ctx);
      const back = await run(dialect.inserts(prepared, ctx.model, ctx.session?.statement(true)), ctx);
      ctx.session?.learn(back[0]);
      if (back.length !== prepared.rows.length) {
        throw new Error(`prisma-uow internal error: inserted ${prepared.rows.length} ${ctx.model.name} rows, the database returned ${back.length}`);
      }
      return prepared.rows.map((row, i) => {
        const stored: Row = { ...row };
        for (const field of prepared.generated) stored[field.name] = fromDatabase(field, back[i]![field.name]);
        return stored;
      });
    },
    async update(step, ctx) {
      const fields = [...step.fields, ...ctx.model.primaryKey].map((name) => fieldOf(ctx.model, name));
      if (!dialect.supports(ctx.model, fields)) return groupedStrategy.update(step, ctx);
      const back: Row[] | undefined = step.deltas.length > 0 ? [] : undefined;
      const conflicts = await write(dialect.updates(step, ctx.model, ctx.session?.statement(true)), ctx, step.rows, back);
      return { conflicts: step.check === 'none' ? [] : conflicts, ...(back ? { stored: storedDeltas(ctx.model, step.deltas, back) } : {}) };
    },
    async delete(step, ctx) {
      const fields = ctx.model.primaryKey.map((name) => fieldOf(ctx.model, name));
      if (!dialect.supports(ctx.model, fields)) return groupedStrategy.delete(step, ctx);
      return write(dialect.deletes(step, ctx.model, ctx.session?.statement(true)), ctx, step.rows);
    },
  };
}
