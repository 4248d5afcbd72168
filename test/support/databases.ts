import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import Database from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { defaultMariadbUrl, defaultPostgresUrl, mariadbConnection, type TestProvider } from '../prisma/config-for.js';
import { ddlStatements } from '../prisma/mysql-ddl.js';
import { generatedDir, mariadbDdlFile } from '../prisma/prepare.js';
import type { PrismaClient as MariadbClient } from '../generated/mariadb/prisma/client.js';
import type { PrismaClient as PostgresClient } from '../generated/postgresql/prisma/client.js';
import type { PrismaClient as SqliteClient } from '../generated/sqlite/prisma/client.js';
import type { schema as generatedSchema } from '../generated/sqlite/uow/index.js';
import { captureSql, type CaptureOptions, type CapturedStatement } from './capture-sql.js';

/** A backend the suites run against. */
export type BackendName = TestProvider;

/** Every backend, for contract suites: `for (const name of BACKENDS) describe.skipIf(skipBackend(name))(...)`. */
export const BACKENDS: readonly BackendName[] = ['sqlite', 'postgresql', 'mariadb'];

/**
 * The generated client of a backend. Contract suites (`BackendName`) get the SQLite client type:
 * every client is generated from the same models, so their model APIs agree.
 */
export type ClientOf<N extends BackendName> = [N] extends ['postgresql'] ? PostgresClient : [N] extends ['mariadb'] ? MariadbClient : SqliteClient;

/** A fresh, empty database with the test schema applied. */
export interface TestDatabase<N extends BackendName = BackendName> {
  name: N;
  /** Client whose SQL is captured in `statements`. */
  prisma: ClientOf<N>;
  /** An independent second client (own connection, not captured) to the same database. */
  other: ClientOf<N>;
  /** The generated uow metadata (`schema` export of `test/generated/<name>/uow`). */
  schema: typeof generatedSchema;
  /**
   * PostgreSQL: this database's schema (namespace), also the `application_name` of its
   * connections. MariaDB: this test's database (`CREATE DATABASE` per test database).
   */
  namespace?: string;
  /**
   * A new, uncaptured adapter factory for this database, e.g. for a client with other options.
   * PostgreSQL: `url` connects elsewhere (a proxy in front of the server), same schema.
   */
  adapter(url?: string): SqlDriverAdapterFactory;
  /** Statements sent by `prisma`, in order. Clear with `clearStatements()`. */
  statements: CapturedStatement[];
  /** Fault injection for `prisma`; set `failOn` at any time. */
  capture: CaptureOptions;
  clearStatements(): void;
  /** Deletes every row (identities restart), clears `statements` and `failOn`. */
  reset(): Promise<void>;
  /** Disconnects both clients and drops the database. */
  dispose(): Promise<void>;
}

/** Whether a database server answered, checked once per test file. */
export interface PostgresAvailability {
  ok: boolean;
  url: string;
  reason?: string;
}

/** Whether the MariaDB server answered (same shape as for PostgreSQL). */
export type MariadbAvailability = PostgresAvailability;

const isCi = process.env['CI'] === 'true';
const postgresUrl = process.env['TEST_POSTGRES_URL'] ?? defaultPostgresUrl;
const mariadbUrl = process.env['TEST_MARIADB_URL'] ?? defaultMariadbUrl;

/** Connection settings of the MariaDB server (`TEST_MARIADB_URL` without its database). */
export function mariadbSettings(database?: string): mariadb.ConnectionConfig {
  return mariadbConnection(mariadbUrl, database);
}

async function checkMariadb(): Promise<MariadbAvailability> {
  try {
    const connection = await mariadb.createConnection({ ...mariadbSettings(), connectTimeout: 2000 });
    await connection.query('SELECT 1');
    await connection.end();
    return { ok: true, url: mariadbUrl };
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    return { ok: false, url: mariadbUrl, reason: `${mariadbUrl} did not answer (${reason})` };
  }
}

