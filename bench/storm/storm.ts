/**
 * The transfer storm: several OS processes run random transfers between a few accounts, so
 * conflicts are frequent and in both directions; afterwards the invariants are checked.
 *
 *   npx tsx bench/storm/storm.ts --db postgresql --processes 8 --transfers 500 --accounts 10
 *   npx tsx bench/storm/storm.ts --db sqlite --processes 4 --transfers 500 --accounts 10
 *   npx tsx bench/storm/storm.ts --db mariadb --processes 8 --transfers 500 --accounts 10
 *   npx tsx bench/storm/storm.ts --db postgresql --freeze 5   # and freeze 5 users meanwhile
 *
 * @module
 */
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectStormClient, createStormDatabase, type StormProvider } from './database.js';
import { checkFreezes, freezeUsers, type Freeze } from './freezer.js';
import { checkInvariants } from './invariants.js';
import type { WorkerReport } from './worker.js';

/** Options of {@link runStorm}. */
export interface StormOptions {
  provider: StormProvider;
  processes: number;
  transfersPerProcess: number;
  accounts: number;
  initialBalance?: number;
  /** Use the bank schema's declared deltas (`balance` `@delta(min: 0)`, `loyaltyPoints` `@delta`). */
  deltas?: boolean;
  /** Freeze this many users (one account each) while the workers run (default 0), one per `freezeEvery` transfers committed (default 10). */
  freezeUsers?: number;
  freezeEvery?: number;
}

/** What a storm measured, and the invariants it broke (none, we hope). */
export interface StormReport extends Omit<WorkerReport, 'failed'> {
  provider: StormProvider;
  accounts: number;
  deltas: boolean;
  processes: number;
  attempted: number;
  failed: Record<string, number>;
  seconds: number;
  transfersPerSecond: number;
  violations: string[];
  /** The users frozen during the storm. */
  freezes: Freeze[];
}

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Runs one storm and checks the invariants. */
export async function runStorm(options: StormOptions): Promise<StormReport> {
  const { db, drop } = await createStormDatabase(options.provider);
  try {
    const { prisma } = await connectStormClient(db);
    const initialBalance = options.initialBalance ?? 1000;
    const accountIds: number[] = [];
    const userIds: number[] = [];
    for (let i = 0; i < options.accounts; i++) {
      const user = await prisma.user.create({ data: { name: `user${i}` } });
      userIds.push(user.id);
      accountIds.push((await prisma.account.create({ data: { ownerId: user.id, balance: initialBalance } })).id);
    }
    let finished = false;
    const freezing = freezeUsers(db, userIds.slice(0, options.freezeUsers ?? 0), options.freezeEvery ?? 10, () => finished);
    const initial = new Map(accountIds.map((id) => [id, String(initialBalance)]));
    const started = performance.now();
    const reports = await Promise.all(
      Array.from({ length: options.processes }, (_, i) =>
        new Promise<WorkerReport>((resolve, reject) => {
          const child = fork(workerPath, [JSON.stringify(db), String(options.transfersPerProcess), JSON.stringify(accountIds), String(i + 1), options.deltas ? 'deltas' : 'plain'], {
            execArgv: ['--import', 'tsx'],
          });
          let report: WorkerReport | undefined;
          child.on('message', (m) => (report = m as WorkerReport));
          child.on('error', reject);
          child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`storm worker ${i} exited with ${code} and no report`))));
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    finished = true;
    const freezes = await freezing;
    const accounts = (await prisma.account.findMany({ orderBy: { id: 'asc' } })).map((a) => ({ id: a.id, balance: a.balance.toString() }));
    const ledger = (await prisma.ledgerEntry.findMany()).map((e) => ({ fromId: e.fromId, toId: e.toId, amount: e.amount.toString() }));
    await prisma.$disconnect();
    const sum = (key: 'committed' | 'rejected' | 'retries' | 'conflicts' | 'boundRetries' | 'deadlocksReachingCaller') => reports.reduce((s, r) => s + r[key], 0);
    const failed: Record<string, number> = {};
    for (const r of reports) for (const [k, v] of Object.entries(r.failed)) failed[k] = (failed[k] ?? 0) + v;
    const committed = sum('committed');
    return {
      provider: options.provider,
      accounts: options.accounts,
      deltas: options.deltas ?? false,
      processes: options.processes,
      attempted: options.processes * options.transfersPerProcess,
      committed,
      rejected: sum('rejected'),
      retries: sum('retries'),
      conflicts: sum('conflicts'),
      boundRetries: sum('boundRetries'),
      deadlocksReachingCaller: sum('deadlocksReachingCaller'),
      failed,
      seconds,
      transfersPerSecond: committed / seconds,
      violations: [...checkInvariants(initial, accounts, ledger, committed), ...checkFreezes(freezes, ledger)],
      freezes,
    };
  } finally {
    await drop();
  }
}

/** One line per figure, for the terminal and the README. */
export function formatStorm(r: StormReport): string {
  return [
    `storm on ${r.provider}: ${r.processes} processes x ${r.attempted / r.processes} transfers between ${r.accounts} accounts${r.deltas ? ', declared deltas' : ''}`,
    `  committed ${r.committed}, refused by domain rules ${r.rejected}, failed ${JSON.stringify(r.failed)}`,
    `  retries ${r.retries} (conflicts ${r.conflicts}, delta bounds ${r.boundRetries}), deadlock errors reaching callers ${r.deadlocksReachingCaller}`,
    `  ${r.seconds.toFixed(1)} s, ${r.transfersPerSecond.toFixed(0)} committed transfers/s`,
    ...(r.freezes.length > 0 ? [`  froze ${r.freezes.length} users meanwhile (after ${r.freezes.map((f) => f.sentAtFreeze).join(', ')} transfers sent)`] : []),
    r.violations.length === 0 ? '  invariants: all hold' : `  INVARIANTS BROKEN:\n    ${r.violations.join('\n    ')}`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'postgresql' },
      processes: { type: 'string', default: '8' },
      transfers: { type: 'string', default: '500' },
      accounts: { type: 'string', default: '10' },
      balance: { type: 'string', default: '1000' },
      deltas: { type: 'boolean', default: false },
      out: { type: 'string' },
      freeze: { type: 'string', default: '0' },
    },
  });
  const report = await runStorm({
    provider: values.db as StormProvider,
    processes: Number(values.processes),
    transfersPerProcess: Number(values.transfers),
    accounts: Number(values.accounts),
    initialBalance: Number(values.balance),
    deltas: values.deltas,
    freezeUsers: Number(values.freeze),
  });
  console.log(formatStorm(report));
  if (values.out) {
    const command = `npx tsx bench/storm/storm.ts ${process.argv.slice(2).join(' ')}`;
    await writeFile(values.out, `<!-- Written by bench/storm/storm.ts. Do not edit. -->\n\n\`${command}\`\n\n\`\`\`\n${formatStorm(report)}\n\`\`\`\n\n\`\`\`json\n${JSON.stringify(report, null, 2)}\n\`\`\`\n`);
  }
  process.exitCode = report.violations.length === 0 && Object.keys(report.failed).length === 0 ? 0 : 1;
}
