import { Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/generated/uow/index.js';
import { DatabaseError, UsageError } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import type { MemoryStoreError } from '../../src/memory/store-error.js';
import { schema as testSchema } from '../generated/sqlite/uow/index.js';

const people = {
  User: [
    { id: 1, name: 'Alice' },
    { id: 2, name: 'Bob' },
  ],
  Account: [{ id: 1, ownerId: 1, balance: 100 }],
};

/** The commit's error, which must be a DatabaseError whose cause carries a Prisma code. */
async function commitFailure(run: Promise<unknown>): Promise<{ error: DatabaseError; cause: MemoryStoreError }> {
  const error: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  return { error: error as DatabaseError, cause: (error as DatabaseError).cause as MemoryStoreError };
}

const shape = (slug: string) => ({
  slug,
  text: 't',
  int: 1,
  bigInt: 1n,
  float: 1.5,
  decimal: '1.50',
  bool: true,
  dateTime: new Date('2024-01-01T00:00:00Z'),
  json: { a: [1, 2] },
  bytes: new Uint8Array([1, 2]),
  color: 'RED' as const,
});

describe('constraints of the in-memory store', () => {
  it('rejects a duplicate primary key with P2002 and writes none of the unit', async () => {
    const { units, store } = createMemoryUnits({ schema, fixtures: people });
    const before = store.snapshot();
    const { error, cause } = await commitFailure(
      units.run(async (uow) => {
        (await uow.account.get(1)).balance = new Decimal(1);
        uow.user.add({ id: 1, name: 'Twin' });
      }),
    );
    expect(cause.code).toBe('P2002');
    expect(cause.meta).toEqual({ modelName: 'User', target: ['id'] });
    expect(error.model).toBe('User');
    expect(error.message).toContain('[P2002]');
    expect(error.message).toContain('Unique constraint failed on the fields: (`id`): User#1 already exists; load it to change it, or use another key');
    expect(error.message).toContain('nothing was written');
    expect(store.snapshot()).toEqual(before);
  });

  it('rejects a duplicate @unique value with P2002 naming the field and value', async () => {
    const { units, store } = createMemoryUnits({ schema: testSchema, fixtures: { Shape: [shape('a')] } });
    const { error, cause } = await commitFailure(units.run((uow) => void uow.shape.add(shape('a'))));
    expect(cause.code).toBe('P2002');
    expect(cause.meta['target']).toEqual(['slug']);
    expect(error.message).toContain('Unique constraint failed on the fields: (`slug`): Shape#1 already has slug = "a"');
    expect(store.rows('Shape')).toHaveLength(1);
  });

  it('lets a row take a unique value another row gives up in the same commit', async () => {
    const { units, store } = createMemoryUnits({ schema: testSchema, fixtures: { Shape: [shape('a')] } });
    await units.run(async (uow) => {
      (await uow.shape.get(1)).slug = 'renamed';
    });
    await units.run((uow) => void uow.shape.add(shape('a')));
    expect(store.rows('Shape').map((s) => s.slug)).toEqual(['renamed', 'a']);
  });

  it('rejects a foreign key to a missing row with P2003 and writes nothing', async () => {
    const { units, store } = createMemoryUnits({ schema, fixtures: people });
    const before = store.snapshot();
    const { error, cause } = await commitFailure(
      units.run((uow) => {
        uow.user.add({ name: 'Carol' });
        uow.account.add({ ownerId: 999, balance: 1 });
      }),
    );
    expect(cause.code).toBe('P2003');
    expect(cause.meta).toEqual({ modelName: 'Account', field_name: 'Account_ownerId_fkey' });
    expect(error.message).toContain('Account.owner (ownerId = 999) references no User with id = 999');
    expect(store.snapshot()).toEqual(before);
  });

  it('refuses to delete a row a required relation still references (ON DELETE RESTRICT)', async () => {
    const { units, store } = createMemoryUnits({ schema, fixtures: people });
    const { error, cause } = await commitFailure(units.run(async (uow) => uow.user.remove(await uow.user.get(1))));
    expect(cause.code).toBe('P2003');
    expect(error.message).toContain('User#1 is still referenced by Account#1 (Account.owner: ownerId = 1)');
    expect(store.rows('User')).toHaveLength(2);
  });

  it('deletes a parent and its child in one unit (children first)', async () => {
    const { units, store } = createMemoryUnits({ schema, fixtures: people });
    await units.run(async (uow) => {
      uow.account.remove(await uow.account.get(1));
      uow.user.remove(await uow.user.get(1));
    });
    expect(store.rows('User').map((u) => u.id)).toEqual([2]);
    expect(store.rows('Account')).toEqual([]);
  });

  it('clears optional links to a deleted row (ON DELETE SET NULL)', async () => {
    const { units, store } = createMemoryUnits({
      schema: testSchema,
      fixtures: { Node: [{ id: 1, label: 'root' }, { id: 2, label: 'leaf', parentId: 1 }] },
    });
    await units.run(async (uow) => uow.node.remove(await uow.node.get(1)));
    expect(store.rows('Node')).toEqual([{ id: 2, label: 'leaf', parentId: null }]);
  });

  it('rejects a required field left out (without a code, like Prisma Client validation); a JSON null is a value', async () => {
    const { store } = createMemoryUnits({ schema: testSchema });
    const { text: _text, ...withoutText } = shape('a');
    const error = await store.insert('Shape', [withoutText as never]).catch((e: unknown) => e as MemoryStoreError);
    expect((error as MemoryStoreError).code).toBeUndefined();
    expect((error as MemoryStoreError).message).toContain('Null constraint violation on the fields: (`text`)');
    const { json: _json, ...withoutJson } = shape('b');
    await expect(store.insert('Shape', [withoutJson as never])).rejects.toThrow('Null constraint violation on the fields: (`json`)');
    await store.insert('Shape', [{ ...shape('c'), json: null } as never]); // Prisma stores a JSON null
    expect(store.rows('Shape').map((r) => r.json)).toEqual([null]);
  });

  it('keeps composite primary keys apart', async () => {
    const { units, store } = createMemoryUnits({
      schema: testSchema,
      fixtures: { Membership: [{ groupId: 1, userName: 'ann', role: 'owner' }] },
    });
    await units.run((uow) => void uow.membership.add({ groupId: 1, userName: 'bob', role: 'member' }));
    const { cause } = await commitFailure(units.run((uow) => void uow.membership.add({ groupId: 1, userName: 'ann', role: 'x' })));
    expect(cause.meta['target']).toEqual(['groupId', 'userName']);
    expect(store.rows('Membership').map((m) => m.userName)).toEqual(['ann', 'bob']);
  });
});

describe('fixtures', () => {
  it('reject what a database would, naming the fixture', () => {
    expect(() => createMemoryUnits({ schema, fixtures: { User: [{ id: 1, name: 'A' }, { id: 1, name: 'B' }] } })).toThrow(
      /Fixture User\[1\] cannot be stored: Unique constraint failed on the fields: \(`id`\)/,
    );
    expect(() => createMemoryUnits({ schema, fixtures: { Account: [{ id: 1, ownerId: 7, balance: 1 }] } })).toThrow(
      /Fixture Account#1 cannot be stored: Foreign key constraint violated .* references no User with id = 7/,
    );
    expect(() => createMemoryUnits({ schema, fixtures: { User: [{ id: 1, name: 'A' }], Account: [{ ownerId: 1, balance: 'lots' }] } })).toThrow(
      'Fixture Account[0] cannot be stored: Account.balance must be a Decimal, a finite number or a numeric string, got "lots".',
    );
    expect(() => createMemoryUnits({ schema, fixtures: { User: [{ name: 'A', nickname: 'x' } as never] } })).toThrow("User has no scalar field 'nickname'");
    expect(() => createMemoryUnits({ schema, fixtures: { Person: [] } as never })).toThrow(UsageError);
  });

  it('may come in any order of models: foreign keys are checked once every table is filled', () => {
    const { store } = createMemoryUnits({ schema, fixtures: { Account: [{ id: 1, ownerId: 1, balance: 1 }], User: [{ id: 1, name: 'A' }] } });
    expect(store.rows('Account')).toHaveLength(1);
  });
});
