import { expect, it } from 'vitest';
import { EntityNotFoundError } from 'prisma-uow';
import { TransferRejectedError } from '../../examples/bank/domain.js';
import { LOYALTY_POINTS_PER_TRANSFER, transfer } from '../../examples/bank/transfer.js';
import { contract, isWrite, seedBank, type Target } from './harness.js';

async function state(t: Target) {
  const accounts = await t.rows('Account');
  const users = await t.rows('User');
  return {
    balances: accounts.map((a) => String(a['balance'])),
    points: users.map((u) => u['loyaltyPoints']),
    ledger: (await t.rows('LedgerEntry')).map((e) => [e['fromId'], e['toId'], String(e['amount'])]),
  };
}

contract('bank transfer (the seed example)', (t) => {
  it('debits, credits, writes the ledger and adds loyalty points in one commit', async () => {
    const ids = await seedBank(t);
    await t.units.run((uow) => transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: '25.50' }));
    expect(await state(t)).toEqual({
      balances: ['74.5', '75.5'],
      points: [LOYALTY_POINTS_PER_TRANSFER, 0],
      ledger: [[ids.aliceAccount, ids.bobAccount, '25.5']],
    });
    const writes = t.writes().filter(isWrite);
    // bulk: one INSERT (ledger), one UPDATE per (model, changed columns): User, Account; on
    // PostgreSQL all of it in one statement (by default between BEGIN and COMMIT).
    if (t.backend === 'postgresql' && t.strategy === 'bulk') expect(writes).toHaveLength(1);
    else if (t.strategy === 'bulk') expect(writes).toHaveLength(3);
    else expect(writes.length).toBeGreaterThanOrEqual(3);
  });

  for (const [why, amount] of [
    ['insufficient funds', '100.01'],
    ['a zero amount', '0'],
    ['a negative amount', '-5'],
  ] as const) {
    it(`refuses ${why} and writes nothing`, async () => {
      const ids = await seedBank(t);
      const before = await state(t);
      await expect(t.units.run((uow) => transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount }))).rejects.toBeInstanceOf(
        TransferRejectedError,
      );
      expect(await state(t)).toEqual(before);
      expect(t.writes()).toEqual([]);
    });
  }

  it('refuses an unknown account with a typed error naming model and key', async () => {
    const ids = await seedBank(t);
    const error = await t.units.run((uow) => transfer(uow, { fromId: ids.aliceAccount, toId: 999, amount: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityNotFoundError);
    expect(error).toMatchObject({ model: 'Account', key: 999, message: expect.stringContaining('Account#999') });
    expect(t.writes()).toEqual([]);
  });

  it('reaches the application repositories on the unit', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      const [account] = await uow.accounts.ofOwner(ids.alice);
      expect(account).toBe(await uow.account.get(ids.aliceAccount));
    });
  });
});
