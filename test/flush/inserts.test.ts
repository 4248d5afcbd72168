import { expect, it } from 'vitest';
import { contract, plainRow, shapeData, verbOf } from '../contract/harness.js';

contract('inserts', (t) => {
  it('stores every scalar type as given, fills schema defaults, and the objects equal the stored rows', async () => {
    const [full, sparse] = await t.units.run((uow) => [
      uow.shape.add({ ...shapeData('full'), textOpt: 'x', intOpt: 2, bigIntOpt: -3n, floatOpt: 0.5, decimalOpt: '1.25', boolOpt: false, dateTimeOpt: new Date(0), jsonOpt: [1], bytesOpt: new Uint8Array([9]), colorOpt: 'BLUE' } as never),
      uow.shape.add(shapeData('sparse') as never),
    ]);
    const rows = await t.rows('Shape');
    expect(rows.map(plainRow)).toEqual([full, sparse].map((e) => plainRow({ ...e })));
    expect(rows[1]).toMatchObject({ textOpt: null, jsonOpt: null, bytesOpt: null, colorOpt: null });
  });

  it('sends one INSERT per model for many rows (bulk) and the generated ids follow the input order', async () => {
    const users = await t.units.run((uow) => Array.from({ length: 300 }, (_, i) => uow.user.add({ name: `u${i}` })));
    t.clear();
    const stored = await t.rows('User');
    expect(users.map((u) => [u.id, u.name, u.loyaltyPoints])).toEqual(stored.map((u) => [u['id'], u['name'], u['loyaltyPoints']]));
    const accounts = await t.units.run((uow) => users.slice(0, 200).map((owner, i) => uow.account.add({ ownerId: owner.id, balance: i })));
    if (t.strategy === 'bulk') expect(t.statements().filter((s) => verbOf(s).startsWith('INSERT'))).toHaveLength(1);
    expect(accounts.every((a, i) => a.version === 0 && a.balance.toNumber() === i && a.id > 0)).toBe(true);
  });
});
