/**
 * What each statement of one bank transfer costs the PostgreSQL server and the client: runs the
 * transfer once per prisma-uow mode (default, `oneStatement: true`) through a client whose
 * adapter records every statement with its arguments, then sends each recorded statement again
 * `--n` times (default 1,000) through the same driver adapter, one after another, and reports
 * per statement the CPU of the local `postgres` processes (`server-cpu.ts`), the client's CPU
 * and the wall time. Writes (transfers of 0.01 between fresh accounts) commit each time, so
 * commits are included. Linux, local server only; nothing else should use it meanwhile.
 *
 * Flags: `--n 1000`, `--out bench/results/transfer-statement-cpu.md`.
 *
 * @example
 * ```sh
 * npx tsx bench/transfer/statement-cpu.ts --n 1000
 * ```
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { bank } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { createUnits, type RunOptions } from '../../src/index.js';
import { openDatabase } from '../../test/support/databases.js';
import { withBankDeltas } from '../bank-deltas.js';
import { serverCpuMs } from './server-cpu.js';

const { values: flags } = parseArgs({ options: { n: { type: 'string' }, out: { type: 'string' } } });
const n = Number(flags.n ?? 1000);
const out = flags.out ?? 'bench/results/transfer-statement-cpu.md';

/** Records every query sent through adapters of `base` (outside and inside transactions). */
function recording(base: SqlDriverAdapterFactory, seen: SqlQuery[]): SqlDriverAdapterFactory {
  const wrap = <T extends object>(target: T, extra: Partial<Record<string | symbol, unknown>> = {}): T =>
    new Proxy(target, {
      get(t, key) {
        if (key in extra) return extra[key];
        if (key === 'queryRaw') return (q: SqlQuery) => (seen.push(q), (t as unknown as SqlDriverAdapter).queryRaw(q));
        const value: unknown = Reflect.get(t, key, t);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  return wrap(base, {
    connect: async () => {
      const adapter = await base.connect();
      return wrap(adapter, { startTransaction: async (...args: never[]) => wrap((await (adapter.startTransaction as (...a: never[]) => Promise<Transaction>)(...args)) as Transaction) });
    },
  });
}

const db = await openDatabase('postgresql');
const rows: string[] = [];
try {
  const owner = await db.prisma.user.create({ data: { name: 'Ann' } });
  await db.prisma.account.createMany({ data: Array.from({ length: 10 }, () => ({ ownerId: owner.id, balance: 10_000 })) });
  const seen: SqlQuery[] = [];
  const { PrismaClient } = await import('../../test/generated/postgresql/prisma/client.js');
  const prisma = new PrismaClient({ adapter: recording(db.adapter(), seen) });
  const units = createUnits({ prisma: prisma as never, schema: withBankDeltas(db.schema), ...bank });
  const replay = await db.adapter().connect();
  const modes: [string, RunOptions][] = [
    ['default', {}],
    ['oneStatement: true', { oneStatement: true }],
  ];
  for (const [mode, options] of modes) {
    await units.run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: '0.01' }), options); // warm
    seen.length = 0;
    await units.run((uow) => transfer(uow, { fromId: 3, toId: 4, amount: '0.01' }), options);
    const recorded = seen.filter((q) => !/^(BEGIN|COMMIT)\b/i.test(q.sql));
    let server = 0;
    let client = 0;
    for (const q of recorded) {
      for (let i = 0; i < Math.min(100, n); i++) await replay.queryRaw(q);
      const s0 = serverCpuMs('postgresql') ?? Number.NaN;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await replay.queryRaw(q);
      const wall = (performance.now() - t0) / n;
      const c = process.cpuUsage(c0);
      const s = ((serverCpuMs('postgresql') ?? Number.NaN) - s0) / n;
      const cpu = (c.user + c.system) / 1000 / n;
      server += s;
      client += cpu;
      const text = q.sql.replace(/"uow_test_[0-9a-f]+"\./g, '').replace(/\s+/g, ' ');
      rows.push(`| ${mode} | \`${text.slice(0, 90).replaceAll('|', '\\|')}${text.length > 90 ? '…' : ''}\` (${q.args.length} params, ${text.length} chars) | ${s.toFixed(3)} | ${cpu.toFixed(3)} | ${wall.toFixed(3)} |`);
    }
    rows.push(`| ${mode} | **all of the above** (BEGIN/COMMIT not replayed) | **${server.toFixed(3)}** | **${client.toFixed(3)}** | |`);
  }
  await prisma.$disconnect();
} finally {
  await db.dispose();
}
const report = [
  '# Server and client CPU per statement of one bank transfer',
  '',
  `Run ${new Date().toISOString()} with \`npx tsx bench/transfer/statement-cpu.ts --n ${n}\`; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
  `Each statement of one transfer sent again ${n} times in a row through the Prisma PostgreSQL driver adapter (after 100 warm-up sends); server = CPU of the local postgres processes, client = this process. Per send, in ms.`,
  '',
  '| mode | statement | server CPU ms | client CPU ms | wall ms |',
  '|---|---|---:|---:|---:|',
  ...rows,
  '',
].join('\n');
await writeFile(out, report);
console.log(report);
process.exit(0);
