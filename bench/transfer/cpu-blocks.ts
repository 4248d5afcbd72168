/**
 * Client CPU per transfer of several systems, measured robustly on a shared machine: one process
 * opens every system on its own fresh database (10 accounts), warms each up, then runs blocks of
 * sequential transfers (C = 1), the systems interleaved block by block (order alternating), and
 * reports per system the minimum and the median over blocks of CPU ms per transfer
 * (`process.cpuUsage`) and wall ms per transfer, and statements per transfer. Interleaving puts
 * every system under the same neighbours: on a host whose CPU is stolen in bursts, compare the
 * minimums. With a fifth argument it writes a CPU profile of the measured blocks
 * (`.cpuprofile`, open in Chrome DevTools).
 *
 * @example
 * ```sh
 * npx tsx bench/transfer/cpu-blocks.ts sqlite uow,prisma-for-update,prisma-atomic 20 200
 * npx tsx bench/transfer/cpu-blocks.ts postgresql uow-one-statement 10 300 /tmp/uow.cpuprofile
 * ```
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { useBenchPostgres } from '../database-url.js';
import { StatementCounter } from '../statement-counter.js';
import { createRunDatabase } from './database.js';
import { requests } from './loops.js';
import { systemById } from './systems/index.js';
import type { Provider } from './types.js';

const [provider = 'sqlite', ids = 'uow', blocks = '20', perBlock = '200', profileFile = ''] = process.argv.slice(2);
if (provider !== 'sqlite' && provider !== 'postgresql') throw new Error(`usage: cpu-blocks.ts <sqlite|postgresql> <system,...> [blocks] [transfers per block] [profile file]`);
const per = Number(perBlock);
const session = new Session();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session.post(method as 'Profiler.enable', params as never, (error, result) => (error ? reject(error) : resolve(result))));

await useBenchPostgres();
const opened = [];
for (const id of ids.split(',')) {
  const run = await createRunDatabase(provider as Provider, 10);
  const counter = new StatementCounter();
  const open = await systemById(id).open({ db: run.db, concurrency: 1, counter });
  const next = requests(1, 0, 10);
  for (let i = 0; i < 300; i++) await open.transfer(next());
  opened.push({ id, run, open, next, counter, statements: 0, cpu: [] as number[], wall: [] as number[] });
}
if (profileFile) {
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
}
for (let b = 0; b < Number(blocks); b++) {
  for (const o of b % 2 === 1 ? [...opened].reverse() : opened) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    o.counter.reset();
    for (let i = 0; i < per; i++) await o.open.transfer(o.next());
    const used = process.cpuUsage(cpu);
    o.cpu.push((used.user + used.system) / 1000 / per);
    o.wall.push((performance.now() - started) / per);
    o.statements = (o.counter.transaction + o.counter.other) / per;
  }
}
if (profileFile) writeFileSync(profileFile, JSON.stringify(((await post('Profiler.stop')) as { profile: unknown }).profile));
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
for (const o of opened) {
  console.log(
    `${provider} ${o.id.padEnd(20)} CPU ms/transfer min ${Math.min(...o.cpu).toFixed(3)} median ${median(o.cpu).toFixed(3)}; wall min ${Math.min(...o.wall).toFixed(3)} median ${median(o.wall).toFixed(3)}; statements ${o.statements.toFixed(2)}`,
  );
  await o.open.close();
  await o.run.drop();
}
