import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { Decimal } from '@prisma/client/runtime/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryUnits, createUnits, type MemoryStore, type UnitHooks } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { LOYALTY_POINTS_PER_TRANSFER } from '../../examples/bank/transfer.js';
import type { TransferNotification } from '../../examples/http/bank-service.js';
import { createBankServer, type BankUnits } from '../../examples/http/server.js';
import { schema as testSchema, type Models } from '../generated/sqlite/uow/index.js';
import { openDatabase, type TestDatabase } from '../support/databases.js';

/**
 * The HTTP example (examples/http), called over loopback: one unit of work per request, on the
 * in-memory units and on a real SQLite database, with the same assertions.
 */

interface AccountState {
  id: number;
  ownerId: number;
  balance: string;
}

/** The units a server runs on, and what a separate reader sees of the rows. */
interface Backend {
  /** New units over two users with an account each (100 and 50); nothing in the ledger. */
  fresh(hooks: UnitHooks<Models>): Promise<{ units: BankUnits; alice: number; bob: number }>;
  accounts(): Promise<AccountState[]>;
  loyaltyPoints(userId: number): Promise<number>;
  ledgerCount(): Promise<number>;
}

function memoryBackend(): Backend {
  let store!: MemoryStore<Models>;
  return {
    async fresh(hooks) {
      const created = createMemoryUnits({
        schema: testSchema,
        ...bank,
        hooks,
        fixtures: {
          User: [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }],
          Account: [{ id: 1, ownerId: 1, balance: 100 }, { id: 2, ownerId: 2, balance: 50 }],
        },
      });
      store = created.store;
      return { units: created.units, alice: 1, bob: 2 };
    },
    accounts: async () => store.rows('Account').map((a) => ({ id: a.id, ownerId: a.ownerId, balance: a.balance.toString() })),
    loyaltyPoints: async (userId) => store.rows('User').find((u) => u.id === userId)!.loyaltyPoints,
    ledgerCount: async () => store.rows('LedgerEntry').length,
  };
}

function sqliteBackend(): Backend {
  let db!: TestDatabase<'sqlite'>;
  beforeAll(async () => {
    db = await openDatabase('sqlite');
  });
  afterAll(async () => {
    await db?.dispose();
  });
  return {
    async fresh(hooks) {
      await db.reset();
      const alice = await db.other.user.create({ data: { name: 'Alice' } });
      const bob = await db.other.user.create({ data: { name: 'Bob' } });
      const a = await db.other.account.create({ data: { ownerId: alice.id, balance: 100 } });
      const b = await db.other.account.create({ data: { ownerId: bob.id, balance: 50 } });
      const units = createUnits({ prisma: db.prisma, schema: db.schema, ...bank, hooks });
      return { units, alice: a.id, bob: b.id };
    },
    accounts: async () =>
      (await db.other.account.findMany({ orderBy: { id: 'asc' } })).map((a) => ({ id: a.id, ownerId: a.ownerId, balance: a.balance.toString() })),
    loyaltyPoints: async (userId) => (await db.other.user.findUniqueOrThrow({ where: { id: userId } })).loyaltyPoints,
    ledgerCount: () => db.other.ledgerEntry.count(),
  };
}

const BACKENDS = { memory: memoryBackend, sqlite: sqliteBackend } as const;

/**
 * A gate for the first `size` commits: each waits (before anything is written) until all of
 * them have loaded their rows, so their transfers overlap and all but one lose the race.
 * Later commits (the retries) pass at once. Gives up after 2 s rather than hang a test.
 */
function raceGate(size: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    if (++arrived >= size) open();
    await Promise.race([opened, sleep(2000)]);
  };
}

