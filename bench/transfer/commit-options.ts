/**
 * How few round trips can a small unit's commit take on PostgreSQL, and what does each option
 * cost? The writes of one transfer with declared deltas (a ledger INSERT, the two balances as
 * `balance = balance + Δ` with the `>= 0` bound, the owner's `loyaltyPoints + 10`), sent through
 * the same counted Prisma Client the transfer workload uses, one at a time (C = 1), as:
 *
 * - `interactive`: `prisma.$transaction(async (tx) => ...)`: BEGIN, 3 statements, COMMIT (today's commit);
 * - `batch`: `prisma.$transaction([...])`: the same statements handed over at once;
 * - `one statement`: ONE statement of data-modifying CTEs, atomic without BEGIN/COMMIT, whose
 *   final SELECT aborts it (a failing cast naming the rows) when a check or bound fails;
 * - `pg` (the driver alone): BEGIN ... COMMIT against the one statement, for the floor.
 *
 * Pipelining is not an option through Prisma: its driver adapters await each statement's result
 * before sending the next. Writes bench/results/commit-options.md (median latency and client CPU
 * per commit over `--n` commits, after a warm-up; statements counted by the adapter).
 *
 *   npx tsx bench/transfer/commit-options.ts --n 2000
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { sqltag as sql } from '@prisma/client/runtime/client';
import pg from 'pg';
import { useBenchPostgres } from '../database-url.js';
import { StatementCounter } from '../statement-counter.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, out: { type: 'string', default: 'bench/results/commit-options.md' } } });
const N = Number(values.n);
await useBenchPostgres();
const { createRunDatabase } = await import('./database.js');
const { prismaClient, searchPathOption } = await import('./clients.js');

const run = await createRunDatabase('postgresql', 100);
const counter = new StatementCounter();
const { prisma } = await prismaClient({ db: run.db, concurrency: 1, counter });
const driver = new pg.Client({ connectionString: run.db.url, options: searchPathOption(run.db) });
await driver.connect();

type Tx = { $executeRaw(query: object): Promise<number>; $queryRaw<T>(query: object): Promise<T> };
const client = prisma as unknown as Tx & { $transaction(arg: unknown): Promise<unknown> };

const ledger = () => sql`INSERT INTO "LedgerEntry" ("fromId", "toId", "amount", "createdAt") VALUES (${1}, ${2}, ${'0.01'}::numeric, now())`;
const balances = () =>
  sql`UPDATE "Account" AS t SET "balance" = t."balance" + d.delta FROM (SELECT unnest(${'{1,2}'}::int4[]) AS id, unnest(${'{-0.01,0.01}'}::numeric[]) AS delta) AS d WHERE t."id" = d.id AND t."balance" + d.delta >= 0`;
const points = () => sql`UPDATE "User" AS t SET "loyaltyPoints" = t."loyaltyPoints" + ${10}::int4 WHERE t."id" = ${1}`;
const ONE_TEXT = `WITH i AS (INSERT INTO "LedgerEntry" ("fromId", "toId", "amount", "createdAt") VALUES ($1, $2, $3::numeric, now()) RETURNING "id"),
  a AS (UPDATE "Account" AS t SET "balance" = t."balance" + d.delta FROM (SELECT unnest($4::int4[]) AS id, unnest($5::numeric[]) AS delta) AS d WHERE t."id" = d.id AND t."balance" + d.delta >= 0 RETURNING t."id", t."balance"),
  u AS (UPDATE "User" AS t SET "loyaltyPoints" = t."loyaltyPoints" + $6::int4 WHERE t."id" = $7 RETURNING t."id", t."loyaltyPoints")
SELECT (SELECT "id" FROM i) AS "ledger", CASE WHEN (SELECT count(*) FROM a) < 2 OR (SELECT count(*) FROM u) < 1
  THEN ('prisma-uow: rows not written: Account ' || coalesce((SELECT string_agg(x::text, ',') FROM unnest($4::int4[]) AS x WHERE x NOT IN (SELECT "id" FROM a)), ''))::int4 END AS "check"`;
const oneParams = [1, 2, '0.01', '{1,2}', '{-0.01,0.01}', 10, 1];

/** The one-statement commit as a Prisma.sql fragment (its text with the parameters bound). */
function oneStatement(): object {
  const parts = ONE_TEXT.split(/\$\d/);
  const order = [...ONE_TEXT.matchAll(/\$(\d)/g)].map((m) => oneParams[Number(m[1]) - 1]);
  return sql(parts, ...order);
}

