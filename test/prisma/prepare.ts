import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { prismaProvider, type TestProvider } from './config-for.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));
const prismaCli = require.resolve('prisma/build/index.js');

/** The MariaDB test schema as SQL, kept in the repository (written by `mysql-ddl.ts`). */
export const mariadbDdlFile = `${root}test/prisma/mariadb.sql`;

/** Where `prepare` writes the composed schema, generated clients and DDL of one provider. */
export function generatedDir(provider: TestProvider): string {
  return `${root}test/generated/${provider}`;
}

/** What `prepare` did for one provider. */
export interface PrepareResult {
  provider: TestProvider;
  /** `false` when the inputs were unchanged and the previous output was kept. */
  regenerated: boolean;
  /** Path of the DDL script, or `undefined` when it could not be produced (see `error`). */
  ddl: string | undefined;
  error?: string;
}

// The uow generator path is relative to the project root: Prisma runs generator commands in the
// CLI's working directory (not the schema's), and `--import tsx` resolves from there too, so
// `prisma()` below always runs the CLI in the project root.
const header = (provider: TestProvider): string => `// Composed by test/prisma/prepare.ts. Do not edit.
generator client {
  provider            = "prisma-client"
  output              = "./prisma"
  moduleFormat        = "esm"
  importFileExtension = "js"
}

generator uow {
  provider      = "node --import tsx ./src/metadata/generator/main.ts"
  output        = "./uow"
  runtimeImport = "../../../../src/index.js"
}

datasource db {
  provider = "${prismaProvider(provider)}"
}
`;

/**
 * The demo models: `prisma/schema.prisma` without its generator and datasource blocks, and
 * without its `/// @delta` markers: the suites test the concurrency checks on `Account.balance`
 * and `User.loyaltyPoints` as plain columns; declared deltas are tested on the `Counter` and
 * `Tally` models of `extra.prisma` (and the bank example with deltas in `test/contract/deltas.test.ts`).
 */
function modelsOf(schema: string): string {
  return schema
    .replace(/^(generator|datasource)\s+\w+\s*\{[\s\S]*?^\}\s*$/gm, '')
    .replace(/^\s*\/\/\/.*@delta.*\n/gm, '')
    .trim();
}

async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  // The generator and the metadata modules it imports.
  const sources: string[] = [];
  for (const dir of [`${root}src/metadata/`, `${root}src/metadata/generator/`]) {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
    sources.push(...names.map((f) => dir + f));
  }
  const files = [
    `${root}prisma/schema.prisma`,
    `${root}test/prisma/extra.prisma`,
    fileURLToPath(import.meta.url),
    ...sources,
  ];
  for (const file of files) hash.update(file).update(await readFile(file));
  for (const pkg of ['prisma', '@prisma/client', '@prisma/generator-helper']) {
    hash.update(pkg).update((require(`${pkg}/package.json`) as { version: string }).version);
  }
  return hash.digest('hex');
}

async function prisma(provider: TestProvider, args: string[]): Promise<string> {
  const config = `${root}test/prisma/${provider}.config.ts`;
  const { stdout } = await run(process.execPath, [prismaCli, ...args, '--config', config], {
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** SQLite has no native types: `@db.*` attributes of the test models are dropped for it. */
function withNativeTypes(provider: TestProvider, models: string): string {
  return provider === 'sqlite' ? models.replace(/[ \t]+@db\.\w+(\([^)]*\))?/g, '') : models;
}

async function prepareProvider(provider: TestProvider, hash: string, force: boolean): Promise<PrepareResult> {
  const dir = generatedDir(provider);
  const hashFile = `${dir}/inputs.sha256`;
  const ddl = provider === 'mariadb' ? mariadbDdlFile : `${dir}/schema.sql`;
  const previous = await readFile(hashFile, 'utf8').catch(() => '');
  if (!force && previous === hash) return { provider, regenerated: false, ddl };

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const demo = await readFile(`${root}prisma/schema.prisma`, 'utf8');
  const extra = withNativeTypes(provider, await readFile(`${root}test/prisma/extra.prisma`, 'utf8'));
  const schema = `${dir}/schema.prisma`;
  await writeFile(schema, `${header(provider)}\n${modelsOf(demo)}\n\n${extra}`);
  await prisma(provider, ['generate', '--schema', schema]);
  if (provider === 'mariadb') {
    // Prisma's offline schema engine has no MySQL connector: the DDL is kept in the repository,
    // derived from the generated metadata by `mysql-ddl.ts` (a test fails when it is stale).
    await writeFile(hashFile, hash);
    return { provider, regenerated: true, ddl: mariadbDdlFile };
  }
  try {
    const sql = await prisma(provider, ['migrate', 'diff', '--from-empty', '--to-schema', schema, '--script']);
    await writeFile(ddl, sql);
  } catch (error) {
    // With the offline engine shim even `migrate diff` connects, so no server means no DDL.
    // The hash is not stored: the next run tries again.
    const message = error instanceof Error ? error.message : String(error);
    return { provider, regenerated: true, ddl: undefined, error: message };
  }
  await writeFile(hashFile, hash);
  return { provider, regenerated: true, ddl };
}

/**
 * Composes the test schema for SQLite, PostgreSQL and MariaDB (demo models + `test/prisma/extra.prisma`),
 * runs `prisma generate` and writes the DDL to `test/generated/<provider>/schema.sql`.
 * Skips a provider whose inputs are unchanged since its last successful run.
 *
 * @example
 * ```ts
 * const results = await prepareTestSchemas();
 * // or from a shell: npx tsx test/prisma/prepare.ts [--force]
 * ```
 */
export async function prepareTestSchemas(options: { force?: boolean } = {}): Promise<PrepareResult[]> {
  const hash = await inputsHash();
  const providers: TestProvider[] = ['sqlite', 'postgresql', 'mariadb'];
  return Promise.all(providers.map((p) => prepareProvider(p, hash, options.force ?? false)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await prepareTestSchemas({ force: process.argv.includes('--force') })) {
    const state = r.error ? `no DDL: ${r.error.split('\n')[0]}` : r.regenerated ? 'generated' : 'unchanged';
    console.log(`${r.provider}: ${state}`);
  }
}
