import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { DatabaseError, UnitOfWorkError, classifyDatabaseError, createUnits, isRetryableError } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { PrismaClient as DemoClient } from '../../src/generated/prisma/client.js';
import { contract, seedBank, type DatabaseTarget, type TestUnits } from '../contract/harness.js';
import { postgresAvailable } from '../support/databases.js';
import { startPgProxy, type PgProxy } from '../support/pg-proxy.js';

/**
 * Issue 10, item 11: a read that fails (the connection is cut, terminated, or refused) is a
 * `DatabaseError` naming the model and the read, with kind `connection` and the driver's error
 * as `cause`; nothing was written, so `run({ retry })` runs the unit again.
 */

function expectReadFailure(error: unknown, model: string, read: string): void {
  expect(error).toBeInstanceOf(DatabaseError);
  expect(error).toMatchObject({ kind: 'connection', model });
  expect((error as Error).message).toContain(`Reading ${model} (${read}) failed`);
  expect((error as Error).message).toMatch(/Nothing was written; the read can be retried\.$/);
  expect(String((error as Error).message)).not.toMatch(/has no .* delegate|same schema|invocation|→/);
  expect((error as Error).cause).toBeDefined();
  expect((error as Error).cause).not.toBeInstanceOf(UnitOfWorkError);
  expect(String(((error as Error).cause as Error).message)).not.toMatch(/generated from the same schema/);
  expect(isRetryableError(error)).toBe(true);
}

