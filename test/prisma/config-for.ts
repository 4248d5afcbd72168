import { fileURLToPath } from 'node:url';
import { defineConfig, type PrismaConfig } from 'prisma/config';
import { useOfflineSchemaEngine } from '../../scripts/offline-schema-engine.js';

/** The two backends the test suites run against. */
export type TestProvider = 'sqlite' | 'postgresql';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Default PostgreSQL server for the tests; override with `TEST_POSTGRES_URL`. */
export const defaultPostgresUrl = 'postgresql://postgres@127.0.0.1:5432/test';

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
    provider === 'sqlite' ? `file:${dir}/diff.db` : (process.env['TEST_POSTGRES_URL'] ?? defaultPostgresUrl);
  return defineConfig({ schema: `${dir}/schema.prisma`, datasource: { url } });
}
