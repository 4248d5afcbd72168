import { describe, expect, it } from 'vitest';
import { InsufficientFundsError } from '../../examples/bank/account.js';
import { bank as bankSetup } from '../../examples/bank/models.js';
import { LOYALTY_POINTS_PER_TRANSFER, transfer } from '../../examples/bank/transfer.js';
import { schema } from '../../src/generated/uow/index.js';
import { DeltaBoundError, isRetryableError } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import { bankFixtures } from './bank-fixtures.js';

/**
 * Issue 11: the bank schema as declared (prisma/schema.prisma: `balance` `@delta(min: 0)`,
 * `loyaltyPoints` `@delta`), on the in-memory unit: concurrent transfers over the same accounts
 * all commit, and an overdraft that only their combination causes stops the late one.
 */
function bank() {
  return createMemoryUnits({
    schema,
    ...bankSetup,
    fixtures: bankFixtures(),
  });
}

describe('bank transfer with declared deltas (in-memory)', () => {
  it('two units transferring over the same accounts both commit: balances and points add up, versions stay, objects show the stored sums', async () => {
    const { units, store } = bank();
    const first = units.begin();
    const second = units.begin();
    await transfer(first, { fromId: 1, toId: 2, amount: 10 });
    await transfer(second, { fromId: 1, toId: 2, amount: 20 }); // loaded before the first committed
    const sender = await second.account.get(1);
    await first.$commit();
    await second.$commit();
    expect(store.rows('Account').map((a) => [a.balance.toFixed(2), a.version])).toEqual([
      ['70.00', 0],
      ['80.00', 0],
    ]);
    expect(store.rows('User').map((u) => u.loyaltyPoints)).toEqual([2 * LOYALTY_POINTS_PER_TRANSFER, 0]);
    expect(sender.balance.toFixed(2)).toBe('70.00');
  });

  it('an overdraft only the two together cause: DeltaBoundError for the late one, nothing of it written; retried, the transfer refuses itself', async () => {
    const { units, store } = bank();
    const first = units.begin();
    const second = units.begin();
    await transfer(first, { fromId: 1, toId: 2, amount: 60 });
    await transfer(second, { fromId: 1, toId: 2, amount: 60 }); // each fits 100 on its own
    await first.$commit();
    const error = await second.$commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaBoundError);
    expect(error).toMatchObject({ model: 'Account', key: 1, field: 'balance', bound: 'min', limit: '0' });
    expect(String((error as DeltaBoundError).reached)).toBe('-20');
    expect(store.rows('Account').map((a) => a.balance.toFixed(2))).toEqual(['40.00', '110.00']);
    expect(store.rows('LedgerEntry')).toHaveLength(1);
    // Run again (retrying DeltaBoundError too): the transfer re-reads 40.00 and refuses with the bank's own error.
    const retried = await units
      .run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: 60 }), { retry: { retryOn: (e) => isRetryableError(e) || e instanceof DeltaBoundError } })
      .catch((e: unknown) => e);
    expect(retried).toBeInstanceOf(InsufficientFundsError);
  });
});
