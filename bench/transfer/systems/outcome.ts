/**
 * How hand-written systems end a transfer: a refusal (the bank's own `TransferRejectedError`,
 * wherever it sits in the cause chain, so a wrapped one counts too) is an outcome, not a failure;
 * a deadlock, serialization failure or busy database is retried at once, as a careful service
 * would (key-ordered locking makes them rare); anything else fails the transfer.
 *
 * @example
 * ```ts
 * const outcome = await retryTransient(() => prisma.$transaction(async (tx) => { ... }));
 * ```
 *
 * @module
 */
import { TransferRejectedError } from '../../../examples/bank/domain.js';
import { classifyDatabaseError } from '../../../src/index.js';
import type { TransferOutcome } from '../types.js';

/** Attempts of every system (prisma-uow's retry included) before a transfer counts as failed. */
export const ATTEMPTS = 20;

/** Whether `error` or anything in its cause chain is the bank's refusal. */
export function isRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof TransferRejectedError) return true;
  }
  return false;
}

/** Errors a hand-written service retries: the transaction lost a race the database detected. */
export function isTransient(error: unknown): boolean {
  const kind = classifyDatabaseError(error);
  return kind === 'deadlock' || kind === 'serialization' || kind === 'busy';
}

/** Runs `attempt` up to {@link ATTEMPTS} times while it fails transiently. */
export async function retryTransient(attempt: () => Promise<unknown>): Promise<TransferOutcome> {
  for (let retries = 0; ; retries++) {
    try {
      await attempt();
      return { refused: false, retries };
    } catch (error) {
      if (isRefusal(error)) return { refused: true, retries };
      if (retries + 1 >= ATTEMPTS || !isTransient(error)) throw error;
    }
  }
}

/** The refusal hand-written systems throw when the sender's balance does not cover the amount. */
export function insufficientFunds(accountId: number, amount: string): TransferRejectedError {
  return new TransferRejectedError(`Account#${accountId} does not cover ${amount}.`);
}
