/**
 * Where the time of a MariaDB bulk commit goes: the SAME UPDATE statement (the one prisma-uow's
 * MariaDB dialect writes for the `distinct` or `same` scenario) sent through each layer in one
 * process, in turns, each in BEGIN ... COMMIT, the accounts reset before every run (untimed):
 *
 * - `query`: the `mariadb` driver's text protocol (`connection.query`, as the SQL baseline of
 *   `run.ts` sends its statements; the driver escapes the JSON string into the SQL text);
 * - `execute`: its binary protocol (`connection.execute`, PREPARE + EXECUTE + CLOSE with no
 *   statement cache, what `@prisma/adapter-mariadb` does by default);
 * - `adapter`: `@prisma/adapter-mariadb` itself (`startTransaction`, `executeRaw`, `commit`);
 * - `unsafe`: `prisma.$transaction(tx => tx.$executeRawUnsafe(sql, ...values))`;
 * - `sql`: `prisma.$transaction(tx => tx.$executeRaw(statement))` (the `Sql` object, as the
 *   unit sends it);
 * - `uow`: `uow.$commit()` of a unit that loaded and changed the same rows (outside the timer);
 * - `baseline`: the SQL baseline's own statement of `run.ts`, driver text protocol.
 *
 * Columns: wall time; the client's CPU time (`process.cpuUsage`: every thread of this process,
 * garbage collection included); the server's CPU time (`/proc/<mariadbd>/stat`, 10 ms ticks,
 * so only the median over runs means much); the main thread's GC pauses in the timed part;
 * the ratio of the wall time to the first path's. `--profile <path>` writes a CPU profile of
 * that path's timed parts (all measured runs, other samples dropped) to
 * bench/results/profile-mariadb-paths-<path>.cpuprofile; `--alloc <path>` prints where the
 * timed part of its last run allocated (sampled).
 *
 * Flags: `--n 10000`, `--runs 9`, `--scenario distinct|same`, `--paths query,sql,uow` (default
 * all, in the order above).
 *
 * @example
 * ```sh
 * npx tsx bench/mariadb-paths.ts --n 10000 --runs 15 --paths query,sql,uow
 * ```
 *
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Decimal } from '@prisma/client/runtime/client';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import mariadb from 'mariadb';
import { mariadbDialect } from '../src/flush/dialects/mariadb.js';
import type { UpdateStep } from '../src/flush/plan.js';
import { mariadbSettings } from '../test/support/databases.js';
import { median } from './measure.js';
import { SCENARIOS, seedAccounts, type Work } from './scenarios.js';
import { openBenchDatabase } from './setup.js';

const { values: flags } = parseArgs({
  options: { n: { type: 'string' }, runs: { type: 'string' }, scenario: { type: 'string' }, paths: { type: 'string' }, profile: { type: 'string' }, alloc: { type: 'string' } },
});
const n = Number(flags.n ?? 10_000);
const runs = Number(flags.runs ?? 9);
const scenario = SCENARIOS.find((s) => s.id === (flags.scenario ?? 'distinct'));
if (!scenario || scenario.id === 'mixed') throw new Error('--scenario distinct|same');

/** CPU time (ms) of the MariaDB server process so far. */
function serverCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const comm = line.slice(line.indexOf('(') + 1, line.lastIndexOf(')'));
    if (comm !== 'mariadbd' && comm !== 'mysqld') continue;
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

const bench = await openBenchDatabase('mariadb');
const settings = mariadbSettings(bench.db.namespace);
const text = await mariadb.createConnection({ ...settings });
const binary = await mariadb.createConnection({ ...settings, prepareCacheLength: 0 });
const adapter: SqlDriverAdapter = await bench.db.adapter().connect();
type RawClient = { $executeRawUnsafe(sql: string, ...args: unknown[]): Promise<number>; $executeRaw(query: object): Promise<number> };
const prisma = bench.db.prisma as unknown as { $transaction<T>(fn: (tx: RawClient) => Promise<T>, options: object): Promise<T> };
const txOptions = { timeout: 600_000, maxWait: 60_000 };

/** The statement prisma-uow writes for `work`: its own dialect, for the step its planner makes. */
function uowStatement(work: Work) {
  const account = bench.db.schema.models['Account']!;
  const step: UpdateStep = {
    op: 'update',
    model: 'Account',
    fields: ['balance'],
    check: 'version',
    checked: [],
    deltas: [],
    rows: work.updates.map((u, i) => ({ entity: i, key: { id: u.id }, version: u.version, set: { balance: new Decimal(u.balance) }, original: {} })),
  };
  const [statement] = mariadbDialect.updates(step, account);
  if (statement?.kind !== 'count') throw new Error('expected one count statement');
  return statement.sql;
}

