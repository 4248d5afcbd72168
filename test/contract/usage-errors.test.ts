import { expect, it } from 'vitest';
import { UnitClosedError, UsageError, type UsageErrorCode } from 'prisma-uow';
import { contract, seedBank } from './harness.js';

function usage(code: UsageErrorCode, fields: Record<string, unknown> = {}) {
  return expect.objectContaining({ name: expect.stringMatching(/Error$/), code, ...fields });
}

contract(
  'usage errors',
  (t) => {
    it('changing a primary key', async () => {
      const ids = await seedBank(t);
      await expect(
        t.units.run(async (uow) => {
          const a = await uow.account.get(ids.aliceAccount);
          a.id = 77;
        }),
      ).rejects.toEqual(usage('PRIMARY_KEY_CHANGED', { model: 'Account', key: ids.aliceAccount, field: 'id' }));
      expect(t.writes()).toEqual([]);
    });

    it('adding the same object twice, or an object of another unit', async () => {
      const ids = await seedBank(t);
      await t.units.run(async (uow) => {
        const user = uow.user.add({ name: 'Dan' });
        expect(() => uow.user.add(user as never)).toThrow(expect.objectContaining({ code: 'ALREADY_TRACKED' }));
        uow.$rollback();
      });
      const outsider = await t.units.run((uow) => uow.account.get(ids.aliceAccount));
      await t.units.run(async (uow) => {
        expect(() => uow.account.remove(outsider)).toThrow(expect.objectContaining({ code: 'OTHER_UNIT' }));
        expect(() => uow.account.add(outsider as never)).toThrow(expect.objectContaining({ code: 'OTHER_UNIT' }));
      });
    });

    it('removing an object the unit never loaded', async () => {
      await t.units.run(async (uow) => {
        expect(() => uow.user.remove({ id: 1, name: 'x', loyaltyPoints: 0, frozen: false })).toThrow(expect.objectContaining({ code: 'NOT_TRACKED', model: 'User' }));
      });
    });

    it('wrong types, nulls in required fields, unknown fields, missing fields', async () => {
      const ids = await seedBank(t);
      await t.units.run(async (uow) => {
        const a = await uow.account.get(ids.aliceAccount);
        const u = await uow.user.get(ids.alice);
        expect(() => ((a as unknown as Record<string, unknown>)['balance'] = 'lots')).toThrow(usage('INVALID_VALUE', { field: 'balance' }));
        expect(() => ((u as Record<string, unknown>)['loyaltyPoints'] = 1.5)).toThrow(usage('INVALID_VALUE', { field: 'loyaltyPoints' }));
        expect(() => ((u as Record<string, unknown>)['name'] = null)).toThrow(usage('INVALID_VALUE', { field: 'name' }));
        expect(() => ((u as Record<string, unknown>)['nmae'] = 'typo')).toThrow(usage('UNKNOWN_FIELD', { field: 'nmae' }));
        expect(() => uow.user.add({} as never)).toThrow(usage('MISSING_FIELD', { field: 'name' }));
        expect(() => uow.account.add({ ownerId: ids.alice, balance: 'NaN-ish' } as never)).toThrow(usage('INVALID_VALUE'));
        expect(() => ((a as unknown as Record<string, unknown>)['version'] = 9)).toThrow(usage('INVALID_ARGUMENT', { field: 'version' }));
        await expect(uow.account.find({ select: { id: true } } as never)).rejects.toThrow(UsageError);
      });
      expect(t.writes()).toEqual([]);
    });

    it('after a commit, objects keep their committed values and refuse writes', async () => {
      const ids = await seedBank(t);
      const account = await t.units.run(async (uow) => {
        const a = await uow.account.get(ids.aliceAccount);
        a.balance = a.balance.minus(30);
        return a;
      });
      expect(account.balance.toString()).toBe('70');
      expect({ ...account }).toMatchObject({ id: ids.aliceAccount, version: 1 });
      expect(() => (account.balance = account.balance.plus(1))).toThrow(UnitClosedError);
      expect(() => (account.balance = account.balance.plus(1))).toThrow(/Account#\d+\.balance cannot be written: its unit of work has ended \(committed\)/);
    });

    it('after a rollback, objects show the values they were loaded with and refuse writes', async () => {
      const ids = await seedBank(t);
      let kept: { balance: { toString(): string } } | undefined;
      await t.units
        .run(async (uow) => {
          const a = await uow.account.get(ids.aliceAccount);
          a.balance = a.balance.minus(30);
          kept = a;
          throw new Error('changed my mind');
        })
        .catch(() => undefined);
      expect(kept!.balance.toString()).toBe('100');
      expect(() => ((kept as Record<string, unknown>)['balance'] = 1)).toThrow(/ended \(rolled back\)/);
    });

    it('using a unit after it ended', async () => {
      const uow = t.units.begin();
      await uow.$commit();
      await expect(uow.account.get(1)).rejects.toBeInstanceOf(UnitClosedError);
      expect(() => uow.user.add({ name: 'late' })).toThrow(UnitClosedError);
      await expect(uow.$commit()).rejects.toBeInstanceOf(UnitClosedError);
    });
  },
  { strategies: ['bulk'] },
);
