import { ConcurrencyConflictError, DatabaseError, UnitOfWorkError, type ConflictingRow } from '../errors.js';
import { mariadbLockedRead } from '../flush/dialects/mariadb-read.js';
import { postgresLockedRead, rowFromLockedRead } from '../flush/dialects/postgres-read.js';
import { executePlan, type ExecutionResult } from '../flush/executor.js';
import type { FlushPlan } from '../flush/plan.js';
import { failedReadChecks, readCheckQuery, type ReadCheck } from '../flush/read-checks.js';
import type { TransactionSession } from '../flush/session.js';
import type { FlushStrategy, ModelDelegate, TransactionClient } from '../flush/strategy.js';
import type { ModelMetadata, RelationMetadata, SchemaMetadata } from '../metadata/types.js';
import { canJoinRead, joinedRead, joinedReadBatches, splitJoinedRows } from '../flush/dialects/joined-read.js';
import type { Row } from '../tracking/entity.js';
import type { UnitBackend } from './backend.js';
import { oneStatementCommit } from '../flush/dialects/postgres-one-statement.js';
import { commitInOneStatement, OneStatementRefused, writeInOneStatement } from './one-statement.js';
import { inReadTransaction, inTransaction, type PrismaClientLike, type TransactionOptions } from './prisma-transaction.js';
import { strategyFor } from '../flush/strategies/index.js';

export { DEFAULT_TRANSACTION_OPTIONS, type PrismaClientLike, type TransactionOptions } from './prisma-transaction.js';

/** The open transaction an interactive unit's backend is bound to. @internal */
export interface OpenTransaction {
  readonly tx: TransactionClient;
  readonly session: TransactionSession;
}

/** The client's delegate for `model`, or a `DatabaseError` saying the client does not match. */
function delegateOf(client: unknown, model: ModelMetadata): ModelDelegate {
  const delegate = (client as Record<string, ModelDelegate | undefined>)[model.delegate];
  if (delegate && typeof delegate.findMany === 'function') return delegate;
  throw new DatabaseError(`The Prisma client has no '${model.delegate}' delegate for ${model.name}: was it generated from the same schema as the prisma-uow metadata?`, {
    model: model.name,
  });
}

/** A read's failure as a `DatabaseError` naming the model and the read; nothing was written. */
function readError(error: unknown, model: ModelMetadata, what: string): UnitOfWorkError {
  if (error instanceof UnitOfWorkError) return error;
  const cause = error as { code?: unknown; message?: unknown };
  const code = typeof cause?.code === 'string' ? ` [${cause.code}]` : '';
  // Prisma's message ends with the database's; the lines before it show the calling code.
  const message = typeof cause?.message === 'string' ? (cause.message.trim().split('\n').pop() ?? '').trim() : String(error);
  return new DatabaseError(`Reading ${model.name} (${what}) failed${code}: ${message}. Nothing was written; the read can be retried.`, {
    model: model.name,
    cause: error,
    statement: what,
  });
}

/**
 * Reads with a Prisma client and commits a plan in one `$transaction`. Bound to an open
 * transaction (interactive units), it reads inside it, commits on it, and can lock rows.
 *
 * @internal
 */
export class PrismaBackend implements UnitBackend {
  constructor(
    readonly schema: SchemaMetadata,
    private readonly prisma: PrismaClientLike,
    readonly strategy: FlushStrategy,
    private readonly transaction: TransactionOptions,
    private readonly open?: OpenTransaction,
    private readonly oneStatement = false,
  ) {
    if (open && (schema.provider === 'postgresql' || schema.provider === 'mysql')) this.lockRows = (model, keys) => this.lockedRead(model, keys, open);
    if (open && schema.provider === 'postgresql') this.lockRowsJoined = (model, keys, relations) => this.lockedJoinedRead(model, keys, relations, open);
    if (canJoinRead(schema)) this.findManyJoined = (model, keys, relations, what) => this.joinedRead(model, keys, relations, what);
  }

  lockRows?: (model: ModelMetadata, keys: readonly Row[]) => Promise<Row[]>;

  /** PostgreSQL: the locked rows and their related rows in one statement (see `joined-read.ts`). */
  lockRowsJoined?: (model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[]) => Promise<{ rows: Row[]; related: Row[][] }>;

