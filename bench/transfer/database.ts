/**
 * The database of one transfer run: created fresh (a new PostgreSQL schema or MariaDB database, or
 * a new SQLite file in WAL mode, with the test schema applied; bench/storm/database.ts), seeded with N users and N
 * accounts (account i belongs to user i, balance {@link INITIAL_BALANCE}, ids 1..N), checked
 * after the run, then dropped.
 *
 * The invariants checked after every run: the total of the balances is unchanged, no balance is
 * negative, the ledger has one entry per committed transfer, every balance is its initial
 * balance plus credits minus debits of the ledger (bench/storm/invariants.ts), and every user's
 * loyalty points are {@link POINTS_PER_TRANSFER} × the ledger entries sent from their accounts.
 *
 * Import it after `useBenchPostgres()` (bench/database-url.ts): the storm's module reads the
 * PostgreSQL URL when it loads.
 *
 * @example
 * ```ts
 * const run = await createRunDatabase('sqlite', 10);
 * // ... workers transfer ...
 * const violations = await run.check(committed);
 * await run.drop();
 * ```
 *
 * @module
 */
import Database from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { createStormDatabase, mariadbConfig } from '../storm/database.js';
import { checkInvariants, type AccountRow, type LedgerRow } from '../storm/invariants.js';
import { positional, searchPathOption } from './clients.js';
import { INITIAL_BALANCE, POINTS_PER_TRANSFER, type Provider, type TransferDatabase } from './types.js';

/** A fresh, seeded database for one run. */
export interface RunDatabase {
  readonly db: TransferDatabase;
  /** Broken invariants (empty when all hold), given the committed transfers the worker reported. */
  check(committed: number): Promise<string[]>;
  /** `PostgreSQL 15.4` / `SQLite 3.45.1`. */
  version(): Promise<string>;
  drop(): Promise<void>;
}

interface State {
  accounts: (AccountRow & { ownerId: number })[];
  users: { id: number; loyaltyPoints: number }[];
  ledger: LedgerRow[];
}

