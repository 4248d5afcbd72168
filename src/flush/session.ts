import { randomBytes } from 'node:crypto';
import { DatabaseError } from '../errors.js';
import type { Provider } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { SESSION_COLUMNS, sessionPrelude, type StatementSession } from './dialects/postgres-session.js';
import type { TransactionClient } from './strategy.js';

/** Random beacon keys, drawn 512 at a time (one `randomBytes` call per transaction cost more than the rest of its setup). */
const beacons = { pool: Buffer.alloc(0), next: 0 };

/** A random `int8` as text: the advisory-lock key of one transaction. */
function nextBeacon(): string {
  if (beacons.next >= beacons.pool.length) {
    beacons.pool = randomBytes(8 * 512);
    beacons.next = 0;
  }
  const key = beacons.pool.readBigInt64BE(beacons.next);
  beacons.next += 8;
  return key.toString();
}

/**
 * How long the time bounds a statement's gate set stay good enough for the next statements of
 * its transaction, in ms. The gate (see `postgres-session.ts`) sets `lock_timeout` and
 * `statement_timeout` to what is left of the budget and takes the beacon, for the rest of the
 * transaction: a statement sent within this long of the last gate carries none, and its waits
 * end at most this long past the deadline (the watchdog cancels 200 ms past it). Every
 * statement of a small interactive unit but its first goes without one: measured on the
 * transfer benchmark's interactive PostgreSQL unit (`cpu-blocks.ts postgresql
 * uow-interactive,prisma-for-update`), the gate on each of its 4 statements cost about a tenth of
 * its wall time.
 */
export const GATE_REFRESH_MS = 100;

/**
 * What one transaction of a unit knows about itself while it runs: its deadline (the unit's
 * `transaction.timeout`), and on PostgreSQL its identity (transaction id, server process, start),
 * learnt from the first statement that returns them. Statements prisma-uow writes carry the time
 * bound and the identity request themselves ({@link TransactionSession.statement}); before a
 * statement Prisma writes, {@link TransactionSession.prepare} sends one small statement when
 * nothing has done so yet.
 */
export class TransactionSession {
  /** PostgreSQL: `txid_current()` of the transaction, once a statement returned it. */
  txid: string | undefined = undefined;
  /**
   * PostgreSQL: the key of the advisory lock the transaction's gated statements take (shared),
   * by which a watchdog finds the transaction's server process (an `int8`, as text).
   */
  readonly beacon = nextBeacon();
  /** Whether a statement of the transaction took the beacon, so a watchdog can find it. */
  get findable(): boolean {
    return this.bounded;
  }
  /** Whether a statement of this transaction set its time bounds. */
  private bounded = false;
  /** When a statement last carried the gate (ms since the epoch). */
  private gatedAt = 0;
  /** Whether the transaction sent a write (or a statement that may write). */
  wrote = false;
  /** When the transaction's budget runs out (ms since the epoch). */
  readonly deadline: number;

  constructor(
    readonly provider: Provider,
    readonly timeoutMs: number,
    readonly startedMs = Date.now(),
  ) {
    this.deadline = startedMs + timeoutMs;
  }

  /** Milliseconds left (at least 1); throws a `timeout` {@link DatabaseError} when none are. */
  budget(): number {
    const left = Math.ceil(this.deadline - Date.now());
    if (left > 0) return left;
    throw new DatabaseError(
      `The transaction used up its timeout of ${this.timeoutMs} ms before its next statement; it was rolled back and nothing was written. Raise \`transaction: { timeout }\` if the unit needs longer.`,
      { kind: 'timeout' },
    );
  }

  /**
   * The session part of a statement prisma-uow writes itself (PostgreSQL; `undefined` elsewhere):
   * its time bound and whether it must return the transaction's identity.
   */
  statement(write: boolean): StatementSession | undefined {
    if (write) this.wrote = true;
    const budgetMs = this.budget();
    if (this.provider !== 'postgresql') return undefined;
    // The bounds a gate sets hold for the rest of the transaction: a statement sent soon after
    // one carries none (its waits end at most GATE_REFRESH_MS past the deadline).
    const now = Date.now();
    const gate = this.gateDue(now);
    if (gate) {
      this.bounded = true;
      this.gatedAt = now;
    }
    this.issued = { budgetMs, identify: this.txid === undefined, beacon: this.beacon, gate };
    return this.issued;
  }

  /** The session part {@link TransactionSession.statement} gave out last (what the statement sent was written with). */
  issued: StatementSession | undefined = undefined;

  /**
   * The session part the next statement prisma-uow writes would get, without taking it (for
   * logs and previews: the SQL text does not depend on the budget, a bound parameter).
   */
  peek(): StatementSession | undefined {
    if (this.provider !== 'postgresql') return undefined;
    return { budgetMs: 1, identify: this.txid === undefined, beacon: this.beacon, gate: this.gateDue(Date.now()) };
  }

  /** Whether a statement sent at `now` must carry the gate: none did yet, or the last is {@link GATE_REFRESH_MS} old. */
  private gateDue(now: number): boolean {
    return !this.bounded || now - this.gatedAt > GATE_REFRESH_MS;
  }

  /** Takes the identity columns of a row a statement returned, when it has them. */
  learn(row: Readonly<Row> | undefined): void {
    if (!row) return;
    const txid = row[SESSION_COLUMNS.txid];
    if (txid !== undefined && txid !== null) this.txid = String(txid);
  }

  /**
   * Before a statement that Prisma writes (a read inside an interactive unit, a `grouped` or
   * `per-row` write): on PostgreSQL, sends the prelude that bounds the transaction's time and
   * returns its identity, unless an earlier statement did. `write` asks for a transaction id.
   */
  async prepare(tx: TransactionClient, write: boolean): Promise<void> {
    if (write) this.wrote = true;
    const budgetMs = this.budget();
    if (this.provider !== 'postgresql' || (this.bounded && (this.txid !== undefined || !write))) return;
    const rows = await tx.$queryRaw<Row[]>(sessionPrelude({ budgetMs, identify: true, beacon: this.beacon }, write));
    this.bounded = true;
    this.gatedAt = Date.now();
    this.learn(rows[0]);
  }
}
