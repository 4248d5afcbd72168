import { expect, it } from 'vitest';
import { CommitOutcomeUnknownError, DatabaseError, UnitOfWorkError, type UnitOfWork } from 'prisma-uow';
import { transfer } from '../../examples/bank/transfer.js';
import { contract, seedBank, verbOf, type DatabaseTarget, type Target, type TestModels } from '../contract/harness.js';

/** Every table, as a separate client sees it. */
async function snapshot(t: Target): Promise<unknown> {
  const models = ['User', 'Account', 'LedgerEntry', 'Node'] as const;
  return Object.fromEntries(await Promise.all(models.map(async (m) => [m, await t.rows(m)])));
}

/** A unit whose commit sends many statements: inserts in three tables, updates in two, a delete, a link. */
async function busyUnit(t: Target, ids: Awaited<ReturnType<typeof seedBank>>, oldEntry: number): Promise<UnitOfWork<TestModels>> {
  const uow = t.units.begin() as unknown as UnitOfWork<TestModels>;
  const carol = uow.user.add({ name: 'Carol' });
  uow.account.add({ owner: carol, balance: 5 });
  await transfer(uow as never, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 10 });
  uow.ledgerEntry.remove(await uow.ledgerEntry.get(oldEntry));
  const root = uow.node.add({ label: 'root' });
  uow.node.add({ label: 'leaf', parent: root });
  return uow;
}

async function prepare(t: DatabaseTarget) {
  const ids = await seedBank(t);
  const old = await t.db.other.ledgerEntry.create({ data: { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 1 } });
  t.clear();
  return { ids, old: old.id, before: await snapshot(t) };
}

function hasCause(error: unknown, needle: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) if (e === needle || String((e as Error).message).includes(String((needle as Error).message))) return true;
  return false;
}

contract(
  'fault injection',
  (t) => {
    it('a failure at each statement of the commit leaves every table as it was', async () => {
      let sent = 0;
      for (let k = 0; ; k++) {
        const { ids, old, before } = await prepare(t);
        const uow = await busyUnit(t, ids, old);
        const start = t.db.statements.length;
        const injected = new Error(`injected failure at statement ${k}`);
        let hit = '';
        t.db.capture.failOn = (sql, index) => {
          if (index - start !== k) return undefined;
          hit = sql;
          return injected;
        };
        const error = await uow.$commit().then(
          () => undefined,
          (e: unknown) => e,
        );
        t.db.capture.failOn = undefined;
        if (!hit) {
          expect(error).toBeUndefined();
          sent = k;
          break;
        }
        expect(error, `statement ${k}: ${hit}`).toBeInstanceOf(UnitOfWorkError);
        // A failed COMMIT cannot be resolved on MariaDB (no txid_status): the outcome is reported unknown.
        expect(error).toBeInstanceOf(t.backend === 'mariadb' && /^\s*COMMIT/i.test(hit) ? CommitOutcomeUnknownError : DatabaseError);
        expect(hasCause(error, injected), `cause of ${String(error)}`).toBe(true);
        expect(await snapshot(t), `after a failure at ${verbOf(hit)} (${k})`).toEqual(before);
      }
      // bulk: BEGIN, INSERT User/Account/LedgerEntry/Node, UPDATE Node (link)/User/Account, DELETE, COMMIT.
      expect(sent).toBeGreaterThanOrEqual(t.strategy === 'bulk' ? 9 : 12);
    });
  },
  // Fails the captured SQL statements of a database; the memory store has no statement to fail.
  { strategies: ['bulk', 'per-row'], backends: ['sqlite', 'postgresql', 'mariadb'] },
);

contract(
  'connection dropped mid-commit',
  (t) => {
    it('leaves every table as it was, reports a DatabaseError, and the pool recovers', async () => {
      const { ids, old, before } = await prepare(t);
      const uow = await busyUnit(t, ids, old);
      const start = t.db.statements.length;
      let dropped = 0;
      t.db.capture.beforeSend = async (_sql, index) => {
        if (index - start !== 4) return;
        const [row] = await t.db.other.$queryRawUnsafe<{ n: bigint }[]>(
          `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = $1 AND state LIKE 'idle in transaction%'`,
          t.db.namespace,
        );
        dropped = Number(row!.n);
      };
      const error = await uow.$commit().catch((e: unknown) => e);
      t.db.capture.beforeSend = undefined;
      expect(dropped).toBe(1);
      expect(error).toBeInstanceOf(DatabaseError);
      expect(await snapshot(t)).toEqual(before);
      await t.units.run((u) => transfer(u, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 1 }));
      expect(await t.rows('LedgerEntry')).toHaveLength(2);
    });
  },
  { strategies: ['bulk'], backends: ['postgresql'] },
);
