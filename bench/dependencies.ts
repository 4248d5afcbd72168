/**
 * The benchmark's own dependencies (bench/package.json: MikroORM and its drivers, which bring a
 * second native SQLite module) live in `bench/node_modules`, so the root `npm install` (demo,
 * tests) does not build them. {@link ensureBenchDependencies} installs them there on first use,
 * from bench/package-lock.json, and does nothing when every one is installed at its pinned
 * version.
 *
 * @example
 * ```sh
 * npx tsx bench/dependencies.ts   # what `npm run bench` does before a run that includes MikroORM
 * ```
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('./', import.meta.url));

interface Manifest {
  dependencies: Record<string, string>;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** The pinned dependencies of bench/package.json that are missing or at another version. */
export function missingBenchDependencies(): string[] {
  const manifest = readJson<Manifest>(`${benchDir}package.json`);
  if (!manifest) throw new Error(`bench/package.json not found in ${benchDir}`);
  return Object.entries(manifest.dependencies)
    .filter(([name, version]) => readJson<{ version: string }>(`${benchDir}node_modules/${name}/package.json`)?.version !== version)
    .map(([name, version]) => `${name}@${version}`);
}

/** Installs bench/package.json's dependencies into bench/node_modules unless they are all there. */
export function ensureBenchDependencies(log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): void {
  const missing = missingBenchDependencies();
  if (missing.length === 0) return;
  log(`installing the benchmark's own dependencies into bench/node_modules (${missing.join(', ')}); once, this compiles better-sqlite3 11 for MikroORM`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: benchDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ci in bench/ failed (exit ${result.status ?? result.signal}); run it by hand to see why`);
  const still = missingBenchDependencies();
  if (still.length > 0) throw new Error(`bench/node_modules still lacks ${still.join(', ')} after npm ci`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBenchDependencies();
