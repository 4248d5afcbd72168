import { describe, expect, it } from 'vitest';
import { commitOrder } from '../../src/flush/commit-order.js';
import { planFlush } from '../../src/flush/planner.js';
import { foldReadChecks, planReadChecks } from '../../src/flush/read-checks.js';
import type { UpdateStep } from '../../src/flush/plan.js';
import type { ChangeSet, UpdateChange } from '../../src/tracking/change-set.js';
import { schema as demo } from '../../src/generated/uow/index.js';

/** Read checks folded into the plan's UPDATEs (pure: no database). */

const empty: ChangeSet = { inserts: [], updates: [], deletes: [] };
const owner = { id: 1, name: 'Ann', loyaltyPoints: 0, frozen: false };
const points: UpdateChange = { model: 'User', entity: 1, key: { id: 1 }, set: { loyaltyPoints: 10 }, original: { loyaltyPoints: 0 }, deltas: { loyaltyPoints: 10 } };
const plan = (...updates: UpdateChange[]) => planFlush(demo, commitOrder(demo), { ...empty, updates });

describe('foldReadChecks', () => {
  it('a checked row the plan updates gets the checked values as an original-value check (the bank owner: frozen, name)', () => {
    const checks = planReadChecks(demo, [{ model: 'User', base: owner, written: new Set(['loyaltyPoints']) }]);
    const folded = foldReadChecks(plan(points), demo, checks);
    expect(folded?.steps).toHaveLength(1);
    expect(folded!.steps[0]).toMatchObject({ op: 'update', check: 'original', checked: ['frozen', 'name'], deltas: ['loyaltyPoints'] });
    const [row] = (folded!.steps[0] as UpdateStep).rows;
    expect(row!.original).toMatchObject({ frozen: false, name: 'Ann' });
  });

  it('keeps the checks of columns the step already compares', () => {
    const renamed: UpdateChange = { model: 'User', entity: 1, key: { id: 1 }, set: { name: 'Bo' }, original: { name: 'Ann' } };
    const checks = planReadChecks(demo, [{ model: 'User', base: owner, written: new Set(['name']) }]);
    const folded = foldReadChecks(plan(renamed), demo, checks);
    expect(folded!.steps[0]).toMatchObject({ check: 'original', checked: ['frozen', 'loyaltyPoints', 'name'] });
  });

  it('cannot fold a checked row the plan does not update: the checks keep their own read', () => {
    const other = { id: 2, name: 'Cy', loyaltyPoints: 5, frozen: false };
    const checks = planReadChecks(demo, [{ model: 'User', base: other }]);
    expect(foldReadChecks(plan(points), demo, checks)).toBeUndefined();
  });

  it('cannot fold when only some rows of a step are checked (one check per step)', () => {
    const second: UpdateChange = { ...points, entity: 2, key: { id: 2 } };
    const checks = planReadChecks(demo, [{ model: 'User', base: owner, written: new Set(['loyaltyPoints']) }]);
    expect(foldReadChecks(plan(points, second), demo, checks)).toBeUndefined();
  });

  it('a versioned row updated with its version check is checked already', () => {
    const account: UpdateChange = { model: 'Account', entity: 3, key: { id: 7 }, set: { ownerId: 2 }, original: { ownerId: 1 }, version: 4 };
    const checks = planReadChecks(demo, [{ model: 'Account', base: { id: 7, ownerId: 1, balance: 0, version: 4 } }]);
    const unfolded = plan(account);
    expect(foldReadChecks(unfolded, demo, checks)?.steps).toEqual(unfolded.steps);
    const stale = planReadChecks(demo, [{ model: 'Account', base: { id: 7, ownerId: 1, balance: 0, version: 3 } }]);
    expect(foldReadChecks(unfolded, demo, stale)).toBeUndefined();
  });
});