async function checkPostgres(): Promise<PostgresAvailability> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true, url: postgresUrl };
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    return { ok: false, url: postgresUrl, reason: `${postgresUrl} did not answer (${reason})` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** PostgreSQL availability (URL from `TEST_POSTGRES_URL`, default `postgresql://postgres@127.0.0.1:5432/test`). */
export const postgresAvailable: PostgresAvailability = await checkPostgres();

/** MariaDB availability (URL from `TEST_MARIADB_URL`, default `mysql://root@127.0.0.1:3306/test`). */
export const mariadbAvailable: MariadbAvailability = await checkMariadb();

const skipLogged = new Set<BackendName>();

/**
 * Whether a suite for `name` must be skipped. Logs "PostgreSQL suite skipped: <reason>" (or
 * MariaDB) once. With `CI=true` nothing is skipped, so an unavailable server fails the suite.
 *
 * @example
 * ```ts
 * describe.skipIf(skipBackend('postgresql'))('postgresql', () => { ... });
 * ```
 */
export function skipBackend(name: BackendName): boolean {
  if (name === 'sqlite' || isCi) return false;
  const available = name === 'postgresql' ? postgresAvailable : mariadbAvailable;
  if (available.ok) return false;
  if (!skipLogged.has(name)) console.warn(`${name === 'postgresql' ? 'PostgreSQL' : 'MariaDB'} suite skipped: ${available.reason}`);
  skipLogged.add(name);
  return true;
}

function ddl(name: BackendName): string {
  const file = name === 'mariadb' ? mariadbDdlFile : join(generatedDir(name), 'schema.sql');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: run \`npx tsx test/prisma/prepare.ts\` (vitest's globalSetup does)`);
  }
}

