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
