import { setTimeout as sleep } from 'node:timers/promises';
import { classifyDatabaseError } from '../database-errors.js';
import { ConcurrencyConflictError } from '../errors.js';

/**
 * Running a unit again when it lost a race: a concurrency conflict, a serialization failure, a
 * deadlock or a busy SQLite database. The whole function runs again in a fresh unit, on fresh
 * data, so it must not have effects outside the unit (send e-mails after the commit instead).
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
  /** Which errors are worth another attempt (default {@link isRetryableError}). */
  readonly retryOn?: (error: unknown) => boolean;
  /** Called before each new attempt, e.g. to count retries. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * True for errors a retry can cure: {@link ConcurrencyConflictError}, PostgreSQL serialization
 * failures (40001) and deadlocks (40P01), Prisma's P2034, and SQLite busy/locked.
 *
 * @example
 * ```ts
 * await units.run(fn, { retry: { retryOn: (e) => isRetryableError(e) || e instanceof MyTransientError } });
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ConcurrencyConflictError) return true;
  const kind = classifyDatabaseError(error);
  return kind === 'serialization' || kind === 'deadlock' || kind === 'busy';
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
      if (n >= attempts || !retryOn(error)) throw error;
      options.onRetry?.(error, n);
      await sleep(Math.random() * Math.min(cap, base * 2 ** (n - 1)));
    }
  }
}
