/**
 * The closed-loop load of one worker: C async loops, each running one transfer after another
 * (no think time, no yield between transfers, as a saturated service), for a warm-up and then
 * a measured window. Transfers started before the window ends are finished and counted, so the
 * window's length is taken from its start to its last transfer's end. Latency is per transfer,
 * retries included. A transfer stuck until the window closes (a starving loop) therefore shows
 * in p99 and in `latencyInWindowMs`, which leaves it out.
 *
 * Each loop draws its transfers from its own seeded sequence (random sender, a different
 * receiver, 1.00–50.00), so every system of a round gets the same requests.
 *
 * @example
 * ```ts
 * const stats = await runLoops((request) => open.transfer(request), { concurrency: 8, accounts: 10, seconds: 10, warmupSeconds: 2, seed: 1 }, onWindow);
 * ```
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import type { Latency, TransferOutcome, TransferRequest } from './types.js';

/** What the loops run. */
export interface LoopPlan {
  readonly concurrency: number;
  readonly accounts: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly seed: number;
}

/** What the loops counted. */
export interface LoopStats {
  elapsedMs: number;
  committed: number;
  refused: number;
  failed: number;
  failures: Record<string, number>;
  retries: number;
  latenciesMs: number[];
  /**
   * Summed latency of the finished transfers that also ended inside the window: with
   * `C × window`, the fairness measure (see results.ts).
   */
  latencyInWindowMs: number;
  perLoop: number[];
  totalCommitted: number;
}

/** mulberry32: small, fast, seeded. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The request sequence of one loop: accounts are 1..accounts. */
export function requests(seed: number, loop: number, accounts: number): () => TransferRequest {
  const next = random(seed * 7919 + loop * 104_729 + 1);
  return () => {
    const fromId = 1 + Math.floor(next() * accounts);
    let toId = 1 + Math.floor(next() * (accounts - 1));
    if (toId >= fromId) toId++;
    const amount = ((100 + Math.floor(next() * 4901)) / 100).toFixed(2);
    return { fromId, toId, amount };
  };
}

/** Error name and the start of its message: failures are grouped by it. */
function failureKey(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message.replaceAll(/\s+/g, ' ').slice(0, 160)}`;
}

/**
 * Runs the loops: the warm-up, until every loop has finished its last warm-up transfer; then
 * `onWindow` (reset counters there); then the measured window, all loops starting together.
 * Nothing of the warm-up runs in the window, so statements and CPU counted in it belong to the
 * window's transfers only.
 */
export async function runLoops(transfer: (request: TransferRequest) => Promise<TransferOutcome>, plan: LoopPlan, onWindow: () => void): Promise<LoopStats> {
  const stats: LoopStats = {
    elapsedMs: 0,
    committed: 0,
    refused: 0,
    failed: 0,
    failures: {},
    retries: 0,
    latenciesMs: [],
    latencyInWindowMs: 0,
    perLoop: Array.from({ length: plan.concurrency }, () => 0),
    totalCommitted: 0,
  };
  const sequences = Array.from({ length: plan.concurrency }, (_, i) => requests(plan.seed, i, plan.accounts));
  const phase = async (until: number, measured: boolean): Promise<number> => {
    let last = 0;
    const loop = async (index: number): Promise<void> => {
      const next = sequences[index]!;
      for (;;) {
        const started = performance.now();
        if (started >= until) return;
        let outcome: TransferOutcome | undefined;
        let failure: unknown;
        try {
          outcome = await transfer(next());
        } catch (error) {
          failure = error;
        }
        const ended = performance.now();
        last = Math.max(last, ended);
        if (outcome && !outcome.refused) stats.totalCommitted++;
        if (!measured) continue;
        if (!outcome) {
          stats.failed++;
          const key = failureKey(failure);
          stats.failures[key] = (stats.failures[key] ?? 0) + 1;
          continue;
        }
        stats.retries += outcome.retries;
        stats.latenciesMs.push(ended - started);
        if (ended <= until) stats.latencyInWindowMs += ended - started;
        if (outcome.refused) stats.refused++;
        else {
          stats.committed++;
          stats.perLoop[index]!++;
        }
      }
    };
    await Promise.all(sequences.map((_, i) => loop(i)));
    return last;
  };
  await phase(performance.now() + plan.warmupSeconds * 1000, false);
  onWindow();
  const start = performance.now();
  const last = await phase(start + plan.seconds * 1000, true);
  return { ...stats, elapsedMs: Math.max(0, last - start) };
}

/** p50, p99 (nearest rank), mean and max of the latencies; undefined when there are none. */
export function latencyOf(samples: readonly number[]): Latency | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { p50: rank(0.5), p99: rank(0.99), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, max: sorted[sorted.length - 1]! };
}
