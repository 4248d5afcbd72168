import { AnyNull, DbNull, Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/generated/uow/index.js';
import { UsageError } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import { MemoryStore } from '../../src/memory/memory-store.js';
import { compileWhere, findRows } from '../../src/query/where.js';
import type { Row } from '../../src/tracking/entity.js';
import { schema as testSchema } from '../generated/sqlite/uow/index.js';

const base = { int: 0, bigInt: 0, float: 0, bool: true, json: {}, bytes: new Uint8Array(), color: 'RED' as const };
const store = new MemoryStore(testSchema, {
  Shape: [
    { id: 1, slug: 'alpha', text: 'Apple pie', decimal: '10.50', dateTime: '2024-01-01T00:00:00Z', ...base, bigInt: 5, textOpt: 'x', intOpt: 3, json: { a: 1 } },
    { id: 2, slug: 'beta', text: 'banana split', decimal: 2, dateTime: '2024-06-01T00:00:00Z', ...base, bigInt: 50, textOpt: null, intOpt: 1 },
    { id: 3, slug: 'gamma', text: 'Cherry', decimal: '10.5', dateTime: '2023-01-01T00:00:00Z', ...base, bigInt: 500, textOpt: 'y', intOpt: null, jsonOpt: [1, 2] },
  ],
});
const shape = testSchema.models.Shape!;
const rows = store.rows('Shape') as unknown as Row[];
const ids = (args: Row): unknown[] => findRows(shape, rows, args).map((r) => r['id']);
const where = (w: unknown): unknown[] => ids({ where: w });

describe('where', () => {
  it('matches shorthand equality by value for Decimal, Date and BigInt', () => {
    expect(where({ decimal: new Decimal('10.5') })).toEqual([1, 3]);
    expect(where({ decimal: 10.5 })).toEqual([1, 3]);
    expect(where({ dateTime: new Date('2024-06-01T00:00:00Z') })).toEqual([2]);
    expect(where({ bigInt: 50 })).toEqual([2]);
    expect(where({ slug: 'alpha', intOpt: 3 })).toEqual([1]);
  });

  it('compares with lt/lte/gt/gte by value', () => {
    expect(where({ decimal: { gt: 2 } })).toEqual([1, 3]);
    expect(where({ decimal: { gte: '2', lt: '10.5' } })).toEqual([2]);
    expect(where({ dateTime: { lt: '2024-01-01T00:00:00Z' } })).toEqual([3]);
    expect(where({ dateTime: { lte: new Date('2024-01-01T00:00:00Z') } })).toEqual([1, 3]);
    expect(where({ bigInt: { gt: 5n, lte: 500 } })).toEqual([2, 3]);
  });

  it('supports in, notIn and their empty lists', () => {
    expect(where({ slug: { in: ['beta', 'gamma', 'zeta'] } })).toEqual([2, 3]);
    expect(where({ slug: { notIn: ['beta'] } })).toEqual([1, 3]);
    expect(where({ slug: { in: [] } })).toEqual([]);
    expect(where({ intOpt: { notIn: [] } })).toEqual([1, 2, 3]);
  });

  it('matches strings with contains/startsWith/endsWith, case-insensitively with mode', () => {
    expect(where({ text: { contains: 'an' } })).toEqual([2]);
    expect(where({ text: { startsWith: 'apple' } })).toEqual([]);
    expect(where({ text: { startsWith: 'apple', mode: 'insensitive' } })).toEqual([1]);
    expect(where({ text: { endsWith: 'RRY', mode: 'insensitive' } })).toEqual([3]);
    expect(where({ text: { equals: 'cherry', mode: 'insensitive' } })).toEqual([3]);
    expect(where({ text: { in: ['APPLE PIE'], mode: 'insensitive' } })).toEqual([1]);
  });

  it('treats null as SQL does: a comparison with null is unknown, so not/NOT skip null rows', () => {
    expect(where({ textOpt: null })).toEqual([2]);
    expect(where({ textOpt: { equals: null } })).toEqual([2]);
    expect(where({ textOpt: { not: null } })).toEqual([1, 3]);
    expect(where({ textOpt: { not: 'x' } })).toEqual([3]);
    expect(where({ NOT: { textOpt: 'x' } })).toEqual([3]);
    expect(where({ textOpt: { notIn: ['x'] } })).toEqual([3]);
    expect(where({ OR: [{ textOpt: { not: 'x' } }, { textOpt: null }] })).toEqual([2, 3]);
  });

  it('combines AND, OR and NOT, as objects or arrays', () => {
    expect(where({ AND: [{ decimal: 10.5 }, { intOpt: { gt: 2 } }] })).toEqual([1]);
    expect(where({ AND: { decimal: 10.5 } })).toEqual([1, 3]);
    expect(where({ OR: [{ slug: 'alpha' }, { slug: 'gamma' }] })).toEqual([1, 3]);
    expect(where({ OR: [] })).toEqual([]);
    expect(where({ NOT: [{ slug: 'alpha' }, { slug: 'gamma' }] })).toEqual([2]);
    expect(where({ slug: { not: { in: ['alpha', 'beta'] } } })).toEqual([3]);
    expect(where({ AND: [], NOT: [] })).toEqual([1, 2, 3]);
  });

  it('compares Json structurally and finds Json nulls', () => {
    expect(where({ json: { equals: { a: 1 } } })).toEqual([1]);
    expect(where({ json: { not: { a: 1 } } })).toEqual([2, 3]);
    expect(where({ jsonOpt: { equals: DbNull } })).toEqual([1, 2]);
    expect(where({ jsonOpt: { not: AnyNull } })).toEqual([3]);
    expect(where({ jsonOpt: { equals: [1, 2] } })).toEqual([3]);
  });

  it('is a plain predicate too', () => {
    const rich = compileWhere(shape, { decimal: { gte: 10 } });
    expect(rows.filter(rich).map((r) => r['slug'])).toEqual(['alpha', 'gamma']);
  });
});

describe('orderBy, skip and take', () => {
  it('sorts by value, ties by primary key; primary-key order without orderBy', () => {
    expect(ids({ orderBy: { decimal: 'desc' } })).toEqual([1, 3, 2]);
    expect(ids({ orderBy: [{ decimal: 'desc' }, { id: 'desc' }] })).toEqual([3, 1, 2]);
    expect(ids({ orderBy: { dateTime: 'asc' } })).toEqual([3, 1, 2]);
    expect(ids({ orderBy: { text: 'asc' } })).toEqual([1, 3, 2]); // binary collation: capitals first
    expect(ids({})).toEqual([1, 2, 3]);
  });

  it('puts nulls last ascending and first descending, as PostgreSQL does, unless told otherwise', () => {
    expect(ids({ orderBy: { intOpt: 'asc' } })).toEqual([2, 1, 3]);
    expect(ids({ orderBy: { intOpt: 'desc' } })).toEqual([3, 1, 2]);
    expect(ids({ orderBy: { intOpt: { sort: 'asc', nulls: 'first' } } })).toEqual([3, 2, 1]);
    expect(ids({ orderBy: { intOpt: { sort: 'desc', nulls: 'last' } } })).toEqual([1, 2, 3]);
  });

  it('skips and takes, a negative take counting from the end', () => {
    expect(ids({ orderBy: { id: 'asc' }, skip: 1, take: 1 })).toEqual([2]);
    expect(ids({ orderBy: { id: 'asc' }, take: -2 })).toEqual([2, 3]);
    expect(ids({ orderBy: { id: 'asc' }, skip: 1, take: -1 })).toEqual([2]);
    expect(() => ids({ skip: -1 })).toThrow("'skip' must be a non-negative integer");
  });
});

describe('what the in-memory unit does not evaluate', () => {
  const account = schema.models.Account!;
  const rejects = (args: Row, ...parts: string[]): void => {
    let error: unknown;
    try {
      findRows(account, [], args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('INVALID_ARGUMENT');
    for (const part of parts) expect((error as Error).message).toContain(part);
  };

  it('throws a UsageError naming the model and the operator, even over an empty table', () => {
    rejects({ where: { owner: { name: 'Alice' } } }, 'Account', "relation 'owner'", 'not supported by the in-memory evaluator');
    rejects({ where: { outgoing: { some: {} } } }, 'Account', "'outgoing'", 'not supported by the in-memory evaluator');
    rejects({ where: { balance: { search: 'x' } } }, 'Account', "'search'");
    const fieldRef = { modelName: 'Account', name: 'balance', typeName: 'Decimal', isList: false };
    rejects({ where: { ownerId: { lt: fieldRef } } }, 'Account', "comparing ownerId with another field ('lt')");
    rejects({ distinct: ['ownerId'] }, 'Account', "'distinct'");
    rejects({ cursor: { id: 1 } }, 'Account', "'cursor'");
    rejects({ orderBy: { owner: { name: 'asc' } } }, 'Account', "ordering by 'owner'");
    rejects({ orderBy: { _count: 'asc' } }, "ordering by '_count'");
    expect(() => findRows(shape, [], { where: { json: { path: ['a'], equals: 1 } } })).toThrow("Shape: the Json filter 'path' (on json) is not supported by the in-memory evaluator");
  });

  it('rejects filter values that do not fit the field', () => {
    rejects({ where: { ownerId: 'one' } }, "Account.ownerId filter 'equals': Account.ownerId must be an integer number, got \"one\"");
    rejects({ where: { balance: { gt: null } } }, "Account.balance filter 'gt': needs a value");
  });

  it('answers repository finds of a unit', async () => {
    const { units } = createMemoryUnits({
      schema,
      fixtures: {
        User: [{ id: 1, name: 'A' }],
        Account: [
          { id: 1, ownerId: 1, balance: 5 },
          { id: 2, ownerId: 1, balance: 70 },
          { id: 3, ownerId: 1, balance: 60 },
        ],
      },
    });
    const found = await units.run((uow) => uow.account.find({ where: { balance: { gte: 60 } }, orderBy: { balance: 'desc' } }));
    expect(found.map((a) => a.id)).toEqual([2, 3]);
  });
});
