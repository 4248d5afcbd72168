/**
 * The cost of `checkReads` (issue 13): a unit reads 10,000 rows and writes 10, with and without
 * `{ checkReads: true }`, on PostgreSQL. Both variants run alternately in the same process
 * against the same tables; the report gives the median of the runs, the ratio to the unit
 * without checks, and the statements each unit sent. Two row kinds: versioned `Account` rows
 * (the check compares `version`) and unversioned `User` rows (it compares every field).
 *
 *   npx tsx bench/check-reads.ts            # 9 runs per variant
 *   npx tsx bench/check-reads.ts --runs 15
 *
 * Writes `bench/results/check-reads-latest.md` and `bench/results/check-reads-latest.json`.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { createUnits } from 'prisma-uow';
import { PrismaClient } from '../test/generated/postgresql/prisma/client.js';
import { schema } from '../test/generated/postgresql/uow/index.js';
import { median } from './measure.js';
import { StatementCounter } from './statement-counter.js';
import { createStormDatabase } from './storm/database.js';

const ROWS = 10_000;
const WRITES = 10;

interface Variant {
  readonly reads: 'Account' | 'User';
  readonly checkReads: boolean;
}

interface VariantResult extends Variant {
  readonly ms: number[];
  readonly statements: number;
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);

const { db, drop } = await createStormDatabase('postgresql');
const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: db.url, options: `-c search_path="${db.namespace}"`, max: 4 }, { schema: db.namespace! }),
  log: [{ emit: 'event', level: 'query' }],
});
const counter = new StatementCounter();
prisma.$on('query', (e) => counter.add(e.query));

try {
  await prisma.user.createMany({ data: Array.from({ length: ROWS }, (_, i) => ({ name: `user${i}` })) });
  const users = await prisma.user.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  await prisma.account.createMany({ data: users.map((u) => ({ ownerId: u.id, balance: 1000 })) });
  const units = createUnits({ prisma, schema });

  /** One unit: read 10,000 rows, change the balance of 10 accounts. */
  const unit = async ({ reads, checkReads }: Variant): Promise<number> => {
    counter.reset();
    const started = performance.now();
    await units.run(
      async (uow) => {
        const read = reads === 'Account' ? await uow.account.find({ orderBy: { id: 'asc' } }) : await uow.user.find({ orderBy: { id: 'asc' } });
        if (read.length !== ROWS) throw new Error(`read ${read.length} rows, expected ${ROWS}`);
        const written = reads === 'Account' ? (read as { balance: { plus(n: number): unknown } }[]).slice(0, WRITES) : await uow.account.find({ take: WRITES, orderBy: { id: 'asc' } });
        for (const account of written as { balance: { plus(n: number): never } }[]) account.balance = account.balance.plus(1);
      },
      { checkReads },
    );
    return performance.now() - started;
  };

  const variants: Variant[] = [
    { reads: 'Account', checkReads: false },
    { reads: 'Account', checkReads: true },
    { reads: 'User', checkReads: false },
    { reads: 'User', checkReads: true },
  ];
  const results: VariantResult[] = variants.map((v) => ({ ...v, ms: [], statements: 0 }));
  for (const v of variants) await unit(v); // warm-up
  for (let i = 0; i < runs; i++) {
    for (const [j, v] of variants.entries()) {
      const ms = await unit(v);
      results[j] = { ...results[j]!, ms: [...results[j]!.ms, ms], statements: counter.other + counter.transaction };
    }
  }

  const rows = results.map((r) => {
    const base = results.find((b) => b.reads === r.reads && !b.checkReads)!;
    return { ...r, median: median(r.ms), ratio: median(r.ms) / median(base.ms) };
  });
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}`;
  const table = [
    `# Cost of checkReads (PostgreSQL)`,
    '',
    `A unit reads ${ROWS.toLocaleString('en')} rows and writes ${WRITES} accounts; median of ${runs} runs per variant, run alternately in one process. Ratio: to the same unit without checkReads. Statements: all statements one unit sent (BEGIN/COMMIT included).`,
    '',
    `Machine: ${machine}. Written by \`npx tsx bench/check-reads.ts\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| rows read | checkReads | median ms | ratio | statements |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.reads} (${r.reads === 'Account' ? 'versioned' : 'unversioned'}) | ${r.checkReads ? 'yes' : 'no'} | ${r.median.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.statements} |`),
    '',
  ].join('\n');
  console.log(table);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}check-reads-latest.md`, table);
  await writeFile(`${dir}check-reads-latest.json`, JSON.stringify({ machine, runs, rows: ROWS, writes: WRITES, results: rows }, null, 2) + '\n');
} finally {
  await prisma.$disconnect();
  await drop();
}
