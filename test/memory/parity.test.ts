import { Decimal } from '@prisma/client/runtime/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bank, type BankUnits } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { DatabaseError, createUnits, type FlushStrategyName } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';
import type { Models } from '../generated/sqlite/uow/index.js';
import { openDatabase, type TestDatabase } from '../support/databases.js';

/**
 * Differential test: the same flows on the in-memory unit and on SQLite through Prisma, with each
 * flush strategy, must end the same way (result, or error class and Prisma code) and leave the
 * same rows. The `bulk` strategy sends raw SQL, whose constraint failures Prisma reports as
 * P2010 (raw query failed): for it the codes are not compared.
 */

type Bank = BankUnits<Models>;
type Row = Record<string, unknown>;

const fixtures = {
  User: [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }],
  Account: [{ id: 1, ownerId: 1, balance: '100.00' }, { id: 2, ownerId: 2, balance: 50 }],
  Node: [{ id: 1, label: 'root' }, { id: 2, label: 'leaf', parentId: 1 }],
  Shape: [1, 2, 3].map((id) => ({
    id, slug: `s${id}`, text: ['Apple', 'banana', 'Cherry'][id - 1]!, int: id * 10, bigInt: BigInt(id * 100), float: id / 2,
    decimal: new Decimal(id).times('1.5'), bool: id % 2 === 0, dateTime: new Date(Date.UTC(2024, id, 1)), json: { id },
    bytes: new Uint8Array([id]), color: (['RED', 'GREEN', 'BLUE'] as const)[id - 1]!, intOpt: id === 2 ? null : id, textOpt: id === 3 ? null : `t${id}`,
  })),
};
const MODELS = ['User', 'Account', 'LedgerEntry', 'Node', 'Shape'] as const;

interface Outcome {
  result: unknown;
  error?: string;
  code?: unknown;
  tables: Record<string, Row[]>;
}

/** Dates a commit generates differ between runs: compare their type only. */
function comparable(rows: Row[]): Row[] {
  return rows.map((r) => ('createdAt' in r ? { ...r, createdAt: r['createdAt'] instanceof Date } : r));
}

async function outcome(run: () => Promise<unknown>, tables: () => Promise<Record<string, Row[]>>): Promise<Outcome> {
  try {
    return { result: await run(), tables: await tables() };
  } catch (error) {
    const cause = error instanceof DatabaseError ? (error.cause as { code?: unknown }) : undefined;
    return { result: undefined, error: (error as Error).constructor.name, code: cause?.code, tables: await tables() };
  }
}

let db: TestDatabase<'sqlite'>;
beforeAll(async () => {
  db = await openDatabase('sqlite');
});
afterAll(async () => {
  await db?.dispose();
});

async function both(strategy: FlushStrategyName, flow: (units: Bank) => Promise<unknown>): Promise<[Outcome, Outcome]> {
  const { units: memoryUnits, store } = createMemoryUnits({ schema: db.schema, fixtures, ...bank });
  const memory = await outcome(
    () => flow(memoryUnits),
    async () => Object.fromEntries(MODELS.map((m) => [m, comparable(store.rows(m) as Row[])])),
  );
  await db.reset();
  const p = db.prisma;
  await p.user.createMany({ data: fixtures.User });
  await p.account.createMany({ data: fixtures.Account });
  await p.node.createMany({ data: fixtures.Node });
  await p.shape.createMany({ data: fixtures.Shape });
  const delegates = db.prisma as unknown as Record<string, { findMany(args: object): Promise<Row[]> }>;
  const sqlite = await outcome(
    () => flow(createUnits({ prisma: db.prisma, schema: db.schema, ...bank, strategy })),
    async () => Object.fromEntries(await Promise.all(MODELS.map(async (m) => [m, comparable(await delegates[db.schema.models[m]!.delegate]!.findMany({ orderBy: { id: 'asc' } }))]))),
  );
  return [memory, sqlite];
}

const ids = (rows: { id: number }[]): number[] => rows.map((r) => r.id);

describe('in-memory unit and SQLite agree', () => {
  const cases: Record<string, (units: Bank) => Promise<unknown>> = {
    'a transfer': (units) => units.run((uow) => transfer(uow, { fromId: 1, toId: 2, amount: '25.00' })),
    'a refused transfer': (units) => units.run((uow) => transfer(uow, { fromId: 2, toId: 1, amount: 500 })),
    'two racing transfers': async (units) => {
      const [a, b] = [units.begin(), units.begin()];
      await transfer(a, { fromId: 1, toId: 2, amount: 10 });
      await transfer(b, { fromId: 2, toId: 1, amount: 20 });
      await a.$commit();
      await b.$commit();
    },
    'new rows linked to each other': (units) =>
      units.run((uow) => {
        const owner = uow.user.add({ name: 'Carol' });
        const account = uow.account.add({ owner, balance: 0 });
        const root = uow.node.add({ label: 'new root' });
        uow.node.add({ label: 'new leaf', parent: root });
        return { owner: owner.id, account: account.id, root: root.id };
      }),
    'a duplicate primary key': (units) => units.run((uow) => void uow.user.add({ id: 2, name: 'Twin' })),
    'a duplicate unique value': (units) =>
      units.run(async (uow) => {
        (await uow.shape.get(2)).slug = 's1';
      }),
    'a missing referenced row': (units) => units.run((uow) => void uow.account.add({ ownerId: 99, balance: 1 })),
    'a delete of a referenced row': (units) => units.run(async (uow) => uow.user.remove(await uow.user.get(1))),
    'a delete under an optional relation': (units) => units.run(async (uow) => uow.node.remove(await uow.node.get(1))),
    'null in a required Json field': (units) =>
      units.run(async (uow) => {
        (await uow.shape.get(1)).json = null;
      }),
    'filters and orderings': (units) =>
      units.run(async (uow) => {
        const q = (args: object) => uow.shape.find(args).then(ids);
        return [
          await q({ where: { decimal: { gt: 1.5 } }, orderBy: { decimal: 'desc' } }),
          await q({ where: { textOpt: { not: 't1' } } }),
          await q({ where: { NOT: { intOpt: 1 } } }),
          await q({ where: { intOpt: { notIn: [3] } } }),
          await q({ where: { OR: [{ bool: true }, { bigInt: { gte: 300n } }] }, orderBy: [{ bool: 'asc' }, { id: 'desc' }] }),
          await q({ where: { dateTime: { lt: new Date(Date.UTC(2024, 3, 1)) }, color: { in: ['RED', 'GREEN'] } } }),
          await q({ where: { text: { startsWith: 'b' } } }),
          await q({ orderBy: { text: 'asc' }, skip: 1, take: 1 }),
          await q({ orderBy: { float: 'asc' }, take: -2 }),
        ];
      }),
  };

  for (const strategy of ['grouped', 'per-row', 'bulk'] as const) {
    describe(`with the ${strategy} strategy`, () => {
      for (const [name, flow] of Object.entries(cases)) {
        it(name, async () => {
          const [memory, sqlite] = await both(strategy, flow);
          if (strategy === 'bulk' && sqlite.code === 'P2010') sqlite.code = memory.code;
          expect(memory).toEqual(sqlite);
        });
      }
    });
  }

  it('compares failures too', async () => {
    const [memory] = await both('grouped', cases['a delete of a referenced row']!);
    expect(memory).toMatchObject({ error: 'DatabaseError', code: 'P2003' });
  });
});
