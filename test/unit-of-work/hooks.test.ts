import { expect, it } from 'vitest';
import { ConcurrencyConflictError, HookError, type ChangeList } from 'prisma-uow';
import { transfer } from '../../examples/bank/transfer.js';
import { contract, seedBank, type TestModels } from '../contract/harness.js';

/** "Money moved by this unit sums to zero": a before-flush invariant over the change set. */
function balancesSumToZero(changes: ChangeList<TestModels>): void {
  let delta = 0;
  for (const c of changes) {
    if (c.kind === 'update' && c.model === 'Account' && c.changes.balance) {
      delta += c.changes.balance.to.toNumber() - c.changes.balance.from.toNumber();
    }
  }
  if (delta !== 0) throw new Error(`this unit creates or destroys ${delta} of money`);
}

contract(
  'hooks',
  (t) => {
    it('afterCommit receives what was written: model, key, old and new values, generated keys', async () => {
      const ids = await seedBank(t);
      let seen: ChangeList<TestModels> | undefined;
      await t.units.run(async (uow) => {
        uow.$afterCommit((changes) => {
          seen = changes;
        });
        await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 25 });
      });
      const [entry] = await t.rows('LedgerEntry');
      expect(seen).toBeDefined();
      const byKind = (kind: string) => seen!.filter((c) => c.kind === kind);
      expect(byKind('insert')).toEqual([expect.objectContaining({ model: 'LedgerEntry', key: entry!['id'] })]);
      const accountUpdates = seen!.filter((c) => c.kind === 'update' && c.model === 'Account');
      expect(accountUpdates.map((c) => [c.key, c.kind === 'update' ? [String(c.changes.balance?.from), String(c.changes.balance?.to)] : null])).toEqual([
        [ids.aliceAccount, ['100', '75']],
        [ids.bobAccount, ['50', '75']],
      ]);
      expect(seen!.find((c) => c.model === 'User')).toEqual({ kind: 'update', model: 'User', key: ids.alice, changes: { loyaltyPoints: { from: 0, to: 10 } } });
    });

    it('afterCommit never runs when the unit rolls back; afterRollback gets the reason', async () => {
      const ids = await seedBank(t);
      const events: string[] = [];
      const boom = new Error('boom');
      await expect(
        t.units.run(async (uow) => {
          uow.$afterCommit(() => void events.push('commit'));
          uow.$afterRollback((error) => void events.push(`rollback: ${(error as Error).message}`));
          await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 25 });
          throw boom;
        }),
      ).rejects.toBe(boom);
      // A commit that loses a race rolls back too.
      const slow = t.units.begin();
      slow.$afterCommit(() => void events.push('commit'));
      slow.$afterRollback((error) => void events.push(`rollback: ${(error as Error).name}`));
      (await slow.account.get(ids.aliceAccount)).balance = 1 as never;
      await t.units.run(async (uow) => void ((await uow.account.get(ids.aliceAccount)).balance = 2 as never));
      await expect(slow.$commit()).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect(events).toEqual(['rollback: boom', 'rollback: ConcurrencyConflictError']);
    });

    it('beforeFlush can check an invariant over the change set and abort: nothing is written', async () => {
      const ids = await seedBank(t);
      const before = await t.rows('Account');
      const rolledBack: unknown[] = [];
      const error = await t.units
        .run(async (uow) => {
          uow.$beforeFlush(balancesSumToZero);
          uow.$afterRollback((e) => void rolledBack.push(e));
          (await uow.account.get(ids.aliceAccount)).balance = 1000 as never; // money from nowhere
        })
        .catch((e: unknown) => e);
      expect(String((error as Error).message)).toMatch(/creates or destroys 900 of money/);
      expect(rolledBack).toEqual([error]);
      expect(await t.rows('Account')).toEqual(before);
      // A balanced transfer passes the same check.
      await t.units.run(async (uow) => {
        uow.$beforeFlush(balancesSumToZero);
        await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 5 });
      });
      expect(await t.rows('LedgerEntry')).toHaveLength(1);
    });

    it('a failing afterCommit hook reports HookError with committed: true, and the data is committed', async () => {
      const ids = await seedBank(t);
      const error = await t.units
        .run(async (uow) => {
          uow.$afterCommit(() => {
            throw new Error('mail server down');
          });
          await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 5 });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HookError);
      expect(error).toMatchObject({ committed: true, message: expect.stringMatching(/committed, but an afterCommit hook failed: mail server down/) });
      expect(await t.rows('LedgerEntry')).toHaveLength(1);
    });
  },
  { strategies: ['bulk'] },
);
