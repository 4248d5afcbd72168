import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { DatabaseError, isRetryableError, type UnitOfWork } from 'prisma-uow';
import { contract, plainRow, seedBank, shapeData, type DatabaseTarget, type TestModels } from '../contract/harness.js';

/**
 * Issue 10, item 13: locking several rows. `getMany(keys, { lock })` reads and locks them in
 * ONE statement, in key order, so crossed transfers wait for each other instead of deadlocking;
 * locking one `get` at a time in opposite orders deadlocks, and `run({ retry })` retries that.
 */

type Unit = UnitOfWork<TestModels>;

const locking = (t: DatabaseTarget) => t.db.statements.filter((s) => /FOR (NO KEY )?UPDATE/.test(s.sql) && /^\s*SELECT/i.test(s.sql));

/** A transfer that locks both accounts in one call, then waits a little before the commit. */
async function lockedTransfer(uow: Unit, from: number, to: number, amount: number, pause = 5): Promise<void> {
  const [a, b] = await uow.account.getMany([from, to], { lock: 'update' });
  await sleep(pause);
  a!.balance = a!.balance.minus(amount);
  b!.balance = b!.balance.plus(amount);
  uow.ledgerEntry.add({ from: a!, to: b!, amount });
}

contract(
  'ordered row locks (PostgreSQL: FOR NO KEY UPDATE; MariaDB: FOR UPDATE)',
  (t) => {
    const run = <T>(fn: (uow: Unit) => Promise<T>, options: object = {}) => t.units.run(fn as never, { interactive: true, ...options }) as Promise<T>;

    it('a row read with a lock equals the row Prisma reads, for every scalar type, mapped column and composite key', async () => {
      const full = await t.insert('Shape', shapeData('full') as never);
      const sparse = await t.insert('Shape', { ...shapeData('sparse'), json: 'a JSON string', decimal: '-0.000000000000000000000000000001', bigInt: -(2n ** 63n) } as never);
      const opt = await t.insert('Shape', {
        ...shapeData('optional'),
        textOpt: 'x',
        intOpt: -7,
        bigIntOpt: 2n ** 62n,
        floatOpt: -0.5,
        decimalOpt: '123456789.123456789',
        boolOpt: false,
        dateTimeOpt: new Date('1999-12-31T23:59:59.999Z'),
        jsonOpt: [1, 'two', { three: null }],
        bytesOpt: new Uint8Array([0, 255]),
        colorOpt: 'BLUE',
      } as never);
      const mapped = await t.insert('Mapped', { title: 'mapped', score: 3 });
      await t.insertMany('Membership', [{ groupId: 1, userName: 'ann', role: 'admin' }]);
      t.clear();
      // Compared after the unit: Json values are copied out of the unit's drafts while it is open.
      const fields = (row: object) =>
        Object.fromEntries(Object.entries(plainRow({ ...(row as Record<string, unknown>) })).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v]));
      const read = await run(async (uow) => ({
        shapes: (await uow.shape.getMany([opt.id, full.id, sparse.id], { lock: 'update' })).map(fields),
        mapped: (await uow.mapped.getMany([mapped.id], { lock: 'update' })).map(fields),
        members: (await uow.membership.getMany([{ groupId: 1, userName: 'ann' }], { lock: 'update' })).map(fields),
      }));
      const byPrisma = async (model: 'Shape' | 'Mapped' | 'Membership') => (await t.rows(model)).map(plainRow);
      const shapes = await byPrisma('Shape');
      expect(read.shapes).toEqual([shapes[2], shapes[0], shapes[1]]);
      expect(read.mapped).toEqual(await byPrisma('Mapped'));
      expect(read.members).toEqual(await byPrisma('Membership'));
      // One statement per call, nothing else read.
      expect(locking(t)).toHaveLength(3);
      expect(t.db.statements.filter((s) => /^\s*SELECT/i.test(s.sql))).toHaveLength(3);
    });

    it('get with a lock is one statement; find with a lock two (the match, then the locking read)', async () => {
      const ids = await seedBank(t);
      await run(async (uow) => {
        t.clear();
        await uow.account.get(ids.aliceAccount, { lock: 'update' });
        expect(t.db.statements.filter((s) => /^\s*SELECT/i.test(s.sql)).map((s) => /FOR (NO KEY )?UPDATE/.test(s.sql))).toEqual([true]);
        t.clear();
        const found = await uow.account.find({ where: { balance: { gte: 0 } }, orderBy: { id: 'desc' } }, { lock: 'update' });
        expect(found.map((a) => a.id)).toEqual([ids.bobAccount, ids.aliceAccount]);
        expect(t.db.statements.filter((s) => /^\s*SELECT/i.test(s.sql)).map((s) => /FOR (NO KEY )?UPDATE/.test(s.sql))).toEqual([false, true]);
      });
    });

    it('crossed transfers that lock both accounts with getMany never deadlock', async () => {
      const ids = await seedBank(t);
      const pairs = Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0 ? [ids.aliceAccount, ids.bobAccount] : [ids.bobAccount, ids.aliceAccount],
      );
      const results = await Promise.allSettled(pairs.map(([from, to]) => run((uow) => lockedTransfer(uow, from!, to!, 1, 30))));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '50']);
      expect(await t.rows('LedgerEntry')).toHaveLength(6);
    });

    it('crossed transfers locking one get at a time deadlock; the deadlock is retryable and run({ retry }) retries it', async () => {
      const ids = await seedBank(t);
      const oneByOne = (from: number, to: number) => async (uow: Unit) => {
        const a = await uow.account.get(from, { lock: 'update' });
        await sleep(150);
        const b = await uow.account.get(to, { lock: 'update' });
        a.balance = a.balance.minus(1);
        b.balance = b.balance.plus(1);
      };
      const once = await Promise.allSettled([run(oneByOne(ids.aliceAccount, ids.bobAccount)), run(oneByOne(ids.bobAccount, ids.aliceAccount))]);
      const failures = once.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      const after = (await t.rows('Account')).map((a) => String(a['balance']));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toBeInstanceOf(DatabaseError);
      expect(failures[0]).toMatchObject({ kind: 'deadlock' });
      expect(isRetryableError(failures[0])).toBe(true);

      const retried: unknown[] = [];
      const retry = { attempts: 5, baseDelayMs: 1, onRetry: (e: unknown) => void retried.push(e) };
      await Promise.all([run(oneByOne(ids.aliceAccount, ids.bobAccount), { retry }), run(oneByOne(ids.bobAccount, ids.aliceAccount), { retry })]);
      expect(retried.length).toBeGreaterThanOrEqual(1);
      expect(retried[0]).toMatchObject({ kind: 'deadlock' });
      // Both crossed transfers of the second round committed: they cancel out.
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(after);
    });

    it('a storm of concurrent units transferring with getMany locks: no error, no retry, money conserved', async () => {
      const ids = await seedBank(t);
      const third = (await t.insert('Account', { ownerId: ids.alice, balance: 100 })).id;
      const accounts = [ids.aliceAccount, ids.bobAccount, third];
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const retries: unknown[] = [];
      const worker = async () => {
        for (let i = 0; i < 15; i++) {
          const from = accounts[Math.floor(random() * 3)]!;
          const to = accounts[(accounts.indexOf(from) + 1 + Math.floor(random() * 2)) % 3]!;
          await run((uow) => lockedTransfer(uow, from, to, 1, 1), { retry: { attempts: 3, onRetry: (e: unknown) => void retries.push(e) } });
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      expect(retries).toEqual([]);
      const balances = (await t.rows('Account')).map((a) => Number(a['balance']));
      expect(balances.reduce((s, b) => s + b, 0)).toBe(250);
      expect(await t.rows('LedgerEntry')).toHaveLength(90);
    });
  },
  { backends: ['postgresql', 'mariadb'], strategies: ['bulk'] },
);
