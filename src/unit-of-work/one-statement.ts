import { causeChain, classifyDatabaseError } from '../database-errors.js';
import { CommitOutcomeUnknownError } from '../errors.js';
import type { ExecutionResult } from '../flush/executor.js';
import { oneStatementCommit } from '../flush/dialects/postgres-one-statement.js';
import type { FlushPlan } from '../flush/plan.js';
import type { ReadCheck } from '../flush/read-checks.js';
import { TransactionSession } from '../flush/session.js';
import type { SchemaMetadata } from '../metadata/types.js';
import type { TransactionClient } from '../flush/strategy.js';
import type { Row } from '../tracking/entity.js';
import { DEFAULT_TRANSACTION_OPTIONS, query, watchdog, type PrismaClientLike, type TransactionOptions } from './prisma-transaction.js';

/**
 * The one-statement commit on PostgreSQL (`oneStatement: true`, see
 * `flush/dialects/postgres-one-statement.ts`): sends the plan as ONE statement, which commits by
 * itself. What can happen:
 *
 * - it returns: the unit is committed, with the generated keys and delta sums it returned;
 * - it fails with an error the server raised (a check or bound aborting it, a unique or foreign
 *   key violation, a deadlock, its time bound): PostgreSQL rolled the statement back, nothing was
 *   written, and the caller commits the plan again the usual way, in a transaction, which reports
 *   exactly what it always reports (the conflicting rows, `DeltaBoundError`, `DatabaseError`);
 * - the connection is lost while it runs: the server may or may not have committed it, and the
 *   statement had no transaction id to ask about (`txid_status`), so the unit fails with
 *   {@link CommitOutcomeUnknownError} (never retried). A connection that could not be opened
 *   (`P1001`, a pool timeout `P2024`) sent nothing: the caller commits in a transaction instead.
 *
 * Returns `undefined` when the plan does not qualify or the statement wrote nothing.
 *
 * @internal
 * @module
 */
export async function commitInOneStatement(prisma: PrismaClientLike, schema: SchemaMetadata, plan: FlushPlan, options: TransactionOptions, checks: readonly ReadCheck[] = []): Promise<ExecutionResult | undefined> {
  const session = new TransactionSession('postgresql', options.timeout ?? DEFAULT_TRANSACTION_OPTIONS.timeout);
  const one = oneStatementCommit(plan, schema, { ...session.statement(true)!, identify: false }, checks);
  if (!one) return undefined;
  let rows: Row[];
  // The gate bounds each lock wait; the watchdog bounds the statement (several waits in turn).
  const stop = watchdog(prisma, session);
  try {
    rows = await query<Row[]>(prisma, one.sql);
  } catch (error) {
    if (process.env['UOW_DEBUG']) console.error(error);
    if (classifyDatabaseError(error) !== 'connection' || neverSent(error)) return undefined;
    throw new CommitOutcomeUnknownError(
      `The connection failed while the one-statement commit ran (${messageOf(error)}): PostgreSQL may or may not have committed it, and it has no transaction id to ask about. Check whether the unit's changes are there before running it again.`,
      { cause: error },
    );
  } finally {
    stop();
  }
  return one.read(rows[0] ?? {});
}

/** Prisma could not reach the server or get a connection: the statement was never sent. */
function neverSent(error: unknown): boolean {
  for (const cause of causeChain(error)) if (cause['code'] === 'P1001' || cause['code'] === 'P2024') return true;
  return false;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n').slice(-2).join(' ');
}

/**
 * Why the default commit leaves its transaction: the plan's one statement failed (a check or
 * bound aborted it, a constraint, a deadlock, its time bound, a lost connection). The
 * transaction rolls back, nothing was written, and the plan is committed again step by step,
 * which reports exactly what it always reports. @internal
 */
export class OneStatementRefused extends Error {
  constructor(readonly reason: unknown) {
    super('prisma-uow: the one-statement write was refused; committing step by step');
  }
}

/**
 * The default commit on PostgreSQL (`bulk`): a plan that qualifies (see
 * `postgres-one-statement.ts`) is written by ONE statement inside the commit's transaction,
 * between BEGIN and COMMIT (4 round trips for the bank transfer's commit of 3 steps instead of
 * 5), and the transaction keeps what makes it safe: its identity is returned by that statement,
 * so a connection lost during COMMIT is settled with `txid_status` as usual. Returns `undefined`
 * when the plan does not qualify (the caller writes it step by step in the same transaction);
 * throws {@link OneStatementRefused} when the statement fails.
 */
export async function writeInOneStatement(tx: TransactionClient, schema: SchemaMetadata, plan: FlushPlan, session: TransactionSession, checks: readonly ReadCheck[]): Promise<ExecutionResult | undefined> {
  const peek = session.peek();
  // Built once, with the session part the statement takes; taken (`statement`) only when it is sent.
  const one = peek && oneStatementCommit(plan, schema, { ...peek, budgetMs: session.budget() }, checks);
  if (!one) return undefined;
  session.statement(true);
  let rows: Row[];
  try {
    rows = await tx.$queryRaw<Row[]>(one.sql);
  } catch (error) {
    if (process.env['UOW_DEBUG']) console.error(error);
    throw new OneStatementRefused(error);
  }
  session.learn(rows[0]);
  return one.read(rows[0] ?? {});
}
