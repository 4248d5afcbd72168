import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { ConcurrencyConflictError, UsageError } from 'prisma-uow';
import { contract, seedBank, type Target } from '../contract/harness.js';

function deposit(t: Target, id: number, amount: number, lock: boolean) {
  return t.units.run(
    async (uow) => {
      const account = lock ? await uow.account.get(id, { lock: 'update' }) : await uow.account.get(id);
      await sleep(60); // both units have read before either commits
      account.balance = account.balance.plus(amount);
    },
    { interactive: true },
  );
}

/** The SELECTs sent since the last `clear()`, without the session preludes (`SELECT set_config(...)`). */
function selectsOf(t: Target): string[] {
  return t.statements().filter((sql) => /^\s*SELECT/i.test(sql) && !/set_config/.test(sql.split('FROM')[0] ?? ''));
}

contract(
  'pessimistic reads',
  (t) => {
    it('two read-modify-write units with FOR UPDATE run one after the other: no conflict, no retry', async () => {
      const ids = await seedBank(t);
      await Promise.all([deposit(t, ids.aliceAccount, 1, true), deposit(t, ids.aliceAccount, 2, true)]);
      expect((await t.rows('Account'))[0]).toMatchObject({ version: 2 });
      expect(String((await t.rows('Account'))[0]!['balance'])).toBe('103');
      // PostgreSQL locks FOR NO KEY UPDATE, MariaDB (InnoDB) FOR UPDATE.
      expect(t.db.statements.some((s) => /FOR (NO KEY )?UPDATE/.test(s.sql) && /^\s*SELECT/i.test(s.sql))).toBe(true);
    });

    it('without the lock the same race ends in a conflict for one of them', async () => {
      const ids = await seedBank(t);
      const results = await Promise.allSettled([deposit(t, ids.aliceAccount, 1, false), deposit(t, ids.aliceAccount, 2, false)]);
      const failures = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toBeInstanceOf(ConcurrencyConflictError);
    });

    it('find with a lock locks every match and reads it again under the lock', async () => {
      const ids = await seedBank(t);
      await t.units.run(
        async (uow) => {
          const accounts = await uow.account.find({ orderBy: { id: 'asc' } }, { lock: 'update' });
          expect(accounts.map((a) => a.id)).toEqual([ids.aliceAccount, ids.bobAccount]);
          for (const a of accounts) a.balance = a.balance.plus(1);
        },
        { interactive: true },
      );
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['101', '51']);
    });

    it('a locking find by primary key locks and reads the rows in ONE statement; other finds read first, then lock', async () => {
      const ids = await seedBank(t);
      const selects = () => selectsOf(t);
      await t.units.run(
        async (uow) => {
          t.clear();
          const both = await uow.account.find({ where: { id: { in: [ids.bobAccount + 1000, ids.bobAccount, ids.aliceAccount] } }, orderBy: { id: 'desc' } }, { lock: 'update' });
          expect(both.map((a) => a.id)).toEqual([ids.bobAccount, ids.aliceAccount]);
          expect(selects()).toHaveLength(1);
          expect(selects()[0]).toMatch(/FOR (NO KEY )?UPDATE/);
          t.clear();
          const first = await uow.account.findFirst({ where: { id: { in: [ids.bobAccount, ids.aliceAccount] } }, orderBy: [{ id: 'asc' }] }, { lock: 'update' });
          expect(first).toBe(both[1]);
          expect(await uow.account.find({ where: { id: ids.bobAccount } }, { lock: 'update' })).toEqual([both[0]]);
          expect(await uow.account.find({ where: { id: { equals: ids.aliceAccount } } }, { lock: 'update' })).toEqual([both[1]]);
          expect(selects()).toHaveLength(3);
          t.clear();
          // Not by key alone: read to learn the keys, then lock them (2 statements), same objects.
          expect(await uow.account.find({ where: { id: { in: [ids.aliceAccount, ids.bobAccount] }, balance: { gt: 60 } } }, { lock: 'update' })).toEqual([both[1]]);
          expect(selects()).toHaveLength(2);
          both[0]!.balance = both[0]!.balance.plus(1);
        },
        { interactive: true },
      );
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '51']);
    });

    it('getMany with lock and preload locks the rows and reads their related rows (ONE statement on PostgreSQL); a later get of those sends nothing', async () => {
      const ids = await seedBank(t);
      const selects = () => selectsOf(t);
      await t.units.run(
        async (uow) => {
          t.clear();
          const accounts = await uow.account.getMany([ids.bobAccount, ids.aliceAccount], { lock: 'update', preload: ['owner'] });
          expect(accounts.map((a) => a.id)).toEqual([ids.bobAccount, ids.aliceAccount]);
          expect(selects()).toHaveLength(t.backend === 'postgresql' ? 1 : 2);
          expect(selects()[0]).toMatch(/FOR (NO KEY )?UPDATE/);
          t.clear();
          expect((await uow.user.getMany([accounts[0]!.ownerId, accounts[1]!.ownerId])).map((u) => u.name)).toEqual(['Bob', 'Alice']);
          expect(selects()).toEqual([]);
          accounts[1]!.balance = accounts[1]!.balance.plus(1);
        },
        { interactive: true },
      );
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['101', '50']);
    });

    it('two units locking the same row with getMany(keys, { lock, preload }) run one after the other: no conflict', async () => {
      const ids = await seedBank(t);
      const deposit = (amount: number) =>
        t.units.run(
          async (uow) => {
            const [account] = await uow.account.getMany([ids.aliceAccount], { lock: 'update', preload: ['owner'] });
            await sleep(60); // both units have asked for the lock before either commits
            account!.balance = account!.balance.plus(amount);
          },
          { interactive: true },
        );
      await Promise.all([deposit(1), deposit(2)]);
      expect((await t.rows('Account'))[0]).toMatchObject({ version: 2 });
      expect(String((await t.rows('Account'))[0]!['balance'])).toBe('103');
    });
  },
  { strategies: ['bulk'], backends: ['postgresql', 'mariadb'] },
);

contract(
  'pessimistic reads where they are not available',
  (t) => {
    it('a lock outside an interactive unit, or on SQLite, is a usage error', async () => {
      const ids = await seedBank(t);
      await expect(t.units.run((uow) => uow.account.get(ids.aliceAccount, { lock: 'update' }))).rejects.toBeInstanceOf(UsageError);
      if (t.backend === 'sqlite') {
        await expect(t.units.run((uow) => uow.account.get(ids.aliceAccount, { lock: 'update' }), { interactive: true })).rejects.toThrow(
          /locking reads need PostgreSQL/,
        );
      }
    });
  },
  { strategies: ['bulk'] },
);