/** Terminates this database's connections that are `state` (PostgreSQL `pg_stat_activity`). */
async function terminate(t: DatabaseTarget, where: string): Promise<number> {
  const [row] = await t.db.other.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = $1 AND ${where}`,
    t.db.namespace,
  );
  return Number(row!.n);
}

contract(
  'read failures (PostgreSQL)',
  (t) => {
    const on = {} as { proxy: PgProxy; prisma: { $disconnect(): Promise<void> }; units: TestUnits };
    beforeAll(async () => {
      on.proxy = await startPgProxy(postgresAvailable.url);
    });
    beforeEach(async () => {
      await on.proxy.refuse(false);
      const Client = t.db.prisma.constructor as new (options: { adapter: unknown }) => { $disconnect(): Promise<void> };
      on.prisma = new Client({ adapter: t.db.adapter(on.proxy.url) });
      on.units = createUnits({ prisma: on.prisma as never, schema: t.db.schema, ...bank }) as TestUnits;
    });
    afterEach(async () => {
      await on.proxy.refuse(false);
      await on.prisma.$disconnect();
    });
    afterAll(async () => {
      await on.proxy.close();
    });

    it('a get whose connection is cut is a DatabaseError of kind connection naming the model and the key; run({ retry }) reads again', async () => {
      const ids = await seedBank(t);
      const cut = on.proxy.cutAt(/^SELECT\b.*"Account"/is, 'before');
      const error = await on.units.run((uow) => uow.account.get(ids.aliceAccount)).catch((e: unknown) => e);
      await cut;
      expectReadFailure(error, 'Account', `get Account#${ids.aliceAccount}`);

      let attempts = 0;
      const again = on.proxy.cutAt(/^SELECT\b.*"Account"/is, 'before');
      const balance = await on.units.run(
        async (uow) => {
          attempts++;
          return String((await uow.account.get(ids.aliceAccount)).balance);
        },
        { retry: { attempts: 3, baseDelayMs: 1 } },
      );
      await again;
      expect([attempts, balance]).toEqual([2, '100']);
    });

    it('find, findFirst and getMany fail the same way, naming their read', async () => {
      const ids = await seedBank(t);
      const reads = [
        ['find', (u: TestUnits) => u.run((uow) => uow.account.find({ where: { balance: { gt: 0 } } }))],
        ['findFirst', (u: TestUnits) => u.run((uow) => uow.account.findFirst())],
        ['getMany Account (2 keys)', (u: TestUnits) => u.run((uow) => uow.account.getMany([ids.aliceAccount, ids.bobAccount]))],
      ] as const;
      for (const [name, read] of reads) {
        const cut = on.proxy.cutAt(/^SELECT\b.*"Account"/is, 'before');
        const error = await read(on.units).catch((e: unknown) => e);
        await cut;
        expectReadFailure(error, 'Account', name);
      }
    });

    it('a server refusing connections: reads fail with kind connection, and run({ retry }) succeeds once it is back', async () => {
      const ids = await seedBank(t);
      await on.proxy.refuse(true);
      const errors: unknown[] = [];
      const balance = await on.units.run(async (uow) => String((await uow.account.get(ids.bobAccount)).balance), {
        retry: {
          attempts: 10,
          baseDelayMs: 20,
          onRetry: (error, n) => {
            errors.push(error);
            if (n === 2) void on.proxy.refuse(false);
          },
        },
      });
      expect(balance).toBe('50');
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expectReadFailure(errors[0], 'Account', `get Account#${ids.bobAccount}`);
    });

    it('pg_terminate_backend of the connection an interactive unit reads on: kind connection, and the unit runs again', async () => {
      const ids = await seedBank(t);
      let terminated = 0;
      t.db.capture.beforeSend = async (sql) => {
        if (terminated === 0 && /^SELECT\b.*"User"/is.test(sql)) terminated = await terminate(t, `state LIKE 'idle in transaction%'`);
      };
      const errors: unknown[] = [];
      const name = await t.units.run(
        async (uow) => {
          await uow.account.get(ids.aliceAccount, { lock: 'update' });
          return (await uow.user.get(ids.alice)).name;
        },
        { interactive: true, retry: { attempts: 3, baseDelayMs: 1, onRetry: (e) => void errors.push(e) } },
      );
      t.db.capture.beforeSend = undefined;
      expect(terminated).toBe(1);
      expect(name).toBe('Alice');
      expect(errors).toHaveLength(1);
      expectReadFailure(errors[0], 'User', `get User#${ids.alice}`);
    });

    it('a locking read whose connection is terminated while it waits for the lock: kind connection, retried', async () => {
      const ids = await seedBank(t);
      const holder = new pg.Client({ connectionString: postgresAvailable.url, options: `-c search_path="${t.db.namespace}"` });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Account" WHERE id = $1 FOR UPDATE', [ids.aliceAccount]);
      const errors: unknown[] = [];
      const killer = (async () => {
        for (let i = 0; i < 100; i++) {
          if ((await terminate(t, `wait_event_type = 'Lock'`)) > 0) return;
          await sleep(20);
        }
      })();
      const run = t.units.run(
        async (uow) => {
          const a = await uow.account.get(ids.aliceAccount, { lock: 'update' });
          a.balance = a.balance.plus(1);
        },
        { interactive: true, retry: { attempts: 3, baseDelayMs: 1, onRetry: (e) => void errors.push(e) } },
      );
      await killer;
      await holder.query('COMMIT');
      await holder.end();
      await run;
      expect(errors).toHaveLength(1);
      expectReadFailure(errors[0], 'Account', 'locking read of 1 row');
      expect(String((await t.rows('Account'))[0]!['balance'])).toBe('101');
    });

    it('driver messages of a broken connection are classified as connection failures', async () => {
      const client = new pg.Client({ connectionString: postgresAvailable.url, application_name: t.db.namespace });
      client.on('error', () => undefined);
      await client.connect();
      await terminate(t, `state = 'idle'`);
      await sleep(100);
      const error = await client.query('SELECT 1').catch((e: unknown) => e);
      await client.end().catch(() => undefined);
      expect(String((error as Error).message)).toMatch(/not queryable|terminat/i);
      expect(classifyDatabaseError(error)).toBe('connection');
      expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).toBe('connection');
    });
  },
  { backends: ['postgresql'], strategies: ['bulk'] },
);

contract(
  'a client generated from another schema',
  (t) => {
    it('says which delegate is missing, and only then', async () => {
      const demo = new DemoClient({ adapter: t.db.adapter() as never });
      try {
        const units = createUnits({ prisma: demo, schema: t.db.schema });
        const error = await units.run((uow) => uow.shape.get(1)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseError);
        expect((error as Error).message).toMatch(/The Prisma client has no 'shape' delegate for Shape/);
        // The models both schemas have are read as usual.
        const ids = await seedBank(t);
        expect(String(await units.run(async (uow) => (await uow.account.get(ids.aliceAccount)).balance))).toBe('100');
      } finally {
        await demo.$disconnect();
      }
    });
  },
  { backends: ['sqlite'], strategies: ['bulk'] },
);
