import { Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/generated/uow/index.js';
import { DatabaseError, UsageError, defineSchema } from '../../src/index.js';
import type { FieldMetadata, SchemaMetadata } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import { MemoryStore } from '../../src/memory/memory-store.js';
import { schema as testSchema } from '../generated/sqlite/uow/index.js';

const field = (name: string, kind: FieldMetadata['kind'], extra: Partial<FieldMetadata> = {}): FieldMetadata => ({
  name,
  column: name,
  kind,
  isList: false,
  isRequired: true,
  isId: false,
  isUpdatedAt: false,
  default: 'none',
  ...extra,
});

/** A model with every kind of default (hand-written metadata, as the generator would emit it). */
const gadgetMetadata: SchemaMetadata = {
  provider: 'postgresql',
  models: {
    Gadget: {
      name: 'Gadget',
      table: 'Gadget',
      delegate: 'gadget',
      primaryKey: ['id'],
      uniques: [],
      relations: [],
      fields: [
        field('id', 'Int', { isId: true, default: 'database', defaultValue: { function: 'autoincrement' } }),
        field('name', 'String'),
        field('uuid', 'String', { default: 'prisma', defaultValue: { function: 'uuid' } }),
        field('cuid', 'String', { default: 'prisma', defaultValue: { function: 'cuid' } }),
        field('createdAt', 'DateTime', { default: 'prisma', defaultValue: { function: 'now' } }),
        field('updatedAt', 'DateTime', { default: 'prisma', isUpdatedAt: true }),
        field('price', 'Decimal', { default: 'prisma', defaultValue: { value: 1.25 } }),
        field('stock', 'BigInt', { default: 'prisma', defaultValue: { value: '12' } }),
        field('ratio', 'Float', { default: 'prisma', defaultValue: { value: 0.5 } }),
        field('active', 'Boolean', { default: 'prisma', defaultValue: { value: true } }),
        field('color', 'Enum', { default: 'prisma', enumType: 'Color', defaultValue: { value: 'GREEN' } }),
        field('meta', 'Json', { default: 'prisma', defaultValue: { value: '{"a":1}' } }),
        field('blob', 'Bytes', { default: 'prisma', defaultValue: { value: 'AQID' } }),
        field('sizes', 'Int', { isList: true, default: 'prisma', defaultValue: { value: [1, 2] } }),
        field('note', 'String', { isRequired: false }),
        field('token', 'String', { isRequired: false, default: 'database', defaultValue: { function: 'dbgenerated' } }),
      ],
    },
  },
};

interface Gadget {
  id: number;
  name: string;
  uuid: string;
  cuid: string;
  createdAt: Date;
  updatedAt: Date;
  price: Decimal;
  stock: bigint;
  ratio: number;
  active: boolean;
  color: string;
  meta: unknown;
  blob: Uint8Array;
  sizes: number[];
  note: string | null;
  token: string | null;
}
type GadgetModels = {
  Gadget: { row: Gadget; findMany: object; where: object; key: 'id'; required: 'name'; refs: {}; requiredRefs: {} };
};
const gadgetSchema = defineSchema<GadgetModels>(gadgetMetadata);

describe('MemoryStore', () => {
  it('stores fixture values as the database returns them: Decimals, Dates, bigints, nulls and defaults', () => {
    const store = new MemoryStore(testSchema, {
      User: [{ id: 1, name: 'Alice' }],
      Account: [{ id: 1, ownerId: 1, balance: 100 }],
      Shape: [
        {
          slug: 'a', text: 't', int: 1, bigInt: 5, float: 1, decimal: '2.50', bool: false,
          dateTime: '2024-01-01T00:00:00Z', json: { nested: [1] }, bytes: Buffer.from([7]), color: 'BLUE',
        },
      ],
    });
    expect(store.rows('User')).toEqual([{ id: 1, name: 'Alice', loyaltyPoints: 0, frozen: false }]);
    expect(store.rows('Account')).toEqual([{ id: 1, ownerId: 1, balance: new Decimal(100), version: 0 }]);
    const [s] = store.rows('Shape');
    expect(s!.decimal).toBeInstanceOf(Decimal);
    expect(s!.decimal.toString()).toBe('2.5');
    expect(s!.bigInt).toBe(5n);
    expect(s!.dateTime).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(s!.bytes).toEqual(new Uint8Array([7]));
    expect(s!.bytes.constructor).toBe(Uint8Array);
    expect(s!.textOpt).toBeNull();
    expect(s!.jsonOpt).toBeNull();
  });

  it('types fixtures from the generated client: required fields must be given', () => {
    // @ts-expect-error User.name is required
    expect(() => new MemoryStore(schema, { User: [{ id: 1 }] })).toThrow('Fixture User[0] cannot be stored: Null constraint violation on the fields: (`name`)');
  });

  it('hands out copies: changing a returned row never changes the store', () => {
    const store = new MemoryStore(testSchema, {
      Shape: [
        { slug: 'a', text: 't', int: 1, bigInt: 1, float: 1, decimal: 1, bool: true, dateTime: new Date(0), json: { list: [1] }, bytes: new Uint8Array([1]), color: 'RED' },
      ],
    });
    const row = store.rows('Shape')[0]!;
    row.dateTime.setTime(123);
    (row.json as { list: number[] }).list.push(2);
    row.bytes[0] = 9;
    row.text = 'changed';
    expect(store.rows('Shape')[0]).toMatchObject({ text: 't', dateTime: new Date(0), json: { list: [1] }, bytes: new Uint8Array([1]) });
  });

  it('continues autoincrement after the largest fixture id, and after explicit ids', async () => {
    const { units, store } = createMemoryUnits({ schema, fixtures: { User: [{ id: 5, name: 'E' }, { id: 2, name: 'B' }] } });
    const first = await units.run((uow) => uow.user.add({ name: 'F' }));
    expect(first.id).toBe(6);
    await units.run((uow) => void uow.user.add({ id: 10, name: 'J' }));
    const next = await units.run((uow) => uow.user.add({ name: 'K' }));
    expect(next.id).toBe(11);
    expect(store.rows('User').map((u) => u.id)).toEqual([2, 5, 6, 10, 11]);
  });

  it('gives back the ids of a failed commit (counters roll back with the rows)', async () => {
    const { units } = createMemoryUnits({ schema, fixtures: { User: [{ id: 1, name: 'A' }] } });
    await expect(
      units.run((uow) => {
        uow.user.add({ name: 'B' });
        uow.account.add({ ownerId: 99, balance: 0 });
      }),
    ).rejects.toThrow(DatabaseError);
    expect((await units.run((uow) => uow.user.add({ name: 'C' }))).id).toBe(2);
  });

  it('applies every kind of default, and @updatedAt on insert and update', async () => {
    const { units, store } = createMemoryUnits({ schema: gadgetSchema });
    const added = await units.run((uow) => uow.gadget.add({ name: 'g', token: 't' }));
    const [row] = store.rows('Gadget');
    expect(row).toMatchObject({
      id: 1, name: 'g', price: new Decimal('1.25'), stock: 12n, ratio: 0.5, active: true, color: 'GREEN',
      meta: { a: 1 }, blob: new Uint8Array([1, 2, 3]), sizes: [1, 2], note: null, token: 't',
    });
    expect(row!.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row!.cuid).toMatch(/^c[0-9a-z]{24}$/);
    expect(row!.createdAt).toBeInstanceOf(Date);
    expect(row!.updatedAt).toEqual(row!.createdAt);
    expect(added.uuid).toBe(row!.uuid);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await units.run(async (uow) => {
      (await uow.gadget.get(1)).name = 'renamed';
    });
    const updated = store.rows('Gadget')[0]!;
    expect(updated.updatedAt.getTime()).toBeGreaterThan(row!.updatedAt.getTime());
    expect(updated.createdAt).toEqual(row!.createdAt);
  });

  it('asks for a value where the default is a database expression it cannot run', async () => {
    const { units } = createMemoryUnits({ schema: gadgetSchema });
    await expect(units.run((uow) => void uow.gadget.add({ name: 'g' }))).rejects.toThrow(
      'Gadget.token has @default(dbgenerated(...)), which the in-memory store cannot compute; give token a value',
    );
  });

  it('lists rows in primary-key order and snapshots every table', () => {
    const store = new MemoryStore(schema, { User: [{ id: 3, name: 'C' }, { id: 1, name: 'A' }] });
    expect(store.rows('User').map((u) => u.id)).toEqual([1, 3]);
    expect(Object.keys(store.snapshot())).toEqual(['User', 'Account', 'LedgerEntry']);
    expect(() => store.rows('Nope' as never)).toThrow(UsageError);
  });

  it('runs transactions one after another, and a failed one leaves no trace', async () => {
    const store = new MemoryStore(schema);
    const log: string[] = [];
    const step = (name: string, fail = false) =>
      store.transaction(async (tx) => {
        tx.writable('User');
        log.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        log.push(`${name} end`);
        if (fail) throw new Error(`${name} failed`);
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(store.commits).toBe(2);
  });
});
