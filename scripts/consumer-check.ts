/**
 * The consumer check (`npm run check:consumer`, part of `npm test`): prisma-uow used the way a
 * user uses it, outside this repository.
 *
 * 1. `npm pack` the library (its `prepack` builds dist/) into a temporary folder outside the
 *    repository, and copy examples/consumer next to it.
 * 2. `npm install` the tarball there (with the example's other dependencies; `--prefer-offline`
 *    reuses the npm cache), then `prisma generate` with the package's own generator
 *    (`provider = "prisma-uow"`, found in node_modules/.bin).
 * 3. Type-check with the example's strict tsconfig (`skipLibCheck: false`), with TypeScript 5.9
 *    and, when it can be installed, TypeScript 7; build with tsc.
 * 4. SQLite: `prisma db push`, then `node dist/main.js` (plain node; it asserts what it wrote);
 *    then the example's vitest test (createMemoryUnits).
 * 5. PostgreSQL: a database of its own (created and dropped here), the schema's provider switched
 *    to postgresql, generate, build, push and `node dist/main.js` again.
 *
 * Only this script knows about this workplace's offline machines: when the consumer has no
 * native schema engine and `../shared/prisma-offline` exists beside the repository, the Prisma
 * CLI is pointed at the WebAssembly stand-in there (resolving its packages from this
 * repository's node_modules); otherwise Prisma's own engine handling is left alone. The
 * consumer's better-sqlite3 reuses the binary this repository built (prebuild-install's local
 * prebuilds) when the versions match, instead of compiling it again.
 *
 * Flags: `--keep` keeps the temporary folder; `--no-postgres` skips step 5 (not with CI=true).
 *
 * @example
 * ```sh
 * npm run check:consumer
 * ```
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { offlineSchemaEngine } from './offline-schema-engine.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);
const isCi = process.env['CI'] === 'true';
const keep = process.argv.includes('--keep');
const withPostgres = !process.argv.includes('--no-postgres') || isCi;
const postgresUrl = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

const timings: [string, number][] = [];

function log(message: string): void {
  process.stdout.write(`\n[consumer-check] ${message}\n`);
}

/** Runs a command (output shown), failing the check with `what` if it exits non-zero; returns its stdout when `capture`. */
function sh(what: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; capture?: boolean }): Promise<string> {
  log(`${what}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      timings.push([what, Date.now() - started]);
      if (code === 0) resolve(out);
      else reject(new Error(`consumer check failed at "${what}" (exit ${code ?? signal}); command: ${[command, ...args].join(' ')}`));
    });
  });
}

/** Packs the library into `dir`; prints the packed file list and size. Returns the tarball's path. */
async function pack(dir: string): Promise<string> {
  const out = await sh('npm pack (prepack builds dist/)', 'npm', ['pack', '--json', '--pack-destination', dir], { cwd: repo, capture: true });
  // Lifecycle scripts may print before the JSON report.
  const start = out.startsWith('[') ? 0 : out.indexOf('\n[\n') + 1;
  const report = JSON.parse(out.slice(start)) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const [tarball] = report;
  if (!tarball) throw new Error('npm pack reported no tarball');
  const tops = [...new Set(tarball.files.map((f) => f.path.split('/')[0]))];
  log(`packed ${tarball.filename}: ${tarball.files.length} files (${tops.join(', ')}), ${(tarball.size / 1024).toFixed(1)} kB packed, ${(tarball.unpackedSize / 1024).toFixed(1)} kB unpacked`);
  const unexpected = tops.filter((t) => !['dist', 'README.md', 'LICENSE', 'package.json'].includes(t!));
  if (unexpected.length > 0) throw new Error(`the tarball holds more than dist/, README, LICENSE and package.json: ${unexpected.join(', ')}`);
  return join(dir, tarball.filename);
}

/**
 * prebuild-install (better-sqlite3's install script) takes a prebuilt binary from a local
 * folder when one is named after the exact version, Node ABI and platform: hand it the binary
 * this repository built, through a `.prebuild-installrc` in the temporary folder (prebuild-install
 * looks for one in the parents of the package; an environment variable would need a name `sh`
 * drops). With another better-sqlite3 version it compiles, as it would anyway.
 */
async function localPrebuilds(dir: string): Promise<void> {
  const { version } = require('better-sqlite3/package.json') as { version: string };
  const built = join(repo, 'node_modules', 'better-sqlite3');
  const prebuilds = join(dir, 'prebuilds');
  await mkdir(prebuilds, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await sh('reuse the built better-sqlite3', 'tar', ['-czf', join(prebuilds, name), '-C', built, 'build/Release/better_sqlite3.node'], { cwd: repo });
  await writeFile(join(dir, '.prebuild-installrc'), `local-prebuilds=${prebuilds}\n`);
}

/**
 * The schema engine the consumer's Prisma CLI uses: the one the caller named in
 * PRISMA_SCHEMA_ENGINE_BINARY, else this workplace's offline stand-in when the consumer has no
 * native engine and ../shared exists, else Prisma's own (nothing set).
 */
function schemaEngineEnv(app: string): NodeJS.ProcessEnv {
  const engine = process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? offlineSchemaEngine(app, repo);
  if (!engine) {
    log("Prisma schema engine: Prisma's own (no offline stand-in needed or available)");
    return {};
  }
  log(`Prisma schema engine: ${engine} (the offline stand-in resolves its packages from ${repo}node_modules)`);
  // The stand-in loads @prisma/schema-engine-wasm and the adapters from there; a native engine ignores it.
  return { PRISMA_SCHEMA_ENGINE_BINARY: engine, SCHEMA_ENGINE_SHIM_ROOT: process.env['SCHEMA_ENGINE_SHIM_ROOT'] ?? repo };
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function onAdminDatabase(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = await realpath(await mkdtemp(join(tmpdir(), 'prisma-uow-consumer-')));
  if (!relative(repo, work).startsWith('..')) throw new Error(`the temporary folder ${work} is inside the repository`);
  const app = join(work, 'app');
  let database: string | undefined;
  try {
    const tarball = await pack(work);
    await cp(join(repo, 'examples', 'consumer'), app, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|dist|generated)([/\\]|$)|\.db(-journal)?$/.test(relative(join(repo, 'examples', 'consumer'), source)),
    });
    log(`consumer copied to ${app}`);
    await localPrebuilds(work);
    await sh('npm install the tarball', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app });
    const engine = schemaEngineEnv(app);
    // Through npx, as a user runs them: it puts node_modules/.bin (the prisma-uow bin) on PATH.
    const npx = (what: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> => sh(what, 'npx', ['--no', '--', ...args], { cwd: app, ...(env ? { env } : {}) });
    const sqliteEnv = { ...engine, DATABASE_URL: 'file:./dev.db' };

    await npx('prisma generate (sqlite)', ['prisma', 'generate'], sqliteEnv);
    await npx('tsc --noEmit (TypeScript 5, strict)', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
    await typescript7(app);
    await npx('tsc build', ['tsc', '-p', 'tsconfig.build.json']);
    await npx('prisma db push (sqlite)', ['prisma', 'db', 'push'], sqliteEnv);
    await sh('node dist/main.js (sqlite)', process.execPath, ['dist/main.js'], { cwd: app, env: sqliteEnv });
    await npx('vitest (createMemoryUnits)', ['vitest', 'run']);

    const unreachable = withPostgres ? await postgresReachable() : 'skipped by --no-postgres';
    if (unreachable) {
      if (isCi) throw new Error(`PostgreSQL is required in CI: ${unreachable}`);
      log(`PostgreSQL part skipped: ${unreachable}`);
    } else {
      database = `prisma_uow_consumer_${randomBytes(4).toString('hex')}`;
      await onAdminDatabase(`CREATE DATABASE ${database}`);
      const url = new URL(postgresUrl);
      url.pathname = `/${database}`;
      const pgEnv = { ...engine, DATABASE_URL: url.toString() };
      const schemaFile = join(app, 'prisma', 'schema.prisma');
      await writeFile(schemaFile, (await readFile(schemaFile, 'utf8')).replace('provider = "sqlite"', 'provider = "postgresql"'));
      await npx('prisma generate (postgresql)', ['prisma', 'generate'], pgEnv);
      await npx('tsc build (postgresql)', ['tsc', '-p', 'tsconfig.build.json']);
      await npx('prisma db push (postgresql)', ['prisma', 'db', 'push'], pgEnv);
      await sh('node dist/main.js (postgresql)', process.execPath, ['dist/main.js'], { cwd: app, env: pgEnv });
    }
  } finally {
    if (database) await onAdminDatabase(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((e: unknown) => log(`could not drop ${database}: ${String(e)}`));
    if (keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
  log(`passed in ${((Date.now() - started) / 1000).toFixed(0)} s:\n${timings.map(([what, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${what}`).join('\n')}`);
}

/**
 * TypeScript 7 (the native compiler) checks the same project when npm can install it (from the
 * registry or the npm cache); the check fails on its type errors, not on a failed install.
 */
async function typescript7(app: string): Promise<void> {
  const dir = join(app, '..', 'typescript7');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), '{ "private": true }\n');
  try {
    await sh('install TypeScript 7', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'typescript@7'], { cwd: dir });
  } catch (error) {
    log(`TypeScript 7 check skipped: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const version = (await sh('TypeScript 7 version', join(dir, 'node_modules', '.bin', 'tsc'), ['--version'], { cwd: app, capture: true })).trim();
  await sh(`tsc --noEmit (${version}, strict)`, join(dir, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: app });
}

await main();
