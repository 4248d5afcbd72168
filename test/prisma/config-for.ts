import { fileURLToPath } from 'node:url';
import type { ConnectionConfig } from 'mariadb';
import { defineConfig, type PrismaConfig } from 'prisma/config';
import { useOfflineSchemaEngine } from '../../scripts/offline-schema-engine.js';

/** The backends the test suites run against (`mariadb` uses Prisma's `mysql` provider). */
export type TestProvider = 'sqlite' | 'postgresql' | 'mariadb';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Default PostgreSQL server for the tests; override with `TEST_POSTGRES_URL`. */
export const defaultPostgresUrl = 'postgresql://postgres@127.0.0.1:5432/test';

/** Default MariaDB server for the tests; override with `TEST_MARIADB_URL`. */
export const defaultMariadbUrl = 'mysql://root@127.0.0.1:3306/test';

/**
 * `mariadb` driver settings of a MariaDB URL (host, port, user, password), in `database` when
 * given: the URL's own database is left out, so one server URL serves every test database.
 *
 * @example
 * ```ts
 * mariadbConnection('mysql://root@127.0.0.1:3306/test', 'uow_test_1'); // { host, port: 3306, user: 'root', database: 'uow_test_1' }
 * ```
 */
export function mariadbConnection(url: string, database?: string): ConnectionConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(database ? { database } : {}),
  };
}

/** The Prisma `provider` of a test backend's schema. */
export function prismaProvider(provider: TestProvider): 'sqlite' | 'postgresql' | 'mysql' {
  return provider === 'mariadb' ? 'mysql' : provider;
}

/**
 * Prisma CLI config for the composed test schema of one provider
 * (`test/generated/<provider>/schema.prisma`, written by `prepare.ts`).
 *
 * @example
 * ```ts
 * // test/prisma/sqlite.config.ts
 * export default configFor('sqlite');
 * ```
 */
export function configFor(provider: TestProvider): PrismaConfig {
  useOfflineSchemaEngine(root);
  const dir = `${root}test/generated/${provider}`;
  const url =
    provider === 'sqlite'
      ? `file:${dir}/diff.db`
      : provider === 'mariadb'
        ? (process.env['TEST_MARIADB_URL'] ?? defaultMariadbUrl)
        : (process.env['TEST_POSTGRES_URL'] ?? defaultPostgresUrl);
  return defineConfig({ schema: `${dir}/schema.prisma`, datasource: { url } });
}
