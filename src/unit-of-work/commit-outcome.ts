import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql } from '@prisma/client/runtime/client';
import { causeChain, classifyDatabaseError, type DatabaseErrorKind } from '../database-errors.js';
import { CommitOutcomeUnknownError, DatabaseError } from '../errors.js';
import { transactionStatus } from '../flush/dialects/postgres-session.js';
import type { TransactionSession } from '../flush/session.js';

/** Runs a query on a fresh connection (outside the failed transaction). @internal */
export type AskDatabase = (statement: Sql) => Promise<Record<string, unknown>[]>;

/**
 * When `COMMIT` itself fails, what happened? An error the server raised while committing
 * (a deferred constraint, a serialization failure) means it rolled back. A lost connection does
 * not tell: the server may have committed just before the connection went. The unit then asks:
 *
 * - PostgreSQL: a fresh connection runs `txid_status(<txid>)` for the transaction id the commit's
 *   first statement returned (see `postgres-session.ts`), waiting while it is `in progress`:
 *   `committed` → the unit reports committed; `aborted` → a `DatabaseError` of kind
 *   `connection`, nothing was written, safe to retry; no answer within the window →
 *   {@link CommitOutcomeUnknownError}.
 * - SQLite: a local file, no network: a failed `COMMIT` did not commit.
 * - Other databases: {@link CommitOutcomeUnknownError}.
 *
 * @module
 */

/** Failures the server reports about the transaction itself: it did not commit. */
const ROLLED_BACK: ReadonlySet<DatabaseErrorKind> = new Set(['unique', 'foreign-key', 'not-null', 'check', 'value-too-long', 'serialization', 'deadlock', 'busy']);

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n').slice(-3).join(' ');
}

/** Whether Prisma refused to send `COMMIT` (its transaction had expired or was closed): not committed. */
function commitNotSent(error: unknown): boolean {
  for (const cause of causeChain(error)) if (cause['code'] === 'P2028') return true;
  return false;
}

type Status = 'committed' | 'aborted' | { readonly unknown: string };

/** `txid_status(txid)` on a fresh connection, asked until it is settled or `windowMs` has passed. */
async function statusOf(ask: AskDatabase, txid: string, windowMs: number): Promise<Status> {
  const until = Date.now() + windowMs;
  let last = 'no answer';
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    const left = until - Date.now();
    try {
      const answer = ask(transactionStatus(txid));
      answer.catch(() => undefined);
      const rows = await Promise.race([answer, sleep(Math.max(left, 1)).then(() => Promise.reject(new Error('no answer in time')))]);
      const status = rows[0]?.status;
      if (status === 'committed' || status === 'aborted') return status;
      last = status === null || status === undefined ? 'too old to tell' : `still ${String(status)}`;
    } catch (error) {
      last = messageOf(error);
    }
    if (Date.now() + delay >= until) return { unknown: last };
    await sleep(delay);
  }
}

/**
 * Settles a transaction whose body finished but whose `COMMIT` failed with `error`: returns
 * `value` when the database committed, else throws what happened (see the module comment).
 *
 * @internal
 */
export async function settleUnclearCommit<T>(ask: AskDatabase, session: TransactionSession, error: unknown, value: T): Promise<T> {
  const detail = `${messageOf(error)}`;
  const kind = classifyDatabaseError(error);
  if (session.provider === 'sqlite' || !session.wrote || ROLLED_BACK.has(kind) || commitNotSent(error)) {
    throw new DatabaseError(`The commit failed at COMMIT: ${detail}. The transaction was rolled back; nothing was written.`, { cause: error });
  }
  const txid = session.provider === 'postgresql' ? session.txid : undefined;
  if (txid === undefined) {
    throw new CommitOutcomeUnknownError(
      `The connection failed after COMMIT was sent (${detail}): the unit's changes may or may not have been written, and this database cannot be asked. Check whether they are there before running the unit again.`,
      { cause: error },
    );
  }
  const status = await statusOf(ask, txid, Math.min(10_000, Math.max(1_000, session.timeoutMs)));
  if (status === 'committed') return value;
  if (status === 'aborted') {
    throw new DatabaseError(
      `The connection failed while committing (${detail}); PostgreSQL reports that transaction ${txid} did not commit: nothing was written, and the unit can be run again.`,
      { cause: error, kind: kind === 'timeout' ? 'timeout' : 'connection' },
    );
  }
  throw new CommitOutcomeUnknownError(
    `The connection failed after COMMIT was sent (${detail}), and whether PostgreSQL committed transaction ${txid} could not be checked (${status.unknown}): the unit's changes may or may not have been written. Check with \`SELECT txid_status(${txid})\` before running the unit again.`,
    { cause: error, transactionId: txid },
  );
}
