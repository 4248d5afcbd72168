import { describe, expect, it } from 'vitest';
import { QueryNotEvaluableError, UsageError } from 'prisma-uow';
import { contract, isWrite, seedBank, verbOf, type Target } from './harness.js';

/**
 * Issue 13: a unit reads its own writes. Optimistic units merge their pending changes into
 * query results without writing them; interactive units flush them first ($flush, autoflush).
 */

const balances = (rows: readonly { balance: { toString(): string } }[]) => rows.map((a) => Number(a.balance.toString()));

/** Alice with four accounts (10, 20, 30, 40; ids 1-4), Bob with none. */
async function ladder(t: Target): Promise<{ alice: number; bob: number }> {
  const alice = await t.insert('User', { name: 'Alice' });
  const bob = await t.insert('User', { name: 'Bob' });
  for (const balance of [10, 20, 30, 40]) await t.insert('Account', { ownerId: alice.id, balance });
  t.clear();
  return { alice: alice.id, bob: bob.id };
}

contract('optimistic units: queries see pending changes without writing them', (t) => {
  it('finds a row added in the unit, as the object add() returned', async () => {
    const { alice } = await seedBank(t);
    await t.units.run(async (uow) => {
      const added = uow.account.add({ ownerId: alice, balance: 7 });
      const mine = await uow.account.find({ where: { ownerId: alice }, orderBy: { balance: 'asc' } });
      expect(mine).toHaveLength(2);
      expect(mine[0]).toBe(added);
      expect(t.writes().filter(isWrite)).toEqual([]);
      expect(await uow.account.findFirst({ where: { balance: 7 } })).toBe(added);
    });
    expect(await t.rows('Account')).toHaveLength(3);
  });

  it('matches a new row on a foreign key set through a link, and on literal defaults', async () => {
    const { alice } = await seedBank(t);
    await t.units.run(async (uow) => {
      const owner = await uow.user.get(alice);
      const added = uow.account.add({ owner, balance: 1 });
      expect(await uow.account.find({ where: { ownerId: alice, version: 0, balance: { lt: 5 } } })).toEqual([added]);
    });
  });

  it('matches changed rows on their in-memory values, in both directions', async () => {
    const { aliceAccount, bobAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      const a = await uow.account.get(aliceAccount);
      a.balance = a.balance.minus(100); // 0
      const positive = await uow.account.find({ where: { balance: { gt: 0 } } });
      expect(positive.map((x) => x.id)).toEqual([bobAccount]);
      const empty = await uow.account.find({ where: { balance: { lte: 0 } } });
      expect(empty).toEqual([a]);
    });
  });

  it('leaves removed rows out, and gets a row added again with the key of a removed one', async () => {
    const { aliceAccount, bobAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      uow.account.remove(await uow.account.get(aliceAccount));
      expect((await uow.account.find()).map((x) => x.id)).toEqual([bobAccount]);
      expect(await uow.account.findFirst({ where: { id: aliceAccount } })).toBeNull();
    });
  });

  it('orders, skips and takes over the merged rows (a page the database alone would get wrong)', async () => {
    const { alice, bob } = await ladder(t);
    await t.units.run(async (uow) => {
      const richest = await uow.account.get(4);
      richest.balance = richest.balance.minus(35); // 5: now the poorest
      uow.account.add({ ownerId: bob, balance: 15 });
      const page = await uow.account.find({ orderBy: { balance: 'asc' }, take: 3 });
      expect(balances(page)).toEqual([5, 10, 15]);
      expect(balances(await uow.account.find({ orderBy: { balance: 'asc' }, skip: 2, take: 2 }))).toEqual([15, 20]);
      expect(balances(await uow.account.find({ orderBy: { balance: 'desc' }, take: 2 }))).toEqual([30, 20]);
      expect(balances(await uow.account.find({ orderBy: { balance: 'asc' }, take: -2 }))).toEqual([20, 30]);
      expect(balances(await uow.account.find({ where: { ownerId: alice }, orderBy: { balance: 'asc' }, skip: 1 }))).toEqual([10, 20, 30]);
      const first = await uow.account.findFirst({ orderBy: { balance: 'asc' } });
      expect(first).toBe(richest);
    });
  });

  it('a relation filter with pending changes is a QueryNotEvaluableError; nothing is written', async () => {
    const { alice } = await seedBank(t);
    const error = await t.units
      .run(async (uow) => {
        uow.account.add({ ownerId: alice, balance: 1 });
        await uow.account.find({ where: { owner: { name: 'Alice' } } });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryNotEvaluableError);
    expect((error as UsageError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain("Account.find: filtering on the relation 'owner'");
    expect((error as Error).message).toContain('{ interactive: true }');
    expect(await t.rows('Account')).toHaveLength(2);
  });
});

contract('interactive units: $flush and autoflush', (t) => {
  it('$flush writes inside the transaction; a query after it reads the row from the database', async () => {
    const { alice } = await seedBank(t);
    await t.units.run(
      async (uow) => {
        const added = uow.account.add({ ownerId: alice, balance: 7 });
        await uow.$flush();
        expect(typeof added.id).toBe('number');
        const verbs = t.statements().map(verbOf);
        expect(verbs).toContain('INSERT');
        t.clear();
        expect(await uow.account.findFirst({ where: { balance: 7 } })).toBe(added);
        expect(t.statements().map(verbOf)).toContain('SELECT');
        expect(t.writes().filter(isWrite)).toEqual([]);
      },
      { interactive: true },
    );
    expect(await t.rows('Account')).toHaveLength(3);
  });

  it('remove + $flush + add with the same unique value', async () => {
    await t.insert('Category', { slug: 'a', shop: 1, position: 1 });
    await t.units.run(
      async (uow) => {
        uow.category.remove(await uow.category.get(1));
        await uow.$flush();
        uow.category.add({ slug: 'a', shop: 1, position: 1 });
      },
      { interactive: true },
    );
    expect((await t.rows('Category')).map((c) => [c['id'], c['slug']])).toEqual([[2, 'a']]);
  });

  it('the commit writes only what changed since the flush, from the advanced snapshot (version)', async () => {
    const { aliceAccount } = await seedBank(t);
    await t.units.run(
      async (uow) => {
        const a = await uow.account.get(aliceAccount);
        a.balance = a.balance.minus(10);
        await uow.$flush();
        expect(a.version).toBe(1);
        t.clear();
        await uow.$flush(); // nothing pending: nothing sent
        expect(t.writes().filter(isWrite)).toEqual([]);
        a.balance = a.balance.minus(5);
      },
      { interactive: true },
    );
    const [row] = await t.rows('Account');
    expect(Number(String(row!['balance']))).toBe(85);
    expect(row!['version']).toBe(2);
    expect(t.writes().filter((sql) => verbOf(sql) === 'UPDATE')).toHaveLength(1);
  });

  it('a unit that fails after a flush writes nothing, and its objects show their loaded values', async () => {
    const { alice, aliceAccount } = await seedBank(t);
    let account: { balance: { toString(): string }; version: number } | undefined;
    let added: { id?: number } | undefined;
    await expect(
      t.units.run(
        async (uow) => {
          account = await uow.account.get(aliceAccount);
          account.balance = (account.balance as never as { minus(n: number): never }).minus(30);
          added = uow.account.add({ ownerId: alice, balance: 3 });
          await uow.$flush();
          throw new Error('later failure');
        },
        { interactive: true },
      ),
    ).rejects.toThrow('later failure');
    expect(balances(await t.rows('Account') as never)).toEqual([100, 50]);
    expect(account!.balance.toString()).toBe('100');
    expect(account!.version).toBe(0);
    expect(added!.id).toBeUndefined();
  });

  it('autoflush: a query flushes the pending changes of its model first; off, it merges them in memory', async () => {
    const { alice } = await seedBank(t);
    await t.units.run(
      async (uow) => {
        uow.account.add({ ownerId: alice, balance: 7 });
        expect(await uow.user.find()).toHaveLength(2); // another model: nothing flushed
        expect(t.writes().filter(isWrite)).toEqual([]);
        expect(await uow.account.find({ where: { ownerId: alice } })).toHaveLength(2);
        expect(t.writes().filter(isWrite).map(verbOf)).toEqual(['INSERT']);
      },
      { interactive: true },
    );
    t.clear();
    await t.units.run(
      async (uow) => {
        uow.account.add({ ownerId: alice, balance: 8 });
        expect(await uow.account.find({ where: { ownerId: alice } })).toHaveLength(3);
        expect(t.writes().filter(isWrite)).toEqual([]);
      },
      { interactive: true, autoflush: false },
    );
    expect(await t.rows('Account')).toHaveLength(4);
  });

  it('autoflush: a relation filter flushes every pending change, then the database answers it', async () => {
    const { alice } = await seedBank(t);
    if (t.backend === 'memory') return; // the in-memory store does not evaluate relation filters at all
    await t.units.run(
      async (uow) => {
        const user = await uow.user.get(alice);
        user.name = 'Alicia';
        expect(await uow.account.find({ where: { owner: { name: 'Alicia' } } })).toHaveLength(1);
      },
      { interactive: true },
    );
  });
});

describe('$flush outside interactive units', () => {
  contract('usage', (t) => {
    it('is a UsageError naming { interactive: true }', async () => {
      const error = await t.units.run((uow) => uow.$flush()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain('{ interactive: true }');
    });
  }, { strategies: ['bulk'] });
});
