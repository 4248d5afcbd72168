/**
 * Every error prisma-uow throws is a {@link UnitOfWorkError}. Usage errors (a mistake in the calling
 * code, nothing was sent) are separate from database errors (the commit failed and was rolled
 * back; the driver's error is kept as `cause`).
 *
 * @example
 * ```ts
 * try {
 *   await units.run(async (uow) => { ... });
 * } catch (error) {
 *   if (error instanceof ConcurrencyConflictError) retryLater();
 *   else if (error instanceof DatabaseError) console.error(error.cause);
 * }
 * ```
 * @module
 */

import { classifyDatabaseError, type DatabaseErrorKind } from './database-errors.js';

/** A primary key as the user gives it: one value, or an object for composite keys. */
export type KeyValue = unknown;

/** Context that locates an error: which model, which row, which field. */
export interface ErrorContext {
  readonly model?: string | undefined;
  readonly key?: KeyValue;
  readonly field?: string | undefined;
  readonly cause?: unknown;
}

/** Formats `Account#7` or `Membership#{"groupId":1,"userName":"ann"}`. */
export function describeRow(model: string, key: KeyValue): string {
  if (key === undefined) return `new ${model}`;
  const shown =
    typeof key === 'object' && key !== null
      ? JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
      : String(key);
  return `${model}#${shown}`;
}

/** Base class of all prisma-uow errors. */
export class UnitOfWorkError extends Error {
  override name = 'UnitOfWorkError';
  readonly model: string | undefined;
  readonly key: KeyValue;
  readonly field: string | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.model = context.model;
    this.key = context.key;
    this.field = context.field;
  }
}

/**
 * `get` found no row with that primary key (or the row was removed in this unit); `getMany`
 * found no row for some of its keys (`keys` lists them all, `key` is the first).
 */
export class EntityNotFoundError extends UnitOfWorkError {
  override name = 'EntityNotFoundError';
  /** Every key that was not found (one for `get`). */
  readonly keys: readonly KeyValue[];
  constructor(model: string, key: KeyValue, detail?: string, keys: readonly KeyValue[] = [key]) {
    const several = keys.length > 1;
    const listed = keys.slice(0, 10).map((k) => describeRow(model, k)).join(', ') + (keys.length > 10 ? ` and ${keys.length - 10} more` : '');
    const why = detail ?? (several ? 'no rows have those primary keys' : 'no row has that primary key');
    super(`${listed} ${several ? 'were' : 'was'} not found: ${why}.`, { model, key });
    this.keys = keys;
  }
}

/** What kind of mistake a {@link UsageError} reports. */
export type UsageErrorCode =
  | 'PRIMARY_KEY_CHANGED'
  | 'ALREADY_TRACKED'
  | 'OTHER_UNIT'
  | 'NOT_TRACKED'
  | 'WRONG_MODEL'
  | 'UNKNOWN_FIELD'
  | 'MISSING_FIELD'
  | 'INVALID_VALUE'
  | 'INVALID_ARGUMENT'
  | 'NO_ACTIVE_UNIT'
  /** `units.current()` / `units.active` on units created with `asyncContext: false`. */
  | 'NO_ASYNC_CONTEXT'
  | 'UNIT_CLOSED'
  /** A field of a reference (`ref(key)`) that was never loaded was read or written. */
  | 'NOT_LOADED';

/** The calling code used the unit of work wrongly. Nothing was written. */
export class UsageError extends UnitOfWorkError {
  override name = 'UsageError';
  readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string, context: ErrorContext = {}) {
    super(message, context);
    this.code = code;
  }
}

/** An object of a unit that has ended was written to (or the unit itself was used). */
export class UnitClosedError extends UsageError {
  override name = 'UnitClosedError';
  constructor(message: string, context: ErrorContext = {}) {
    super('UNIT_CLOSED', message, context);
  }
}

/** One row that another transaction changed or deleted since this unit loaded it. */
export interface ConflictingRow {
  readonly model: string;
  readonly key: KeyValue;
  /** The version the unit expected, for versioned models. */
  readonly expectedVersion?: unknown;
}

/**
 * Rows written by the commit were changed or deleted by another transaction since they were
 * loaded. The whole unit was rolled back; running it again (with fresh data) is safe.
 */
export class ConcurrencyConflictError extends UnitOfWorkError {
  override name = 'ConcurrencyConflictError';
  readonly rows: readonly ConflictingRow[];
  constructor(rows: readonly ConflictingRow[]) {
    const first = rows[0];
    const listed = rows
      .slice(0, 5)
      .map((r) => describeRow(r.model, r.key))
      .join(', ');
    const more = rows.length > 5 ? ` and ${rows.length - 5} more` : '';
    super(
      `${listed}${more} ${rows.length === 1 ? 'was' : 'were'} changed or deleted by another transaction since ${
        rows.length === 1 ? 'it was' : 'they were'
      } loaded; the unit was rolled back and can be retried.`,
      { model: first?.model, key: first?.key },
    );
    this.rows = rows;
  }
}

