import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { CommitOutcomeUnknownError, DatabaseError, createUnits, isRetryableError, type TransactionOptions } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { contract, seedBank, type DatabaseTarget, type TestUnits } from '../contract/harness.js';
import { postgresAvailable } from '../support/databases.js';
import { startPgProxy, type PgProxy } from '../support/pg-proxy.js';

/**
 * Issue 10, item 2: a connection lost at COMMIT. A TCP proxy between Prisma (adapter-pg) and
 * PostgreSQL cuts the connection right after the server received COMMIT (and answered: the
 * answer is dropped), or right before COMMIT is forwarded. The unit must report what the
 * database did: committed, or nothing written; and when nobody can say, a distinct error.
 */

interface Proxied {
  proxy: PgProxy;
  prisma: { $disconnect(): Promise<void> };
  units: TestUnits;
}

async function balances(t: DatabaseTarget): Promise<string[]> {
  return (await t.rows('Account')).map((a) => String(a['balance']));
}

contract(
  'connection lost at COMMIT',
  (t) => {
    const on = {} as Proxied;
    const transaction: TransactionOptions = { timeout: 2_000 };
    beforeAll(async () => {
      on.proxy = await startPgProxy(postgresAvailable.url);
    });
    beforeEach(async () => {
      await on.proxy.refuse(false);
      const Client = t.db.prisma.constructor as new (options: { adapter: unknown }) => Proxied['prisma'];
      on.prisma = new Client({ adapter: t.db.adapter(on.proxy.url) });
      on.units = createUnits({ prisma: on.prisma as never, schema: t.db.schema, ...bank, strategy: t.strategy, transaction }) as TestUnits;
    });
    afterEach(async () => {
      await on.proxy.refuse(false);
      await on.prisma.$disconnect();
    });
    afterAll(async () => {
      await on.proxy.close();
    });

    it('cut after COMMIT reached the server: the unit reports committed, objects show the committed values, afterCommit runs', async () => {
      const ids = await seedBank(t);
      const events: string[] = [];
      const uow = on.units.begin();
      uow.$afterCommit(() => void events.push('afterCommit'));
      uow.$afterRollback(() => void events.push('afterRollback'));
      await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 25 });
      const sender = await uow.account.get(ids.aliceAccount);
      const cut = on.proxy.cutAt(/^COMMIT$/i, 'after');
      await uow.$commit();
      await cut;
      expect(uow.$status).toBe('committed');
      expect(events).toEqual(['afterCommit']);
      expect(sender.version).toBe(1);
      expect(await balances(t)).toEqual(['75', '75']);
      expect(await t.rows('LedgerEntry')).toHaveLength(1);
    });

    it('cut after the COMMIT of a unit that only updates: committed', async () => {
      const ids = await seedBank(t);
      const cut = on.proxy.cutAt(/^COMMIT$/i, 'after');
      const account = await on.units.run(async (uow) => {
        const a = await uow.account.get(ids.aliceAccount);
        a.balance = a.balance.plus(1);
        return a;
      });
      await cut;
      expect(account.version).toBe(1);
      expect(await balances(t)).toEqual(['101', '50']);
    });

    it('cut before COMMIT was forwarded: nothing written, a retryable DatabaseError of kind connection; run({ retry }) then commits once', async () => {
      const ids = await seedBank(t);
      const events: string[] = [];
      const uow = on.units.begin();
      uow.$afterCommit(() => void events.push('afterCommit'));
      uow.$afterRollback(() => void events.push('afterRollback'));
      await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 25 });
      const cut = on.proxy.cutAt(/^COMMIT$/i, 'before');
      const error = await uow.$commit().catch((e: unknown) => e);
      await cut;
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ kind: 'connection' });
      expect((error as Error).message).toMatch(/nothing was written/);
      expect(isRetryableError(error)).toBe(true);
      expect(uow.$status).toBe('rolled back');
      expect(events).toEqual(['afterRollback']);
      expect(await balances(t)).toEqual(['100', '50']);
      expect(await t.rows('LedgerEntry')).toEqual([]);

      let attempts = 0;
      const again = on.proxy.cutAt(/^COMMIT$/i, 'before');
      await on.units.run(
        async (u) => {
          attempts++;
          await transfer(u, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 25 });
        },
        { retry: { attempts: 3, baseDelayMs: 1 } },
      );
      await again;
      expect(attempts).toBe(2);
      expect(await balances(t)).toEqual(['75', '75']);
      expect(await t.rows('LedgerEntry')).toHaveLength(1);
    });

    it('interactive units: committed only once COMMIT is, afterCommit after it, never before a failed COMMIT', async () => {
      const ids = await seedBank(t);
      const interactive = async (cut: 'before' | 'after') => {
        const events: string[] = [];
        const cutting = on.proxy.cutAt(/^COMMIT$/i, cut);
        const error = await on.units
          .run(
            async (uow) => {
              uow.$afterCommit(() => void events.push(`afterCommit (${uow.$status})`));
              uow.$afterRollback(() => void events.push(`afterRollback (${uow.$status})`));
              const a = await uow.account.get(ids.aliceAccount, { lock: 'update' });
              const b = await uow.account.get(ids.bobAccount, { lock: 'update' });
              a.balance = a.balance.minus(10);
              b.balance = b.balance.plus(10);
              await uow.$commit();
              events.push(`after $commit: ${uow.$status}`);
            },
            { interactive: true },
          )
          .catch((e: unknown) => e);
        await cutting;
        return { events, error };
      };
      const lost = await interactive('before');
      expect(lost.error).toBeInstanceOf(DatabaseError);
      expect(lost.events).toEqual(['after $commit: committing', 'afterRollback (rolled back)']);
      expect(await balances(t)).toEqual(['100', '50']);

      const kept = await interactive('after');
      expect(kept.error).toBeUndefined();
      expect(kept.events).toEqual(['after $commit: committing', 'afterCommit (committed)']);
      expect(await balances(t)).toEqual(['90', '60']);
    });

    it('cut after COMMIT with the server unreachable afterwards: CommitOutcomeUnknownError naming the transaction, never retried', async () => {
      const ids = await seedBank(t);
      const cut = on.proxy.cutAt(/^COMMIT$/i, 'after');
      void cut.then(() => on.proxy.refuse(true));
      let attempts = 0;
      const error = await on.units
        .run(
          async (uow) => {
            attempts++;
            await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 25 });
          },
          { retry: 5 },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommitOutcomeUnknownError);
      expect(isRetryableError(error)).toBe(false);
      expect(attempts).toBe(1);
      const txid = (error as CommitOutcomeUnknownError).transactionId;
      expect(txid).toMatch(/^\d+$/);
      expect((error as Error).message).toContain(`txid_status(${txid})`);
      // What the error says to do tells the truth: the transaction did commit.
      const [row] = await t.db.other.$queryRawUnsafe<{ status: string }[]>(`SELECT txid_status(${txid}) AS status`);
      expect(row!.status).toBe('committed');
      expect(await balances(t)).toEqual(['75', '75']);
    });
  },
  { backends: ['postgresql'] },
);