  /** PostgreSQL and SQLite (see `joined-read.ts`); MariaDB reads the related rows in a statement of their own. */
  findManyJoined?: (model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[], what: string) => Promise<{ rows: Row[]; related: Row[][] }>;

  private async joinedRead(model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[], what: string): Promise<{ rows: Row[]; related: Row[][] }> {
    try {
      if (this.open) await this.open.session.prepare(this.open.tx, false);
      const found = await this.reading(async (client) => {
        const rows: Row[] = [];
        for (const batch of joinedReadBatches(this.schema, model, keys)) {
          for (const row of await client.$queryRaw<Row[]>(joinedRead(this.schema, model, batch, relations))) rows.push(row);
        }
        return rows;
      });
      return splitJoinedRows(this.schema, model, relations, found);
    } catch (error) {
      throw readError(error, model, what);
    }
  }

  /**
   * Runs `read` on the client the unit reads with: the open transaction of an interactive unit,
   * or the Prisma client; on SQLite, outside an open transaction, in a read transaction of its
   * own, so that it never sees another transaction's uncommitted writes (see `inReadTransaction`).
   */
  private reading<T>(read: (client: TransactionClient) => Promise<T>): Promise<T> {
    if (this.open) return read(this.open.tx);
    if (this.schema.provider === 'sqlite') return inReadTransaction(this.prisma, this.transaction, read);
    return read(this.prisma as unknown as TransactionClient);
  }

  get identified(): boolean {
    return this.open?.session.txid !== undefined;
  }

  async findMany(model: ModelMetadata, args: Row, what = 'findMany'): Promise<Row[]> {
    try {
      if (this.open) await this.open.session.prepare(this.open.tx, false);
      return await this.reading((client) => delegateOf(client, model).findMany(args));
    } catch (error) {
      throw readError(error, model, what);
    }
  }

  describeCommit(plan: FlushPlan, checks: readonly ReadCheck[]): string[] | undefined {
    if (this.open || !this.writesOneStatement) return undefined;
    // Without BEGIN/COMMIT (`oneStatement`) the statement does not return the transaction's identity.
    const one = oneStatementCommit(plan, this.schema, { budgetMs: 1, identify: !this.oneStatement, beacon: '0' }, checks);
    return one ? [one.sql.text] : undefined;
  }

  /** PostgreSQL `bulk`: a commit of a qualifying plan is one statement (see `one-statement.ts`). */
  private get writesOneStatement(): boolean {
    return this.schema.provider === 'postgresql' && this.strategy === strategyFor('bulk', 'postgresql');
  }

  /** Whether a commit outside an open transaction tries ONE statement first (`oneStatement`). */
  private get commitsInOneStatement(): boolean {
    return !this.open && this.oneStatement && this.writesOneStatement;
  }

  async commit(plan: FlushPlan, checks: readonly ReadCheck[] = []): Promise<ExecutionResult> {
    const run = async (tx: TransactionClient, session: TransactionSession) => {
      const result = await executePlan(plan, { schema: this.schema, strategy: this.strategy, tx, session });
      // After the writes: rows this commit updates are locked by it already (no share-lock upgrade to deadlock on).
      if (checks.length > 0) await this.verify(checks, tx, session);
      return result;
    };
    if (this.open) return run(this.open.tx, this.open.session);
    if (this.commitsInOneStatement) {
      const startedMs = Date.now();
      const done = await commitInOneStatement(this.prisma, this.schema, plan, this.transaction, checks);
      if (done) return done;
      // The statement did not commit: the transaction reports why, within what is left of the timeout.
      return inTransaction(this.prisma, this.transaction, this.schema.provider, run, startedMs);
    }
    if (this.writesOneStatement) {
      const startedMs = Date.now();
      try {
        return await inTransaction(this.prisma, this.transaction, this.schema.provider, async (tx, session) => (await writeInOneStatement(tx, this.schema, plan, session, checks)) ?? run(tx, session));
      } catch (error) {
        if (!(error instanceof OneStatementRefused)) throw error;
        // Rolled back, nothing written: step by step, the transaction reports why, within what is left of the timeout.
        return inTransaction(this.prisma, this.transaction, this.schema.provider, run, startedMs);
      }
    }
    return inTransaction(this.prisma, this.transaction, this.schema.provider, run);
  }