/**
 * A field declared `/// @delta(min: ..., max: ...)` would leave its bounds: the commit adds the
 * unit's change (`delta`) to the value stored NOW, and that sum (`reached`) is below `min` or
 * above `max` (`bound` says which; `limit` is its value). Concurrent units never drive a delta out
 * of bounds: each one's statement checks the sum against the value committed before it. The whole
 * unit was rolled back; nothing was written. Turn it into the domain's own refusal (`insufficient
 * funds`), or run the unit again: it re-reads the current value.
 *
 * @example
 * ```ts
 * try {
 *   await units.run(transfer);
 * } catch (error) {
 *   if (error instanceof DeltaBoundError && error.field === 'balance') throw new InsufficientFunds(error.key);
 *   throw error;
 * }
 * ```
 */
export class DeltaBoundError extends UnitOfWorkError {
  override name = 'DeltaBoundError';
  /** Which bound the value would cross. */
  readonly bound: 'min' | 'max';
  /** The bound as declared in the schema (`"0"`). */
  readonly limit: string;
  /** The value the field would have reached: the value stored at the commit plus {@link delta}. */
  readonly reached: unknown;
  /** What the unit added (value at commit − value loaded). */
  readonly delta: unknown;
  constructor(context: { model: string; key: KeyValue; field: string; bound: 'min' | 'max'; limit: string; reached: unknown; delta: unknown }) {
    const { model, key, field, bound, limit, reached, delta } = context;
    const side = bound === 'min' ? 'below its minimum' : 'above its maximum';
    super(
      `${describeRow(model, key)}.${field} would become ${String(reached)}, ${side} of ${limit} (@delta ${bound}: ${limit}), by adding ${String(delta)} to the value stored now; the unit was rolled back and nothing was written. Refuse the operation, or run the unit again to re-read the value.`,
      { model, key, field },
    );
    this.bound = bound;
    this.limit = limit;
    this.reached = reached;
    this.delta = delta;
  }
}

/**
 * The database rejected a statement of the commit. The transaction was rolled back. `kind` says
 * what went wrong the same way whatever the database and whichever strategy sent the statement;
 * `cause` is Prisma's or the driver's own error.
 */
export class DatabaseError extends UnitOfWorkError {
  override name = 'DatabaseError';
  /** The statement (SQL text or Prisma operation) that failed, when known. */
  readonly statement: string | undefined;
  /** `unique`, `foreign-key`, `not-null`, `serialization`, `deadlock`, `busy`, ... (see {@link DatabaseErrorKind}). */
  readonly kind: DatabaseErrorKind;
  constructor(message: string, context: ErrorContext & { statement?: string | undefined; kind?: DatabaseErrorKind }) {
    super(message, context);
    this.statement = context.statement;
    this.kind = context.kind ?? classifyDatabaseError(context.cause);
  }
}

/**
 * The connection to the database was lost after the commit's `COMMIT` was sent, and whether the
 * database committed could not be established: the unit's changes may or may not be written.
 * Never run such a unit again blindly (`run({ retry })` does not): check first whether its
 * changes are there. On PostgreSQL the unit asks the server (`txid_status`) before giving up, so
 * this error means the server could not be asked; `transactionId` is the transaction to check
 * (`SELECT txid_status(<transactionId>)`).
 *
 * @example
 * ```ts
 * try {
 *   await units.run(transferFn, { retry: 5 });
 * } catch (error) {
 *   if (error instanceof CommitOutcomeUnknownError) await reconcileLater(error.transactionId);
 *   else throw error;
 * }
 * ```
 */
export class CommitOutcomeUnknownError extends UnitOfWorkError {
  override name = 'CommitOutcomeUnknownError';
  /** PostgreSQL: the commit's transaction id (`txid_current()`), when the unit learnt it. */
  readonly transactionId: string | undefined;
  constructor(message: string, context: ErrorContext & { transactionId?: string | undefined }) {
    super(message, context);
    this.transactionId = context.transactionId;
  }
}

/**
 * The unit's transaction committed (the changes ARE in the database), but updating its objects
 * with the committed values afterwards failed. After-commit hooks still ran. Do not run the unit
 * again; objects of the unit may show values from before the commit: load them in a new unit.
 * (A failing after-commit hook is a `HookError` with `committed: true` instead.)
 *
 * @example
 * ```ts
 * const error = await units.run(fn).catch((e: unknown) => e);
 * if (error instanceof AfterCommitError) log.warn('committed; objects may be stale', error.cause);
 * ```
 */
export class AfterCommitError extends UnitOfWorkError {
  override name = 'AfterCommitError';
  /** Always `true`: the unit's changes were committed. */
  readonly committed = true;
  constructor(cause: unknown) {
    super(
      `The unit was committed (the database holds its changes), but updating its objects afterwards failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }. Do not run it again; load the rows in a new unit to see their committed values.`,
      { cause },
    );
  }
}
