import { DatabaseError, UnitOfWorkError } from '../errors.js';
import { postgresLockStatement } from '../flush/dialects/postgres.js';
import { executePlan, type ExecutionResult } from '../flush/executor.js';
import type { FlushPlan } from '../flush/plan.js';
import type { FlushStrategy, ModelDelegate, TransactionClient } from '../flush/strategy.js';
import type { ModelMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import type { UnitBackend } from './backend.js';

/** The part of a `PrismaClient` the unit of work uses. */
export interface PrismaClientLike {
  $transaction(...args: never[]): Promise<unknown>;
}

/** How the backend calls `$transaction` (an interactive transaction). */
type InteractiveTransaction = <T>(fn: (tx: TransactionClient) => Promise<T>, options: object) => Promise<T>;

/** Options of the commit transaction (`prisma.$transaction`). */
export interface TransactionOptions {
  /**
   * Longest time the commit transaction may run, in ms. Prisma's default (5 s) is too short for
   * large units; the default here is 60 s.
   */
  readonly timeout?: number;
  /** Longest wait for a connection from the pool, in ms (default 10 s). */
  readonly maxWait?: number;
  /** Isolation level of the commit transaction (the database default when unset). */
  readonly isolationLevel?: 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
}

/** The defaults of {@link TransactionOptions}. */
export const DEFAULT_TRANSACTION_OPTIONS = { timeout: 60_000, maxWait: 10_000 } as const;

function databaseError(error: unknown, what: string): UnitOfWorkError {
  if (error instanceof UnitOfWorkError) return error;
  const cause = error as { code?: unknown; message?: unknown };
  const code = typeof cause?.code === 'string' ? ` [${cause.code}]` : '';
  const message = typeof cause?.message === 'string' ? cause.message : String(error);
  return new DatabaseError(`${what} failed${code}: ${message}. Nothing was written.`, { cause: error });
}

/**
 * Runs `body` in one interactive `prisma.$transaction` with the unit's transaction options,
 * turning driver errors into {@link DatabaseError}s.
 *
 * @internal
 */
export async function inTransaction<T>(prisma: PrismaClientLike, options: TransactionOptions, body: (tx: TransactionClient) => Promise<T>): Promise<T> {
  const { timeout = DEFAULT_TRANSACTION_OPTIONS.timeout, maxWait = DEFAULT_TRANSACTION_OPTIONS.maxWait, isolationLevel } = options;
  const transaction = prisma.$transaction.bind(prisma) as unknown as InteractiveTransaction;
  try {
    return await transaction(body, { timeout, maxWait, ...(isolationLevel ? { isolationLevel } : {}) });
  } catch (error) {
    throw databaseError(error, 'The commit transaction');
  }
}

/**
 * Reads with a Prisma client and commits a plan in one `$transaction`. Bound to an open
 * transaction (`tx`), it reads inside it, commits on it, and can lock rows.
 *
 * @internal
 */
export class PrismaBackend implements UnitBackend {
  constructor(
    readonly schema: SchemaMetadata,
    private readonly prisma: PrismaClientLike,
    readonly strategy: FlushStrategy,
    private readonly transaction: TransactionOptions,
    private readonly tx?: TransactionClient,
  ) {
    if (tx && schema.provider === 'postgresql') this.lock = (model, keys) => this.lockRows(model, keys);
  }

  lock?: (model: ModelMetadata, keys: readonly Row[]) => Promise<void>;

  async findMany(model: ModelMetadata, args: Row): Promise<Row[]> {
    const client = (this.tx ?? this.prisma) as unknown as Record<string, ModelDelegate | undefined>;
    const delegate = client[model.delegate];
    if (!delegate) {
      throw new DatabaseError(`The Prisma client has no '${model.delegate}' delegate for ${model.name}: was it generated from the same schema?`, { model: model.name });
    }
    return delegate.findMany(args);
  }

  async commit(plan: FlushPlan): Promise<ExecutionResult> {
    const run = (tx: TransactionClient) => executePlan(plan, { schema: this.schema, strategy: this.strategy, tx });
    if (this.tx) return run(this.tx);
    return inTransaction(this.prisma, this.transaction, run);
  }

  private async lockRows(model: ModelMetadata, keys: readonly Row[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.tx!.$queryRaw(postgresLockStatement(model, keys));
    } catch (error) {
      throw databaseError(error, `Locking ${keys.length} ${model.name} row(s)`);
    }
  }
}
