import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import 'dotenv/config';
import { defineConfig } from 'prisma/config';

/**
 * Offline machines cannot download Prisma's native schema engine. When `npm install` did not bring
 * one and the variable is unset, use the WebAssembly stand-in that such machines provide in
 * `../shared/prisma-offline` (see README, "Offline machines"). Connected machines are untouched.
 */
function offlineSchemaEngine(): string | undefined {
  const enginesDir = resolve('node_modules/@prisma/engines');
  const hasNative = existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  const shim = resolve('../shared/prisma-offline/schema-engine-shim.mjs');
  return !hasNative && existsSync(shim) ? shim : undefined;
}

process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ??= offlineSchemaEngine();

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'file:./dev.db' },
});
