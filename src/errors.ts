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

/** `get` found no row with that primary key (or the row was removed in this unit). */
export class EntityNotFoundError extends UnitOfWorkError {
  override name = 'EntityNotFoundError';
  constructor(model: string, key: KeyValue, detail = 'no row has that primary key') {
    super(`${describeRow(model, key)} was not found: ${detail}.`, { model, key });
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
  | 'UNIT_CLOSED';

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
  constructor(message: string, context: ErrorContext & { statement?: string | undefined }) {
    super(message, context);
    this.statement = context.statement;
    this.kind = classifyDatabaseError(context.cause);
  }
}
