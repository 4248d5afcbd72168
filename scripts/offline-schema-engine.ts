import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This repository's development machines cannot download Prisma's native schema engine; they
 * provide a WebAssembly stand-in in `../shared/prisma-offline/` (beside the repository). Used by
 * prisma.config.ts, the test configs and the consumer check, never by the package itself. On any
 * other machine (no `../shared`, or a native engine installed) nothing is changed, and an
 * environment variable is never set to `undefined` (Node would store the string "undefined").
 *
 * @module
 */

/**
 * The stand-in's path when `projectRoot` has no native engine installed and the stand-in exists
 * in `<shimRoot>/../shared` (`shimRoot` defaults to the project root).
 */
export function offlineSchemaEngine(projectRoot: string, shimRoot: string = projectRoot): string | undefined {
  const engines = join(projectRoot, 'node_modules', '@prisma', 'engines');
  const hasNative = existsSync(engines) && readdirSync(engines).some((f) => f.startsWith('schema-engine'));
  if (hasNative) return undefined;
  const shim = join(shimRoot, '..', 'shared', 'prisma-offline', 'schema-engine-shim.mjs');
  return existsSync(shim) ? shim : undefined;
}

/**
 * Points the Prisma CLI at the stand-in (`PRISMA_SCHEMA_ENGINE_BINARY`) when the variable is
 * unset, no native engine is installed and the stand-in exists; otherwise leaves Prisma's own
 * engine handling alone. Returns the stand-in's path when it set the variable.
 *
 * @example
 * ```ts
 * // prisma.config.ts
 * useOfflineSchemaEngine(fileURLToPath(new URL('.', import.meta.url)));
 * ```
 */
export function useOfflineSchemaEngine(projectRoot: string): string | undefined {
  if (process.env['PRISMA_SCHEMA_ENGINE_BINARY'] !== undefined) return undefined;
  const shim = offlineSchemaEngine(projectRoot);
  if (shim !== undefined) process.env['PRISMA_SCHEMA_ENGINE_BINARY'] = shim;
  return shim;
}
