import { raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import { classifyDatabaseError, type DatabaseErrorKind } from '../database-errors.js';
import { DatabaseError, UnitOfWorkError } from '../errors.js';
import { cancelTransaction } from '../flush/dialects/postgres-session.js';
import { TransactionSession } from '../flush/session.js';
import type { TransactionClient } from '../flush/strategy.js';
import type { Provider } from '../metadata/types.js';
import { settleUnclearCommit } from './commit-outcome.js';

/**
 * One transaction of a unit on a Prisma client: `prisma.$transaction(fn)` with the unit's
 * options, a {@link TransactionSession} that bounds it in time, and an honest outcome when
 * `COMMIT` fails (see `commit-outcome.ts`).
 *
 * The time bound (`transaction.timeout`) covers everything the transaction does, lock waits
 * included: on PostgreSQL the statements set `lock_timeout`/`statement_timeout` to what is left
 * (the first, and later ones when the last that did is older than `GATE_REFRESH_MS`; see
 * `postgres-session.ts`), and a watchdog cancels a statement still running at the deadline
 * (`pg_cancel_backend`, aimed at this transaction only); on SQLite the connection's busy timeout
 * is lowered to the budget for the transaction. Either way the statement fails, the transaction
 * rolls back, and the unit fails with a `DatabaseError` of kind `timeout`: nothing was written.
 *
 * @module
 */

/** The part of a `PrismaClient` the unit of work uses. */
export interface PrismaClientLike {
  $transaction(...args: never[]): Promise<unknown>;
}

/** Options of the commit transaction (`prisma.$transaction`). */
export interface TransactionOptions {
  /**
   * Longest time the transaction may run, in ms, waits for row locks included: a commit (or an
   * interactive unit) still running then is cancelled and fails with a `DatabaseError` of kind
   * `timeout`, having written nothing. Prisma's default (5 s) is too short for large units; the
   * default here is 60 s.
   */
  readonly timeout?: number;
  /**
   * Longest wait for a connection from the pool, in ms (default 10 s). On SQLite, where a unit's
   * reads run in a read transaction of their own (so that they never see uncommitted writes),
   * also the longest wait of a read for the client's open transaction to end: a longer wait fails
   * the read with a `DatabaseError` of kind `timeout`, which `run({ retry })` retries.
   */
  readonly maxWait?: number;
  /** Isolation level of the commit transaction (the database default when unset). */
  readonly isolationLevel?: 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
}

/** The defaults of {@link TransactionOptions}. */
export const DEFAULT_TRANSACTION_OPTIONS = { timeout: 60_000, maxWait: 10_000 } as const;

/** How the backend calls `$transaction` (an interactive transaction). */
type InteractiveTransaction = <T>(fn: (tx: TransactionClient) => Promise<T>, options: object) => Promise<T>;

/** The client's `$transaction`, called with a function (an interactive transaction). */
function interactive(prisma: PrismaClientLike): InteractiveTransaction {
  return prisma.$transaction.bind(prisma) as unknown as InteractiveTransaction;
}

/** A raw query on the client outside any transaction (a connection of its own from the pool). @internal */
export function query<T = Record<string, unknown>[]>(prisma: PrismaClientLike, statement: Sql): Promise<T> {
  return (prisma as unknown as TransactionClient).$queryRaw<T>(statement);
}

/** `error` as a {@link UnitOfWorkError}: prisma-uow's own as they are, others as a {@link DatabaseError}. @internal */
export function databaseError(error: unknown, what: string, kind?: DatabaseErrorKind): UnitOfWorkError {
  if (error instanceof UnitOfWorkError) return error;
  const cause = error as { code?: unknown; message?: unknown };
  const code = typeof cause?.code === 'string' ? ` [${cause.code}]` : '';
  // Prisma's message ends with the database's; the lines before it show the calling code.
  const message = typeof cause?.message === 'string' ? (cause.message.trim().split('\n').pop() ?? '').trim() : String(error);
  return new DatabaseError(`${what} failed${code}: ${message}. Nothing was written.`, { cause: error, ...(kind ? { kind } : {}) });
}

/** Connections' own SQLite busy timeouts (ms), read once per client. */
const sqliteBusyTimeouts = new WeakMap<object, number>();

/**
 * SQLite: lowers the connection's busy timeout to the transaction's budget when that is shorter
 * (better-sqlite3 waits synchronously, so no timer could interrupt the wait). Returns how to
 * put it back, or `undefined` when nothing was changed.
 */
async function boundSqliteWait(prisma: PrismaClientLike, tx: TransactionClient, session: TransactionSession): Promise<(() => Promise<void>) | undefined> {
  let own = sqliteBusyTimeouts.get(prisma);
  if (own === undefined) {
    const [row] = await tx.$queryRaw<Record<string, unknown>[]>(sql`PRAGMA busy_timeout`);
    own = Number(Object.values(row ?? {})[0] ?? 0);
    sqliteBusyTimeouts.set(prisma, own);
  }
  const budget = session.budget();
  if (own !== 0 && own <= budget) return undefined;
  await tx.$queryRaw(sql`PRAGMA busy_timeout = ${raw(String(Math.floor(budget)))}`);
  const restore = own;
  return async () => void (await query(prisma, sql`PRAGMA busy_timeout = ${raw(String(restore))}`).catch(() => undefined));
}

/** PostgreSQL: cancels the transaction's running statement once its deadline has passed. @internal */
export function watchdog(prisma: PrismaClientLike, session: TransactionSession): () => void {
  // A little after the deadline: statements prisma-uow writes time out by themselves at it.
  const timer = setTimeout(() => {
    if (session.findable) query(prisma, cancelTransaction(session.beacon)).catch(() => undefined);
  }, Math.max(0, session.deadline - Date.now()) + 200);
  timer.unref?.();
  return () => clearTimeout(timer);
}

/** A `timeout` error for a SQLite transaction whose lock wait outlasted its budget. */
function sqliteTimeout(error: UnitOfWorkError, session: TransactionSession): UnitOfWorkError {
  if (!(error instanceof DatabaseError) || error.kind !== 'busy' || Date.now() < session.deadline - 50) return error;
  return new DatabaseError(
    `${error.message.replace(/\.$/, '')} The database stayed locked by another connection for the whole transaction timeout (${session.timeoutMs} ms).`,
    { kind: 'timeout', cause: error, model: error.model, statement: error.statement },
  );
}

/**
 * Lets the event loop run everything else that is due (timers included) before going on.
 *
 * SQLite needs this before every transaction: better-sqlite3 answers synchronously, so a unit's
 * reads and commit resolve as a chain of microtasks that never returns to the event loop. With
 * several units in flight they kept each other busy, and a unit waiting on a timer (the retry
 * backoff, a `setTimeout` in the caller's code) never ran: the transfer benchmark measured one
 * unit finishing 1,110 transfers while the others finished 1 each, and 3 s waits. One
 * `setImmediate` per transaction puts each unit back in line behind the callbacks already due,
 * so concurrent units take turns (measured in bench/results/transfer-latest.md, SQLite fairness).
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * SQLite: runs `read` in a read transaction of its own (an interactive `prisma.$transaction`, after
 * the event loop's due callbacks, like every SQLite transaction of a unit). Prisma's better-sqlite3
 * adapter runs every query of a client on ONE connection and its lock serializes transactions
 * only, so a read sent outside a transaction while another transaction of the client is open
 * (another unit's commit, an interactive unit, the caller's own `$transaction`) would see that
 * transaction's writes before they commit. A transaction waits for that lock until the open one
 * has ended (at most `maxWait`): the read sees committed rows only. An array
 * `$transaction([read])` of one query would run without a transaction, hence the callback.
 *
 * @internal
 */
export async function inReadTransaction<T>(prisma: PrismaClientLike, options: TransactionOptions, read: (tx: TransactionClient) => Promise<T>): Promise<T> {
  const { maxWait = DEFAULT_TRANSACTION_OPTIONS.maxWait, timeout = DEFAULT_TRANSACTION_OPTIONS.timeout } = options;
  await yieldToEventLoop();
  return interactive(prisma)(read, { maxWait, timeout });
}

/**
 * Runs `body` in one interactive `prisma.$transaction` with the unit's transaction options and a
 * {@link TransactionSession}, and turns failures into prisma-uow errors: a `DatabaseError`
 * (nothing was written), or, when `COMMIT` itself failed, whatever the database says happened
 * (see `settleUnclearCommit`). Returns the body's value once the transaction has committed.
 * `startedMs` is when the commit's time budget began, when it began before this transaction (a
 * one-statement commit tried first): the transaction gets what is left of `timeout`.
 *
 * @internal
 */
export async function inTransaction<T>(
  prisma: PrismaClientLike,
  options: TransactionOptions,
  provider: Provider,
  body: (tx: TransactionClient, session: TransactionSession) => Promise<T>,
  startedMs?: number,
): Promise<T> {
  const { timeout = DEFAULT_TRANSACTION_OPTIONS.timeout, maxWait = DEFAULT_TRANSACTION_OPTIONS.maxWait, isolationLevel } = options;
  const transaction = interactive(prisma);
  let session: TransactionSession | undefined;
  let finished: { value: T } | undefined;
  let failed: { error: unknown } | undefined;
  let restore: (() => Promise<void>) | undefined;
  if (provider === 'sqlite') await yieldToEventLoop();
  try {
    return await transaction(
      async (tx) => {
        session = new TransactionSession(provider, timeout, startedMs);
        const stop = provider === 'postgresql' ? watchdog(prisma, session) : undefined;
        try {
          if (provider === 'sqlite') restore = await boundSqliteWait(prisma, tx, session).catch((e: unknown) => Promise.reject(databaseError(e, 'Setting the busy timeout')));
          const value = await body(tx, session);
          finished = { value };
          return value;
        } catch (error) {
          failed = { error };
          throw error;
        } finally {
          stop?.();
        }
      },
      { timeout: startedMs === undefined ? timeout : Math.max(1, timeout - (Date.now() - startedMs)), maxWait, ...(isolationLevel ? { isolationLevel } : {}) },
    );
  } catch (error) {
    // The body finished: Prisma was sending COMMIT when this failed.
    if (finished && session) return settleUnclearCommit((statement) => query(prisma, statement), session, error, finished.value);
    // The body failed (its errors are the unit's own, or the caller's): the transaction rolled back.
    if (failed) throw session && provider === 'sqlite' && failed.error instanceof DatabaseError ? sqliteTimeout(failed.error, session) : failed.error;
    // Prisma failed to start the transaction (no connection within maxWait, BEGIN failed).
    throw databaseError(error, 'Starting the transaction');
  } finally {
    await restore?.();
  }
}
