/**
 * The storm's database: a fresh PostgreSQL schema (namespace), MariaDB database or SQLite file
 * with the test schema applied, reachable from every worker process.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { mariadbConnection } from '../../test/prisma/config-for.js';
import { ddlStatements } from '../../test/prisma/mysql-ddl.js';
import { generatedDir, mariadbDdlFile, prepareTestSchemas } from '../../test/prisma/prepare.js';
import type { PrismaClient as SqliteClient } from '../../test/generated/sqlite/prisma/client.js';
import type { schema as testSchema } from '../../test/generated/sqlite/uow/index.js';

export type StormProvider = 'postgresql' | 'sqlite' | 'mariadb';

/** Where a storm runs (serializable, passed to workers). */
export interface StormDatabase {
  provider: StormProvider;
  /** PostgreSQL or MariaDB URL, or SQLite file path. */
  url: string;
  /** PostgreSQL schema (namespace) or MariaDB database of this storm. */
  namespace?: string;
}

export const defaultMariadbUrl = process.env['TEST_MARIADB_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

/** Driver settings of a MariaDB URL, in `database`. */
export const mariadbConfig = mariadbConnection;

export const defaultPostgresUrl = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function generated(provider: StormProvider) {
  if (provider === 'mariadb') {
    return {
      PrismaClient: (await import('../../test/generated/mariadb/prisma/client.js')).PrismaClient as unknown as typeof SqliteClient,
      schema: (await import('../../test/generated/mariadb/uow/index.js')).schema as typeof testSchema,
    };
  }
  return provider === 'sqlite'
    ? { PrismaClient: (await import('../../test/generated/sqlite/prisma/client.js')).PrismaClient, schema: (await import('../../test/generated/sqlite/uow/index.js')).schema }
    : {
        PrismaClient: (await import('../../test/generated/postgresql/prisma/client.js')).PrismaClient as unknown as typeof SqliteClient,
        schema: (await import('../../test/generated/postgresql/uow/index.js')).schema as typeof testSchema,
      };
}

/** A Prisma client of the storm database (each worker makes its own) and the uow metadata. */
export async function connectStormClient(db: StormDatabase): Promise<{ prisma: SqliteClient; schema: typeof testSchema }> {
  const { PrismaClient, schema } = await generated(db.provider);
  const adapter =
    db.provider === 'sqlite'
      ? new PrismaBetterSqlite3({ url: `file:${db.url}`, timeout: 30_000 })
      : db.provider === 'mariadb'
        ? new PrismaMariaDb({ ...mariadbConfig(db.url, db.namespace), connectionLimit: 4 }, { database: db.namespace! })
        : new PrismaPg({ connectionString: db.url, options: `-c search_path="${db.namespace}"`, max: 4 }, { schema: db.namespace! });
  return { prisma: new PrismaClient({ adapter }), schema };
}

/** Creates an empty storm database; returns it and a function that drops it. */
export async function createStormDatabase(provider: StormProvider): Promise<{ db: StormDatabase; drop: () => Promise<void> }> {
  await prepareTestSchemas();
  if (provider === 'mariadb') {
    const database = `uow_storm_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = await mariadb.createConnection(mariadbConfig(defaultMariadbUrl));
    await admin.query(`CREATE DATABASE \`${database}\``);
    await admin.query(`USE \`${database}\``);
    for (const statement of ddlStatements(readFileSync(mariadbDdlFile, 'utf8'))) await admin.query(statement);
    return {
      db: { provider, url: defaultMariadbUrl, namespace: database },
      drop: async () => {
        await admin.query(`DROP DATABASE \`${database}\``);
        await admin.end();
      },
    };
  }
  const ddl = readFileSync(join(generatedDir(provider), 'schema.sql'), 'utf8');
  if (provider === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'prisma-uow-storm-'));
    const file = join(dir, 'storm.db');
    const sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec(ddl);
    sqlite.close();
    return { db: { provider, url: file }, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const namespace = `uow_storm_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: defaultPostgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${namespace}"`);
  await admin.query(`SET search_path TO "${namespace}"`);
  await admin.query(ddl);
  return {
    db: { provider, url: defaultPostgresUrl, namespace },
    drop: async () => {
      await admin.query(`DROP SCHEMA "${namespace}" CASCADE`);
      await admin.end();
    },
  };
}
