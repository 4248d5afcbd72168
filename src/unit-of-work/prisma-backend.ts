import { DatabaseError, UnitOfWorkError } from '../errors.js';
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

/** @internal */
export class PrismaBackend implements UnitBackend {
  constructor(
    readonly schema: SchemaMetadata,
    private readonly prisma: PrismaClientLike,
    private readonly strategy: FlushStrategy,
    private readonly transaction: TransactionOptions,
  ) {}

  async findMany(model: ModelMetadata, args: Row): Promise<Row[]> {
    const delegate = (this.prisma as unknown as Record<string, ModelDelegate>)[model.delegate];
    if (!delegate) {
      throw new DatabaseError(`The Prisma client has no '${model.delegate}' delegate for ${model.name}: was it generated from the same schema?`, { model: model.name });
    }
    return delegate.findMany(args);
  }

  async commit(plan: FlushPlan): Promise<ExecutionResult> {
    const { timeout = DEFAULT_TRANSACTION_OPTIONS.timeout, maxWait = DEFAULT_TRANSACTION_OPTIONS.maxWait, isolationLevel } = this.transaction;
    try {
      const transaction = this.prisma.$transaction.bind(this.prisma) as unknown as InteractiveTransaction;
      return await transaction((tx) => executePlan(plan, { schema: this.schema, strategy: this.strategy, tx }), {
        timeout,
        maxWait,
        ...(isolationLevel ? { isolationLevel } : {}),
      });
    } catch (error) {
      if (error instanceof UnitOfWorkError) throw error;
      const cause = error as { code?: unknown; message?: unknown };
      const code = typeof cause?.code === 'string' ? ` [${cause.code}]` : '';
      throw new DatabaseError(
        `The commit transaction failed${code}: ${typeof cause?.message === 'string' ? cause.message : String(error)}. Nothing was written.`,
        { cause: error },
      );
    }
  }
}
