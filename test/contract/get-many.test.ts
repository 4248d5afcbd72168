import { expect, it } from 'vitest';
import { EntityNotFoundError, UsageError } from 'prisma-uow';
import { contract, seedBank, verbOf } from './harness.js';

/** Issue 10, item 13: several rows by key in one read (`getMany`), in the order of the keys. */
contract('getMany', (t) => {
  const reads = () => t.statements().filter((sql) => verbOf(sql) === 'SELECT');

  it('returns the objects in the order of the keys, loading only the untracked ones, in one query', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      const alice = await uow.account.get(ids.aliceAccount);
      t.clear();
      const got = await uow.account.getMany([ids.bobAccount, ids.aliceAccount, ids.bobAccount]);
      expect(got.map((a) => a.id)).toEqual([ids.bobAccount, ids.aliceAccount, ids.bobAccount]);
      expect(got[1]).toBe(alice);
      expect(got[0]).toBe(got[2]);
      expect(reads()).toHaveLength(1);
      t.clear();
      expect(await uow.account.getMany([ids.aliceAccount, ids.bobAccount])).toEqual([alice, got[0]]);
      expect(await uow.account.getMany([])).toEqual([]);
      expect(reads()).toEqual([]);
    });
  });

  it('several untracked keys are read in one query, and their objects are tracked', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      t.clear();
      const [bob, alice] = await uow.user.getMany([ids.bob, ids.alice]);
      expect(reads()).toHaveLength(1);
      expect([bob!.name, alice!.name]).toEqual(['Bob', 'Alice']);
      expect(await uow.user.get(ids.alice)).toBe(alice);
      alice!.name = 'Alicia';
    });
    expect((await t.rows('User')).map((u) => u['name'])).toEqual(['Alicia', 'Bob']);
  });

  it('composite keys', async () => {
    await t.insertMany('Membership', [
      { groupId: 1, userName: 'ann', role: 'admin' },
      { groupId: 2, userName: 'bob', role: 'member' },
    ]);
    const roles = await t.units.run(async (uow) =>
      (await uow.membership.getMany([{ groupId: 2, userName: 'bob' }, { groupId: 1, userName: 'ann' }])).map((m) => m.role),
    );
    expect(roles).toEqual(['member', 'admin']);
  });

  it('names every key that has no row; a key removed in the unit is not found either', async () => {
    const ids = await seedBank(t);
    const error = await t.units.run((uow) => uow.account.getMany([ids.aliceAccount, 998, 999, 998])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityNotFoundError);
    expect(error).toMatchObject({ model: 'Account', key: 998, keys: [998, 999] });
    expect((error as Error).message).toBe('Account#998, Account#999 were not found: no rows have those primary keys.');
    const removed = await t.units
      .run(async (uow) => {
        uow.account.remove(await uow.account.get(ids.bobAccount));
        return uow.account.getMany([ids.aliceAccount, ids.bobAccount]);
      })
      .catch((e: unknown) => e);
    expect(removed).toBeInstanceOf(EntityNotFoundError);
    expect((removed as Error).message).toMatch(/was removed in this unit/);
  });

  it('bad keys are usage errors, and nothing is sent', async () => {
    await seedBank(t);
    await t.units.run(async (uow) => {
      t.clear();
      await expect(uow.account.getMany([1, null as never])).rejects.toBeInstanceOf(UsageError);
      await expect(uow.membership.getMany([5 as never])).rejects.toBeInstanceOf(UsageError);
      await expect(uow.account.getMany(7 as never)).rejects.toBeInstanceOf(UsageError);
      expect(reads()).toEqual([]);
    });
  });
});
