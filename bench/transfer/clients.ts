/**
 * Connections of a transfer worker to its run's database (SQLite, PostgreSQL or MariaDB): a Prisma Client of the test schema
 * (the demo models, so the bank example runs on it) whose statements are counted, with a
 * connection pool as large as the number of in-flight transfers; and the driver settings the
 * other systems share (SQLite busy timeout, PostgreSQL search path).
 *
 * @example
 * ```ts
 * const { prisma, schema } = await prismaClient({ db, concurrency: 8, counter });
 * ```
 *
 * @module
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { mariadbConfig } from '../storm/database.js';
import type { PrismaClient as SqliteClient } from '../../test/generated/sqlite/prisma/client.js';
import type { schema as sqliteSchema } from '../../test/generated/sqlite/uow/index.js';
import { countingAdapter } from './counting-adapter.js';
import type { SystemContext, TransferDatabase } from './types.js';

/** SQLite busy timeout of every system, in ms (one process: only the seeding connection competes). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** Longest wait for a connection / the SQLite transaction mutex, and longest transaction, in ms. */
export const TRANSACTION_LIMITS = { maxWait: 60_000, timeout: 60_000 } as const;

/** `-c search_path=...` for PostgreSQL connections of this run. */
export function searchPathOption(db: TransferDatabase): string {
  if (!db.namespace) throw new Error('transfer bench: a PostgreSQL run needs its schema (namespace)');
  return `-c search_path="${db.namespace}"`;
}

/**
 * A counted Prisma Client of the run's database (the SQLite client type: both are generated from
 * the same models) and the prisma-uow metadata of the same schema.
 */
export async function prismaClient({ db, concurrency, counter }: SystemContext): Promise<{ prisma: SqliteClient; schema: typeof sqliteSchema }> {
  if (db.provider === 'sqlite') {
    const { PrismaClient } = await import('../../test/generated/sqlite/prisma/client.js');
    const { schema } = await import('../../test/generated/sqlite/uow/index.js');
    const adapter = new PrismaBetterSqlite3({ url: `file:${db.url}`, timeout: SQLITE_BUSY_TIMEOUT_MS });
    return { prisma: new PrismaClient({ adapter: countingAdapter(adapter, counter) }), schema };
  }
  if (db.provider === 'mariadb') {
    const { PrismaClient } = await import('../../test/generated/mariadb/prisma/client.js');
    const { schema } = await import('../../test/generated/mariadb/uow/index.js');
    const adapter = new PrismaMariaDb({ ...mariadbConfig(db.url, db.namespace), connectionLimit: concurrency }, { database: db.namespace! });
    const prisma = new PrismaClient({ adapter: countingAdapter(adapter, counter) }) as unknown as SqliteClient;
    return { prisma, schema: schema as typeof sqliteSchema };
  }
  const { PrismaClient } = await import('../../test/generated/postgresql/prisma/client.js');
  const { schema } = await import('../../test/generated/postgresql/uow/index.js');
  const adapter = new PrismaPg({ connectionString: db.url, options: searchPathOption(db), max: concurrency }, { schema: db.namespace! });
  const prisma = new PrismaClient({ adapter: countingAdapter(adapter, counter) }) as unknown as SqliteClient;
  return { prisma, schema: schema as typeof sqliteSchema };
}

/**
 * A `$1`-style statement for better-sqlite3, which binds `?` by position only: the text with
 * `?` and a function putting the parameters in the order the placeholders appear.
 *
 * @example
 * ```ts
 * const { sql, bind } = positional('UPDATE t SET a = a + $2 WHERE id = $1');
 * db.prepare(sql).run(...bind([7, 10])); // a + 10 WHERE id = 7
 * ```
 */
export function positional(text: string): { sql: string; bind: (params: readonly unknown[]) => unknown[] } {
  const order = [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);
  return { sql: text.replaceAll(/\$\d+/g, '?'), bind: (params) => order.map((i) => params[i]) };
}
