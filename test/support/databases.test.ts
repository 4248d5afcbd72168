import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openDatabase, skipBackend, type TestDatabase } from './databases.js';

for (const name of BACKENDS) {
  describe.skipIf(skipBackend(name))(`test databases: ${name}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openDatabase(name);
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it('writes through one client and reads through the other', async () => {
      const user = await db.prisma.user.create({ data: { name: 'Ann' } });
      await db.prisma.account.create({ data: { ownerId: user.id, balance: '10.50' } });

      const read = await db.other.user.findUniqueOrThrow({ where: { id: user.id }, include: { accounts: true } });
      expect(read.name).toBe('Ann');
      expect(read.accounts.map((a) => a.balance.toString())).toEqual(['10.5']);
      expect(db.statements.filter((s) => /^INSERT INTO/i.test(s.sql))).toHaveLength(2);
      expect(db.schema.models).toHaveProperty('Account');
    });

    it('marks transactions and injects failures', async () => {
      db.clearStatements();
      await db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { name: 'Bo' } });
      });
      // MySQL has no INSERT ... RETURNING for Prisma: `create` is an INSERT and a SELECT there.
      const queries = name === 'mariadb' ? ['query', 'query'] : ['query'];
      expect(db.statements.map((s) => s.kind)).toEqual(['begin', ...queries, 'commit']);
      expect(db.statements.every((s) => s.inTransaction)).toBe(true);

      db.capture.failOn = (sql) => (/^COMMIT/.test(sql) ? new Error('injected') : undefined);
      const failing = db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { name: 'Cy' } });
      });
      await expect(failing).rejects.toThrow('injected');
      db.capture.failOn = undefined;
      expect(await db.other.user.count({ where: { name: 'Cy' } })).toBe(0);
      expect(await db.prisma.user.count()).toBe(2);
    });

    it('reset empties every table and restarts identities', async () => {
      await db.reset();
      expect(await db.other.user.count()).toBe(0);
      expect((await db.prisma.user.create({ data: { name: 'Dee' } })).id).toBe(1);
    });
  });
}
