import { expect, it } from 'vitest';
import { contract, seedBank } from './harness.js';

/**
 * Keys of the wrong type (issue 10, item 6): `get` checks every part of a key against its field
 * as assignments are checked, and throws a `UsageError` (INVALID_ARGUMENT) naming model, key and
 * field instead of Prisma's own validation error, or a row that does not have that key.
 */

function badKey(model: string, field: string) {
  return expect.objectContaining({ name: 'UsageError', code: 'INVALID_ARGUMENT', model, field });
}

contract('key validation', (t) => {
  it('an Int key must be an integer in range: get("1"), get(NaN), get(1.9999) are refused', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      for (const key of [String(ids.aliceAccount), Number.NaN, ids.aliceAccount + 0.9999, Infinity, 2 ** 31, BigInt(ids.aliceAccount), true]) {
        await expect(uow.account.get(key as never), String(key)).rejects.toEqual(badKey('Account', 'id'));
      }
      await expect(uow.account.get({ id: '1' } as never)).rejects.toEqual(badKey('Account', 'id'));
      await expect(uow.account.get(1.9999 as never)).rejects.toThrow(/^Account: key field id must be an integer from -2147483648 to 2147483647.*, got 1\.9999\.$/);
      expect((await uow.account.get(ids.aliceAccount)).id).toBe(ids.aliceAccount);
    });
    expect(t.writes()).toEqual([]);
  });

  it('composite keys check each part', async () => {
    await t.insert('Membership', { groupId: 1, userName: 'ann', role: 'admin' });
    await t.units.run(async (uow) => {
      await expect(uow.membership.get({ groupId: '1', userName: 'ann' } as never)).rejects.toEqual(badKey('Membership', 'groupId'));
      await expect(uow.membership.get({ groupId: 1.5, userName: 'ann' } as never)).rejects.toEqual(badKey('Membership', 'groupId'));
      await expect(uow.membership.get({ groupId: 1, userName: 7 } as never)).rejects.toEqual(badKey('Membership', 'userName'));
      expect((await uow.membership.get({ groupId: 1, userName: 'ann' })).role).toBe('admin');
    });
  });

  it('String, BigInt and DateTime keys are checked the same way', async () => {
    const day = new Date('2024-05-06T00:00:00.000Z');
    await t.insert('Slot', { day, seq: 5n, label: 'five' });
    await t.insert('Tag', { name: '7', label: 'seven' });
    await t.units.run(async (uow) => {
      await expect(uow.tag.get(7 as never)).rejects.toEqual(badKey('Tag', 'name'));
      expect((await uow.tag.get('7')).label).toBe('seven');
      await expect(uow.slot.get({ day: '2024-05-06', seq: 5n } as never)).rejects.toEqual(badKey('Slot', 'day'));
      await expect(uow.slot.get({ day: new Date(Number.NaN), seq: 5n } as never)).rejects.toEqual(badKey('Slot', 'day'));
      await expect(uow.slot.get({ day, seq: 5.5 } as never)).rejects.toEqual(badKey('Slot', 'seq'));
      await expect(uow.slot.get({ day, seq: 2n ** 64n } as never)).rejects.toEqual(badKey('Slot', 'seq'));
      await expect(uow.slot.get({ day, seq: '5' } as never)).rejects.toEqual(badKey('Slot', 'seq'));
      const slot = await uow.slot.get({ day, seq: 5n });
      expect(slot.label).toBe('five');
      expect(await uow.slot.get({ day: new Date(day.getTime()), seq: 5 } as never)).toBe(slot); // a safe integer is a BigInt key too
    });
  });
});