async function inTx(conn: mariadb.Connection, fn: () => Promise<unknown>): Promise<void> {
  await conn.query('BEGIN');
  await fn();
  await conn.query('COMMIT');
}

function expectRows(what: string, got: unknown): void {
  if (Number(got) !== n) throw new Error(`${what}: ${String(got)} rows changed, expected ${n}`);
}

const affected = (result: unknown) => (result as { affectedRows: number }).affectedRows;

/** One way of sending the statement: untimed preparation, then the timed part. */
type Path = { id: string; prepare(work: Work): Promise<() => Promise<void>> };
const PATHS: Path[] = [
  {
    id: 'query',
    async prepare(work) {
      const s = uowStatement(work);
      return () => inTx(text, async () => expectRows('query', affected(await text.query(s.sql, s.values))));
    },
  },
  {
    id: 'execute',
    async prepare(work) {
      const s = uowStatement(work);
      return () => inTx(binary, async () => expectRows('execute', affected(await binary.execute(s.sql, s.values))));
    },
  },
  {
    id: 'adapter',
    async prepare(work) {
      const s = uowStatement(work);
      const argTypes = s.values.map(() => ({ scalarType: 'string', arity: 'scalar' }) as const);
      return async () => {
        const tx = await adapter.startTransaction();
        expectRows('adapter', await tx.executeRaw({ sql: s.sql, args: s.values, argTypes }));
        await tx.commit();
      };
    },
  },
  {
    id: 'unsafe',
    async prepare(work) {
      const s = uowStatement(work);
      return async () => expectRows('unsafe', await prisma.$transaction((tx) => tx.$executeRawUnsafe(s.sql, ...s.values), txOptions));
    },
  },
  {
    id: 'sql',
    async prepare(work) {
      const s = uowStatement(work);
      return async () => expectRows('sql', await prisma.$transaction((tx) => tx.$executeRaw(s), txOptions));
    },
  },
  {
    id: 'uow',
    async prepare(work) {
      const uow = bench.units.begin({ strategy: 'bulk' });
      const accounts = await uow.account.find({ where: { id: { in: work.updates.map((u) => u.id) } } });
      const byId = new Map(accounts.map((a) => [a.id, a]));
      for (const u of work.updates) byId.get(u.id)!.balance = new Decimal(u.balance);
      return async () => void (await uow.$commit());
    },
  },
  {
    id: 'baseline',
    async prepare(work) {
      const same = work.samePatch;
      const statement = same
        ? "UPDATE `Account` AS t JOIN JSON_TABLE(?, '$[*]' COLUMNS(id INT PATH '$[0]', v INT PATH '$[1]')) AS d ON t.`id` = d.id AND t.`version` = d.v SET t.`balance` = ?, t.`version` = t.`version` + 1"
        : "UPDATE `Account` AS t JOIN JSON_TABLE(?, '$[*]' COLUMNS(id INT PATH '$[0]', v INT PATH '$[1]', b DECIMAL(65, 30) PATH '$[2]')) AS d ON t.`id` = d.id AND t.`version` = d.v SET t.`balance` = d.b, t.`version` = t.`version` + 1";
      const values = same
        ? [JSON.stringify(work.updates.map((u) => [u.id, u.version])), work.updates[0]!.balance]
        : [JSON.stringify(work.updates.map((u) => [u.id, u.version, u.balance]))];
      return () => inTx(text, async () => expectRows('baseline', affected(await text.query(statement, values))));
    },
  },
];
const chosen = flags.paths ? flags.paths.split(',').map((id) => PATHS.find((p) => p.id === id) ?? Promise.reject(new Error(`unknown path ${id}`))) : PATHS;
const paths = (await Promise.all(chosen)) as Path[];

const inspector = new Session();

async function startProfile(): Promise<void> {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 50 });
  await inspector.post('Profiler.start');
}

