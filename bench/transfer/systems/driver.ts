/**
 * The floor: the transfer as hand-written SQL sent by the driver itself (`pg` or `mariadb` with a
 * pool of C connections; one `better-sqlite3` connection), the same logic as the hand-written
 * `FOR UPDATE` Prisma service: BEGIN; lock both accounts in key order (`FOR UPDATE` on
 * PostgreSQL and MariaDB; `BEGIN IMMEDIATE` takes SQLite's write lock up front instead); check the balance;
 * debit and credit in key order (`balance ± amount`, `version + 1`); insert the ledger entry;
 * add the owner's points; COMMIT. Every statement is counted as it is sent.
 *
 * @example
 * ```ts
 * const open = await DRIVER_SYSTEM.open(context);
 * await open.transfer({ fromId: 1, toId: 2, amount: '3.00' });
 * ```
 *
 * @module
 */
import { Decimal } from '@prisma/client/runtime/client';
import Database from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { mariadbConfig } from '../../storm/database.js';
import { positional, searchPathOption, SQLITE_BUSY_TIMEOUT_MS } from '../clients.js';
import { POINTS_PER_TRANSFER, type OpenSystem, type SystemContext, type TransferRequest, type TransferSystem } from '../types.js';
import { insufficientFunds, retryTransient } from './outcome.js';

const SQL = {
  lock: 'SELECT "id", "ownerId", "balance" FROM "Account" WHERE "id" IN ($1, $2) ORDER BY "id" FOR UPDATE',
  debit: 'UPDATE "Account" SET "balance" = "balance" - $2, "version" = "version" + 1 WHERE "id" = $1',
  credit: 'UPDATE "Account" SET "balance" = "balance" + $2, "version" = "version" + 1 WHERE "id" = $1',
  ledger: 'INSERT INTO "LedgerEntry" ("fromId", "toId", "amount") VALUES ($1, $2, $3)',
  points: 'UPDATE "User" SET "loyaltyPoints" = "loyaltyPoints" + $2 WHERE "id" = $1',
} as const;

interface AccountRow {
  readonly id: number;
  readonly ownerId: number;
  readonly balance: string | number;
}

/** The writes after the lock, in key order; returns the sender's owner. */
function plan({ fromId, toId, amount }: TransferRequest, rows: readonly AccountRow[]): { keys: number[]; ownerId: number } {
  const sender = rows.find((r) => Number(r.id) === fromId);
  if (!sender || rows.length !== 2) throw new Error(`driver: Account#${fromId} or #${toId} is missing`);
  if (new Decimal(sender.balance).lessThan(amount)) throw insufficientFunds(fromId, amount);
  return { keys: fromId < toId ? [fromId, toId] : [toId, fromId], ownerId: Number(sender.ownerId) };
}

async function openPostgres({ db, concurrency, counter }: SystemContext): Promise<OpenSystem> {
  const pool = new pg.Pool({ connectionString: db.url, options: searchPathOption(db), max: concurrency });
  const once = async (request: TransferRequest): Promise<void> => {
    const client = await pool.connect();
    const query = <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
      counter.add(sql);
      return client.query<R>(sql, params);
    };
    let broken: Error | undefined;
    try {
      await query('BEGIN');
      const { rows } = await query<AccountRow>(SQL.lock, [Math.min(request.fromId, request.toId), Math.max(request.fromId, request.toId)]);
      const { keys, ownerId } = plan(request, rows);
      for (const id of keys) await query(id === request.fromId ? SQL.debit : SQL.credit, [id, request.amount]);
      await query(SQL.ledger, [request.fromId, request.toId, request.amount]);
      await query(SQL.points, [ownerId, POINTS_PER_TRANSFER]);
      await query('COMMIT');
    } catch (error) {
      await query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      client.release(broken);
    }
  };
  return { transfer: (request) => retryTransient(() => once(request)), close: () => pool.end() };
}

