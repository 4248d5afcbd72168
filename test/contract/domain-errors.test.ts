import { expect, it } from 'vitest';
import { InsufficientFundsError } from '../../examples/bank/account.js';
import { TransferRejectedError } from '../../examples/bank/domain.js';
import { transfer } from '../../examples/bank/transfer.js';
import { contract, seedBank } from './harness.js';

/**
 * Issue 11: an error thrown by the caller's own code inside a unit reaches the caller as it went
 * in (same object, so `instanceof` works), whether the unit is interactive or not, retried or
 * not, and nothing is written.
 */
contract('domain errors inside units', (t) => {
  class DomainError extends Error {
    override name = 'DomainError';
  }

  for (const interactive of [false, true]) {
    it(`${interactive ? 'interactive' : 'plain'} unit: the bank's refusal and any error of the caller come out unchanged; nothing written`, async () => {
      const ids = await seedBank(t);
      const refusal = await t.units
        .run((uow) => transfer(uow, { fromId: ids.bobAccount, toId: ids.aliceAccount, amount: '1000' }), { interactive, retry: 3 })
        .catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(InsufficientFundsError);
      expect(refusal).toBeInstanceOf(TransferRejectedError);
      expect((refusal as Error).message).toBe(`Account#${ids.bobAccount} has 50.00, less than the 1000.00 to withdraw.`);
      const thrown = new DomainError('no');
      const caught = await t.units
        .run(
          async (uow) => {
            (await uow.account.get(ids.aliceAccount)).balance = (await uow.account.get(ids.aliceAccount)).balance.minus(1);
            uow.user.add({ name: 'Carol' });
            throw thrown;
          },
          { interactive },
        )
        .catch((e: unknown) => e);
      expect(caught).toBe(thrown);
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['100', '50']);
      expect(await t.rows('User')).toHaveLength(2);
    });
  }
}, { strategies: ['bulk'] });
