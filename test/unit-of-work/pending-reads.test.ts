import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/generated/uow/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import { findRows } from '../../src/query/where.js';

/**
 * Law of queries over pending changes (issue 13): what `find` returns in a unit equals the same
 * `findMany` evaluated over the data as the unit sees it (stored rows with the unit's changes,
 * additions and removals applied), whatever the filter, order, `skip` and `take`. The store
 * answers the stored part, so this also checks the widened `take` and the excluded keys.
 */

const ROWS = 8;
const account = schema.models.Account!;

const changeArb = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 1, max: ROWS }), balance: fc.integer({ min: 0, max: 9 }) }),
    fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 1, max: ROWS }) }),
    fc.record({ kind: fc.constant('add' as const), balance: fc.integer({ min: 0, max: 9 }), ownerId: fc.integer({ min: 1, max: 2 }) }),
  ),
  { maxLength: 6 },
);

const queryArb = fc.record({
  where: fc.option(fc.oneof(fc.record({ balance: fc.record({ gte: fc.integer({ min: 0, max: 9 }) }) }), fc.record({ ownerId: fc.integer({ min: 1, max: 2 }) })), { nil: undefined }),
  orderBy: fc.option(fc.constantFrom({ balance: 'asc' }, { balance: 'desc' }, [{ ownerId: 'desc' }, { balance: 'asc' }]), { nil: undefined }),
  skip: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  take: fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }),
});

describe('find over pending changes', () => {
  it('equals findMany over the data as the unit sees it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: ROWS, maxLength: ROWS }), changeArb, queryArb, async (balances, changes, query) => {
        const { units } = createMemoryUnits({
          schema,
          fixtures: {
            User: [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }],
            Account: balances.map((balance, i) => ({ id: i + 1, ownerId: (i % 2) + 1, balance })),
          },
        });
        const args = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
        await units.run(async (uow) => {
          const all = await uow.account.find();
          // The unit's view, as plain rows: what findMany would see after the commit (new rows without ids).
          const view = new Map<object, Record<string, unknown>>(all.map((a) => [a, { ...a }]));
          for (const change of changes) {
            if (change.kind === 'add') {
              const added = uow.account.add({ ownerId: change.ownerId, balance: change.balance });
              view.set(added, { id: undefined, ownerId: change.ownerId, balance: added.balance, version: 0 });
              continue;
            }
            const target = all[change.id - 1]!;
            if (!view.has(target)) continue; // removed already
            if (change.kind === 'remove') {
              uow.account.remove(target);
              view.delete(target);
            } else {
              target.balance = target.balance.minus(target.balance).plus(change.balance);
              view.set(target, { ...view.get(target)!, balance: target.balance });
            }
          }
          const expected = findRows(account, [...view.values()], args).map((r) => `${String(r['id'])}:${String(r['balance'])}`);
          const got = (await uow.account.find(args as never)).map((a) => `${String(a.id)}:${String(a.balance)}`);
          expect(got).toEqual(expected);
          await uow.$rollback();
        });
      }),
      { numRuns: 300 },
    );
  });
});
