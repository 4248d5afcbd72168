import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type PrismaConfig } from 'prisma/config';

/** The two backends the test suites run against. */
export type TestProvider = 'sqlite' | 'postgresql';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Default PostgreSQL server for the tests; override with `TEST_POSTGRES_URL`. */
export const defaultPostgresUrl = 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * The offline schema engine shim (see ../shared/prisma-offline/README.md), used only when
 * `npm install` brought no native engine and `PRISMA_SCHEMA_ENGINE_BINARY` is unset.
 */
export function offlineSchemaEngine(): string | undefined {
  const enginesDir = `${root}node_modules/@prisma/engines`;
  const hasNative = existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  const shim = `${root}../shared/prisma-offline/schema-engine-shim.mjs`;
  return !hasNative && existsSync(shim) ? shim : undefined;
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
  process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ??= offlineSchemaEngine();
  const dir = `${root}test/generated/${provider}`;
  const url =
    provider === 'sqlite' ? `file:${dir}/diff.db` : (process.env['TEST_POSTGRES_URL'] ?? defaultPostgresUrl);
  return defineConfig({ schema: `${dir}/schema.prisma`, datasource: { url } });
}
