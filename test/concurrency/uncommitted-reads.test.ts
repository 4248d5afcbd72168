import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { DatabaseError, createUnits, isRetryableError } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { contract, seedBank, type Target, type TestUnits } from '../contract/harness.js';

type Unit = Parameters<Parameters<TestUnits['run']>[0]>[0];

/**
 * A unit's reads never see writes that are not committed, whatever holds them: another unit's
 * open transaction (here an interactive unit that wrote and has not committed), or the caller's
 * own `prisma.$transaction` on the same client.
 *
 * The class this covers: Prisma's better-sqlite3 adapter runs every query of a client on ONE
 * connection, and its lock serializes transactions only; a read sent outside a transaction while
 * a transaction of the same client is open ran on that transaction's connection state and saw
 * its writes (balance 100 read as 1100 by a unit while the writer later rolled back). The other
 * targets read from a connection of their own, and the memory store reads committed rows.
 */

/** How long the writer keeps its transaction open after writing (the reader starts meanwhile). */
const HOLD_MS = 150;

class WriterGaveUp extends Error {}

/**
 * Runs `write` in an interactive unit that then keeps its transaction open until released, and
 * rolls it back. Resolves once the write has been sent (flushed, not committed).
 */
async function holdUncommitted(t: Target, write: (uow: Unit) => Promise<void>): Promise<{ release(): Promise<void> }> {
  let written!: () => void;
  let release!: () => void;
  const sent = new Promise<void>((resolve) => (written = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const writer = t.units.run(
    async (uow) => {
      await write(uow);
      await uow.$flush();
      written();
      await released;
      throw new WriterGaveUp('rolled back on purpose');
    },
    { interactive: true },
  );
  void writer.catch(() => undefined);
  await Promise.race([sent, writer]);
  return {
    async release() {
      release();
      await expect(writer).rejects.toBeInstanceOf(WriterGaveUp);
    },
  };
}

contract('reads see committed rows only', (t) => {
  it("a unit's get, getMany (with preload) and find, sent while an interactive unit holds an uncommitted write, see the committed rows", async () => {
    const ids = await seedBank(t);
    const writer = await holdUncommitted(t, async (uow) => {
      const account = await uow.account.get(ids.aliceAccount);
      account.balance = account.balance.plus(1_000);
    });
    // Outside the writer's run: a unit of its own.
    const reads = t.units.run(async (reader) => {
      const one = await reader.account.get(ids.aliceAccount);
      const many = await reader.account.getMany([ids.aliceAccount, ids.bobAccount], { preload: ['owner'] });
      const found = await reader.account.find({ where: { balance: { gt: 500 } } });
      return [one.balance.toString(), many.map((a) => a.balance.toString()), found.length];
    });
    await sleep(HOLD_MS);
    await writer.release();
    expect(await reads).toEqual(['100', ['100', '50'], 0]);
    expect((await t.rows('Account')).map((a) => String(a.balance))).toEqual(['100', '50']);
  });

  it('a unit that reads while an interactive unit holds an uncommitted write decides on the committed value', async () => {
    const ids = await seedBank(t);
    const writer = await holdUncommitted(t, async (uow) => {
      const account = await uow.account.get(ids.aliceAccount);
      account.balance = account.balance.minus(100);
    });
    const decision = t.units.run(async (reader) => {
      const account = await reader.account.get(ids.aliceAccount);
      // The decision a service takes on the value it read: on the uncommitted 0 it would refuse.
      if (account.balance.lessThan(60)) return 'refused';
      account.balance = account.balance.minus(60);
      return 'paid';
    });
    await sleep(HOLD_MS);
    await writer.release();
    expect(await decision).toBe('paid');
    expect((await t.rows('Account')).map((a) => String(a.balance))).toEqual(['40', '50']);
  });
});

contract(
  "reads see committed rows only (the caller's own transaction)",
  (t) => {
    it("a unit's read sent while the caller's own prisma.$transaction on the same client holds a write sees the committed row", async () => {
      const ids = await seedBank(t);
      let read: Promise<string> | undefined;
      const prisma = t.db.prisma as unknown as {
        $transaction<T>(fn: (tx: { $executeRawUnsafe(sql: string): Promise<number> }) => Promise<T>, options?: object): Promise<T>;
      };
      const quote = t.backend === 'mariadb' ? '`' : '"';
      const writer = prisma.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`UPDATE ${quote}Account${quote} SET balance = balance + 1000 WHERE id = ${ids.aliceAccount}`);
          read = t.units.run(async (reader) => (await reader.account.get(ids.aliceAccount)).balance.toString());
          await sleep(HOLD_MS);
          throw new WriterGaveUp('rolled back on purpose');
        },
        { timeout: 10_000 },
      );
      await expect(writer).rejects.toBeInstanceOf(WriterGaveUp);
      expect(await read).toBe('100');
      expect((await t.rows('Account')).map((a) => String(a.balance))).toEqual(['100', '50']);
    });
  },
  { backends: ['sqlite', 'postgresql', 'mariadb'], strategies: ['bulk'] },
);

contract(
  'reads see committed rows only (SQLite: waiting for the transaction lock)',
  (t) => {
    it('a read that waits for an open transaction longer than transaction.maxWait fails with a retryable DatabaseError naming the read; nothing is written', async () => {
      const ids = await seedBank(t);
      const impatient = createUnits({ prisma: t.db.prisma, schema: t.db.schema, ...bank, transaction: { maxWait: 300 } }) as unknown as TestUnits;
      const writer = await holdUncommitted(t, async (uow) => {
        const account = await uow.account.get(ids.aliceAccount);
        account.balance = account.balance.plus(1_000);
      });
      const started = Date.now();
      const error = await impatient.run((reader) => reader.account.get(ids.aliceAccount)).then(
        () => undefined,
        (e: unknown) => e,
      );
      const waited = Date.now() - started;
      await writer.release();
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ kind: 'timeout', model: 'Account' });
      expect((error as Error).message).toMatch(/^Reading Account \(get Account#\d+\) failed .*Nothing was written; the read can be retried\.$/s);
      expect(isRetryableError(error)).toBe(true);
      expect(waited).toBeGreaterThanOrEqual(250);
      // Once the writer has ended, the same read goes through and sees the committed row.
      expect((await impatient.run((reader) => reader.account.get(ids.aliceAccount))).balance.toString()).toBe('100');
      expect((await t.rows('Account')).map((a) => String(a.balance))).toEqual(['100', '50']);
    });
  },
  { backends: ['sqlite'], strategies: ['bulk'] },
);
