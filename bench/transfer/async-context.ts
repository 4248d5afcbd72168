/**
 * What Node's `AsyncLocalStorage` costs a Prisma service, and what `createUnits({ asyncContext:
 * false })` saves: the bank transfer on SQLite (10 accounts, C transfers in flight), by hand-written
 * FOR UPDATE Prisma and by prisma-uow's interactive unit, in processes where prisma-uow's async
 * context is on (`uow-interactive`: its first `run` enables the hook, for every promise of the
 * process) and in processes where it is off (`uow-interactive-no-context`). Each round runs one
 * process per setting, alternately; in each process both systems run in interleaved blocks.
 * Reports per setting and system the median over rounds of client CPU ms per transfer
 * (`process.cpuUsage`) and transfers/s, and writes bench/results/async-context.md.
 *
 * Flags: `--rounds 4`, `--concurrency 32`, `--transfers 2000` (per block), `--blocks 4`.
 *
 * @example
 * ```sh
 * npx tsx bench/transfer/async-context.ts --rounds 4
 * ```
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StatementCounter } from '../statement-counter.js';
import { createRunDatabase } from './database.js';
import { requests } from './loops.js';
import { systemById } from './systems/index.js';
import type { TransferRequest } from './types.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string' }, concurrency: { type: 'string' }, transfers: { type: 'string' }, blocks: { type: 'string' } },
});
const C = Number(flags.concurrency ?? 32);
const PER_BLOCK = Number(flags.transfers ?? 2000);
const BLOCKS = Number(flags.blocks ?? 4);
const HAND_WRITTEN = 'prisma-for-update';
const SETTINGS = { on: 'uow-interactive', off: 'uow-interactive-no-context' } as const;
type Setting = keyof typeof SETTINGS;
type Measured = Record<string, { cpu: number; perSecond: number }>;

/** One process: both systems on fresh databases, blocks interleaved; medians over blocks. */
async function child(setting: Setting): Promise<Measured> {
  const ids = [SETTINGS[setting], HAND_WRITTEN];
  const opened: { id: string; open: Awaited<ReturnType<ReturnType<typeof systemById>['open']>>; next: (() => TransferRequest)[]; cpu: number[]; wall: number[] }[] = [];
  for (const id of ids) {
    const run = await createRunDatabase('sqlite', 10);
    const open = await systemById(id).open({ db: run.db, concurrency: C, counter: new StatementCounter() });
    const next = Array.from({ length: C }, (_, loop) => requests(1, loop, 10));
    opened.push({ id, open, next, cpu: [], wall: [] });
  }
  const drive = async (o: (typeof opened)[number], n: number) => {
    let left = n;
    await Promise.all(o.next.map(async (next) => {
      while (left-- > 0) await o.open.transfer(next());
    }));
  };
  for (const o of opened) await drive(o, 300); // warm-up (and, with the context on, its hook enabled)
  for (let b = 0; b < BLOCKS; b++) {
    for (const o of b % 2 === 1 ? [...opened].reverse() : opened) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await drive(o, PER_BLOCK);
      const used = process.cpuUsage(cpu);
      o.cpu.push((used.user + used.system) / 1000 / PER_BLOCK);
      o.wall.push((performance.now() - started) / PER_BLOCK);
    }
  }
  for (const o of opened) await o.open.close();
  return Object.fromEntries(opened.map((o) => [o.id === HAND_WRITTEN ? HAND_WRITTEN : 'prisma-uow', { cpu: median(o.cpu), perSecond: 1000 / median(o.wall) }]));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (positionals[0] === 'child') {
  console.log(JSON.stringify(await child(positionals[1] as Setting)));
  process.exit(0);
}

const rounds = Number(flags.rounds ?? 4);
const started = Date.now();
const results: Record<Setting, Measured[]> = { on: [], off: [] };
const self = fileURLToPath(import.meta.url);
for (let round = 0; round < rounds; round++) {
  for (const setting of (round % 2 ? ['off', 'on'] : ['on', 'off']) as Setting[]) {
    const args = [...process.execArgv, self, 'child', setting, `--concurrency=${C}`, `--transfers=${PER_BLOCK}`, `--blocks=${BLOCKS}`];
    const out = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`async-context child (${setting}) failed: ${out.stderr}`);
    const measured = JSON.parse(out.stdout.trim().split('\n').pop()!) as Measured;
    results[setting].push(measured);
    console.log(`round ${round + 1} context ${setting}: ${Object.entries(measured).map(([k, v]) => `${k} ${v.cpu.toFixed(3)} ms CPU, ${v.perSecond.toFixed(0)}/s`).join('; ')}`);
  }
}
const row = (setting: Setting, system: string) => {
  const cpu = results[setting].map((m) => m[system]!.cpu);
  const rate = results[setting].map((m) => m[system]!.perSecond);
  return `| ${setting === 'on' ? 'on (default)' : 'off (`asyncContext: false`)'} | ${system === HAND_WRITTEN ? 'Prisma $transaction(fn), hand-written' : 'prisma-uow { interactive: true }'} | ${median(cpu).toFixed(3)} | ${median(rate).toFixed(0)} | ${cpu.map((c) => c.toFixed(2)).join(', ')} |`;
};
const report = [
  '<!-- Written by bench/transfer/async-context.ts. Do not edit. -->',
  '',
  '# What the async context costs',
  '',
  `Run ${new Date().toISOString()}, \`npx tsx bench/transfer/async-context.ts --rounds ${rounds} --concurrency ${C} --transfers ${PER_BLOCK} --blocks ${BLOCKS}\`, ${((Date.now() - started) / 1000).toFixed(0)} s; ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, Node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
  '',
  `The bank transfer on SQLite (10 accounts, ${C} in flight). Each round runs one process with prisma-uow's async context on (its \`run\` uses AsyncLocalStorage, whose hook then runs for every promise of the process) and one with it off, alternately; in each process prisma-uow's interactive unit and a hand-written Prisma \`$transaction(fn)\` (the benchmark's FOR UPDATE system) run in ${BLOCKS} interleaved blocks of ${PER_BLOCK} transfers. Per process, the median over blocks; here the median over ${rounds} rounds (and each round's value).`,
  '',
  '| async context | system | client CPU ms per transfer | transfers/s | per round |',
  '|---|---|---:|---:|---|',
  row('on', 'prisma-uow'),
  row('on', HAND_WRITTEN),
  row('off', 'prisma-uow'),
  row('off', HAND_WRITTEN),
  '',
  'The hand-written system never uses the context: what it costs more where the context is on is what the hook costs every promise of the process.',
  '',
].join('\n');
await writeFile('bench/results/async-context.md', report);
console.log(report);
