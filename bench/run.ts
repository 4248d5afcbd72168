/**
 * `npm run bench`: compares the flush strategies of prisma-uow with Prisma per-row writes and
 * hand-written SQL, on PostgreSQL and SQLite, then measures tracking costs (load, commit of many
 * clean objects, memory). Prints the markdown report and writes `bench/results/flush-<date>.md`,
 * `bench/results/latest.md`, `bench/results/latest.json` and `bench/results/latest.svg`.
 *
 * `npm run bench -- --workload transfer [flags]` runs the transfer workload instead (its flags:
 * bench/transfer/main.ts).
 *
 * Flags:
 * - `--n 100,1000`: the row counts (default 100,1000,10000).
 * - `--quick`: N = 100,1000 and smaller tracking tables (10x fewer rows).
 * - `--db postgresql` / `--db sqlite`: one backend only (default both). `--db mariadb` (MariaDB
 *   at `TEST_MARIADB_URL`, default `mysql://root@127.0.0.1:3306/test`) runs without MikroORM and
 *   writes `bench/results/mariadb-latest.md` / `.json` (and `mariadb-flush-<date>.md`), never
 *   `latest.*`, partial or not.
 * - `--runs 9`: timed runs per measurement at least, 5 or more (default 7; fast ones get more).
 * - `--systems sql,uow-bulk` / `--scenarios distinct,mixed`: a subset, for working on one
 *   number; such a partial run writes only `bench/results/partial.md`, never `latest.*`.
 *
 * Each system runs in its own Node process, on its own fresh database, in turns with the SQL
 * baseline (see `forkedDatabase` and `measureInterleaved`). MikroORM is the benchmark's own
 * dependency (bench/package.json): a run that includes it installs it into bench/node_modules
 * first, once (bench/dependencies.ts).
 *
 * @example
 * ```sh
 * npm run bench -- --n 100,1000 --db postgresql
 * ```
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareTestSchemas } from '../test/prisma/prepare.js';
import type { BackendName } from '../test/support/databases.js';
import { renderSvg } from './chart.js';
import { ensureBenchDependencies } from './dependencies.js';
import { measureInterleaved, summarize, type Measurement, type MeasureOptions } from './measure.js';
import { renderMarkdown } from './report.js';
import type { DatabaseResults, FlushResult, Machine, RunResults } from './results-model.js';
import { SCENARIOS, seedAccounts, type Work } from './scenarios.js';
import { SYSTEMS, type System } from './systems.js';
import { useBenchPostgres } from './database-url.js';
import { measureCommitOfLoaded, measureLoad, measureMemory } from './tracking.js';

/** Fast measurements get more runs: up to 21 while their rounds take less than 4 s in all. */
const MORE_RUNS = { maxRuns: 21, budgetMs: 4_000 };

/** A measurement stops (reported as skipped) after one run longer than this. */
const SKIP_AFTER_MS = 60_000;

/** `--workload flush` (default) or `--workload transfer`; the rest of the arguments go to it. */
const argv = process.argv.slice(2);
const workloadAt = argv.findIndex((a) => a === '--workload' || a.startsWith('--workload='));
const workload = workloadAt < 0 ? 'flush' : argv[workloadAt]!.includes('=') ? argv[workloadAt]!.split('=')[1] : argv[workloadAt + 1];
if (workloadAt >= 0) argv.splice(workloadAt, argv[workloadAt]!.includes('=') ? 1 : 2);
if (workload !== 'flush' && workload !== 'transfer') throw new Error(`--workload takes flush or transfer, got ${workload}`);