/** Runs `fn` on a direct driver connection to the run's database; `sql` uses `$n` placeholders. */
async function withDriver<T>(db: TransferDatabase, fn: (query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  if (db.provider === 'sqlite') {
    const sqlite = new Database(db.url);
    try {
      return await fn(async (sql, params = []) => {
        const { sql: text, bind } = positional(sql);
        const statement = sqlite.prepare(text);
        if (statement.reader) return statement.all(...bind(params)) as Record<string, unknown>[];
        statement.run(...bind(params));
        return [];
      });
    } finally {
      sqlite.close();
    }
  }
  if (db.provider === 'mariadb') {
    // ANSI mode: `"Account"` is an identifier and `||` concatenates, as in the other databases' SQL here.
    const connection = await mariadb.createConnection({ ...mariadbConfig(db.url, db.namespace), sessionVariables: { sql_mode: 'ANSI' } });
    try {
      return await fn(async (sql, params = []) => {
        const { sql: text, bind } = positional(sql);
        const result: unknown = await connection.query(text, bind(params));
        return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
      });
    } finally {
      await connection.end();
    }
  }
  const client = new pg.Client({ connectionString: db.url, options: searchPathOption(db) });
  await client.connect();
  try {
    return await fn(async (sql, params = []) => (await client.query(sql, params)).rows as Record<string, unknown>[]);
  } finally {
    await client.end();
  }
}

async function seed(db: TransferDatabase, accounts: number): Promise<void> {
  await withDriver(db, async (query) => {
    if (db.provider === 'postgresql') {
      await query(`INSERT INTO "User" ("id", "name") SELECT g, 'user' || g FROM generate_series(1, $1::int4) AS g`, [accounts]);
      await query(`INSERT INTO "Account" ("id", "ownerId", "balance") SELECT g, g, $2::numeric FROM generate_series(1, $1::int4) AS g`, [accounts, INITIAL_BALANCE]);
      await query(`SELECT setval(pg_get_serial_sequence('"User"', 'id'), $1), setval(pg_get_serial_sequence('"Account"', 'id'), $1)`, [accounts]);
      return;
    }
    if (db.provider === 'mariadb') {
      // MariaDB's sequence engine: `seq_1_to_N` is the table of 1..N.
      const n = Math.trunc(accounts);
      await query(`INSERT INTO "User" ("id", "name") SELECT seq, 'user' || seq FROM seq_1_to_${n}`);
      await query(`INSERT INTO "Account" ("id", "ownerId", "balance") SELECT seq, seq, $1 FROM seq_1_to_${n}`, [INITIAL_BALANCE]);
      return;
    }
    const series = 'WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $1)';
    await query(`INSERT INTO "User" ("id", "name") ${series} SELECT g, 'user' || g FROM s`, [accounts]);
    await query(`INSERT INTO "Account" ("id", "ownerId", "balance") ${series} SELECT g, g, $2 FROM s`, [accounts, INITIAL_BALANCE]);
  });
}

function readState(db: TransferDatabase): Promise<State> {
  return withDriver(db, async (query) => ({
    accounts: (await query('SELECT "id", "ownerId", "balance" FROM "Account" ORDER BY "id"')).map((r) => ({
      id: Number(r['id']),
      ownerId: Number(r['ownerId']),
      balance: String(r['balance']),
    })),
    users: (await query('SELECT "id", "loyaltyPoints" FROM "User"')).map((r) => ({ id: Number(r['id']), loyaltyPoints: Number(r['loyaltyPoints']) })),
    ledger: (await query('SELECT "fromId", "toId", "amount" FROM "LedgerEntry"')).map((r) => ({
      fromId: Number(r['fromId']),
      toId: Number(r['toId']),
      amount: String(r['amount']),
    })),
  }));
}

/** Users whose points are not POINTS_PER_TRANSFER × the transfers sent from their accounts. */
function loyaltyViolations({ accounts, users, ledger }: State): string[] {
  const ownerOf = new Map(accounts.map((a) => [a.id, a.ownerId]));
  const sent = new Map<number, number>();
  for (const e of ledger) {
    const owner = ownerOf.get(e.fromId);
    if (owner !== undefined) sent.set(owner, (sent.get(owner) ?? 0) + 1);
  }
  return users
    .filter((u) => u.loyaltyPoints !== POINTS_PER_TRANSFER * (sent.get(u.id) ?? 0))
    .map((u) => `User#${u.id} has ${u.loyaltyPoints} loyalty points, the ledger says ${POINTS_PER_TRANSFER * (sent.get(u.id) ?? 0)}`);
}

/** At most `max` lines, and how many more there were. */
function capped(lines: readonly string[], max = 8): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `... and ${lines.length - max} more`];
}

/** Creates and seeds a fresh database with `accounts` accounts. */
export async function createRunDatabase(provider: Provider, accounts: number): Promise<RunDatabase> {
  const { db, drop } = await createStormDatabase(provider);
  try {
    await seed(db, accounts);
  } catch (error) {
    await drop();
    throw error;
  }
  const initial = new Map(Array.from({ length: accounts }, (_, i) => [i + 1, String(INITIAL_BALANCE)] as const));
  return {
    db,
    async check(committed) {
      const state = await readState(db);
      return [...capped(checkInvariants(initial, state.accounts, state.ledger, committed)), ...capped(loyaltyViolations(state))];
    },
    version: () =>
      withDriver(db, async (query) =>
        db.provider === 'postgresql'
          ? `PostgreSQL ${String((await query(`SELECT current_setting('server_version') AS v`))[0]?.['v'])}`
          : db.provider === 'mariadb'
            ? `MariaDB ${String((await query('SELECT VERSION() AS v'))[0]?.['v']).split('-')[0]}`
            : `SQLite ${String((await query('SELECT sqlite_version() AS v'))[0]?.['v'])}`,
      ),
    drop,
  };
}
