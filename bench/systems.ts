/**
 * The systems compared: ways of writing one {@link Work}. Each `prepare` runs outside the timer
 * (for prisma-uow: opening a unit, loading the rows through it and changing them) and returns
 * the part that is timed (for prisma-uow: `uow.$commit()` only).
 *
 * - `sql`: hand-written SQL through the driver (`pg` / `better-sqlite3` / `mariadb`), one
 *   transaction, the fewest statements: one multi-row INSERT, one bulk UPDATE, one DELETE per step
 *   (MariaDB: each a JOIN to `JSON_TABLE` of one JSON parameter, the version check in the join).
 * - `prisma-interactive`: one Prisma call per row in an interactive `$transaction`.
 * - `prisma-array`: one Prisma call per row in an array `$transaction([...])`.
 * - `uow-bulk`, `uow-grouped`, `uow-per-row`: prisma-uow with each flush strategy.
 * - `mikro-orm`: MikroORM's `em.flush()` (bench/mikro-orm.ts), a peer unit of work.
 *
 * @example
 * ```ts
 * const timed = await SYSTEMS[0].prepare(bench, work);
 * await timed();
 * ```
 *
 * @module
 */
import { createRequire } from 'node:module';
import { Decimal } from '@prisma/client/runtime/client';
import type { FlushStrategyName } from '../src/index.js';
import type { AccountUpdate, NewEntry, Work } from './scenarios.js';
import type { BenchDatabase, Exec } from './setup.js';

/**
 * MikroORM is a dependency of the benchmark only (bench/package.json, installed into
 * bench/node_modules by `npm run bench`, see bench/dependencies.ts). Its system
 * (bench/mikro-orm.ts) is loaded on first use through a specifier TypeScript does not follow, so
 * the root type check and runs without this system do not need MikroORM installed.
 */
function mikroOrmSystem(): System {
  const module: string = './mikro-orm.js';
  const { dependencies } = createRequire(import.meta.url)('./package.json') as { dependencies: Record<string, string> };
  let loaded: Promise<System> | undefined;
  return {
    id: 'mikro-orm',
    label: `MikroORM ${dependencies['@mikro-orm/core']} em.flush()`,
    async prepare(bench, work) {
      loaded ??= (import(module) as Promise<{ mikroOrmSystem: System }>).then((m) => m.mikroOrmSystem);
      return (await loaded).prepare(bench, work);
    },
  };
}

/** One system under test. */
export interface System {
  readonly id: string;
  readonly label: string;
  /** Untimed setup; returns the timed part. */
  prepare(bench: BenchDatabase, work: Work): Promise<() => Promise<unknown>>;
}

/** SQLite's bind-parameter limit: statements are split so each stays below it. */
const SQLITE_MAX_PARAMETERS = 32_766;

