/**
 * From runs to the figures the report shows: one {@link Point} per (database, contention, C,
 * system), each figure the median over the rounds that finished (failures are summed, broken
 * invariants and worker errors are all kept, with their round).
 *
 * - committed/s: committed transfers ÷ the measured window;
 * - p50 / p99 / mean: latency of a transfer, retries included;
 * - retries, statements (BEGIN / COMMIT / ROLLBACK included) and client CPU per transfer:
 *   divided by the finished transfers (committed + refused), all counted in the window;
 * - fairness, the issue's measure: throughput × mean latency ÷ C over the transfers that
 *   finished inside the window, i.e. their summed latency ÷ (C × window): the share of the
 *   loops' time spent on transfers that got done. ≈ 1 when every loop progresses (Little's law);
 *   a loop stuck for the whole window adds nothing, so starvation drives it towards 1/C.
 *
 * @example
 * ```ts
 * const points = aggregate(records, labels);
 * ```
 *
 * @module
 */
import os from 'node:os';
import { createRequire } from 'node:module';
import type { Machine } from '../results-model.js';
import type { Contention, Provider, RunRecord, WorkerResult } from './types.js';

/** The medians of one (database, contention, C, system) over its rounds. */
export interface Point {
  readonly provider: Provider;
  readonly contention: Contention;
  readonly concurrency: number;
  readonly system: string;
  readonly label: string;
  /** Rounds with a result. */
  readonly rounds: number;
  readonly committedPerSecond?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly meanMs?: number;
  readonly retriesPerTransfer?: number;
  readonly statementsPerTransfer?: number;
  /** Of which BEGIN / COMMIT / ROLLBACK. */
  readonly transactionStatementsPerTransfer?: number;
  readonly cpuMsPerTransfer?: number;
  /** PostgreSQL: the local server's CPU per finished transfer. */
  readonly serverCpuMsPerTransfer?: number;
  readonly refused?: number;
  /** Summed over the rounds. */
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly fairness?: number;
  /** Fewest and most transfers committed by one loop (medians over rounds). */
  readonly loopMin?: number;
  readonly loopMax?: number;
  readonly eventLoopMaxMs?: number;
  /** `round N: ...` for every broken invariant and every worker error. */
  readonly problems: readonly string[];
  readonly invariantsHold: boolean;
}

/** Everything one transfer benchmark run wrote. */
export interface TransferResults {
  readonly startedAt: string;
  readonly command: string;
  readonly machine: Machine;
  /** `os.loadavg()` when the run started and ended (1, 5, 15 min). */
  readonly load: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly settings: { readonly seconds: number; readonly warmupSeconds: number; readonly rounds: number };
  readonly versions: Readonly<Partial<Record<Provider, string>>>;
  durationMs: number;
  readonly points: readonly Point[];
  readonly runs: readonly RunRecord[];
}

function median(values: readonly number[]): number | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Drops undefined values, so optional properties stay absent (exactOptionalPropertyTypes). */
function defined<T extends object>(value: { [K in keyof T]-?: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function figures(r: WorkerResult, concurrency: number) {
  const seconds = r.elapsedMs / 1000;
  const finished = r.committed + r.refused;
  const per = (v: number) => (finished > 0 ? v / finished : Number.NaN);
  return {
    committedPerSecond: seconds > 0 ? r.committed / seconds : Number.NaN,
    retries: per(r.retries),
    statements: per(r.statements.transaction + r.statements.other),
    transaction: per(r.statements.transaction),
    cpu: per(r.cpuMs),
    server: r.serverCpuMs === undefined ? Number.NaN : per(r.serverCpuMs),
    fairness: r.windowMs > 0 ? r.latencyInWindowMs / (r.windowMs * concurrency) : Number.NaN,
  };
}

/** One point per (provider, contention, C, system) present in `records`, in their order. */
export function aggregate(records: readonly RunRecord[], labels: ReadonlyMap<string, string>): Point[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = `${r.provider}/${r.contention}/${r.concurrency}/${r.system}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => {
    const { provider, contention, concurrency, system } = runs[0]!;
    const done = runs.flatMap((r) => (r.result ? [r.result] : []));
    const f = done.map((r) => figures(r, concurrency));
    const pick = (get: (x: (typeof f)[number]) => number) => median(f.map(get));
    const failures: Record<string, number> = {};
    for (const r of done) for (const [k, n] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + n;
    const problems = runs.flatMap((r) => [...(r.error ? [`round ${r.round}: worker failed: ${r.error}`] : []), ...r.violations.map((v) => `round ${r.round}: ${v}`)]);
    return defined<Point>({
      provider,
      contention,
      concurrency,
      system,
      label: labels.get(system) ?? system,
      rounds: done.length,
      committedPerSecond: pick((x) => x.committedPerSecond),
      p50Ms: median(done.flatMap((r) => (r.latency ? [r.latency.p50] : []))),
      p99Ms: median(done.flatMap((r) => (r.latency ? [r.latency.p99] : []))),
      meanMs: median(done.flatMap((r) => (r.latency ? [r.latency.mean] : []))),
      retriesPerTransfer: pick((x) => x.retries),
      statementsPerTransfer: pick((x) => x.statements),
      transactionStatementsPerTransfer: pick((x) => x.transaction),
      cpuMsPerTransfer: pick((x) => x.cpu),
      serverCpuMsPerTransfer: pick((x) => x.server),
      refused: median(done.map((r) => r.refused)),
      failed: done.reduce((s, r) => s + r.failed, 0),
      failures,
      fairness: pick((x) => x.fairness),
      loopMin: median(done.map((r) => Math.min(...r.perLoop))),
      loopMax: median(done.map((r) => Math.max(...r.perLoop))),
      eventLoopMaxMs: median(done.map((r) => r.eventLoopMaxMs)),
      problems,
      invariantsHold: runs.every((r) => r.violations.length === 0),
    });
  });
}

/** The machine, for the report. */
export function machine(): Machine {
  const require = createRequire(import.meta.url);
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    prisma: (require('@prisma/client/package.json') as { version: string }).version,
  };
}
