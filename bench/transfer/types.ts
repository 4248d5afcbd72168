/**
 * The shapes the transfer workload benchmark passes around: what a system under test must offer
 * ({@link TransferSystem}), what one worker process is asked to do ({@link WorkerInput}) and
 * what it reports ({@link WorkerResult}), and one measured run as the orchestrator keeps it
 * ({@link RunRecord}). Nothing here is measured.
 *
 * @example
 * ```ts
 * const system: TransferSystem = {
 *   id: 'mine', label: 'my service', databases: ['sqlite'],
 *   async open(ctx) { return { transfer: async (request) => ({ refused: false, retries: 0 }), close: async () => {} }; },
 * };
 * ```
 *
 * @module
 */
import type { StormDatabase, StormProvider } from '../storm/database.js';
import type { StatementCounter } from '../statement-counter.js';

/** The databases the workload runs on. */
export type Provider = StormProvider;

/** Where a run's database is: a fresh PostgreSQL schema or SQLite WAL file (serializable). */
export type TransferDatabase = StormDatabase;

/** How many accounts the transfers pick from. */
export type Contention = 'low' | 'high';

/** Accounts (each with its own owner) per contention level. */
export const ACCOUNTS: Readonly<Record<Contention, number>> = { low: 10_000, high: 10 };

/** Balance every account starts with. */
export const INITIAL_BALANCE = 1_000;

/** Loyalty points the sender's owner gets per committed transfer (as in examples/bank/transfer.ts). */
export const POINTS_PER_TRANSFER = 10;

/** One transfer to run: `amount` has two decimals (`"12.34"`). */
export interface TransferRequest {
  readonly fromId: number;
  readonly toId: number;
  readonly amount: string;
}

/** How one transfer ended, when it did not fail. */
export interface TransferOutcome {
  /** Refused by the domain rule (insufficient funds): nothing written. */
  readonly refused: boolean;
  /** Attempts after the first (conflicts, deadlocks, serialization failures). */
  readonly retries: number;
}

/** What a system gets when its worker opens it. */
export interface SystemContext {
  readonly db: TransferDatabase;
  /** In-flight transfers (pool sizes follow it). */
  readonly concurrency: number;
  /** Every statement the system sends must be added here (BEGIN / COMMIT included). */
  readonly counter: StatementCounter;
}

/** A system opened in a worker: runs transfers until closed. */
export interface OpenSystem {
  /** Runs one transfer, retrying as the system would in production; throws on failure. */
  transfer(request: TransferRequest): Promise<TransferOutcome>;
  close(): Promise<void>;
}

/** One way of running the transfer (prisma-uow in some mode, hand-written Prisma, a driver, an ORM). */
export interface TransferSystem {
  readonly id: string;
  readonly label: string;
  /** The databases it runs on (e.g. locking reads need PostgreSQL). */
  readonly databases: readonly Provider[];
  /** It imports packages of bench/package.json (installed by `npm run bench`, not by the root install). */
  readonly usesBenchDependencies?: boolean;
  open(context: SystemContext): Promise<OpenSystem>;
}

/** What the orchestrator asks one worker process to do. */
export interface WorkerInput {
  readonly db: TransferDatabase;
  readonly system: string;
  readonly concurrency: number;
  readonly accounts: number;
  /** Measured duration; transfers started before it ends are finished and counted. */
  readonly seconds: number;
  /** Unmeasured warm-up before it (same loops, same database). */
  readonly warmupSeconds: number;
  /** Seeds the request sequences: the same for every system of a round. */
  readonly seed: number;
}

/** Latency summary of the measured transfers, in ms (retries included). */
export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** What one worker measured. */
export interface WorkerResult {
  /** From the first measured start to the last measured end. */
  readonly elapsedMs: number;
  readonly committed: number;
  readonly refused: number;
  readonly failed: number;
  /** Failures by error name and message start, with counts. */
  readonly failures: Readonly<Record<string, number>>;
  readonly retries: number;
  readonly statements: { readonly transaction: number; readonly other: number };
  /** User + system CPU of the worker process over the measured window. */
  readonly cpuMs: number;
  /**
   * PostgreSQL: CPU of the local server's processes over the window (`server-cpu.ts`); absent on
   * SQLite (in-process: part of `cpuMs`) or without `/proc`.
   */
  readonly serverCpuMs?: number;
  readonly latency: Latency | undefined;
  /** Planned length of the measured window (`seconds`), in ms. */
  readonly windowMs: number;
  /** Summed latency of the committed or refused transfers that ended inside the window. */
  readonly latencyInWindowMs: number;
  /** Committed transfers per in-flight loop in the measured window. */
  readonly perLoop: readonly number[];
  /** Committed transfers including the warm-up (what the ledger must hold). */
  readonly totalCommitted: number;
  /** Longest the worker's event loop went without a turn (timers, I/O) in the measured window. */
  readonly eventLoopMaxMs: number;
}

/** One run of one system at one point (db, contention, C), as the orchestrator records it. */
export interface RunRecord {
  readonly provider: Provider;
  readonly contention: Contention;
  readonly concurrency: number;
  readonly system: string;
  readonly round: number;
  /** Absent when the worker did not finish (see `error`). */
  readonly result?: WorkerResult;
  readonly error?: string;
  /** Broken invariants after the run (empty: all hold). */
  readonly violations: readonly string[];
}