  /**
   * Read checks inside the commit transaction, one statement per model: PostgreSQL reads the rows
   * `FOR SHARE` and MariaDB `LOCK IN SHARE MODE` (a concurrent writer waits for this commit, or
   * its committed change is seen), SQLite reads them in its transaction (which writers wait for).
   */
  private async verify(checks: readonly ReadCheck[], tx: TransactionClient, session: TransactionSession): Promise<void> {
    const failed: ConflictingRow[] = [];
    for (const check of checks) {
      const model = this.schema.models[check.model]!;
      let rows: Row[];
      try {
        rows = await this.readChecked(model, check, tx, session);
      } catch (error) {
        if (error instanceof UnitOfWorkError) throw error;
        const what = `checking ${check.rows.length} ${model.name} row${check.rows.length === 1 ? '' : 's'} the unit read`;
        const message = error instanceof Error ? (error.message.trim().split('\n').pop() ?? '').trim() : String(error);
        throw new DatabaseError(`The commit failed while ${what}: ${message}. The transaction was rolled back; nothing was written.`, {
          model: model.name,
          cause: error,
          statement: what,
        });
      }
      failed.push(...failedReadChecks(model, check, rows));
    }
    if (failed.length > 0) throw new ConcurrencyConflictError(failed);
  }

  /** The rows of one read check, read inside the commit transaction (PostgreSQL: locked `FOR SHARE`). */
  private async readChecked(model: ModelMetadata, check: ReadCheck, tx: TransactionClient, session: TransactionSession): Promise<Row[]> {
    if (this.schema.provider === 'sqlite') {
      await session.prepare(tx, false);
      return delegateOf(tx, model).findMany(readCheckQuery(model, check));
    }
    const names = new Set([...model.primaryKey, ...check.fields]);
    const fields = model.fields.filter((f) => names.has(f.name));
    if (this.schema.provider === 'mysql') {
      // A locking read sees the latest committed rows (a plain one would see the snapshot) and holds them.
      const raw = await tx.$queryRaw<Row[]>(mariadbLockedRead(model, check.rows.map((r) => r.key), 'LOCK IN SHARE MODE', fields));
      return raw.map((row) => rowFromLockedRead(model, row, fields));
    }
    const raw = await tx.$queryRaw<Row[]>(postgresLockedRead(model, check.rows.map((r) => r.key), session.statement(false), 'FOR SHARE', fields));
    session.learn(raw[0]);
    return raw.map((row) => rowFromLockedRead(model, row, fields));
  }

  /** One statement: locks the rows with these keys in key order, and reads them with their related rows. */
  private async lockedJoinedRead(model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[], { tx, session }: OpenTransaction): Promise<{ rows: Row[]; related: Row[][] }> {
    if (keys.length === 0) return splitJoinedRows(this.schema, model, relations, []);
    try {
      const found = await tx.$queryRaw<Row[]>(joinedRead(this.schema, model, keys, relations, session.statement(false)));
      session.learn(found[0]);
      return splitJoinedRows(this.schema, model, relations, found);
    } catch (error) {
      throw readError(error, model, `locking read of ${keys.length} row${keys.length === 1 ? '' : 's'} with ${relations.map((r) => r.name).join(', ')}`);
    }
  }

  /** One statement: reads the rows with these keys and locks them, in key order. */
  private async lockedRead(model: ModelMetadata, keys: readonly Row[], { tx, session }: OpenTransaction): Promise<Row[]> {
    if (keys.length === 0) return [];
    try {
      const statement = this.schema.provider === 'mysql' ? mariadbLockedRead(model, keys) : postgresLockedRead(model, keys, session.statement(false));
      const rows = await tx.$queryRaw<Row[]>(statement);
      session.learn(rows[0]);
      return rows.map((row) => rowFromLockedRead(model, row));
    } catch (error) {
      throw readError(error, model, `locking read of ${keys.length} row${keys.length === 1 ? '' : 's'}`);
    }
  }
}
