import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryUnits, createUnits, UsageError } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { schema } from '../generated/sqlite/uow/index.js';
import { bankFixtures } from '../memory/bank-fixtures.js';
import { BACKENDS, openDatabase, skipBackend, type TestDatabase } from '../support/databases.js';

/**
 * `asyncContext: false`: units without AsyncLocalStorage. `run` still commits all or nothing;
 * `current()` and `active` say the context is off; a `run` inside another is a unit of its own.
 */

function expectNoContext(read: () => unknown): void {
  let error: unknown;
  try {
    read();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect(error).toMatchObject({ code: 'NO_ASYNC_CONTEXT' });
  expect((error as Error).message).toMatch(/asyncContext: false.*pass the unit down explicitly/);
}

describe('asyncContext: false (in-memory units)', () => {
  const open = () => createMemoryUnits({ schema, ...bank, fixtures: bankFixtures(), asyncContext: false });

  it('runs and commits a unit passed explicitly; current() and active throw NO_ASYNC_CONTEXT, inside a run too', async () => {
    const { units, store } = open();
    expectNoContext(() => units.current());
    expectNoContext(() => units.active);
    await units.run(async (uow) => {
      expectNoContext(() => units.current());
      await transfer(uow, { fromId: 1, toId: 2, amount: '25.00' });
    });
    expect(store.rows('Account').map((a) => a.balance.toFixed(2))).toEqual(['75.00', '75.00']);
    expect(store.rows('LedgerEntry')).toHaveLength(1);
  });

  it('a failing unit writes nothing', async () => {
    const { units, store } = open();
    const error = await units
      .run(async (uow) => {
        await transfer(uow, { fromId: 1, toId: 2, amount: '25.00' });
        throw new Error('boom');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'boom' });
    expect(store.rows('Account').map((a) => a.balance.toFixed(2))).toEqual(['100.00', '50.00']);
    expect(store.rows('LedgerEntry')).toEqual([]);
  });

  it('a run inside another run is a unit of its own: it commits by itself (as documented)', async () => {
    const { units, store } = open();
    const error = await units
      .run(async (outer) => {
        await units.run(async (inner) => {
          expect(inner).not.toBe(outer);
          await transfer(inner, { fromId: 1, toId: 2, amount: '10.00' });
        });
        await transfer(outer, { fromId: 2, toId: 1, amount: '1.00' });
        throw new Error('outer fails');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'outer fails' });
    // The inner unit committed; the outer one wrote nothing.
    expect(store.rows('Account').map((a) => a.balance.toFixed(2))).toEqual(['90.00', '60.00']);
    expect(store.rows('LedgerEntry')).toHaveLength(1);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(skipBackend(backend))(`asyncContext: false (${backend})`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openDatabase(backend);
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it('a transfer commits, in the default and the interactive unit, and current() throws NO_ASYNC_CONTEXT', async () => {
      const units = createUnits({ prisma: db.prisma, schema: db.schema, ...bank, asyncContext: false });
      const alice = await db.other.user.create({ data: { name: 'Alice', accounts: { create: { balance: 100 } } }, include: { accounts: true } });
      const bob = await db.other.user.create({ data: { name: 'Bob', accounts: { create: { balance: 50 } } }, include: { accounts: true } });
      const request = { fromId: alice.accounts[0]!.id, toId: bob.accounts[0]!.id, amount: '25.00' };
      await units.run((uow) => transfer(uow, request));
      await units.run(
        async (uow) => {
          expectNoContext(() => units.current());
          await transfer(uow, request);
        },
        { interactive: true },
      );
      const accounts = await db.other.account.findMany({ orderBy: { id: 'asc' } });
      expect(accounts.map((a) => a.balance.toFixed(2))).toEqual(['50.00', '100.00']);
      expect(await db.other.ledgerEntry.count()).toBe(2);
      expect((await db.other.user.findUniqueOrThrow({ where: { id: alice.id } })).loyaltyPoints).toBe(20);
    });
  });
}
