import type { ConflictingRow } from '../errors.js';
import type { ModelMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import type { DeleteStep, FlushStep, InsertStep, UpdateStep } from './plan.js';
import type { StatementSession } from './dialects/postgres-session.js';
import type { TransactionSession } from './session.js';

/**
 * A flush strategy turns plan steps into statements. All strategies pass the same tests; they
 * differ only in how many statements they send.
 *
 * @module
 */

/** The part of a Prisma model delegate the strategies use. */
export interface ModelDelegate {
  create(args: { data: Row }): Promise<Row>;
  createManyAndReturn(args: { data: Row[] }): Promise<Row[]>;
  updateMany(args: { where: Row; data: Row }): Promise<{ count: number }>;
  deleteMany(args: { where: Row }): Promise<{ count: number }>;
  findMany(args: Row): Promise<Row[]>;
}

/** The part of a Prisma (transaction) client the strategies use. */
export interface TransactionClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray | object, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | object, ...values: unknown[]): Promise<number>;
  [delegate: string]: unknown;
}

/** What a strategy needs to run one step. */
export interface StepContext {
  readonly schema: SchemaMetadata;
  readonly model: ModelMetadata;
  readonly tx: TransactionClient;
  readonly delegate: ModelDelegate;
  /**
   * The transaction's session (time budget, identity), when the commit has one: statements the
   * strategy writes itself carry `session.statement(true)`; before Prisma Client calls it awaits
   * `session.prepare(tx, true)`.
   */
  readonly session?: TransactionSession | undefined;
}

/** What writing one update step did. */
export interface UpdateResult {
  /**
   * The rows not written: they failed their concurrency check, were gone, or (steps with
   * bounded deltas) would have left a bound; the executor tells these apart.
   */
  readonly conflicts: ConflictingRow[];
  /**
   * Steps with deltas: the rows written, each with its primary key and its delta fields as
   * stored after the statement (by field name, in the field's JavaScript type).
   */
  readonly stored?: readonly Row[];
}

/** One way of writing plan steps. Steps arrive with every pending key already resolved. */
export interface FlushStrategy {
  readonly name: FlushStrategyName;
  /** Inserts the rows; returns the stored rows (with generated values), in the same order. */
  insert(step: InsertStep, ctx: StepContext): Promise<Row[]>;
  /** Updates the rows; returns those it did not write and, for deltas, the stored values. */
  update(step: UpdateStep, ctx: StepContext): Promise<UpdateResult>;
  /** Deletes the rows; returns those that failed their concurrency check. */
  delete(step: DeleteStep, ctx: StepContext): Promise<ConflictingRow[]>;
  /**
   * The statements the step will send, without sending them: SQL text where the strategy writes
   * the SQL itself (with `session`, as sent in a transaction with that session part), else the
   * Prisma Client calls (for previews and logs).
   */
  describe(step: FlushStep, model: ModelMetadata, session?: StatementSession): string[];
}

/**
 * - `bulk`: one SQL statement per step, whatever the number of rows (default; PostgreSQL and SQLite).
 * - `grouped`: Prisma Client calls, rows with identical changes share one `updateMany`.
 * - `per-row`: one Prisma Client call per row (the baseline most Prisma code uses).
 */
export type FlushStrategyName = 'bulk' | 'grouped' | 'per-row';
