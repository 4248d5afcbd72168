import { raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';

/**
 * What PostgreSQL statements written by prisma-uow carry for their transaction, without a round
 * trip of their own:
 *
 * - a **time bound**: `set_config('lock_timeout', ..., true)` and `set_config('statement_timeout',
 *   ..., true)` to what is left of the unit's transaction timeout (never above a tighter value
 *   the connection already has). It sits in a gate that PostgreSQL evaluates once, before the
 *   statement reads or locks any row (an uncorrelated sub-select in `WHERE` becomes an InitPlan
 *   checked as a "One-Time Filter"), so the statement's own lock waits are bounded too;
 * - a **beacon**: the gate also takes a shared transaction-level advisory lock on a random key
 *   of the unit's transaction, so a watchdog on another connection can find the transaction's
 *   server process (`pg_locks`) and cancel its running statement at the deadline, and never
 *   another transaction's (the lock goes with the transaction);
 * - the transaction's **identity**, returned as an extra column by the first statement that
 *   returns rows: `txid_current()`, asked with `txid_status` when the connection is lost after
 *   `COMMIT`.
 *
 * Bounds and beacon hold for the rest of the transaction: the first statement carries the gate,
 * later ones only when the last gate is older than `GATE_REFRESH_MS` (`flush/session.ts`); the
 * others are written with `TRUE` in its place.
 *
 * @module
 */

/** The session part of one statement prisma-uow writes. */
export interface StatementSession {
  /** Milliseconds left of the transaction's time budget (at least 1). */
  readonly budgetMs: number;
  /** Whether the statement returns the transaction's identity ({@link SESSION_COLUMNS}). */
  readonly identify: boolean;
  /** The transaction's advisory-lock key (an `int8`, as text). */
  readonly beacon: string;
  /**
   * Whether the statement sets the time bounds and takes the beacon (default true). An earlier
   * statement of the transaction that did so moments ago makes it unnecessary (see
   * `TransactionSession.statement`).
   */
  readonly gate?: boolean;
}

/** Names of the identity columns a statement returns with {@link StatementSession.identify}. */
export const SESSION_COLUMNS = { txid: 'uow$txid' } as const;

/** `set_config(setting, least(current value, budget), true)`: a local setting, never loosened. */
function bounded(setting: 'lock_timeout' | 'statement_timeout', budgetMs: number): Sql {
  const current = sql`NULLIF((extract(epoch FROM current_setting(${setting})::interval) * 1000)::int8, 0)`;
  return sql`set_config(${setting}, LEAST(${current}, ${budgetMs}::int8)::text, true)`;
}

/** One row: the time bounds set (text, never null), after taking the beacon lock. */
function bounds(session: StatementSession): Sql {
  return sql`SELECT ${bounded('lock_timeout', session.budgetMs)} || ${bounded('statement_timeout', session.budgetMs)} AS "uow$bounds" FROM (SELECT pg_advisory_xact_lock_shared(${session.beacon}::int8)) AS beacon`;
}

/**
 * A condition to AND into a statement's `WHERE`: true, after taking the beacon lock and setting
 * the time bounds. Being uncorrelated, PostgreSQL runs it once, before the rows it guards are
 * read or locked.
 *
 * @example
 * ```sql
 * ... WHERE (SELECT set_config('lock_timeout', ...) || set_config('statement_timeout', ...) FROM (SELECT pg_advisory_xact_lock_shared($k)) AS beacon) IS NOT NULL
 * ```
 */
export function sessionGate(session: StatementSession): Sql {
  if (session.gate === false) return raw('TRUE');
  return sql`(${bounds(session)}) IS NOT NULL`;
}

/**
 * The identity column, for a statement's select list or `RETURNING`. `assign` asks for a
 * transaction id even if the transaction has none yet (it writes, or locks rows, anyway).
 */
export function identityColumns(assign = true): Sql {
  return raw(`${assign ? 'txid_current()' : 'txid_current_if_assigned()'}::text AS "${SESSION_COLUMNS.txid}"`);
}

/**
 * The statement sent before the first statement of a transaction that Prisma writes (a read, a
 * `grouped` or `per-row` write), when no statement of prisma-uow's own came first: takes the
 * beacon, sets the time bounds and returns the identity.
 */
export function sessionPrelude(session: StatementSession, assign: boolean): Sql {
  return sql`SELECT b."uow$bounds", ${identityColumns(assign)} FROM (${bounds(session)}) AS b`;
}

/**
 * Cancels the statement running in the transaction holding the advisory lock `beacon`, and only
 * there: the lock goes with the transaction, so a connection that has moved on to other work is
 * left alone. Returns one row `{ cancelled }`.
 */
export function cancelTransaction(beacon: string): Sql {
  const key = sql`${beacon}::int8`;
  return sql`SELECT count(*) FILTER (WHERE pg_cancel_backend(l.pid))::int4 AS "cancelled" FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = ((${key} >> 32) & 4294967295)::text::oid AND l.objid = (${key} & 4294967295)::text::oid`;
}

/** `txid_status(txid)`: `committed`, `aborted`, `in progress`, or null when too old to tell. */
export function transactionStatus(txid: string): Sql {
  return sql`SELECT txid_status(${txid}::int8) AS "status"`;
}
