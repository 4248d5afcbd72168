import { describe, expect, it } from 'vitest';
import { commitOrder } from '../../src/flush/commit-order.js';
import { planFlush } from '../../src/flush/planner.js';
import type { SchemaMetadata } from '../../src/metadata/types.js';
import { UsageError } from '../../src/errors.js';
import { PendingKey, type ChangeSet, type DeleteChange, type UpdateChange } from '../../src/tracking/change-set.js';
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
        A: { name: 'A', table: 'A', delegate: 'a', fields: [], primaryKey: ['id'], uniques: [], relations: [{ name: 'b', target: 'B', fields: ['bId'], references: ['id'], isOptional: true, onDelete: 'SetNull', onUpdate: 'Cascade' }] },
        B: { name: 'B', table: 'B', delegate: 'b', fields: [], primaryKey: ['id'], uniques: [], relations: [{ name: 'a', target: 'A', fields: ['aId'], references: ['id'], isOptional: false, onDelete: 'Restrict', onUpdate: 'Cascade' }] },
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
        { model: 'User', entity: 10, key: { id: 5 }, original: { id: 5, name: 'u', loyaltyPoints: 0 } },
        { model: 'Account', entity: 11, key: { id: 6 }, original: { id: 6, ownerId: 7, balance: 1, version: 0 }, version: 0 },
      ],
    });
    expect(steps).toEqual(['insert User 1', 'insert Account 1', 'insert LedgerEntry 1', 'delete Account 1', 'delete User 1']);
  });

  it('groups updates by the set of changed columns, rows in key order', () => {
    const plan = planFlush(test, commitOrder(test), {
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
    const plan = planFlush(test, commitOrder(test), {
      ...empty,
      updates: [{ model: 'User', entity: 1, key: { id: 1 }, set: { loyaltyPoints: 10 }, original: { loyaltyPoints: 0 } }],
    });
    expect(plan.steps[0]).toMatchObject({ check: 'original', checked: ['loyaltyPoints'], deltas: [] });
  });

  it('declared deltas (the bank schema: Account.balance, User.loyaltyPoints): rows changing only deltas need only exist; other columns keep their check', () => {
    const plan = planFlush(demo, commitOrder(demo), {
      ...empty,
      updates: [
        { model: 'Account', entity: 1, key: { id: 1 }, set: { balance: 5 }, original: { balance: 10 }, version: 3, deltas: { balance: -5 } },
        { model: 'User', entity: 2, key: { id: 1 }, set: { loyaltyPoints: 10 }, original: { loyaltyPoints: 0 }, deltas: { loyaltyPoints: 10 } },
        { model: 'User', entity: 3, key: { id: 2 }, set: { loyaltyPoints: 10, name: 'b' }, original: { loyaltyPoints: 0, name: 'a' }, deltas: { loyaltyPoints: 10 } },
      ],
    });
    expect(plan.steps.map((s) => s.op === 'update' && { model: s.model, check: s.check, checked: s.checked, deltas: s.deltas })).toEqual([
      { model: 'User', check: 'exists', checked: [], deltas: ['loyaltyPoints'] },
      { model: 'User', check: 'original', checked: ['name'], deltas: ['loyaltyPoints'] },
      { model: 'Account', check: 'exists', checked: [], deltas: ['balance'] },
    ]);
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

/** A loaded row of `model` to delete (its snapshot is `row`). */
function del(model: string, entity: number, row: Record<string, unknown>): DeleteChange {
  return { model, entity, key: { id: row['id'] }, original: row };
}

/** A loaded row of `model` changed to `set`. */
function upd(model: string, entity: number, row: Record<string, unknown>, set: Record<string, unknown>): UpdateChange {
  return { model, entity, key: { id: row['id'] }, set, original: row };
}

const cat = (id: number, slug: string, shop = 1, position = id) => ({ id, slug, shop, position });

describe('planFlush: writes that need other writes first', () => {
  it('deletes a removed row before inserting a row with its @unique value, its @@unique values or its primary key', () => {
    for (const values of [{ slug: 'a', shop: 2, position: 9 }, { slug: 'z', shop: 1, position: 1 }, { id: 1, slug: 'z', shop: 2, position: 9 }]) {
      const steps = ops(test, {
        inserts: [{ model: 'Category', entity: 1, values }],
        deletes: [del('Category', 2, cat(1, 'a'))],
      });
      expect(steps).toEqual(['delete Category 1', 'insert Category 1']);
    }
  });

  it('keeps the canonical order when the new values differ (inserts first, deletes last)', () => {
    const steps = ops(test, {
      inserts: [{ model: 'Category', entity: 1, values: { slug: 'b', shop: 2, position: 2 } }],
      deletes: [del('Category', 2, cat(1, 'a'))],
    });
    expect(steps).toEqual(['insert Category 1', 'delete Category 1']);
  });

  it('puts only the deletes that free a value first; children of an early delete go before it', () => {
    const steps = ops(test, {
      inserts: [{ model: 'Category', entity: 1, values: { slug: 'a', shop: 5, position: 5 } }],
      deletes: [
        del('Category', 2, cat(1, 'a')),
        del('Category', 3, cat(2, 'b')),
        del('RestrictItem', 4, { id: 7, name: 'r', categoryId: 1 }),
        del('RestrictItem', 5, { id: 8, name: 'r', categoryId: 2 }),
      ],
    });
    expect(steps).toEqual(['delete RestrictItem 1', 'delete Category 1', 'insert Category 1', 'delete RestrictItem 1', 'delete Category 1']);
  });

  it('writes an update that frees a unique value before the insert that takes it', () => {
    const steps = ops(test, {
      inserts: [{ model: 'Category', entity: 1, values: { slug: 'a', shop: 5, position: 5 } }],
      updates: [upd('Category', 2, cat(1, 'a'), { slug: 'a-old' }), upd('Category', 3, cat(2, 'b'), { shop: 7 })],
    });
    expect(steps).toEqual(['update Category 1', 'insert Category 1', 'update Category 1']);
  });

  it('deletes a removed row before the update that takes its value, and orders a chain of updates', () => {
    expect(ops(test, { updates: [upd('Category', 1, cat(1, 'a'), { slug: 'b' })], deletes: [del('Category', 2, cat(2, 'b'))] })).toEqual([
      'delete Category 1',
      'update Category 1',
    ]);
    // a takes 'b' from b, which takes 'c' from c: c, then b, then a.
    const plan = planFlush(test, commitOrder(test), {
      ...empty,
      updates: [upd('Category', 1, cat(1, 'a'), { slug: 'b' }), upd('Category', 2, cat(2, 'b'), { slug: 'c' }), upd('Category', 3, cat(3, 'c'), { slug: 'd' })],
    });
    expect(plan.steps.map((s) => s.rows.map((r) => ('key' in r ? r.key['id'] : undefined)))).toEqual([[3], [2], [1]]);
  });

  it('writes a swap of unique values in one step (no order can; the database reports it)', () => {
    const steps = ops(test, { updates: [upd('Category', 1, cat(1, 'a'), { slug: 'b' }), upd('Category', 2, cat(2, 'b'), { slug: 'a' })] });
    expect(steps).toEqual(['update Category 2']);
  });

  it('moves a row away from a replaced row before deleting it, and inserts the replacement last', () => {
    const steps = ops(test, {
      inserts: [{ model: 'Category', entity: 1, values: { slug: 'a', shop: 5, position: 5 } }],
      updates: [upd('RestrictItem', 2, { id: 7, name: 'r', categoryId: 1 }, { categoryId: 2 })],
      deletes: [del('Category', 3, cat(1, 'a'))],
    });
    expect(steps).toEqual(['update RestrictItem 1', 'delete Category 1', 'insert Category 1']);
  });
});

describe('planFlush: delete order among removed rows', () => {
  const folder = (id: number, parentId: number | null) => ({ id, name: `f${id}`, parentId });

  it('deletes a Restrict tree leaves first, one step per level, whatever the ids', () => {
    const tree = [folder(1, null), folder(2, 1), folder(3, 2), folder(4, 2), folder(5, 1)];
    const plan = planFlush(test, commitOrder(test), { ...empty, deletes: tree.map((f, i) => del('Folder', 10 + i, f)) });
    expect(plan.steps.map((s) => s.rows.map((r) => ('key' in r ? r.key['id'] : undefined)))).toEqual([[3, 4, 5], [2], [1]]);
    const reversed = [folder(5, null), folder(4, 5), folder(3, 4)];
    expect(ops(test, { deletes: reversed.map((f, i) => del('Folder', 10 + i, f)) })).toEqual(['delete Folder 1', 'delete Folder 1', 'delete Folder 1']);
  });

  it('deletes a Cascade tree by levels too, and a SetNull tree (Node) in one step', () => {
    const reply = (id: number, parentId: number | null) => ({ id, text: 't', parentId });
    expect(ops(test, { deletes: [reply(1, null), reply(2, 1)].map((r, i) => del('Reply', i, r)) })).toEqual(['delete Reply 1', 'delete Reply 1']);
    const node = (id: number, parentId: number | null) => ({ id, label: 'n', parentId });
    expect(ops(test, { deletes: [node(1, null), node(2, 1), node(3, 2)].map((n, i) => del('Node', i, n)) })).toEqual(['delete Node 3']);
  });

  it('orders deletes of models that reference each other by their rows', () => {
    // Team 1 is captained by Player 1, who plays for team 2 (not removed): the team goes first.
    const steps = ops(test, { deletes: [del('Player', 1, { id: 1, name: 'p', teamId: 2 }), del('Team', 2, { id: 1, name: 't', captainId: 1 })] });
    expect(steps).toEqual(['delete Team 1', 'delete Player 1']);
  });

  it('breaks a cycle of removed rows by setting the optional foreign key to null first', () => {
    const plan = planFlush(test, commitOrder(test), {
      ...empty,
      deletes: [
        del('Player', 1, { id: 1, name: 'captain', teamId: 1 }),
        del('Player', 2, { id: 2, name: 'player', teamId: 1 }),
        del('Team', 3, { id: 1, name: 't', captainId: 1 }),
      ],
    });
    expect(plan.steps.map((s) => `${s.op} ${s.model} ${s.rows.length}`)).toEqual(['update Team 1', 'delete Player 2', 'delete Team 1']);
    expect(plan.steps[0]).toMatchObject({ fields: ['captainId'], check: 'none', rows: [{ key: { id: 1 }, set: { captainId: null } }] });
  });

  it('inserts a new tree with given ids in one statement with null parents, then links it', () => {
    const inserts = [
      { model: 'Folder', entity: 1, values: { id: 3, name: 'c', parentId: 2 } },
      { model: 'Folder', entity: 2, values: { id: 2, name: 'b', parentId: 1 } },
      { model: 'Folder', entity: 3, values: { id: 1, name: 'a' } },
    ];
    const plan = planFlush(test, commitOrder(test), { ...empty, inserts });
    expect(plan.steps.map((s) => `${s.op} ${s.model} ${s.rows.length}`)).toEqual(['insert Folder 3', 'update Folder 2']);
    expect(plan.steps[0]!.rows.map((r) => ('values' in r ? (r.values['parentId'] ?? null) : 'not an insert'))).toEqual([null, null, null]);
    expect(plan.steps[1]).toMatchObject({ check: 'none', rows: [{ entity: 1, set: { parentId: 2 } }, { entity: 2, set: { parentId: 1 } }] });
  });

  it('refuses new rows that reference each other through required relations', () => {
    const chain: SchemaMetadata = {
      provider: 'sqlite',
      models: {
        Link: {
          name: 'Link', table: 'Link', delegate: 'link', fields: [], primaryKey: ['id'], uniques: [],
          relations: [{ name: 'next', target: 'Link', fields: ['nextId'], references: ['id'], isOptional: false, onDelete: 'Restrict', onUpdate: 'Cascade' }],
        },
      },
    };
    const inserts = [
      { model: 'Link', entity: 1, values: { nextId: new PendingKey(2, 'Link', 'id') } },
      { model: 'Link', entity: 2, values: { nextId: new PendingKey(1, 'Link', 'id') } },
    ];
    expect(() => ops(chain, { inserts })).toThrow(UsageError);
    // A required chain without a cycle goes level by level, for generated and for given keys.
    expect(ops(chain, { inserts: [{ model: 'Link', entity: 3, values: { nextId: 9 } }, { model: 'Link', entity: 4, values: { nextId: new PendingKey(3, 'Link', 'id') } }] })).toEqual([
      'insert Link 1',
      'insert Link 1',
    ]);
    const given = [
      { model: 'Link', entity: 5, values: { id: 2, nextId: 1 } },
      { model: 'Link', entity: 6, values: { id: 1, nextId: 9 } },
    ];
    const plan = planFlush(chain, commitOrder(chain), { ...empty, inserts: given });
    expect(plan.steps.map((s) => s.rows.map((r) => ('values' in r ? r.values['id'] : undefined)))).toEqual([[1], [2]]);
  });
});
