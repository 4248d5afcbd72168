/**
 * Timing and statistics: runs a measurement (warm-up, then several timed runs, each after an
 * untimed preparation), and summarises the samples (median, min/max, quartiles).
 *
 * @example
 * ```ts
 * const m = await measure({ runs: 5, prepare: async () => () => sleep(1) });
 * m.summary?.median; // ≈ 1
 * ```
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import type { StatementCounts } from './setup.js';

/** Summary of timing samples, in milliseconds. */
export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly q3: number;
}

/** Linear-interpolated quantile of sorted samples. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Median, extremes and quartiles of `samples` (at least one). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
}

/** The median of numbers (at least one). */
export function median(values: readonly number[]): number {
  return summarize(values).median;
}

/** One timed run: the untimed preparation returns the function to time. */
export interface MeasureOptions {
  /** Timed runs after the warm-up. */
  readonly runs: number;
  /** Untimed: brings the data to its start state and returns the work to time. */
  prepare(): Promise<() => Promise<unknown>>;
  /** Untimed, after each run: throws when the run did not write what it should. */
  check?(): Promise<void>;
  /** Untimed: statement counting around the timed part. */
  readonly counter?: { resetCounts(): void; counts(): StatementCounts };
  /** Stop (and report as skipped) when one run takes longer than this, in ms. */
  readonly skipAfterMs?: number;
}

/** What a measurement produced. */
export interface Measurement {
  /** Undefined when skipped. */
  readonly summary?: Summary;
  /** Statements of the last run. */
  readonly statements?: StatementCounts;
  /** Why the measurement was skipped. */
  readonly skipped?: string;
  /** Raw samples (ms), warm-up excluded. */
  readonly samples: readonly number[];
}

/** One timed run of a measurement: prepare (untimed), time the work, check (untimed). */
async function runOnce(options: MeasureOptions): Promise<{ elapsed: number; statements?: StatementCounts }> {
  const work = await options.prepare();
  options.counter?.resetCounts();
  const start = performance.now();
  await work();
  const elapsed = performance.now() - start;
  const statements = options.counter?.counts();
  await options.check?.();
  return statements ? { elapsed, statements } : { elapsed };
}

/** Warm-up: one run, more (up to three) while they are short, so JIT and caches settle. */
async function warmUp(options: MeasureOptions): Promise<{ skipped?: string; statements?: StatementCounts }> {
  let total = 0;
  for (let i = 0; i < 3 && (i === 0 || total < 1000); i++) {
    const { elapsed, statements } = await runOnce(options);
    total += elapsed;
    if (options.skipAfterMs !== undefined && elapsed > options.skipAfterMs) {
      const skipped = `one run took ${(elapsed / 1000).toFixed(1)} s (> ${options.skipAfterMs / 1000} s)`;
      return statements ? { skipped, statements } : { skipped };
    }
  }
  return {};
}

/** Times one untimed-prepare / timed-run pair: warm-up (1–3 runs), then `runs` samples. */
export async function measure(options: MeasureOptions): Promise<Measurement> {
  const [measurement] = await measureInterleaved([options], options.runs);
  return measurement!;
}

/**
 * Times several systems doing the same work, interleaved: each is warmed up, then the timed runs
 * go round by round (system 1, system 2, ..., then again), so that a slower or faster spell of a
 * shared machine falls on all of them alike and the ratios between them stay fair. Fast systems
 * get more rounds (`more`): up to `maxRuns` while the rounds take less than `budgetMs`, so their
 * medians rest on more samples. A system
 * whose run takes longer than its `skipAfterMs` is dropped (reported as skipped) and the others
 * go on. A system that throws is reported as failed.
 */
export async function measureInterleaved(systems: readonly MeasureOptions[], runs: number, more: { maxRuns: number; budgetMs: number } = { maxRuns: runs, budgetMs: 0 }): Promise<Measurement[]> {
  const samples = systems.map((): number[] => []);
  const statements: (StatementCounts | undefined)[] = systems.map(() => undefined);
  const stopped: (string | undefined)[] = systems.map(() => undefined);
  const failed = (error: unknown) => `failed: ${(error instanceof Error ? error.message.split('\n')[0]! : String(error)).slice(0, 160)}`;
  for (const [i, options] of systems.entries()) {
    try {
      const warm = await warmUp(options);
      stopped[i] = warm.skipped;
      statements[i] = warm.statements;
    } catch (error) {
      stopped[i] = failed(error);
    }
  }
  // At least `runs` rounds; more (up to `maxRuns`) while the rounds so far took less than `budgetMs`.
  const started = performance.now();
  for (let round = 0; round < runs || (round < more.maxRuns && performance.now() - started < more.budgetMs); round++) {
    for (const [i, options] of systems.entries()) {
      if (stopped[i] !== undefined) continue;
      try {
        const run = await runOnce(options);
        samples[i]!.push(run.elapsed);
        statements[i] = run.statements;
        if (options.skipAfterMs !== undefined && run.elapsed > options.skipAfterMs) {
          stopped[i] = `one run took ${(run.elapsed / 1000).toFixed(1)} s (> ${options.skipAfterMs / 1000} s)`;
        }
      } catch (error) {
        stopped[i] = failed(error);
      }
    }
  }
  return systems.map((_, i) => {
    const st = statements[i];
    const base = stopped[i] !== undefined ? { skipped: stopped[i], samples: samples[i]! } : { summary: summarize(samples[i]!), samples: samples[i]! };
    return st ? { ...base, statements: st } : base;
  });
}

/** Times `fn` once, in ms. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
