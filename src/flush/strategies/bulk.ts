import type { Sql } from '@prisma/client/runtime/client';
import type { ConflictingRow } from '../../errors.js';
import type { ModelMetadata } from '../../metadata/types.js';
import type { Row } from '../../tracking/entity.js';
import { identityOf } from '../../tracking/keys.js';
import { fieldOf, type SqlDialect } from '../dialects/dialect.js';
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
  const out: Row[] = [];
  for (const statement of sqls) out.push(...(await ctx.tx.$queryRaw<Row[]>(statement)));
  return out;
}

type StepRow = { readonly key: Readonly<Row>; readonly version?: unknown };

/** The rows of a step that its statements did not write, from what they returned. */
function missing(dialect: SqlDialect, model: ModelMetadata, expected: readonly StepRow[], returned: readonly Row[]): ConflictingRow[] {
  if (dialect.reports === 'count') {
    const [result] = returned;
    if (Number(result?.['written']) === expected.length) return [];
    const written = new Set(((result?.['rows'] ?? []) as unknown[]).map(Number));
    return expected.filter((_, i) => !written.has(i + 1)).map((r) => conflict(model, r.key, r.version));
  }
  if (returned.length === expected.length) return [];
  const done = new Set(returned.map((r) => identityOf(model, r)));
  return expected.filter((r) => !done.has(identityOf(model, r.key))).map((r) => conflict(model, r.key, r.version));
}

/** The bulk strategy for one SQL dialect. */
export function bulkStrategy(dialect: SqlDialect): FlushStrategy {
  const text = (statement: Sql) => (dialect.name === 'postgresql' ? statement.text : statement.sql);
  return {
    name: 'bulk',
    describe(step, model) {
      if (step.op === 'insert') {
        const prepared = prepareInsert(model, step.rows.map((r) => r.values));
        return prepared && dialect.supports(model, prepared.columns)
          ? dialect.inserts(prepared, model).map(text)
          : groupedStrategy.describe(step, model);
      }
      const keys = model.primaryKey.map((name) => fieldOf(model, name));
      const fields = step.op === 'update' ? [...keys, ...step.fields.map((name) => fieldOf(model, name))] : keys;
      if (!dialect.supports(model, fields)) return groupedStrategy.describe(step, model);
      return (step.op === 'update' ? dialect.updates(step, model) : dialect.deletes(step, model)).map(text);
    },
    async insert(step, ctx) {
      const prepared = prepareInsert(ctx.model, step.rows.map((r) => r.values));
      if (!prepared || !dialect.supports(ctx.model, prepared.columns)) return groupedStrategy.insert(step, ctx);
      const back = await run(dialect.inserts(prepared, ctx.model), ctx);
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
      const written = await run(dialect.updates(step, ctx.model), ctx);
      return step.check === 'none' ? [] : missing(dialect, ctx.model, step.rows, written);
    },
    async delete(step, ctx) {
      const fields = ctx.model.primaryKey.map((name) => fieldOf(ctx.model, name));
      if (!dialect.supports(ctx.model, fields)) return groupedStrategy.delete(step, ctx);
      return missing(dialect, ctx.model, step.rows, await run(dialect.deletes(step, ctx.model), ctx));
    },
  };
}
