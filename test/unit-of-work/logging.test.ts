import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnits, DatabaseError, type FlushLogEntry } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { BACKENDS, openDatabase, skipBackend, type TestDatabase } from '../support/databases.js';

for (const backend of BACKENDS) {
  describe.skipIf(skipBackend(backend))(`statement log [${backend}]`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openDatabase(backend);
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it('reports each step the commit sent, with the statements the database received', async () => {
      const log: FlushLogEntry[] = [];
      const units = createUnits({ prisma: db.prisma, schema: db.schema, ...bank, log: (e) => log.push(e) });
      const a = await db.other.user.create({ data: { name: 'A', accounts: { create: { balance: 10 } } }, include: { accounts: true } });
      const b = await db.other.user.create({ data: { name: 'B', accounts: { create: { balance: 10 } } }, include: { accounts: true } });
      db.clearStatements();
      await units.run((uow) => transfer(uow, { fromId: a.accounts[0]!.id, toId: b.accounts[0]!.id, amount: 3 }));
      // MariaDB writes updates before inserts (InnoDB's foreign-key checks, see planner.ts).
      const steps = ['insert LedgerEntry x1', 'update User x1', 'update Account x2'];
      expect(log.map((e) => `${e.op} ${e.model} x${e.rows}`)).toEqual(backend === 'mariadb' ? [...steps.slice(1), steps[0]] : steps);
      expect(log.every((e) => e.ms >= 0 && e.error === undefined)).toBe(true);
      const sentUpdates = db.statements.filter((s) => /UPDATE/.test(s.sql)).map((s) => s.sql);
      expect(log.filter((e) => e.op === 'update').flatMap((e) => e.statements)).toEqual(sentUpdates);

      // A failing step is reported with its error.
      log.length = 0;
      const error = await units.run(async (uow) => void uow.user.remove(await uow.user.get(a.id))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseError);
      expect(log).toEqual([expect.objectContaining({ op: 'delete', model: 'User', rows: 1, error: expect.anything() })]);
    });
  });
}
