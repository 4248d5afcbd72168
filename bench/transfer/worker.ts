/**
 * One transfer run in its own Node process: opens one system on the run's database, drives it
 * with C loops (bench/transfer/loops.ts) for a warm-up and a measured window, and writes what it
 * measured ({@link WorkerResult}) as JSON to the file named by its second argument. Spawned by
 * bench/transfer/main.ts; the first argument is the {@link WorkerInput} as JSON.
 *
 * In the measured window it counts the system's statements, the process's CPU time
 * (`process.cpuUsage`, user + system: Prisma, the ORM, the driver and, on SQLite, the database
 * engine itself) and the longest stall of the event loop inside the window: a 5 ms
 * interval timer notes the gaps between its ticks (timers and I/O get a turn only when the
 * loops yield to the event loop). `monitorEventLoopDelay` is not used: resetting it at the
 * window's start drops a stall that began before.
 *
 * @example
 * ```sh
 * tsx bench/transfer/worker.ts '{"db":{...},"system":"uow","concurrency":8,...}' /tmp/out.json
 * ```
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { StatementCounter } from '../statement-counter.js';
import { serverCpuMs } from './server-cpu.js';
import { latencyOf, runLoops } from './loops.js';
import { systemById } from './systems/index.js';
import type { WorkerInput, WorkerResult } from './types.js';

const [inputJson, out] = process.argv.slice(2);
if (!inputJson || !out) throw new Error('usage: worker.ts <WorkerInput as JSON> <output file>');
const input = JSON.parse(inputJson) as WorkerInput;

const counter = new StatementCounter();
const system = systemById(input.system);
if (!system.databases.includes(input.db.provider)) throw new Error(`${system.id} does not run on ${input.db.provider}`);
const open = await system.open({ db: input.db, concurrency: input.concurrency, counter });

const TICK_MS = 5;
let windowAt = Number.POSITIVE_INFINITY;
let lastTick = performance.now();
let longestStall = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  if (now > windowAt) longestStall = Math.max(longestStall, now - Math.max(lastTick, windowAt) - TICK_MS);
  lastTick = now;
}, TICK_MS);
let cpuAtStart = process.cpuUsage();
let serverAtStart: number | undefined;
const stats = await runLoops((request) => open.transfer(request), input, () => {
  counter.reset();
  windowAt = performance.now();
  cpuAtStart = process.cpuUsage();
  serverAtStart = serverCpuMs(input.db.provider);
});
const cpu = process.cpuUsage(cpuAtStart);
const serverAtEnd = serverAtStart === undefined ? undefined : serverCpuMs(input.db.provider);
const statements = { transaction: counter.transaction, other: counter.other };
await sleep(2 * TICK_MS); // the ticker notes a stall that lasted until the loops ended
clearInterval(ticker);
await open.close();

const result: WorkerResult = {
  elapsedMs: stats.elapsedMs,
  committed: stats.committed,
  refused: stats.refused,
  failed: stats.failed,
  failures: stats.failures,
  retries: stats.retries,
  statements,
  cpuMs: (cpu.user + cpu.system) / 1000,
  ...(serverAtStart !== undefined && serverAtEnd !== undefined ? { serverCpuMs: serverAtEnd - serverAtStart } : {}),
  latency: latencyOf(stats.latenciesMs),
  windowMs: input.seconds * 1000,
  latencyInWindowMs: stats.latencyInWindowMs,
  perLoop: stats.perLoop,
  totalCommitted: stats.totalCommitted,
  eventLoopMaxMs: Math.max(0, longestStall),
};
await writeFile(out, JSON.stringify(result));
