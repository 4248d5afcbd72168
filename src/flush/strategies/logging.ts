import type { FlushStep } from '../plan.js';
import type { FlushStrategy, StepContext } from '../strategy.js';

/** One step of a commit, as sent: what `createUnits({ log })` receives. */
export interface FlushLogEntry {
  readonly op: FlushStep['op'];
  readonly model: string;
  readonly rows: number;
  /** The statements the step sent: SQL text, or the Prisma Client calls. */
  readonly statements: readonly string[];
  /** Time the step took, in ms. */
  readonly ms: number;
  /** The error the step failed with, if it did (the commit then rolled back). */
  readonly error?: unknown;
}

/**
 * Wraps a strategy so each step it runs is reported to `log` after it ran (or failed).
 *
 * @example
 * ```ts
 * createUnits({ prisma, schema, log: (e) => console.log(`${e.op} ${e.model} x${e.rows} in ${e.ms} ms`, e.statements) });
 * ```
 */
export function loggingStrategy(strategy: FlushStrategy, log: (entry: FlushLogEntry) => void): FlushStrategy {
  const timed =
    <S extends FlushStep, R>(run: (step: S, ctx: StepContext) => Promise<R>) =>
    async (step: S, ctx: StepContext): Promise<R> => {
      const started = performance.now();
      // The session part the step's statements were written with: the one it was given, else
      // (a step that failed before writing) the one it would have been given.
      const before = ctx.session?.issued;
      const planned = ctx.session?.peek();
      const sent = () => (ctx.session?.issued !== before ? ctx.session?.issued : planned);
      const report = (error?: unknown) =>
        log({
          op: step.op,
          model: step.model,
          rows: step.rows.length,
          statements: strategy.describe(step, ctx.model, sent()),
          ms: performance.now() - started,
          ...(error === undefined ? {} : { error }),
        });
      try {
        const result = await run(step, ctx);
        report();
        return result;
      } catch (error) {
        report(error);
        throw error;
      }
    };
  return {
    name: strategy.name,
    describe: (step, model, session) => strategy.describe(step, model, session),
    insert: timed((step, ctx) => strategy.insert(step, ctx)),
    update: timed((step, ctx) => strategy.update(step, ctx)),
    delete: timed((step, ctx) => strategy.delete(step, ctx)),
  };
}