/** Writes the profile of the timed parts of path `id` (`windows`, hrtime ns), other samples dropped. */
async function stopProfile(id: string, windows: readonly (readonly [bigint, bigint])[]): Promise<void> {
  const { profile } = await inspector.post('Profiler.stop');
  inspector.disconnect();
  // V8's profile clock and hrtime are both CLOCK_MONOTONIC (µs and ns).
  const inWindow = (at: number) => windows.some(([from, to]) => at >= Number(from / 1000n) && at <= Number(to / 1000n));
  const samples: number[] = [];
  const deltas: number[] = [];
  let at = profile.startTime;
  (profile.samples ?? []).forEach((sample, i) => {
    const delta = profile.timeDeltas![i]!;
    at += delta;
    if (!inWindow(at)) return;
    samples.push(sample);
    deltas.push(inWindow(at - delta) ? delta : 0);
  });
  profile.samples = samples;
  profile.timeDeltas = deltas;
  const file = fileURLToPath(new URL(`./results/profile-mariadb-paths-${id}.cpuprofile`, import.meta.url));
  await writeFile(file, JSON.stringify(profile));
  console.log(`profile of the timed parts of ${windows.length} ${id} runs written to ${file}`);
}

/** Allocation sampling (every ~4 KB allocated, objects collected since included). */
async function startAllocations(): Promise<void> {
  inspector.connect();
  await inspector.post('HeapProfiler.enable');
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

async function stopAllocations(id: string): Promise<void> {
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  inspector.disconnect();
  const self = new Map<string, number>();
  let total = 0;
  const visit = (node: (typeof profile)['head']): void => {
    const f = node.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src|bench|test)\//, '$1/')}:${f.lineNumber + 1}`;
    if (node.selfSize > 0) {
      self.set(name, (self.get(name) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  console.log(`${id}: ${(total / 1e6).toFixed(1)} MB allocated in the timed part (sampled); most by:`);
  for (const [name, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(bytes / 1e6).toFixed(2).padStart(8)} MB  ${name}`);
}

/** Garbage-collection pauses of the main thread: start (performance.now() time) and duration, ms. */
const pauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });
const pausedIn = (from: number, to: number) => pauses.reduce((sum, p) => (p.start >= from && p.start <= to ? sum + p.duration : sum), 0);

try {
  await seedAccounts(bench, n);
  const times = new Map(paths.map((p) => [p.id, { wall: [] as number[], client: [] as number[], server: [] as number[], windows: [] as [number, number][] }]));
  const profiled: [bigint, bigint][] = [];
  if (flags.profile) await startProfile();
  for (let run = -2; run < runs; run++) {
    for (const path of paths) {
      const work = await scenario.reset(bench, n);
      const timed = await path.prepare(work);
      const allocating = flags.alloc === path.id && run === runs - 1;
      if (allocating) await startAllocations();
      const s0 = serverCpuMs();
      const c0 = process.cpuUsage();
      const h0 = process.hrtime.bigint();
      const t0 = performance.now();
      await timed();
      const wall = performance.now() - t0;
      const h1 = process.hrtime.bigint();
      const c = process.cpuUsage(c0);
      const server = serverCpuMs() - s0;
      if (allocating) await stopAllocations(path.id);
      await scenario.check(bench, work);
      if (run < 0) continue;
      if (flags.profile === path.id) profiled.push([h0, h1]);
      const t = times.get(path.id)!;
      t.wall.push(wall);
      t.client.push((c.user + c.system) / 1000);
      t.server.push(server);
      t.windows.push([t0, t0 + wall]);
    }
  }
  if (flags.profile) await stopProfile(flags.profile, profiled);
  // GC entries arrive after their pause: let the last ones in.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(`MariaDB ${scenario.id} N=${n}, ${runs} runs per path in turns after 2 warm-up rounds; medians in ms`);
  console.log(`${'path'.padEnd(10)} ${'wall'.padStart(7)} ${'client'.padStart(7)} ${'server'.padStart(7)} ${'gc'.padStart(7)} ${'ratio'.padStart(7)}   wall min-max`);
  const first = median(times.get(paths[0]!.id)!.wall);
  for (const [id, t] of times) {
    const wall = median(t.wall);
    const gc = median(t.windows.map(([from, to]) => pausedIn(from, to)));
    console.log(
      `${id.padEnd(10)} ${wall.toFixed(1).padStart(7)} ${median(t.client).toFixed(1).padStart(7)} ${median(t.server).toFixed(0).padStart(7)} ${gc.toFixed(1).padStart(7)} ${`${(wall / first).toFixed(2)}×`.padStart(7)}   ${Math.min(...t.wall).toFixed(1)}-${Math.max(...t.wall).toFixed(1)}`,
    );
  }
} finally {
  await adapter.dispose();
  await text.end();
  await binary.end();
  await bench.dispose();
}
