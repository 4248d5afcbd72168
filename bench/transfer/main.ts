/**
 * `npm run bench -- --workload transfer`: the bank example's transfer under load. For every
 * database, contention level (LOW: 10,000 accounts, HIGH: 10) and C (in-flight transfers), each
 * round runs every system once, in its own Node process (bench/transfer/worker.ts) on a fresh,
 * seeded database, systems in alternating order from round to round; the invariants are checked
 * after every run. Writes bench/results/transfer-latest.{md,json,svg}; a run limited by flags
 * (`--db`, `--concurrency`, `--contention`, `--systems`, `--quick`) writes
 * bench/results/transfer-partial.md only, unless `--out NAME` names the files
 * (bench/results/NAME.{md,json,svg}, e.g. `--db mariadb --out transfer-mariadb-latest`).
 *
 * Flags: `--db postgresql,sqlite,mariadb`, `--concurrency 1,8,32`, `--contention low,high`,
 * `--seconds 10` (measured, per run), `--warmup 2` (before it), `--rounds 3`,
 * `--systems uow,sql,...`, `--quick` (2 s, 1 round, C = 1,8), `--out NAME`.
 *
 * @example
 * ```sh
 * npm run bench -- --workload transfer --quick --db sqlite --systems uow,prisma-for-update
 * ```
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBenchPostgres } from '../database-url.js';
import { renderTransferSvg } from './chart.js';
import { renderTransferMarkdown } from './report.js';
import { aggregate, machine, type TransferResults } from './results.js';
import { TRANSFER_SYSTEMS } from './systems/index.js';
import { ACCOUNTS, type Contention, type Provider, type RunRecord, type TransferSystem, type WorkerInput, type WorkerResult } from './types.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** A worker may take this long beyond its warm-up and window (start-up, stragglers). */
const GRACE_MS = 90_000;

function log(message: string): void {
  process.stderr.write(`[transfer ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function list<T extends string>(flag: string | undefined, all: readonly T[], what: string): T[] {
  if (flag === undefined) return [...all];
  const picked = flag.split(',').map((s) => s.trim()) as T[];
  const unknown = picked.filter((p) => !all.includes(p));
  if (unknown.length > 0) throw new Error(`unknown ${what} ${unknown.join(', ')}; one of ${all.join(', ')}`);
  return picked;
}

function numbers(flag: string, what: string, min: number): number[] {
  const values = flag.split(',').map((s) => Number(s.replaceAll('_', '')));
  if (values.some((v) => !Number.isFinite(v) || v < min)) throw new Error(`${what} takes numbers ≥ ${min}, got ${flag}`);
  return values;
}

/** Runs one worker process; resolves with its result, or rejects with its error output. */
async function spawnWorker(input: WorkerInput, dir: string): Promise<WorkerResult> {
  const out = join(dir, `${input.system}-${Date.now()}.json`);
  const limitMs = (input.seconds + input.warmupSeconds) * 1000 + GRACE_MS;
  let stderr = '';
  const code = await new Promise<number | string | null>((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, WORKER, JSON.stringify(input), out], { stdio: ['ignore', 'inherit', 'pipe'] });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${limitMs / 1000} s)`;
      child.kill('SIGKILL');
    }, limitMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(exitCode ?? signal);
    });
  });
  if (code !== 0) throw new Error(`exited with ${code}: ${stderr.trim().split('\n').slice(-6).join(' | ')}`);
  return JSON.parse(await readFile(out, 'utf8')) as WorkerResult;
}

function summary(r: WorkerResult, c: number): string {
  const s = r.elapsedMs / 1000;
  const finished = r.committed + r.refused || 1;
  const st = (r.statements.transaction + r.statements.other) / finished;
  return (
    `${(r.committed / s).toFixed(0)}/s, p50 ${r.latency?.p50.toFixed(1)} p99 ${r.latency?.p99.toFixed(1)} ms, ` +
    `${(r.retries / finished).toFixed(2)} retries, ${st.toFixed(1)} statements, ${(r.cpuMs / finished).toFixed(2)} CPU ms/transfer` +
    (r.serverCpuMs === undefined ? ', ' : ` + ${(r.serverCpuMs / finished).toFixed(2)} server, `) +
    `refused ${r.refused}, failed ${r.failed}, loops ${Math.min(...r.perLoop)}–${Math.max(...r.perLoop)}` +
    (c > 1 ? `, stall ${r.eventLoopMaxMs.toFixed(0)} ms` : '')
  );
}

