/**
 * The shape of one benchmark run's results, shared by the runner, the markdown report and the
 * chart. Nothing here is measured: it only names what was.
 *
 * @module
 */
import type { Measurement } from './measure.js';
import type { Scenario } from './scenarios.js';
import type { LoadResult, MemoryResult } from './tracking.js';

/** One system in one scenario at one N. */
export interface FlushResult {
  readonly scenario: Scenario['id'];
  readonly scenarioTitle: string;
  readonly n: number;
  readonly system: string;
  readonly label: string;
  readonly measurement: Measurement;
  /** Median over the SQL baseline's median in the same run (undefined when skipped). */
  readonly ratio?: number;
}

/** Commit time of a unit holding many loaded objects. */
export interface LoadedCommitResult {
  readonly loaded: number;
  readonly changed: number;
  readonly measurement: Measurement;
}

/** Everything measured on one backend. */
export interface DatabaseResults {
  readonly name: 'postgresql' | 'sqlite' | 'mariadb';
  readonly version: string;
  readonly flush: FlushResult[];
  load?: LoadResult;
  commits?: LoadedCommitResult[];
  memory?: MemoryResult;
}

/** The machine the run happened on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly prisma: string;
}

/** A whole run. */
export interface RunResults {
  readonly startedAt: Date;
  readonly command: string;
  readonly machine: Machine;
  readonly ns: readonly number[];
  readonly runs: number;
  readonly trackingRows: { readonly load: number; readonly commit: number };
  readonly databases: DatabaseResults[];
  durationMs: number;
}
