import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnits, DatabaseError } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { PrismaClient } from '../generated/postgresql/prisma/client.js';
import { openDatabase, postgresAvailable, skipBackend, type TestDatabase } from '../support/databases.js';

/**
 * A client whose adapter names the schema (`{ schema }`) while the connection's search_path does
 * not include it: the unit's own SQL must then be qualified (`createUnits({ postgresSchema })`).
 */
describe.skipIf(skipBackend('postgresql'))('tables in a PostgreSQL schema off the search path', () => {
  let db: TestDatabase;
  let client: InstanceType<typeof PrismaClient>;
  beforeAll(async () => {
    db = await openDatabase('postgresql');
    client = new PrismaClient({ adapter: new PrismaPg({ connectionString: postgresAvailable.url }, { schema: db.namespace! }) });
  });
  afterAll(async () => {
    await client?.$disconnect();
    await db?.dispose();
  });

  async function seed(): Promise<{ a: number; b: number }> {
    await db.reset();
    const a = await db.other.user.create({ data: { name: 'A', accounts: { create: { balance: 10 } } }, include: { accounts: true } });
    const b = await db.other.user.create({ data: { name: 'B', accounts: { create: { balance: 10 } } }, include: { accounts: true } });
    return { a: a.accounts[0]!.id, b: b.accounts[0]!.id };
  }

  it('bulk statements and row locks name the schema given as postgresSchema', async () => {
    const { a, b } = await seed();
    const units = createUnits({ prisma: client, schema: db.schema, ...bank, postgresSchema: db.namespace! });
    await units.run((uow) => transfer(uow, { fromId: a, toId: b, amount: 4 }));
    await units.run(async (uow) => void (await uow.account.get(a, { lock: 'update' })).deposit((await uow.account.get(b)).balance), {
      interactive: true,
    });
    const balances = (await db.other.account.findMany({ orderBy: { id: 'asc' } })).map((x) => x.balance.toString());
    expect(balances).toEqual(['20', '14']);
  });

  it('without it, the unqualified statement fails cleanly and writes nothing', async () => {
    const { a, b } = await seed();
    const units = createUnits({ prisma: client, schema: db.schema, ...bank });
    const error = await units.run((uow) => transfer(uow, { fromId: a, toId: b, amount: 4 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((await db.other.ledgerEntry.findMany()).length).toBe(0);
  });
});
