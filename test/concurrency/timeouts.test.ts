import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { DatabaseError, isRetryableError } from 'prisma-uow';
import { contract, seedBank, type DatabaseTarget } from '../contract/harness.js';
import { postgresAvailable } from '../support/databases.js';

/**
 * Issue 10, item 12: `transaction: { timeout }` bounds the whole transaction, lock waits
 * included. Another connection holds a lock longer than the timeout; the unit fails within
 * timeout + 1 s with kind `timeout`, and nothing of it is written.
 */

const TIMEOUT = 1_500;

/** Something holding row locks (PostgreSQL) or the write lock (SQLite) until `release()`. */
interface Holder {
  release(): Promise<void>;
}

/** PostgreSQL: a separate connection locks rows `FOR UPDATE` until released (or `ms` have passed). */
async function holdRows(t: DatabaseTarget, model: string, ids: readonly number[], ms: number): Promise<Holder> {
  const client = new pg.Client({ connectionString: postgresAvailable.url, options: `-c search_path="${t.db.namespace}"` });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM "${model}" WHERE id = ANY($1::int4[]) FOR UPDATE`, [ids]);
  let released: Promise<void> | undefined;
  const release = () => (released ??= client.query('COMMIT').then(() => client.end()));
  void sleep(ms).then(release);
  return { release };
}

/** SQLite: a second connection writes in a transaction and keeps it open until released. */
async function holdDatabase(t: DatabaseTarget, ms: number): Promise<Holder> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => {
    void t.db.other.$transaction(
      async (tx) => {
        await tx.user.updateMany({ data: { name: 'held' }, where: { id: -1 } });
        await tx.$executeRawUnsafe(`UPDATE "User" SET "loyaltyPoints" = "loyaltyPoints" WHERE id = -1`);
        resolve();
        await Promise.race([released, sleep(ms)]);
      },
      { timeout: ms + 5_000 },
    );
  });
  await started;
  return { release: async () => release() };
}

/** How long `run` takes to settle, and how. */
async function timed(run: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, error };
}

function expectTimedOut(result: { ms: number; error: unknown }): void {
  expect(result.error).toBeInstanceOf(DatabaseError);
  expect(result.error).toMatchObject({ kind: 'timeout' });
  expect(isRetryableError(result.error)).toBe(true);
  expect(result.ms).toBeLessThan(TIMEOUT + 1_000);
}

contract(
  'transaction timeout bounds lock waits (PostgreSQL)',
  (t) => {
    let holders: Holder[] = [];
    afterEach(async () => {
      await Promise.all(holders.map((h) => h.release()));
      holders = [];
    });

    it('a commit waiting on a row lock held longer than the timeout fails with kind timeout; nothing is written', async () => {
      const ids = await seedBank(t);
      holders.push(await holdRows(t, 'Account', [ids.bobAccount], 6_000));
      const result = await timed(() =>
        t.units.run(
          async (uow) => {
            const a = await uow.account.get(ids.aliceAccount);
            const b = await uow.account.get(ids.bobAccount);
            a.balance = a.balance.minus(5);
            b.balance = b.balance.plus(5);
            uow.ledgerEntry.add({ from: a, to: b, amount: 5 });
          },
          { transaction: { timeout: TIMEOUT } },
        ),
      );
      expectTimedOut(result);
      await holders[0]!.release();
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '50']);
      expect(await t.rows('LedgerEntry')).toEqual([]);
    });

    it('lock waits in turn, on rows held by two transactions, are bounded by one timeout', async () => {
      const ids = await seedBank(t);
      holders.push(await holdRows(t, 'Account', [ids.aliceAccount], TIMEOUT * 0.8));
      holders.push(await holdRows(t, 'Account', [ids.bobAccount], 6_000));
      const result = await timed(() =>
        t.units.run(
          async (uow) => {
            for (const id of [ids.aliceAccount, ids.bobAccount]) {
              const a = await uow.account.get(id);
              a.balance = a.balance.plus(1);
            }
          },
          { transaction: { timeout: TIMEOUT } },
        ),
      );
      expectTimedOut(result);
      await holders[1]!.release();
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '50']);
    });

    it('an interactive unit waiting on a locking read fails with kind timeout', async () => {
      const ids = await seedBank(t);
      holders.push(await holdRows(t, 'Account', [ids.aliceAccount], 6_000));
      const result = await timed(() =>
        t.units.run(
          async (uow) => {
            const a = await uow.account.get(ids.aliceAccount, { lock: 'update' });
            a.balance = a.balance.plus(1);
          },
          { interactive: true, transaction: { timeout: TIMEOUT } },
        ),
      );
      expectTimedOut(result);
    });

    it('an interactive unit whose commit waits on a row lock fails with kind timeout', async () => {
      const ids = await seedBank(t);
      holders.push(await holdRows(t, 'Account', [ids.bobAccount], 6_000));
      const result = await timed(() =>
        t.units.run(
          async (uow) => {
            const b = await uow.account.get(ids.bobAccount);
            b.balance = b.balance.plus(1);
          },
          { interactive: true, transaction: { timeout: TIMEOUT } },
        ),
      );
      expectTimedOut(result);
      await holders[0]!.release();
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '50']);
    });
  },
  { backends: ['postgresql'] },
);

contract(
  'transaction timeout bounds the wait for the database lock (SQLite)',
  (t) => {
    let holder: Holder | undefined;
    afterEach(async () => {
      await holder?.release();
      holder = undefined;
    });

    it('a commit waiting while another connection holds the write lock fails with kind timeout; nothing is written', async () => {
      const ids = await seedBank(t);
      holder = await holdDatabase(t, 6_000);
      const result = await timed(() =>
        t.units.run(
          async (uow) => {
            const a = await uow.account.get(ids.aliceAccount);
            a.balance = a.balance.plus(1);
          },
          { transaction: { timeout: TIMEOUT } },
        ),
      );
      expectTimedOut(result);
      await holder.release();
      await sleep(50);
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '50']);
      // The connection's own busy timeout is back for the next units.
      const [row] = await t.db.prisma.$queryRawUnsafe<{ timeout: bigint }[]>('PRAGMA busy_timeout');
      expect(Number(row!.timeout)).toBe(5_000);
    });

    it('an interactive unit waiting for the write lock fails with kind timeout too', async () => {
      const ids = await seedBank(t);
      holder = await holdDatabase(t, 6_000);
      const result = await timed(() =>
        t.units.run((uow) => void uow.ledgerEntry.add({ fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 1 }), {
          interactive: true,
          transaction: { timeout: TIMEOUT },
        }),
      );
      expectTimedOut(result);
    });

    it('an interactive unit that has read cannot wait for the write lock: it fails at once, kind busy, whatever the strategy', async () => {
      const ids = await seedBank(t);
      holder = await holdDatabase(t, 6_000);
      const result = await timed(() =>
        t.units.run(
          async (uow) => {
            const a = await uow.account.get(ids.aliceAccount);
            a.balance = a.balance.plus(1);
          },
          { interactive: true, transaction: { timeout: TIMEOUT } },
        ),
      );
      expect(result.error).toBeInstanceOf(DatabaseError);
      expect(result.error).toMatchObject({ kind: 'busy' });
      expect(isRetryableError(result.error)).toBe(true);
      expect(result.ms).toBeLessThan(TIMEOUT);
    });
  },
  { backends: ['sqlite'] },
);