const { values: flags } = parseArgs({
  args: workload === 'flush' ? argv : [],
  options: {
    n: { type: 'string' },
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    runs: { type: 'string' },
    systems: { type: 'string' },
    scenarios: { type: 'string' },
    // Internal: run one pairing in this process and write its results to --out (see main()).
    worker: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

function subset<T extends { readonly id: string }>(all: readonly T[], flag: string | undefined, what: string): readonly T[] {
  if (flag === undefined) return all;
  const ids = flag.split(',');
  const unknown = ids.filter((id) => !all.some((item) => item.id === id));
  if (unknown.length > 0) throw new Error(`unknown ${what} ${unknown.join(', ')}; one of ${all.map((item) => item.id).join(', ')}`);
  return all.filter((item) => ids.includes(item.id));
}
const backends = (flags.db ?? 'postgresql,sqlite').split(',') as BackendName[];
/** A MariaDB-only run: its own results files (the MikroORM system has no MariaDB setup here). */
const mariadbRun = backends.length === 1 && backends[0] === 'mariadb';
const systems = subset(SYSTEMS, flags.systems, '--systems').filter((s) => !(mariadbRun && s.id === 'mikro-orm'));
const scenarios = subset(SCENARIOS, flags.scenarios, '--scenarios');
const partial = flags.systems !== undefined || flags.scenarios !== undefined;

const ns = (flags.n ?? (flags.quick ? '100,1000' : '100,1000,10000')).split(',').map((s) => Number(s.replaceAll('_', '')));
if (ns.some((n) => !Number.isInteger(n) || n < 10)) throw new Error(`--n takes integers ≥ 10, got ${flags.n}`);
const runs = Math.max(5, Number(flags.runs ?? 7));
const trackingRows = flags.quick ? { load: 1_000, commit: 10_000 } : { load: 10_000, commit: 100_000 };

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function machine(): Machine {
  const require = createRequire(import.meta.url);
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    prisma: (require('@prisma/client/package.json') as { version: string }).version,
  };
}

/**
 * One backend in this process: `'flush'`, the flush measurements of the selected systems (a
 * worker's pairing); `'tracking'`, the load, clean-commit and memory measurements.
 */
async function benchDatabase(name: BackendName, part: 'flush' | 'tracking'): Promise<DatabaseResults> {
  // Imported late: test/support/databases.ts reads TEST_POSTGRES_URL when it loads.
  const { openBenchDatabase } = await import('./setup.js');
  const bench = await openBenchDatabase(name);
  const results: DatabaseResults = { name, version: bench.version, flush: [] };
  try {
    for (const n of part === 'flush' ? ns : []) {
      log(`${name}: seeding ${n} accounts`);
      await seedAccounts(bench, n);
      for (const scenario of scenarios) {
        const options = (system: System): MeasureOptions => {
          let work: Work | undefined;
          return {
            runs,
            counter: bench,
            skipAfterMs: SKIP_AFTER_MS,
            async prepare() {
              work = await scenario.reset(bench, n);
              return system.prepare(bench, work);
            },
            check: () => scenario.check(bench, work!),
          };
        };
        // Each system is measured interleaved with the SQL baseline, run by run (measure.ts),
        // and its ratio is to the baseline runs of its own pairing; the baseline row shows
        // the median of all its runs.
        const baselineSystem = systems.find((s) => s.id === 'sql');
        const baselineSamples: number[] = [];
        let baselineStatements: Measurement['statements'];
        const measured: { system: System; measurement: Measurement; baseline?: number }[] = [];
        for (const system of systems) {
          if (system === baselineSystem) continue;
          if (!baselineSystem) {
            measured.push({ system, measurement: (await measureInterleaved([options(system)], runs, MORE_RUNS))[0]! });
            continue;
          }
          const [base, measurement] = await measureInterleaved([options(baselineSystem), options(system)], runs, MORE_RUNS);
          baselineSamples.push(...base!.samples);
          baselineStatements ??= base!.statements;
          measured.push({ system, measurement: measurement!, ...(base!.summary ? { baseline: base!.summary.median } : {}) });
        }
        if (baselineSystem && baselineSamples.length > 0) {
          const measurement: Measurement = { summary: summarize(baselineSamples), samples: baselineSamples, ...(baselineStatements ? { statements: baselineStatements } : {}) };
          measured.unshift({ system: baselineSystem, measurement, baseline: measurement.summary!.median });
        }
        for (const { system, measurement, baseline } of measured) {
          const median = measurement.summary?.median;
          const row: FlushResult = {
            scenario: scenario.id,
            scenarioTitle: scenario.title,
            n,
            system: system.id,
            label: system.label,
            measurement,
            ...(median !== undefined && baseline !== undefined ? { ratio: median / baseline } : {}),
          };
          results.flush.push(row);
          const st = measurement.statements;
          log(
            `${name} ${scenario.id} N=${n} ${system.label}: ${median === undefined ? `skipped (${measurement.skipped})` : `${median.toFixed(2)} ms`}` +
              `${row.ratio === undefined ? '' : `, ${row.ratio.toFixed(2)}× baseline`}${st ? `, ${st.other} statements + ${st.transaction} BEGIN/COMMIT` : ''}`,
          );
        }
      }
    }
    if (part === 'flush') return results;
    log(`${name}: seeding ${trackingRows.commit} accounts for the tracking measurements`);
    await seedAccounts(bench, trackingRows.commit);
    results.load = await measureLoad(bench, trackingRows.load, runs);
    log(`${name}: load ${results.load.rows}: unit ${results.load.unit.median.toFixed(1)} ms, findMany ${results.load.plain.median.toFixed(1)} ms`);
    results.commits = [];
    for (const changed of [0, 10]) {
      const m = await measureCommitOfLoaded(bench, changed, runs);
      results.commits.push({ loaded: m.loaded, changed, measurement: m });
      log(`${name}: commit with ${m.loaded} loaded, ${changed} changed: ${m.summary?.median.toFixed(2)} ms`);
    }
    results.memory = await measureMemory(bench, 3);
    log(`${name}: memory ${results.memory.unitBytesPerRow.toFixed(0)} B/entity (plain row ${results.memory.plainBytesPerRow.toFixed(0)} B)`);
  } finally {
    await bench.dispose();
  }
  return results;
}

/**
 * Runs one backend's flush measurements with one process per system: each system (paired with
 * the SQL baseline) runs in a fresh Node process on a fresh database, so the heap another
 * system left behind (Prisma's per-row runs leave hundreds of MB of garbage) is never collected
 * inside its timer; then the tracking measurements run here. Baseline runs of all pairings are
 * pooled for the baseline row.
 */
async function forkedDatabase(name: BackendName): Promise<DatabaseResults> {
  const dir = await mkdtemp(join(os.tmpdir(), 'prisma-uow-bench-'));
  const baseline = systems.find((s) => s.id === 'sql');
  const pairings = systems.filter((s) => s !== baseline).map((s) => (baseline ? [baseline, s] : [s]));
  if (pairings.length === 0 && baseline) pairings.push([baseline]);
  const parts: DatabaseResults[] = [];
  try {
    for (const [i, pairing] of pairings.entries()) {
      const out = join(dir, `${i}.json`);
      const args = ['--worker', '--out', out, '--db', name, '--n', ns.join(','), '--runs', String(runs), '--systems', pairing.map((s) => s.id).join(',')];
      if (flags.scenarios) args.push('--scenarios', flags.scenarios);
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('exit', resolve);
      });
      if (code !== 0) throw new Error(`bench worker for ${pairing.map((s) => s.id).join(' + ')} on ${name} exited with ${code}`);
      parts.push(JSON.parse(await readFile(out, 'utf8')) as DatabaseResults);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const results: DatabaseResults = { name, version: parts[0]?.version ?? '?', flush: mergeFlush(parts.flatMap((p) => p.flush)) };
  if (partial) return results;
  const tracking = await benchDatabase(name, 'tracking');
  return { ...tracking, ...results, flush: results.flush };
}

/** Pools the baseline rows of several pairings (per scenario and N) and orders all rows. */
function mergeFlush(rows: readonly FlushResult[]): FlushResult[] {
  const pooled = new Map<string, FlushResult>();
  const others: FlushResult[] = [];
  for (const row of rows) {
    if (row.system !== 'sql') {
      others.push(row);
      continue;
    }
    const key = `${row.n}/${row.scenario}`;
    const seen = pooled.get(key);
    if (!seen) {
      pooled.set(key, row);
      continue;
    }
    const samples = [...seen.measurement.samples, ...row.measurement.samples];
    pooled.set(key, { ...seen, measurement: { ...seen.measurement, samples, summary: summarize(samples) } });
  }
  const rank = (r: FlushResult) => [ns.indexOf(r.n), SCENARIOS.findIndex((s) => s.id === r.scenario), SYSTEMS.findIndex((s) => s.id === r.system)];
  return [...pooled.values(), ...others].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

async function main(): Promise<void> {
  if (flags.worker) {
    // One pairing, in this fresh process: flush measurements only, results to --out.
    const [name] = backends;
    if (!flags.out || !name || backends.length !== 1) throw new Error('--worker needs --out and exactly one --db');
    await useBenchPostgres();
    await writeFile(flags.out, JSON.stringify(await benchDatabase(name, 'flush')));
    return;
  }
  const started = Date.now();
  const args = process.argv.slice(2).join(' ');
  const command = process.env['npm_lifecycle_event'] === 'bench' ? `npm run bench${args ? ` -- ${args}` : ''}` : `tsx bench/run.ts ${args}`.trim();
  if (systems.some((s) => s.id === 'mikro-orm')) ensureBenchDependencies(log);
  await useBenchPostgres();
  for (const r of await prepareTestSchemas()) {
    if (r.error) throw new Error(`test schema for ${r.provider} could not be prepared: ${r.error}`);
  }
  const results: RunResults = {
    startedAt: new Date(started),
    command,
    machine: machine(),
    ns,
    runs,
    trackingRows,
    databases: [],
    durationMs: 0,
  };
  log(`N = ${ns.join(', ')}; at least ${runs} runs after warm-up; backends ${backends.join(', ')}; one process per system`);
  for (const name of backends) results.databases.push(await forkedDatabase(name));
  results.durationMs = Date.now() - started;

  const markdown = renderMarkdown(results);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const date = results.startedAt.toISOString().slice(0, 10);
  if (mariadbRun) {
    await writeFile(`${dir}mariadb-flush-${date}.md`, markdown);
    await writeFile(`${dir}mariadb-latest.md`, markdown);
    await writeFile(`${dir}mariadb-latest.json`, JSON.stringify(results, null, 2));
    process.stdout.write(`${markdown}\n`);
    log(`wrote bench/results/mariadb-flush-${date}.md, mariadb-latest.md, mariadb-latest.json in ${(results.durationMs / 1000).toFixed(0)} s`);
    return;
  }
  if (partial) {
    await writeFile(`${dir}partial.md`, markdown);
    process.stdout.write(`${markdown}\n`);
    log(`partial run (--systems/--scenarios): wrote bench/results/partial.md only, in ${(results.durationMs / 1000).toFixed(0)} s`);
    return;
  }
  await writeFile(`${dir}flush-${date}.md`, markdown);
  await writeFile(`${dir}latest.md`, markdown);
  await writeFile(`${dir}latest.svg`, renderSvg(results));
  await writeFile(`${dir}latest.json`, JSON.stringify(results, null, 2));
  process.stdout.write(`${markdown}\n`);
  log(`wrote bench/results/flush-${date}.md, latest.md, latest.svg, latest.json in ${(results.durationMs / 1000).toFixed(0)} s`);
}

if (workload === 'transfer') {
  // The transfer workload's MikroORM system loads MikroORM from bench/node_modules.
  ensureBenchDependencies(log);
  await (await import('./transfer/main.js')).runTransferBenchmark(argv);
}
else await main();
