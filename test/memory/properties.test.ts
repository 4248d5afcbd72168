import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransferRejectedError } from '../../examples/bank/domain.js';
import { bank as bankSetup } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { schema } from '../../src/generated/uow/index.js';
import { DeltaBoundError } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';

const ACCOUNTS = 4;

function bank() {
  return createMemoryUnits({
    schema,
    ...bankSetup,
    fixtures: {
      User: [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }],
      Account: Array.from({ length: ACCOUNTS }, (_, i) => ({ id: i + 1, ownerId: (i % 2) + 1, balance: 100 })),
    },
  });
}

const transferArb = fc.record({
  fromId: fc.integer({ min: 1, max: ACCOUNTS }),
  toId: fc.integer({ min: 1, max: ACCOUNTS }),
  amount: fc.integer({ min: -5, max: 150 }),
});

const total = (store: ReturnType<typeof bank>['store']): Decimal =>
  store.rows('Account').reduce((sum, a) => sum.plus(a.balance), new Decimal(0));

describe('laws of the in-memory unit', () => {
  it('a unit that ends with every value as loaded writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(transferArb, { maxLength: 6 }), fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 4 }), async (transfers, nudges) => {
        const { units, store } = bank();
        for (const t of transfers) await units.run((uow) => transfer(uow, t)).catch(() => undefined);
        const before = store.snapshot();
        const commits = store.commits;
        await units.run(async (uow) => {
          const accounts = await uow.account.find({ orderBy: { id: 'asc' } });
          const users = await uow.user.find({});
          for (const account of accounts) {
            const loaded = account.balance;
            for (const n of nudges) account.balance = account.balance.plus(n); // change, then change back
            account.balance = new Decimal(loaded.toString());
          }
          for (const user of users) user.name = `${user.name}`;
        });
        expect(store.commits).toBe(commits);
        expect(store.snapshot()).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });

  it('any sequence of transfers, accepted or refused, conserves money and records one entry per accepted transfer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(transferArb, { maxLength: 12 }), async (transfers) => {
        const { units, store } = bank();
        let accepted = 0;
        for (const t of transfers) {
          try {
            await units.run((uow) => transfer(uow, t));
            accepted++;
          } catch (error) {
            expect(error).toBeInstanceOf(TransferRejectedError);
          }
        }
        expect(total(store).toNumber()).toBe(ACCOUNTS * 100);
        expect(store.rows('LedgerEntry')).toHaveLength(accepted);
        expect(store.rows('Account').every((a) => a.balance.greaterThanOrEqualTo(0))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('interleaved units conserve money: a unit that loses a race (a conflict, or a balance bound broken by the two together) writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(transferArb, transferArb), { maxLength: 6 }), async (pairs) => {
        const { units, store } = bank();
        for (const [a, b] of pairs) {
          const first = units.begin();
          const second = units.begin();
          const results = await Promise.allSettled([transfer(first, a), transfer(second, b)]);
          for (const [i, unit] of [first, second].entries()) {
            if (results[i]!.status === 'rejected') unit.$rollback();
          }
          const commits = await Promise.allSettled([first, second].filter((u) => u.$status === 'open').map((u) => u.$commit()));
          // The bank schema declares `balance` `@delta(min: 0)`: concurrent transfers add up; only an overdraft stops one.
          for (const c of commits) if (c.status === 'rejected') expect(c.reason).toBeInstanceOf(DeltaBoundError);
        }
        expect(total(store).toNumber()).toBe(ACCOUNTS * 100);
        expect(store.rows('Account').every((a) => a.balance.greaterThanOrEqualTo(0))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('reloading after a commit gives what the unit held in memory', async () => {
    await fc.assert(
      fc.asyncProperty(transferArb, async (t) => {
        const { units } = bank();
        const tracked = await units
          .run(async (uow) => {
            await transfer(uow, t);
            return uow.account.find({});
          })
          .catch(() => undefined);
        if (!tracked) return;
        const held = tracked.map((a) => ({ ...a })); // after commit: versions and ids as stored
        const reloaded = await units.run(async (uow) => (await uow.account.find({})).map((a) => ({ ...a })));
        expect(reloaded).toEqual(held);
      }),
      { numRuns: 50 },
    );
  });
});
