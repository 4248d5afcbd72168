import { describe, expect, it } from 'vitest';
import { commitOrder } from '../../src/flush/commit-order.js';
import { planFlush } from '../../src/flush/planner.js';
import type { SchemaMetadata } from '../../src/metadata/types.js';
import { PendingKey, type ChangeSet } from '../../src/tracking/change-set.js';
import { schema as demo } from '../../src/generated/uow/index.js';
import { schema as test } from '../generated/sqlite/uow/index.js';

/** The planner is pure: these tests need no database. */

const empty: ChangeSet = { inserts: [], updates: [], deletes: [] };

function ops(schema: SchemaMetadata, changes: Partial<ChangeSet>): string[] {
  return planFlush(schema, commitOrder(schema), { ...empty, ...changes }).steps.map((s) => `${s.op} ${s.model} ${s.rows.length}`);
}

describe('commit order', () => {
  it('puts referenced models first', () => {
    expect(commitOrder(demo).models).toEqual(['User', 'Account', 'LedgerEntry']);
    expect(commitOrder(demo).deferred.size).toBe(0);
  });

  it('breaks a cycle at an optional relation', () => {
    const cyclic: SchemaMetadata = {
      provider: 'sqlite',
      models: {
        A: { name: 'A', table: 'A', delegate: 'a', fields: [], primaryKey: ['id'], uniques: [], relations: [{ name: 'b', target: 'B', fields: ['bId'], references: ['id'], isOptional: true }] },
        B: { name: 'B', table: 'B', delegate: 'b', fields: [], primaryKey: ['id'], uniques: [], relations: [{ name: 'a', target: 'A', fields: ['aId'], references: ['id'], isOptional: false }] },
      },
    };
    const order = commitOrder(cyclic);
    expect(order.models).toEqual(['A', 'B']);
    expect([...order.deferred]).toEqual(['A.b']);
  });
});

describe('planFlush', () => {
  it('inserts parents before children and deletes children before parents', () => {
    const steps = ops(demo, {
      inserts: [
        { model: 'LedgerEntry', entity: 3, values: { fromId: new PendingKey(2, 'Account', 'id'), toId: 9, amount: 1 } },
        { model: 'Account', entity: 2, values: { ownerId: new PendingKey(1, 'User', 'id'), balance: 1 } },
        { model: 'User', entity: 1, values: { name: 'u' } },
      ],
      deletes: [
        { model: 'User', entity: 10, key: { id: 5 } },
        { model: 'Account', entity: 11, key: { id: 6 }, version: 0 },
      ],
    });
    expect(steps).toEqual(['insert User 1', 'insert Account 1', 'insert LedgerEntry 1', 'delete Account 1', 'delete User 1']);
  });

  it('groups updates by the set of changed columns, rows in key order', () => {
    const plan = planFlush(demo, commitOrder(demo), {
      ...empty,
      updates: [3, 1, 2].map((id) => ({ model: 'Account', entity: id, key: { id }, set: { balance: id * 10 }, original: { balance: 0 }, version: 0 })),
    });
    expect(plan.steps).toHaveLength(1);
    const [step] = plan.steps;
    expect(step).toMatchObject({ op: 'update', model: 'Account', fields: ['balance'], check: 'version' });
    expect(step!.rows.map((r) => ('key' in r ? r.key['id'] : undefined))).toEqual([1, 2, 3]);
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.steps) && Object.isFrozen(step)).toBe(true);
  });

  it('checks original values for models without a version field', () => {
    const plan = planFlush(demo, commitOrder(demo), {
      ...empty,
      updates: [{ model: 'User', entity: 1, key: { id: 1 }, set: { loyaltyPoints: 10 }, original: { loyaltyPoints: 0 } }],
    });
    expect(plan.steps[0]).toMatchObject({ check: 'original', checked: ['loyaltyPoints'] });
  });

  it('writes @updatedAt fields but does not check their original values (every writer sets them)', () => {
    const at = new Date(0);
    const plan = planFlush(test, commitOrder(test), {
      ...empty,
      updates: [{ model: 'Note', entity: 1, key: { id: 1 }, set: { text: 'b', updatedAt: at }, original: { text: 'a', updatedAt: new Date(5) } }],
    });
    expect(plan.steps[0]).toMatchObject({ check: 'original', fields: ['text', 'updatedAt'], checked: ['text'] });
  });

  it('inserts a new self-referencing tree in one statement, then links it with one update', () => {
    const inserts = [
      { model: 'Node', entity: 1, values: { label: 'root' } },
      { model: 'Node', entity: 2, values: { label: 'child', parentId: new PendingKey(1, 'Node', 'id') } },
      { model: 'Node', entity: 3, values: { label: 'grandchild', parentId: new PendingKey(2, 'Node', 'id') } },
    ];
    const plan = planFlush(test, commitOrder(test), { ...empty, inserts });
    expect(plan.steps.map((s) => `${s.op} ${s.model} ${s.rows.length}`)).toEqual(['insert Node 3', 'update Node 2']);
    expect(plan.steps[0]!.rows.map((r) => ('values' in r ? (r.values['parentId'] ?? null) : 'not an insert'))).toEqual([null, null, null]);
    expect(plan.steps[1]).toMatchObject({ check: 'none', fields: ['parentId'] });
  });

  it('plans nothing for an empty change set', () => {
    expect(ops(demo, {})).toEqual([]);
  });
});