for (const [name, makeBackend] of Object.entries(BACKENDS)) {
  describe(`bank over HTTP, one unit per request [${name}]`, () => {
    const backend = makeBackend();
    let server: Server;
    let base: string;
    let alice: number;
    let bob: number;
    let notifications: TransferNotification[];
    let serverErrors: unknown[];
    let retries: number;
    /** Set by a test to hold commits before they write (see {@link raceGate}). */
    let gate: (() => Promise<void>) | undefined;
    let units: BankUnits;

    /** Starts a server over `units` on a free loopback port; transfers get `attempts` in all. */
    async function listen(attempts: number): Promise<void> {
      server = createBankServer(units, {
        notify: (n) => notifications.push(n),
        onError: (error) => serverErrors.push(error),
        transferRetry: { attempts, onRetry: () => void retries++ },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    async function close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    }

    beforeEach(async () => {
      gate = undefined;
      ({ units, alice, bob } = await backend.fresh({ beforeFlush: () => gate?.() }));
      notifications = [];
      serverErrors = [];
      retries = 0;
      await listen(5);
    });

    afterEach(async () => {
      await close();
      expect(serverErrors).toEqual([]);
    });

    async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    }

    async function get(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
      const response = await fetch(`${base}${path}`);
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    }

    const balances = async () => Object.fromEntries((await backend.accounts()).map((a) => [a.id, a.balance]));

    it('a transfer answers 201 with the ledger entry and the committed balances, and notifies once', async () => {
      const reply = await post('/transfers', { fromId: alice, toId: bob, amount: '25.00' });
      expect(reply.status).toBe(201);
      expect(reply.json).toEqual({ ledgerEntryId: expect.any(Number), balances: { [alice]: '75', [bob]: '75' } });
      expect(await balances()).toEqual({ [alice]: '75', [bob]: '75' });
      expect(await backend.ledgerCount()).toBe(1);
      expect(notifications).toEqual([{ ledgerEntryId: reply.json['ledgerEntryId'], fromId: alice, toId: bob, amount: '25' }]);

      const account = await get(`/accounts/${alice}`);
      expect(account).toEqual({ status: 200, json: { id: alice, balance: '75', version: 1 } });
    });

    it('GET /accounts/:id answers the account with its balance as a string', async () => {
      expect(await get(`/accounts/${bob}`)).toEqual({ status: 200, json: { id: bob, balance: '50', version: 0 } });
    });

    it('an overdraft answers 422, changes nothing and notifies no one', async () => {
      const before = await balances();
      const reply = await post('/transfers', { fromId: bob, toId: alice, amount: 1000 });
      expect(reply.status).toBe(422);
      expect(reply.json['error']).toMatch(/less than the 1000\.00 to withdraw/);
      expect(await balances()).toEqual(before);
      expect(await backend.ledgerCount()).toBe(0);
      expect(await backend.loyaltyPoints((await backend.accounts()).find((a) => a.id === bob)!.ownerId)).toBe(0);
      expect(notifications).toEqual([]);
      expect((await post('/transfers', { fromId: alice, toId: alice, amount: 1 })).status).toBe(422);
      expect((await post('/transfers', { fromId: alice, toId: bob, amount: '-5' })).status).toBe(422);
      expect(notifications).toEqual([]);
    });

    it('an unknown account answers 404', async () => {
      const reply = await post('/transfers', { fromId: alice, toId: 999, amount: 1 });
      expect(reply.status).toBe(404);
      expect(reply.json['error']).toMatch(/Account#999 was not found/);
      expect((await get('/accounts/999')).status).toBe(404);
      expect((await get('/nowhere')).status).toBe(404);
      expect(await balances()).toEqual({ [alice]: '100', [bob]: '50' });
      expect(notifications).toEqual([]);
    });

    it('a malformed body answers 400 and nothing runs', async () => {
      const malformed = await post('/transfers', '{"fromId": 1, ');
      expect(malformed).toEqual({ status: 400, json: { error: 'The body is not valid JSON.' } });
      expect((await post('/transfers', [1, 2, 3])).status).toBe(400);
      expect((await post('/transfers', { fromId: 'one', toId: bob, amount: 1 })).status).toBe(400);
      expect((await post('/transfers', { fromId: alice, toId: bob, amount: 'lots' })).status).toBe(400);
      expect(await backend.ledgerCount()).toBe(0);
      expect(notifications).toEqual([]);
    });

    it('20 concurrent transfers each run in their own unit: money is conserved, nothing leaks', async () => {
      gate = raceGate(20);
      const requests = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? { fromId: alice, toId: bob, amount: '1' } : { fromId: bob, toId: alice, amount: '2' },
      );
      const replies = await Promise.all(requests.map((body) => post('/transfers', body)));

      // Every request either committed or was refused cleanly after its retries.
      for (const reply of replies) expect([201, 409]).toContain(reply.status);
      const committed = requests.filter((_, i) => replies[i]!.status === 201);
      expect(committed.length).toBeGreaterThan(0);
      // They did race: the losers ran again in fresh units, and no attempt that lost notified anyone.
      expect(retries).toBeGreaterThan(0);

      // One ledger entry and one notification per 201, each with its own entry id.
      const ids = replies.filter((r) => r.status === 201).map((r) => r.json['ledgerEntryId']);
      expect(new Set(ids).size).toBe(committed.length);
      expect(await backend.ledgerCount()).toBe(committed.length);
      expect(notifications).toHaveLength(committed.length);
      expect(new Set(notifications.map((n) => n.ledgerEntryId))).toEqual(new Set(ids));

      // Money is conserved, and each committed transfer moved exactly its own amount.
      const accounts = await backend.accounts();
      const total = accounts.reduce((sum, a) => sum.plus(a.balance), new Decimal(0));
      expect(total.toString()).toBe('150');
      const fromAlice = committed.filter((r) => r.fromId === alice).length;
      const fromBob = committed.length - fromAlice;
      expect(await balances()).toEqual({ [alice]: String(100 - fromAlice + 2 * fromBob), [bob]: String(50 + fromAlice - 2 * fromBob) });
      const owner = (id: number) => accounts.find((a) => a.id === id)!.ownerId;
      expect(await backend.loyaltyPoints(owner(alice))).toBe(fromAlice * LOYALTY_POINTS_PER_TRANSFER);
      expect(await backend.loyaltyPoints(owner(bob))).toBe(fromBob * LOYALTY_POINTS_PER_TRANSFER);
    });

    it('a transfer that still loses the race after its attempts answers 409 and writes nothing', async () => {
      await close();
      await listen(1); // no retry: every loser of the race is answered 409
      gate = raceGate(10);
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => post('/transfers', { fromId: alice, toId: bob, amount: '1' })),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
      expect(replies.find((r) => r.status === 409)!.json['error']).toMatch(/was changed or deleted by another transaction/);
      expect(await balances()).toEqual({ [alice]: '99', [bob]: '51' });
      expect(await backend.ledgerCount()).toBe(1);
      expect(notifications).toHaveLength(1);
      expect(retries).toBe(0);
    });
  });
}
