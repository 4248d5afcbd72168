import Database from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { missingBenchDependencies } from '../../bench/dependencies.js';
import { StatementCounter } from '../../bench/statement-counter.js';
import { createRunDatabase, type RunDatabase } from '../../bench/transfer/database.js';
import { requests, runLoops } from '../../bench/transfer/loops.js';
import { TRANSFER_SYSTEMS } from '../../bench/transfer/systems/index.js';
import type { TransferDatabase } from '../../bench/transfer/types.js';
import { BACKENDS, mariadbSettings, skipBackend } from '../support/databases.js';

/**
 * The transfer benchmark's systems are baselines: each must be a correct transfer service, or the
 * numbers compare against nothing. Every system runs concurrent transfers over few accounts (so
 * they collide) and the benchmark's own invariant check must find nothing; the check itself must
 * find what a wrong service would leave behind.
 */

/** One statement through a direct driver connection (outside every system). */
async function execute(db: TransferDatabase, sql: string): Promise<void> {
  if (db.provider === 'sqlite') {
    const sqlite = new Database(db.url);
    sqlite.exec(sql);
    sqlite.close();
    return;
  }
  if (db.provider === 'mariadb') {
    const connection = await mariadb.createConnection({ ...mariadbSettings(db.namespace), sessionVariables: { sql_mode: 'ANSI' } });
    await connection.query(sql);
    await connection.end();
    return;
  }
  const client = new pg.Client({ connectionString: db.url, options: `-c search_path="${db.namespace}"` });
  await client.connect();
  await client.query(sql);
  await client.end();
}

async function withRun<T>(provider: TransferDatabase['provider'], accounts: number, body: (run: RunDatabase) => Promise<T>): Promise<T> {
  const run = await createRunDatabase(provider, accounts);
  try {
    return await body(run);
  } finally {
    await run.drop();
  }
}

describe('transfer benchmark requests', () => {
  it('are the same sequence for the same seed and loop, with two different accounts and a positive amount', () => {
    const [a, b] = [requests(3, 1, 10), requests(3, 1, 10)];
    const first = Array.from({ length: 50 }, a);
    expect(Array.from({ length: 50 }, b)).toEqual(first);
    for (const r of first) {
      expect(r.fromId).not.toBe(r.toId);
      expect([r.fromId, r.toId].every((id) => id >= 1 && id <= 10)).toBe(true);
      expect(Number(r.amount)).toBeGreaterThanOrEqual(1);
    }
    expect(Array.from({ length: 50 }, requests(3, 2, 10))).not.toEqual(first);
  });
});

for (const provider of BACKENDS) {
  describe.skipIf(skipBackend(provider))(`transfer benchmark systems [${provider}]`, () => {
    for (const system of TRANSFER_SYSTEMS.filter((s) => s.databases.includes(provider))) {
      // MikroORM lives in bench/node_modules: installed by `npm run bench`, not by the root install.
      const absent = system.usesBenchDependencies === true && missingBenchDependencies().length > 0;
      it.skipIf(absent)(`${system.id}: 4 loops of transfers over 3 accounts keep every invariant`, { timeout: 60_000 }, () =>
        withRun(provider, 3, async (run) => {
          const counter = new StatementCounter();
          const open = await system.open({ db: run.db, concurrency: 4, counter });
          const stats = await runLoops((r) => open.transfer(r), { concurrency: 4, accounts: 3, seconds: 0.3, warmupSeconds: 0.1, seed: 7 }, () => counter.reset()).finally(() => open.close());
          expect(stats.failures).toEqual({});
          expect(stats.committed).toBeGreaterThan(0);
          expect(await run.check(stats.totalCommitted)).toEqual([]);
          // Every finished transfer sent its statements: a refused one at least its read, a committed one
          // at least a read and a write, and BEGIN and COMMIT (the one-statement commit has none: it
          // reads once, accounts and owners together, and commits in one statement).
          const finished = stats.committed + stats.refused;
          expect(counter.other).toBeGreaterThanOrEqual(finished + stats.committed);
          if (system.id === 'uow-one-statement') expect(counter.transaction).toBeLessThan(finished); // a row short in the one statement is committed again in a transaction
          else expect(counter.transaction).toBeGreaterThanOrEqual(2 * finished);
        }),
      );
    }

    it('the invariant check names money created, a missing ledger entry, a negative balance and wrong loyalty points', () =>
      withRun(provider, 3, async (run) => {
        expect(await run.check(0)).toEqual([]);
        await execute(run.db, `UPDATE "Account" SET "balance" = -5 WHERE "id" = 1`);
        await execute(run.db, `UPDATE "User" SET "loyaltyPoints" = 10 WHERE "id" = 2`);
        const problems = (await run.check(1)).join('\n');
        expect(problems).toMatch(/total money changed: 3000 -> 1995/);
        expect(problems).toMatch(/Account#1 is negative/);
        expect(problems).toMatch(/ledger has 0 entries, 1 transfers were reported committed/);
        expect(problems).toMatch(/User#2 has 10 loyalty points, the ledger says 0/);
      }),
    );
  });
}