interface Backend {
  /** PostgreSQL: the schema (namespace), also the connections' `application_name`. */
  namespace?: string;
  factory(url?: string): PrismaBetterSqlite3 | PrismaPg | PrismaMariaDb;
  tables: string[];
  wipe(tables: string[]): Promise<void>;
  drop(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'prisma-uow-'));
  const url = `file:${join(dir, 'test.db')}`;
  const db = new Database(join(dir, 'test.db'));
  db.pragma('journal_mode = WAL'); // readers of the second client do not wait for a writer
  db.exec(ddl('sqlite'));
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[];
  return {
    factory: () => new PrismaBetterSqlite3({ url }),
    tables,
    wipe: async (names) => {
      db.pragma('foreign_keys = OFF');
      db.transaction(() => {
        for (const t of names) db.exec(`DELETE FROM "${t}"`);
        db.exec('DELETE FROM sqlite_sequence');
      })();
      db.pragma('foreign_keys = ON');
    },
    drop: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  if (!postgresAvailable.ok) {
    throw new Error(`PostgreSQL is unavailable${isCi ? ' (required when CI=true)' : ''}: ${postgresAvailable.reason}`);
  }
  const schemaName = `uow_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schemaName}"`);
  await admin.query(`SET search_path TO "${schemaName}"`);
  await admin.query(ddl('postgresql'));
  const { rows } = await admin.query<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = $1',
    [schemaName],
  );
  return {
    namespace: schemaName,
    // `schema` qualifies Prisma's own queries; search_path serves raw SQL (`$queryRaw`).
    factory: (url = postgresUrl) =>
      new PrismaPg(
        { connectionString: url, options: `-c search_path="${schemaName}"`, application_name: schemaName },
        { schema: schemaName },
      ),
    tables: rows.map((r) => r.tablename),
    wipe: async (names) => {
      await admin.query(`TRUNCATE ${names.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
    drop: async () => {
      await admin.query(`DROP SCHEMA "${schemaName}" CASCADE`);
      await admin.end();
    },
  };
}

async function mariadbBackend(): Promise<Backend> {
  if (!mariadbAvailable.ok) {
    throw new Error(`MariaDB is unavailable${isCi ? ' (required when CI=true)' : ''}: ${mariadbAvailable.reason}`);
  }
  const database = `uow_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = await mariadb.createConnection(mariadbSettings());
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`USE \`${database}\``);
  for (const statement of ddlStatements(ddl('mariadb'))) await admin.query(statement);
  const rows = (await admin.query('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [database])) as { t: string }[];
  return {
    namespace: database,
    // `url` (a proxy in front of the server) keeps this database; `database` qualifies Prisma's queries.
    factory: (url?: string) => {
      const at = url ? new URL(url) : undefined;
      const settings = { ...mariadbSettings(database), ...(at ? { host: at.hostname, port: Number(at.port || 3306) } : {}) };
      return new PrismaMariaDb({ ...settings, connectionLimit: 10 }, { database });
    },
    tables: rows.map((r) => r.t),
    wipe: async (names) => {
      await admin.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const t of names) await admin.query(`TRUNCATE \`${t}\``);
      await admin.query('SET FOREIGN_KEY_CHECKS = 1');
    },
    drop: async () => {
      await admin.query(`DROP DATABASE \`${database}\``);
      await admin.end();
    },
  };
}

interface Generated {
  PrismaClient: new (options: { adapter: SqlDriverAdapterFactory }) => { $disconnect(): Promise<void> };
  schema: typeof generatedSchema;
}

// Literal specifiers: vite resolves `.js` to the generated `.ts` only for those.
const generated = {
  sqlite: async () => ({
    PrismaClient: (await import('../generated/sqlite/prisma/client.js')).PrismaClient,
    schema: (await import('../generated/sqlite/uow/index.js')).schema,
  }),
  postgresql: async () => ({
    PrismaClient: (await import('../generated/postgresql/prisma/client.js')).PrismaClient,
    schema: (await import('../generated/postgresql/uow/index.js')).schema as typeof generatedSchema,
  }),
  mariadb: async () => ({
    PrismaClient: (await import('../generated/mariadb/prisma/client.js')).PrismaClient,
    schema: (await import('../generated/mariadb/uow/index.js')).schema as typeof generatedSchema,
  }),
} as Record<BackendName, () => Promise<Generated>>;

/**
 * Opens a fresh, empty database of backend `name` with the test schema applied: a temp file
 * for SQLite, a new schema (namespace) in `TEST_POSTGRES_URL` for PostgreSQL, a new database on
 * the `TEST_MARIADB_URL` server for MariaDB (dropped by `dispose`).
 *
 * @example
 * ```ts
 * const db = await openDatabase('sqlite');
 * await db.prisma.user.create({ data: { name: 'Ann' } });
 * expect(await db.other.user.count()).toBe(1);
 * expect(db.statements.some((s) => s.sql.startsWith('INSERT'))).toBe(true);
 * await db.dispose();
 * ```
 */
export async function openDatabase<N extends BackendName>(name: N): Promise<TestDatabase<N>> {
  const backend = name === 'sqlite' ? await sqliteBackend() : name === 'mariadb' ? await mariadbBackend() : await postgresBackend();
  let loaded: Generated;
  try {
    loaded = await generated[name]();
  } catch (error) {
    await backend.drop();
    throw error;
  }
  const { PrismaClient, schema } = loaded;
  const capture = captureSql(backend.factory());
  const prisma = new PrismaClient({ adapter: capture.factory });
  const other = new PrismaClient({ adapter: backend.factory() });
  const clearStatements = () => {
    capture.statements.length = 0;
  };
  return {
    name,
    ...(backend.namespace ? { namespace: backend.namespace } : {}),
    prisma: prisma as ClientOf<N>,
    other: other as ClientOf<N>,
    schema,
    adapter: backend.factory,
    statements: capture.statements,
    capture: capture.options,
    clearStatements,
    reset: async () => {
      await backend.wipe(backend.tables);
      clearStatements();
      capture.options.failOn = undefined;
      capture.options.beforeSend = undefined;
    },
    dispose: async () => {
      await Promise.all([prisma.$disconnect(), other.$disconnect()]);
      await backend.drop();
    },
  };
}
