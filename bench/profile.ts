/**
 * Where the time of one timed part goes: runs a scenario/system pair like `run.ts` does (warm-up
 * first), CPU-profiles only the timed part of the last run with `node:inspector`, prints the
 * functions with the most self time and writes the `.cpuprofile` (open it in Chrome DevTools).
 *
 * Flags: `--db postgresql|sqlite|mariadb` (default postgresql), `--scenario distinct|same|mixed|load`
 * (default distinct), `--system uow-bulk|sql|...` (default uow-bulk), `--n 10000`.
 *
 * @example
 * ```sh
 * npx tsx bench/profile.ts --scenario same --n 10000
 * npx tsx bench/profile.ts --db mariadb --scenario distinct  # see also bench/mariadb-paths.ts
 * ```
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { Session, type Profiler } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BackendName } from '../test/support/databases.js';
import { SCENARIOS, seedAccounts } from './scenarios.js';
import { SYSTEMS } from './systems.js';
import { useBenchPostgres } from './database-url.js';

const { values: flags } = parseArgs({
  options: { db: { type: 'string' }, scenario: { type: 'string' }, system: { type: 'string' }, n: { type: 'string' } },
});
const n = Number(flags.n ?? 10_000);
const scenarioId = flags.scenario ?? 'distinct';
const system = SYSTEMS.find((s) => s.id === (flags.system ?? 'uow-bulk'));
if (!system) throw new Error(`unknown --system; one of ${SYSTEMS.map((s) => s.id).join(', ')}`);

await useBenchPostgres();
const { openBenchDatabase } = await import('./setup.js');
const bench = await openBenchDatabase((flags.db ?? 'postgresql') as BackendName);
const session = new Session();
session.connect();
try {
  await seedAccounts(bench, n);
  let timed: () => Promise<unknown>;
  const prepare = async (): Promise<void> => {
    if (scenarioId === 'load') {
      timed = async () => {
        const uow = bench.units.begin();
        await uow.account.find();
        uow.$rollback();
      };
      return;
    }
    const scenario = SCENARIOS.find((s) => s.id === scenarioId);
    if (!scenario) throw new Error(`unknown --scenario ${scenarioId}`);
    timed = await system.prepare(bench, await scenario.reset(bench, n));
  };
  for (let i = 0; i < 3; i++) {
    await prepare();
    await timed!();
  }
  await prepare();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const start = performance.now();
  await timed!();
  const elapsed = performance.now() - start;
  const { profile } = await session.post('Profiler.stop');
  const file = fileURLToPath(new URL(`./results/profile-${bench.name}-${scenarioId}-${system.id}-${n}.cpuprofile`, import.meta.url));
  await writeFile(file, JSON.stringify(profile));

  const self = new Map<string, number>();
  const byId = new Map<number, Profiler.ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const dt = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|main)\//, '')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`${bench.name} ${scenarioId} N=${n} ${system.label}: ${elapsed.toFixed(1)} ms (profiled); top self time:`);
  for (const [key, t] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${t.toFixed(1).padStart(8)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log(`profile written to ${file}`);
} finally {
  session.disconnect();
  await bench.dispose();
}
