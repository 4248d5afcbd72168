import { setTimeout as sleep } from 'node:timers/promises';
import { classifyDatabaseError } from '../database-errors.js';
import { CommitOutcomeUnknownError, ConcurrencyConflictError, DatabaseError } from '../errors.js';

/**
 * Running a unit again when it lost a race or hit a passing failure: a concurrency conflict, a
 * serialization failure, a deadlock, a busy SQLite database, or a lost connection or timeout
 * that prisma-uow knows wrote nothing. The whole function runs again in a fresh unit, on fresh
 * data, so it must not have effects outside the unit (send e-mails after the commit instead).
 * A unit that committed, or may have committed, never runs again.
 *
 * @module
 */

/** Options of `run(fn, { retry })`. */
export interface RetryOptions {
  /** Total attempts, the first included (1 = never retry). Default 5 when `retry` is given. */
  readonly attempts?: number;
  /** Upper bound of the first backoff in ms (default 5); doubles per attempt, with full jitter. */
  readonly baseDelayMs?: number;
  /** Cap of the backoff in ms (default 250). */
  readonly maxDelayMs?: number;
  /**
   * Which errors are worth another attempt (default {@link isRetryableError}). Never consulted
   * for a unit that committed or may have committed (`committed: true`,
   * `CommitOutcomeUnknownError`): those are thrown as they are.
   */
  readonly retryOn?: (error: unknown) => boolean;
  /** Called before each new attempt, e.g. to count retries. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Whether the unit that failed with `error` committed, or may have: a `HookError` or
 * `AfterCommitError` with `committed: true`, or a {@link CommitOutcomeUnknownError}. Such a
 * unit must never run again blindly.
 */
function mayHaveCommitted(error: unknown): boolean {
  if (error instanceof CommitOutcomeUnknownError) return true;
  return error !== null && typeof error === 'object' && (error as { committed?: unknown }).committed === true;
}

/**
 * True for errors a retry can cure, where nothing was written:
 * - {@link ConcurrencyConflictError};
 * - serialization failures (40001, Prisma's P2034), deadlocks (40P01), a busy SQLite database,
 *   from prisma-uow or straight from Prisma;
 * - a lost connection or a timeout reported by prisma-uow as a {@link DatabaseError}: a read
 *   (nothing is written by reads), or a commit that failed before `COMMIT` or whose `COMMIT`
 *   the database reports as not committed. (The same kinds raised by other code, e.g. a Prisma
 *   call of your own inside the unit, are not retried: nothing says whether they wrote.)
 *
 * Never for a unit that committed or may have committed: a `HookError`/`AfterCommitError` with
 * `committed: true`, or a {@link CommitOutcomeUnknownError}.
 *
 * @example
 * ```ts
 * await units.run(fn, { retry: { retryOn: (e) => isRetryableError(e) || e instanceof MyTransientError } });
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (mayHaveCommitted(error)) return false;
  if (error instanceof ConcurrencyConflictError) return true;
  const kind = classifyDatabaseError(error);
  if (kind === 'serialization' || kind === 'deadlock' || kind === 'busy') return true;
  return (kind === 'connection' || kind === 'timeout') && error instanceof DatabaseError;
}

/** @internal */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 5;
  const cap = options.maxDelayMs ?? 250;
  const retryOn = options.retryOn ?? isRetryableError;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      // A unit that committed, or may have, never runs again, whatever `retryOn` says.
      if (n >= attempts || mayHaveCommitted(error) || !retryOn(error)) throw error;
      options.onRetry?.(error, n);
      await sleep(Math.random() * Math.min(cap, base * 2 ** (n - 1)));
    }
  }
}