const options: Record<string, () => Promise<unknown>> = {
  'Prisma interactive $transaction(fn): BEGIN, INSERT, UPDATE, UPDATE, COMMIT': () =>
    client.$transaction(async (tx: Tx) => {
      await tx.$executeRaw(ledger());
      await tx.$executeRaw(balances());
      await tx.$executeRaw(points());
    }),
  'Prisma batch $transaction([...]): BEGIN, INSERT, UPDATE, UPDATE, COMMIT': () => client.$transaction([client.$executeRaw(ledger()), client.$executeRaw(balances()), client.$executeRaw(points())]),
  'Prisma, ONE statement of data-modifying CTEs (autocommit)': () => client.$queryRaw(oneStatement()),
  'pg driver: BEGIN, INSERT, UPDATE, UPDATE, COMMIT': async () => {
    await driver.query('BEGIN');
    await driver.query(`INSERT INTO "LedgerEntry" ("fromId", "toId", "amount", "createdAt") VALUES ($1, $2, $3::numeric, now())`, [1, 2, '0.01']);
    await driver.query(
      `UPDATE "Account" AS t SET "balance" = t."balance" + d.delta FROM (SELECT unnest($1::int4[]) AS id, unnest($2::numeric[]) AS delta) AS d WHERE t."id" = d.id AND t."balance" + d.delta >= 0`,
      ['{1,2}', '{-0.01,0.01}'],
    );
    await driver.query(`UPDATE "User" AS t SET "loyaltyPoints" = t."loyaltyPoints" + $1::int4 WHERE t."id" = $2`, [10, 1]);
    await driver.query('COMMIT');
  },
  'pg driver: ONE statement of data-modifying CTEs': () => driver.query(ONE_TEXT, oneParams),
};

const rows: string[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, commit] of Object.entries(options)) {
  for (let i = 0; i < 200; i++) await commit();
  const latencies: number[] = [];
  const before = counter.transaction + counter.other;
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await commit();
    latencies.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const statements = name.startsWith('pg') ? (name.includes('ONE') ? 1 : 5) : (counter.transaction + counter.other - before) / N;
  rows.push(`| ${name} | ${statements.toFixed(1)} | ${median(latencies).toFixed(3)} | ${((used.user + used.system) / 1000 / N).toFixed(3)} |`);
  process.stderr.write(`${rows.at(-1)}\n`);
}
// The checks abort the one statement: a bound broken (Account 1 cannot pay 10^9) names the rows, and nothing is written.
const failing = await driver.query(ONE_TEXT, [1, 2, '1000000000', '{1,2}', '{-1000000000,1000000000}', 10, 1]).then(
  () => 'not aborted',
  (error: unknown) => (error as Error).message,
);
await driver.end();
await prisma.$disconnect();
const version = await run.version();
await run.drop();
const text = `<!-- Written by bench/transfer/commit-options.ts. Do not edit. -->

# Commit options on PostgreSQL: the writes of one transfer

\`npx tsx bench/transfer/commit-options.ts --n ${N}\` on ${version}, one commit at a time, median of ${N} after 200 warm-up commits.
Statements as the counting adapter saw them (BEGIN/COMMIT included); CPU is the client process's user+system time per commit.

| option | statements | p50 ms | client CPU ms |
| --- | ---: | ---: | ---: |
${rows.join('\n')}

A failing check aborts the one statement, naming the rows, and writes nothing: \`${failing.replaceAll('`', "'")}\`
`;
await writeFile(values.out, text);
process.stderr.write(text);
