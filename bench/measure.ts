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

/** Times one untimed-prepare / timed-run pair: warm-up (1–3 runs), then `runs` samples. */
export async function measure(options: MeasureOptions): Promise<Measurement> {
  const samples: number[] = [];
  let statements: StatementCounts | undefined;
  // Warm-up: one run, more (up to three) while they are short, so JIT and caches settle.
  let warmups = 0;
  let warmupMs = 0;
  while (samples.length < options.runs) {
    const warming = warmups === 0 || (warmups < 3 && warmupMs < 1000);
    const work = await options.prepare();
    options.counter?.resetCounts();
    const start = performance.now();
    await work();
    const elapsed = performance.now() - start;
    statements = options.counter?.counts();
    await options.check?.();
    if (warming) {
      warmups++;
      warmupMs += elapsed;
    } else samples.push(elapsed);
    if (options.skipAfterMs !== undefined && elapsed > options.skipAfterMs) {
      const skipped = `one run took ${(elapsed / 1000).toFixed(1)} s (> ${options.skipAfterMs / 1000} s)`;
      return statements ? { skipped, statements, samples } : { skipped, samples };
    }
  }
  const summary = summarize(samples);
  return statements ? { summary, statements, samples } : { summary, samples };
}

/** Times `fn` once, in ms. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