function chunks<T>(items: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(SQLITE_MAX_PARAMETERS / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function expectCount(what: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`SQL baseline: ${what} changed ${got} rows, expected ${expected} (concurrent change?)`);
}

async function postgresBaseline(exec: Exec, work: Work): Promise<void> {
  if (work.inserts.length > 0) {
    const n = await exec('INSERT INTO "LedgerEntry" ("fromId", "toId", "amount") SELECT * FROM unnest($1::int4[], $2::int4[], $3::numeric[])', [
      work.inserts.map((e) => e.fromId),
      work.inserts.map((e) => e.toId),
      work.inserts.map((e) => e.amount),
    ]);
    expectCount('INSERT', n, work.inserts.length);
  }
  if (work.updates.length > 0) {
    const ids = work.updates.map((u) => u.id);
    const versions = work.updates.map((u) => u.version);
    const n = work.samePatch
      ? await exec(
          'UPDATE "Account" AS t SET "balance" = $3::numeric, "version" = t."version" + 1 FROM (SELECT unnest($1::int4[]) AS id, unnest($2::int4[]) AS v) AS d WHERE t."id" = d.id AND t."version" = d.v',
          [ids, versions, work.updates[0]!.balance],
        )
      : await exec(
          'UPDATE "Account" AS t SET "balance" = d.b, "version" = t."version" + 1 FROM (SELECT unnest($1::int4[]) AS id, unnest($2::int4[]) AS v, unnest($3::numeric[]) AS b) AS d WHERE t."id" = d.id AND t."version" = d.v',
          [ids, versions, work.updates.map((u) => u.balance)],
        );
    expectCount('UPDATE', n, work.updates.length);
  }
  if (work.deletes.length > 0) {
    expectCount('DELETE', await exec('DELETE FROM "LedgerEntry" WHERE "id" = ANY($1::int4[])', [work.deletes]), work.deletes.length);
  }
}

function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

async function sqliteBaseline(exec: Exec, work: Work): Promise<void> {
  let n = 0;
  for (const part of chunks<NewEntry>(work.inserts, 3)) {
    n += await exec(`INSERT INTO "LedgerEntry" ("fromId", "toId", "amount") VALUES ${placeholders(part.length, 3)}`, part.flatMap((e) => [e.fromId, e.toId, e.amount]));
  }
  expectCount('INSERT', n, work.inserts.length);
  n = 0;
  const where = 'WHERE "Account"."id" = d.column1 AND "Account"."version" = d.column2';
  for (const part of chunks<AccountUpdate>(work.updates, work.samePatch ? 2 : 3)) {
    n += work.samePatch
      ? await exec(`UPDATE "Account" SET "balance" = ?, "version" = "Account"."version" + 1 FROM (VALUES ${placeholders(part.length, 2)}) AS d ${where}`, [
          part[0]!.balance,
          ...part.flatMap((u) => [u.id, u.version]),
        ])
      : await exec(`UPDATE "Account" SET "balance" = d.column3, "version" = "Account"."version" + 1 FROM (VALUES ${placeholders(part.length, 3)}) AS d ${where}`, part.flatMap((u) => [u.id, u.version, u.balance]));
  }
  expectCount('UPDATE', n, work.updates.length);
  n = 0;
  for (const part of chunks(work.deletes, 1)) {
    n += await exec(`DELETE FROM "LedgerEntry" WHERE "id" IN (${part.map(() => '?').join(', ')})`, part);
  }
  expectCount('DELETE', n, work.deletes.length);
}

/**
 * MariaDB, by hand: each statement takes its rows as ONE JSON parameter unpacked by JSON_TABLE,
 * the UPDATE joined to it with the version check in the join (the fastest shape measured on
 * this machine), the DELETE as a multi-table DELETE joined the same way.
 */
async function mariadbBaseline(exec: Exec, work: Work): Promise<void> {
  if (work.inserts.length > 0) {
    const n = await exec(
      `INSERT INTO \`LedgerEntry\` (\`fromId\`, \`toId\`, \`amount\`) SELECT d.f, d.t, d.a FROM JSON_TABLE(?, '$[*]' COLUMNS(f INT PATH '$[0]', t INT PATH '$[1]', a DECIMAL(65, 30) PATH '$[2]')) AS d`,
      [JSON.stringify(work.inserts.map((e) => [e.fromId, e.toId, e.amount]))],
    );
    expectCount('INSERT', n, work.inserts.length);
  }
  if (work.updates.length > 0) {
    const n = work.samePatch
      ? await exec(
          "UPDATE `Account` AS t JOIN JSON_TABLE(?, '$[*]' COLUMNS(id INT PATH '$[0]', v INT PATH '$[1]')) AS d ON t.`id` = d.id AND t.`version` = d.v SET t.`balance` = ?, t.`version` = t.`version` + 1",
          [JSON.stringify(work.updates.map((u) => [u.id, u.version])), work.updates[0]!.balance],
        )
      : await exec(
          "UPDATE `Account` AS t JOIN JSON_TABLE(?, '$[*]' COLUMNS(id INT PATH '$[0]', v INT PATH '$[1]', b DECIMAL(65, 30) PATH '$[2]')) AS d ON t.`id` = d.id AND t.`version` = d.v SET t.`balance` = d.b, t.`version` = t.`version` + 1",
          [JSON.stringify(work.updates.map((u) => [u.id, u.version, u.balance]))],
        );
    expectCount('UPDATE', n, work.updates.length);
  }
  if (work.deletes.length > 0) {
    const n = await exec("DELETE t FROM `LedgerEntry` AS t JOIN JSON_TABLE(?, '$[*]' COLUMNS(id INT PATH '$')) AS d ON t.`id` = d.id", [JSON.stringify(work.deletes)]);
    expectCount('DELETE', n, work.deletes.length);
  }
}

function updateArgs(u: AccountUpdate) {
  return { where: { id: u.id, version: u.version }, data: { balance: u.balance, version: { increment: 1 } } };
}

function uowSystem(strategy: FlushStrategyName): System {
  return {
    id: `uow-${strategy}`,
    label: `prisma-uow ${strategy}`,
    async prepare(bench, work) {
      const uow = bench.units.begin({ strategy });
      if (work.updates.length > 0) {
        const accounts = await uow.account.find({ where: { id: { in: work.updates.map((u) => u.id) } } });
        const byId = new Map(accounts.map((a) => [a.id, a]));
        for (const u of work.updates) {
          const account = byId.get(u.id);
          if (!account || account.version !== u.version) throw new Error(`bench: Account#${u.id} not loaded at version ${u.version}`);
          account.balance = new Decimal(u.balance);
        }
      }
      for (const e of work.inserts) uow.ledgerEntry.add({ fromId: e.fromId, toId: e.toId, amount: e.amount });
      if (work.deletes.length > 0) {
        for (const entry of await uow.ledgerEntry.find({ where: { id: { in: [...work.deletes] } } })) uow.ledgerEntry.remove(entry);
      }
      return () => uow.$commit();
    },
  };
}

/** Every system, the SQL baseline first. */
export const SYSTEMS: readonly System[] = [
  {
    id: 'sql',
    label: 'SQL baseline (driver)',
    async prepare(bench, work) {
      const write = bench.name === 'postgresql' ? postgresBaseline : bench.name === 'mariadb' ? mariadbBaseline : sqliteBaseline;
      return () => bench.raw.transaction((exec) => write(exec, work));
    },
  },
  {
    id: 'prisma-interactive',
    label: 'Prisma per row, $transaction(fn)',
    async prepare(bench, work) {
      const prisma = bench.db.prisma;
      return () =>
        prisma.$transaction(
          async (tx) => {
            for (const e of work.inserts) await tx.ledgerEntry.create({ data: e });
            for (const u of work.updates) await tx.account.update(updateArgs(u));
            for (const id of work.deletes) await tx.ledgerEntry.delete({ where: { id } });
          },
          { timeout: 600_000, maxWait: 60_000 },
        );
    },
  },
  {
    id: 'prisma-array',
    label: 'Prisma per row, $transaction([...])',
    async prepare(bench, work) {
      const prisma = bench.db.prisma;
      return () =>
        prisma.$transaction([
          ...work.inserts.map((e) => prisma.ledgerEntry.create({ data: e })),
          ...work.updates.map((u) => prisma.account.update(updateArgs(u))),
          ...work.deletes.map((id) => prisma.ledgerEntry.delete({ where: { id } })),
        ]);
    },
  },
  uowSystem('bulk'),
  uowSystem('grouped'),
  uowSystem('per-row'),
  mikroOrmSystem(),
];
