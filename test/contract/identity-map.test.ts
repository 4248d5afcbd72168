import { expect, it } from 'vitest';
import { contract, seedBank } from './harness.js';

contract('identity map', (t) => {
  it('get twice returns the same object', async () => {
    const { aliceAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      expect(await uow.account.get(aliceAccount)).toBe(await uow.account.get(aliceAccount));
    });
  });

  it('find and get return the same object for the same row, in both orders', async () => {
    const { aliceAccount, bobAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      const found = await uow.account.find({ orderBy: { id: 'asc' } });
      expect(found[0]).toBe(await uow.account.get(aliceAccount));
      const bob = await uow.account.get(bobAccount);
      const again = await uow.account.findFirst({ where: { id: bobAccount } });
      expect(again).toBe(bob);
    });
  });

  it('a query never overwrites in-memory changes with database values', async () => {
    const { aliceAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      const account = await uow.account.get(aliceAccount);
      account.balance = account.balance.plus(1);
      await t.update('Account', { id: aliceAccount }, { balance: 5 }); // someone else
      const [reloaded] = await uow.account.find({ where: { id: aliceAccount } });
      expect(reloaded).toBe(account);
      expect(reloaded!.balance.toNumber()).toBe(101);
      uow.$rollback();
    });
    expect((await t.rows('Account'))[0]!['balance']!.toString()).toBe('5');
  });

  it('does not send a query for a row the unit already holds', async () => {
    const { aliceAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      await uow.account.get(aliceAccount);
      t.clear();
      await uow.account.get(aliceAccount);
      expect(t.statements()).toHaveLength(0);
    });
  });

  it('a composite primary key identifies one object', async () => {
    await t.insert('Membership', { groupId: 1, userName: 'ann', role: 'member' });
    await t.units.run(async (uow) => {
      const m = await uow.membership.get({ groupId: 1, userName: 'ann' });
      const [found] = await uow.membership.find({ where: { groupId: 1 } });
      expect(found).toBe(m);
    });
  });
});
