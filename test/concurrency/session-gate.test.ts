import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { expect, it } from 'vitest';
import { DatabaseError } from 'prisma-uow';
import { GATE_REFRESH_MS } from '../../src/flush/session.js';
import { contract, seedBank, type DatabaseTarget } from '../contract/harness.js';
import { postgresAvailable } from '../support/databases.js';

/**
 * PostgreSQL: a transaction's time bound (`lock_timeout`/`statement_timeout` to what is left of
 * `transaction.timeout`) and its beacon are set by a gate in the first statement prisma-uow
 * writes, and again only when a statement comes more than `GATE_REFRESH_MS` after the last
 * gate. Statements in between carry none, and their waits stay bounded.
 */

const GATE = /pg_advisory_xact_lock_shared/;

/** Statements of the unit (BEGIN/COMMIT and Prisma's own aside) that prisma-uow wrote, in order. */
function written(t: DatabaseTarget): string[] {
  return t.statements().filter((sql) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql));
}

contract(
  'the session gate of PostgreSQL statements',
  (t) => {
    it('an interactive unit: the first statement carries the gate, the ones right after it none', async () => {
      const ids = await seedBank(t);
      t.clear();
      await t.units.run(
        async (uow) => {
          const [a, b] = await uow.account.getMany([ids.aliceAccount, ids.bobAccount], { lock: 'update', preload: ['owner'] });
          a!.balance = a!.balance.minus(5);
          b!.balance = b!.balance.plus(5);
          uow.ledgerEntry.add({ from: a!, to: b!, amount: 5 });
        },
        { interactive: true },
      );
      const sent = written(t);
      expect(sent.length).toBeGreaterThanOrEqual(3); // the locking read, the INSERT, the UPDATE
      expect(sent.map((sql) => GATE.test(sql))).toEqual([true, ...sent.slice(1).map(() => false)]);
      expect((await t.rows('Account')).map((r) => String(r['balance']))).toEqual(['95', '55']);
    });

    it(`a statement more than ${GATE_REFRESH_MS} ms after the last gate carries it again`, async () => {
      const ids = await seedBank(t);
      t.clear();
      await t.units.run(
        async (uow) => {
          await uow.account.get(ids.aliceAccount, { lock: 'update' });
          await sleep(GATE_REFRESH_MS + 50);
          const b = await uow.account.get(ids.bobAccount, { lock: 'update' });
          b.balance = b.balance.plus(1);
        },
        { interactive: true },
      );
      const sent = written(t);
      expect(sent.filter((sql) => /FOR (NO KEY )?UPDATE/.test(sql)).map((sql) => GATE.test(sql))).toEqual([true, true]);
      expect((await t.rows('Account')).map((r) => String(r['balance']))).toEqual(['100', '51']);
    });

    it('a statement without the gate, waiting on a lock right after the first, is still bounded by the timeout', async () => {
      const ids = await seedBank(t);
      const holder = new pg.Client({ connectionString: postgresAvailable.url, options: `-c search_path="${t.db.namespace}"` });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM "Account" WHERE id = $1 FOR UPDATE`, [ids.bobAccount]);
        const timeout = 1_500;
        const started = Date.now();
        const error = await t.units
          .run(
            async (uow) => {
              t.clear();
              const a = await uow.account.get(ids.aliceAccount, { lock: 'update' }); // gated, not blocked
              const b = await uow.account.get(ids.bobAccount, { lock: 'update' }); // no gate, waits
              a.balance = a.balance.minus(1);
              b.balance = b.balance.plus(1);
            },
            { interactive: true, transaction: { timeout } },
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        const ms = Date.now() - started;
        expect(error).toBeInstanceOf(DatabaseError);
        expect(error).toMatchObject({ kind: 'timeout' });
        expect(ms).toBeLessThan(timeout + 1_000);
        const locking = written(t).filter((sql) => /FOR (NO KEY )?UPDATE/.test(sql));
        expect(locking.map((sql) => GATE.test(sql))).toEqual([true, false]);
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      expect((await t.rows('Account')).map((r) => String(r['balance']))).toEqual(['100', '50']);
    });
  },
  { backends: ['postgresql'] },
);