/** MariaDB: the same statements with its quoting (backticks) and `?` placeholders. */
function mariadbStatement(text: string): { sql: string; bind: (params: readonly unknown[]) => unknown[] } {
  const { sql, bind } = positional(text);
  return { sql: sql.replaceAll('"', '`'), bind };
}
type MariadbStatement = ReturnType<typeof mariadbStatement>;

async function openMariadb({ db, concurrency, counter }: SystemContext): Promise<OpenSystem> {
  const pool = mariadb.createPool({ ...mariadbConfig(db.url, db.namespace), connectionLimit: concurrency });
  const m = {
    begin: mariadbStatement('BEGIN'),
    commit: mariadbStatement('COMMIT'),
    rollback: mariadbStatement('ROLLBACK'),
    lock: mariadbStatement(SQL.lock),
    debit: mariadbStatement(SQL.debit),
    credit: mariadbStatement(SQL.credit),
    ledger: mariadbStatement(SQL.ledger),
    points: mariadbStatement(SQL.points),
  };
  const once = async (request: TransferRequest): Promise<void> => {
    const connection = await pool.getConnection();
    const query = <R>({ sql, bind }: MariadbStatement, params: unknown[] = []): Promise<R> => {
      counter.add(sql);
      return connection.query(sql, bind(params)) as Promise<R>;
    };
    try {
      await query(m.begin);
      const rows = await query<AccountRow[]>(m.lock, [Math.min(request.fromId, request.toId), Math.max(request.fromId, request.toId)]);
      const { keys, ownerId } = plan(request, rows);
      for (const id of keys) await query(id === request.fromId ? m.debit : m.credit, [id, request.amount]);
      await query(m.ledger, [request.fromId, request.toId, request.amount]);
      await query(m.points, [ownerId, POINTS_PER_TRANSFER]);
      await query(m.commit);
    } catch (error) {
      await query(m.rollback).catch(() => undefined);
      throw error;
    } finally {
      await connection.release();
    }
  };
  return { transfer: (request) => retryTransient(() => once(request)), close: () => pool.end() };
}

async function openSqlite({ db, counter }: SystemContext): Promise<OpenSystem> {
  const sqlite = new Database(db.url);
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const prepare = (sql: string) => {
    const { sql: text, bind } = positional(sql);
    const statement = sqlite.prepare(text);
    return (...params: unknown[]) => {
      counter.add(sql);
      return statement.reader ? statement.all(...bind(params)) : statement.run(...bind(params));
    };
  };
  const begin = prepare('BEGIN IMMEDIATE');
  const commit = prepare('COMMIT');
  const rollback = prepare('ROLLBACK');
  const lock = prepare(SQL.lock.replace(' FOR UPDATE', ''));
  const [debit, credit, ledger, points] = [prepare(SQL.debit), prepare(SQL.credit), prepare(SQL.ledger), prepare(SQL.points)];
  // Synchronous, like better-sqlite3: one transfer at a time, whatever C.
  const once = async (request: TransferRequest): Promise<void> => {
    begin();
    try {
      const rows = lock(Math.min(request.fromId, request.toId), Math.max(request.fromId, request.toId)) as AccountRow[];
      const { keys, ownerId } = plan(request, rows);
      for (const id of keys) (id === request.fromId ? debit : credit)(id, request.amount);
      ledger(request.fromId, request.toId, request.amount);
      points(ownerId, POINTS_PER_TRANSFER);
      commit();
    } catch (error) {
      if (sqlite.inTransaction) rollback();
      throw error;
    }
  };
  return {
    transfer: (request) => retryTransient(() => once(request)),
    close: async () => {
      sqlite.close();
    },
  };
}

/** Hand-written SQL through the driver. */
export const DRIVER_SYSTEM: TransferSystem = {
  id: 'sql',
  label: 'SQL through the driver (pg / better-sqlite3 / mariadb)',
  databases: ['postgresql', 'sqlite', 'mariadb'],
  open: (context) =>
    context.db.provider === 'postgresql' ? openPostgres(context) : context.db.provider === 'mariadb' ? openMariadb(context) : openSqlite(context),
};
