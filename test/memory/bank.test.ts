import { Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import { TransferRejectedError } from '../../examples/bank/domain.js';
import { bank as bankSetup } from '../../examples/bank/models.js';
import { LOYALTY_POINTS_PER_TRANSFER, transfer } from '../../examples/bank/transfer.js';
// The bank models without their declared deltas (test/prisma/prepare.ts): balances are checked columns here; deltas: bank-deltas.test.ts.
import { schema } from '../generated/sqlite/uow/index.js';
import { ConcurrencyConflictError } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import { bankFixtures } from './bank-fixtures.js';

/** Alice (User#1) owns Account#1 with 100.00, Bob (User#2) owns Account#2 with 50. */
function bank() {
  return createMemoryUnits({
    schema,
    ...bankSetup,
    fixtures: bankFixtures(),
  });
}

const balances = (store: ReturnType<typeof bank>['store']): string[] => store.rows('Account').map((a) => a.balance.toFixed(2));

describe('bank transfer on the in-memory unit', () => {
  it('commits all four changes: both balances, the ledger entry and the loyalty points', async () => {
    const { units, store } = bank();
    await units.run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: '25.00' }));

    expect(balances(store)).toEqual(['75.00', '75.00']);
    expect(store.rows('Account').map((a) => a.version)).toEqual([1, 1]);
    const [entry, ...more] = store.rows('LedgerEntry');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ id: 1, fromId: 1, toId: 2 });
    expect(entry!.amount).toEqual(new Decimal(25));
    expect(entry!.createdAt).toBeInstanceOf(Date);
    expect(store.rows('User').map((u) => u.loyaltyPoints)).toEqual([LOYALTY_POINTS_PER_TRANSFER, 0]);
    expect(store.commits).toBe(1);
  });

  it('writes nothing when the flow throws after changing objects', async () => {
    const { units, store } = bank();
    const before = store.snapshot();
    await expect(
      units.run(async (uow) => {
        await transfer(uow, { fromId: 1, toId: 2, amount: 10 });
        throw new Error('boom after the transfer');
      }),
    ).rejects.toThrow('boom after the transfer');
    expect(store.snapshot()).toEqual(before);
    expect(store.commits).toBe(0);
  });

  it('writes nothing when the sender has insufficient funds', async () => {
    const { units, store } = bank();
    const before = store.snapshot();
    await expect(units.run((uow) => transfer(uow, { fromId: 2, toId: 1, amount: 1_000_000 }))).rejects.toThrow(TransferRejectedError);
    expect(store.snapshot()).toEqual(before);
  });

  it('rejects the second of two units that changed the same accounts, and writes none of it', async () => {
    const { units, store } = bank();
    const first = units.begin();
    const second = units.begin();
    await transfer(first, { fromId: 1, toId: 2, amount: 10 });
    await transfer(second, { fromId: 2, toId: 1, amount: 20 }); // loads both accounts at version 0
    await first.$commit();
    const afterFirst = store.snapshot();

    const error: unknown = await second.$commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    const conflict = error as ConcurrencyConflictError;
    expect(conflict.rows).toEqual([
      { model: 'Account', key: 1, expectedVersion: 0 },
      { model: 'Account', key: 2, expectedVersion: 0 },
    ]);
    expect(conflict.model).toBe('Account');
    expect(conflict.key).toBe(1);
    expect(conflict.message).toMatch(/^Account#1, Account#2 were changed or deleted by another transaction/);
    expect(second.$status).toBe('rolled back');
    // Bob's loyalty points were updated before the accounts failed: rolled back with the rest.
    expect(store.snapshot()).toEqual(afterFirst);
    expect(balances(store)).toEqual(['90.00', '60.00']);
    expect(store.rows('User').map((u) => u.loyaltyPoints)).toEqual([LOYALTY_POINTS_PER_TRANSFER, 0]);
  });

  it('reports the first step that conflicts, as the database backend does (users are updated before accounts)', async () => {
    const { units } = bank();
    const first = units.begin();
    const second = units.begin();
    await transfer(first, { fromId: 1, toId: 2, amount: 10 });
    await transfer(second, { fromId: 1, toId: 2, amount: 20 });
    await first.$commit();
    const error = (await second.$commit().catch((e: unknown) => e)) as ConcurrencyConflictError;
    expect(error.rows).toEqual([{ model: 'User', key: 1 }]); // unversioned: checked by original values
  });

  it('makes generated ids visible on the objects after commit, and links new rows by them', async () => {
    const { units, store } = bank();
    const { carol, account, entry } = await units.run(async (uow) => {
      const carol = uow.user.add({ name: 'Carol' });
      const account = uow.account.add({ owner: carol, balance: 0 });
      const alice = await uow.accounts.get(1);
      const entry = uow.ledger.record(alice, account, new Decimal(0));
      return { carol, account, entry };
    });
    expect(carol.id).toBe(3); // after the largest fixture id
    expect(account).toMatchObject({ id: 3, ownerId: 3, version: 0 });
    expect(entry).toMatchObject({ id: 1, fromId: 1, toId: 3 });
    expect(store.rows('Account')[2]).toEqual({ id: 3, ownerId: 3, balance: new Decimal(0), version: 0 });
  });

  it('runs the transfer twice in a row, each unit reading what the previous one committed', async () => {
    const { units, store } = bank();
    await units.run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: 30 }));
    await units.run((uow) => transfer(uow, { fromId: 2, toId: 1, amount: 5 }));
    expect(balances(store)).toEqual(['75.00', '75.00']);
    expect(store.rows('LedgerEntry').map((e) => e.id)).toEqual([1, 2]);
    expect(store.rows('Account').map((a) => a.version)).toEqual([2, 2]);
  });
});