/** Runs the transfer benchmark with these command-line arguments. */
export async function runTransferBenchmark(args: readonly string[]): Promise<void> {
  const { values: flags } = parseArgs({
    args: [...args],
    options: {
      db: { type: 'string' },
      concurrency: { type: 'string' },
      contention: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      systems: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const requested = list<Provider>(flags.db, ['postgresql', 'sqlite', 'mariadb'], '--db');
  const contentions = list<Contention>(flags.contention, ['low', 'high'], '--contention');
  const concurrencies = numbers(flags.concurrency ?? (flags.quick ? '1,8' : '1,8,32'), '--concurrency', 1);
  const seconds = numbers(flags.seconds ?? (flags.quick ? '2' : '10'), '--seconds', 0.1)[0]!;
  const warmupSeconds = numbers(flags.warmup ?? String(Math.min(2, seconds / 4)), '--warmup', 0)[0]!;
  const rounds = numbers(flags.rounds ?? (flags.quick ? '1' : '3'), '--rounds', 1)[0]!;
  const ids = list(flags.systems, TRANSFER_SYSTEMS.map((s) => s.id), '--systems');
  const systems = TRANSFER_SYSTEMS.filter((s) => ids.includes(s.id));
  if (flags.out !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(flags.out)) {
    throw new Error(`--out ${flags.out}: a file name without extension (lower-case letters, digits, '-'), written to bench/results/`);
  }
  const partial = flags.out === undefined && (flags.quick || flags.db !== undefined || flags.concurrency !== undefined || flags.contention !== undefined || flags.systems !== undefined);

  await useBenchPostgres();
  const { createRunDatabase } = await import('./database.js'); // after useBenchPostgres (see database.ts)
  // The test suite's server checks (2 s each); they read TEST_POSTGRES_URL, set by useBenchPostgres.
  const { mariadbAvailable, postgresAvailable } = await import('../../test/support/databases.js');
  // Without --db, a server that does not answer is left out (said so); a database asked for by name must answer.
  const providers: Provider[] = [];
  for (const provider of requested) {
    const reason = provider === 'sqlite' ? undefined : (provider === 'postgresql' ? postgresAvailable : mariadbAvailable).reason;
    if (reason === undefined) providers.push(provider);
    else if (flags.db === undefined) log(`leaving out ${provider}: ${reason}`);
    else throw new Error(`--db ${provider}: ${reason}`);
  }
  const started = new Date();
  const load = { start: os.loadavg(), end: [] as number[] };
  const records: RunRecord[] = [];
  const versions: Partial<Record<Provider, string>> = {};
  const dir = await mkdtemp(join(os.tmpdir(), 'prisma-uow-transfer-'));
  log(`${providers.join(', ')}; contention ${contentions.join(', ')}; C = ${concurrencies.join(', ')}; ${seconds} s (+${warmupSeconds} s warm-up) × ${rounds} rounds; load ${load.start.map((l) => l.toFixed(2)).join(' ')}`);
  try {
    for (const provider of providers) {
      const here = systems.filter((s) => s.databases.includes(provider));
      for (const contention of contentions) {
        for (const concurrency of concurrencies) {
          for (let round = 1; round <= rounds; round++) {
            const order: TransferSystem[] = round % 2 === 1 ? here : [...here].reverse();
            for (const system of order) {
              const run = await createRunDatabase(provider, ACCOUNTS[contention]);
              versions[provider] ??= await run.version();
              const input: WorkerInput = { db: run.db, system: system.id, concurrency, accounts: ACCOUNTS[contention], seconds, warmupSeconds, seed: round };
              const where = `${provider} ${contention} C=${concurrency} round ${round} ${system.id}`;
              let record: RunRecord;
              try {
                const result = await spawnWorker(input, dir);
                const violations = await run.check(result.totalCommitted);
                record = { provider, contention, concurrency, system: system.id, round, result, violations };
                log(`${where}: ${summary(result, concurrency)}${violations.length ? `\n  INVARIANTS BROKEN: ${violations.join('; ')}` : ', invariants hold'}`);
              } catch (error) {
                record = { provider, contention, concurrency, system: system.id, round, error: (error as Error).message, violations: [] };
                log(`${where}: FAILED ${(error as Error).message}`);
              } finally {
                await run.drop();
              }
              records.push(record);
            }
          }
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  load.end = os.loadavg();
  const labels = new Map(TRANSFER_SYSTEMS.map((s) => [s.id, s.label]));
  const argv = args.join(' ');
  const results: TransferResults = {
    startedAt: started.toISOString(),
    command: `npm run bench -- --workload transfer${argv ? ` ${argv}` : ''}`,
    machine: machine(),
    load,
    settings: { seconds, warmupSeconds, rounds },
    versions,
    durationMs: Date.now() - started.getTime(),
    points: aggregate(records, labels),
    runs: records,
  };
  const markdown = renderTransferMarkdown(results);
  const out = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(out, { recursive: true });
  process.stdout.write(`${markdown}\n`);
  if (partial) {
    await writeFile(`${out}transfer-partial.md`, markdown);
    log(`partial run: wrote bench/results/transfer-partial.md only, in ${(results.durationMs / 1000).toFixed(0)} s`);
  } else {
    const name = flags.out ?? 'transfer-latest';
    await writeFile(`${out}${name}.md`, markdown);
    await writeFile(`${out}${name}.json`, JSON.stringify(results, null, 2));
    await writeFile(`${out}${name}.svg`, renderTransferSvg(results));
    log(`wrote bench/results/${name}.md, .json, .svg in ${(results.durationMs / 1000).toFixed(0)} s`);
  }
  const broken = results.points.filter((p) => !p.invariantsHold || p.rounds === 0);
  if (broken.length > 0) {
    log(`INVARIANTS BROKEN OR RUNS FAILED: ${broken.map((p) => `${p.provider} ${p.contention} C=${p.concurrency} ${p.system}`).join(', ')}`);
    process.exitCode = 1;
  }
}
