import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { createUnits, type Units } from 'prisma-uow';
import { PrismaClient } from './generated/prisma/client.js';
import { schema, type Models } from './generated/uow/index.js';

/** The Prisma client and the units of work of the application. */
export interface App {
  readonly prisma: PrismaClient;
  readonly units: Units<Models>;
}

/**
 * Connects to `url`: a `file:` URL is SQLite, anything else PostgreSQL. The schema's
 * `provider` must match (Prisma refuses an adapter of another database).
 */
export function createApp(url: string): App {
  const adapter = url.startsWith('file:') ? new PrismaBetterSqlite3({ url }) : new PrismaPg({ connectionString: url });
  const prisma = new PrismaClient({ adapter });
  return { prisma, units: createUnits({ prisma, schema }) };
}
