/**
 * Benchmark databases: a fresh PostgreSQL namespace, MariaDB database or SQLite file per backend, opened with the
 * test helper `openDatabase` (captured Prisma client + generated uow schema), plus a direct driver
 * connection (`pg` / `better-sqlite3` / `mariadb`) to the same database for the hand-written SQL baseline,
 * seeding and resets. Every statement either path sends is counted, with BEGIN / COMMIT /
 * ROLLBACK counted apart from the rest.
 *
 * @example
 * ```ts
 * const bench = await openBenchDatabase('postgresql');
 * bench.resetCounts();
 * await bench.units.begin().$commit();
 * bench.counts(); // { transaction: 0, other: 0 }
 * await bench.dispose();
 * ```
 *
 * @module
 */
import Database from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { createUnits, type Units } from '../src/index.js';
import { StatementCounter, TRANSACTION_CONTROL } from './statement-counter.js';
import type { Models } from '../test/generated/sqlite/uow/index.js';
import { mariadbSettings, openDatabase, type BackendName, type TestDatabase } from '../test/support/databases.js';

/** Statements sent during a measurement. */
export interface StatementCounts {
  /** BEGIN, COMMIT and ROLLBACK. */
  transaction: number;
  /** Every other statement. */
  other: number;
}

/** Runs one SQL statement through the direct driver; returns the number of rows it changed. */
export type Exec = (sql: string, params?: readonly unknown[]) => Promise<number>;

/** A direct driver connection whose statements are counted. */
export interface RawDriver {
  /** Autocommit statement. */
  exec: Exec;
  /** Reads rows (seeding and checks, not timed). */
  rows<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction (BEGIN ... COMMIT, ROLLBACK on error). */
  transaction(fn: (exec: Exec) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** One backend ready for benchmarking. */
export interface BenchDatabase {
  readonly name: BackendName;
  readonly db: TestDatabase;
  /** Units over the captured client (`db.prisma`). */
  readonly units: Units<Models>;
  readonly raw: RawDriver;
  /** Server / library version, for the report. */
  readonly version: string;
  /** Statements sent since the last {@link BenchDatabase.resetCounts} by `db.prisma` and `raw`. */
  counts(): StatementCounts;
  resetCounts(): void;
  dispose(): Promise<void>;
}

/** BEGIN, the work, COMMIT (ROLLBACK when the work throws), through the counted `exec`. */
async function inTransaction(exec: Exec, fn: (exec: Exec) => Promise<void>): Promise<void> {
  await exec('BEGIN');
  try {
    await fn(exec);
    await exec('COMMIT');
  } catch (error) {
    await exec('ROLLBACK');
    throw error;
  }
}

async function postgresDriver(db: TestDatabase, counter: StatementCounter): Promise<{ raw: RawDriver; version: string }> {
  // The captured client's adapter sets search_path to the test namespace: reuse it.
  const [{ schema } = { schema: '' }] = await db.prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema() AS schema`;
  const url = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, options: `-c search_path="${schema}"` });
  await client.connect();
  const exec: Exec = async (sql, params = []) => {
    counter.add(sql);
    const result = await client.query(sql, params as unknown[]);
    return result.rowCount ?? 0;
  };
  const version = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? '?';
  const raw: RawDriver = {
    exec,
    rows: async <T>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as T[],
    transaction: (fn) => inTransaction(exec, fn),
    close: () => client.end(),
  };
  return { raw, version: `PostgreSQL ${version}` };
}

async function sqliteDriver(db: TestDatabase, counter: StatementCounter): Promise<{ raw: RawDriver; version: string }> {
  const [main] = await db.prisma.$queryRaw<{ name: string; file: string }[]>`PRAGMA database_list`;
  if (!main?.file) throw new Error('bench: could not find the SQLite file of the test database');
  const sqlite = new Database(main.file);
  sqlite.pragma('busy_timeout = 10000');
  const exec: Exec = async (sql, params = []) => {
    counter.add(sql);
    const statement = sqlite.prepare(sql);
    if (statement.reader) {
      statement.all(...(params as unknown[]));
      return 0;
    }
    return statement.run(...(params as unknown[])).changes;
  };
  const version = (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const raw: RawDriver = {
    exec,
    rows: async <T>(sql: string, params: readonly unknown[] = []) => sqlite.prepare(sql).all(...(params as unknown[])) as T[],
    transaction: (fn) => inTransaction(exec, fn),
    close: async () => {
      sqlite.close();
    },
  };
  return { raw, version: `SQLite ${version} (better-sqlite3)` };
}

/**
 * MariaDB: `"identifiers"` outside '...' strings become backquoted, so the scenarios' statements
 * (written with PostgreSQL/SQLite quoting) run unchanged.
 */
export function backquoted(sql: string): string {
  return sql
    .split("'")
    .map((part, i) => (i % 2 === 0 ? part.replace(/"(\w+)"/g, '`$1`') : part))
    .join("'");
}

async function mariadbDriver(db: TestDatabase, counter: StatementCounter): Promise<{ raw: RawDriver; version: string }> {
  const connection = await mariadb.createConnection({ ...mariadbSettings(db.namespace), bigIntAsNumber: true, decimalAsNumber: false });
  const exec: Exec = async (sql, params = []) => {
    counter.add(sql);
    const result = (await connection.query(backquoted(sql), params as unknown[])) as { affectedRows?: number };
    return Number(result.affectedRows ?? 0);
  };
  const [row] = (await connection.query('SELECT VERSION() AS v')) as { v: string }[];
  const raw: RawDriver = {
    exec,
    rows: async <T>(sql: string, params: readonly unknown[] = []) => (await connection.query(backquoted(sql), params as unknown[])) as T[],
    transaction: (fn) => inTransaction(exec, fn),
    close: () => connection.end(),
  };
  return { raw, version: `MariaDB ${row?.v ?? '?'}` };
}

/** Opens a fresh, empty database of backend `name` for the benchmark. */
export async function openBenchDatabase(name: BackendName): Promise<BenchDatabase> {
  const db = (await openDatabase(name)) as TestDatabase;
  const counter = new StatementCounter();
  const driver = name === 'postgresql' ? postgresDriver : name === 'mariadb' ? mariadbDriver : sqliteDriver;
  const { raw, version } = await driver(db, counter);
  const units = createUnits({ prisma: db.prisma, schema: db.schema, transaction: { timeout: 600_000, maxWait: 60_000 } });
  return {
    name,
    db,
    units,
    raw,
    version,
    counts() {
      const counts = { transaction: counter.transaction, other: counter.other };
      for (const s of db.statements) {
        if (s.kind === 'begin' || s.kind === 'commit' || s.kind === 'rollback' || TRANSACTION_CONTROL.test(s.sql)) counts.transaction++;
        else counts.other++;
      }
      return counts;
    },
    resetCounts() {
      counter.reset();
      db.clearStatements();
    },
    async dispose() {
      await raw.close();
      await db.dispose();
    },
  };
}
