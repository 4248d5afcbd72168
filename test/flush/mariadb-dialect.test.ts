import { Decimal } from '@prisma/client/runtime/client';
import mariadb from 'mariadb';
import { expect, it } from 'vitest';
import { classifyDatabaseError, ConcurrencyConflictError, DatabaseError } from 'prisma-uow';
import { contract, isUpdate, plainRow, seedBank, shapeData, type DatabaseTarget } from '../contract/harness.js';
import { mariadbSettings } from '../support/databases.js';

/**
 * MariaDB specifics of the bulk dialect (`src/flush/dialects/mariadb.ts`) and of the error
 * classification, on a real MariaDB, with every strategy: values round-trip exactly through the
 * JSON parameter, the original-value check of strings is byte-exact (the tables'
 * `utf8mb4_unicode_ci` would take 'abc' for 'ABC'), and MariaDB's error numbers are classified.
 */

const EXACT = {
  decimal: '12345678901234567890123456789012345.123456789012345678901234567891',
  bigInt: 2n ** 63n - 1n,
  bigIntOpt: -(2n ** 63n),
  dateTime: new Date('1999-12-31T23:59:59.999Z'),
  bytes: new Uint8Array([0, 255, 0x22, 0x5c, 10, 0]),
  json: { s: 'ünï "q" \\ 😀', n: 1.5, deep: [[{ x: null }]], big: 9007199254740991 },
  float: 0.1 + 0.2,
  text: 'trailing space ',
};

async function driver(t: DatabaseTarget): Promise<mariadb.Connection> {
  return mariadb.createConnection({ ...mariadbSettings(t.db.namespace), bigIntAsNumber: true });
}

contract(
  'MariaDB bulk dialect',
  (t) => {
    it('Decimal(65, 30), BigInt limits, DateTime milliseconds, Bytes, Json and Float round-trip exactly on insert and update', async () => {
      const decimal = EXACT.decimal.replace(/1$/, ''); // DECIMAL(65, 30): 35 digits before the point, 30 after
      const [shape] = await t.units.run((uow) => [uow.shape.add({ ...shapeData('a'), ...EXACT, decimal: new Decimal(decimal) } as never)]);
      const expected = { ...plainRow({ ...EXACT, decimal: new Decimal(decimal) }), id: (shape as { id: number }).id };
      const stored = plainRow((await t.rows('Shape'))[0]!);
      expect(stored).toMatchObject(expected);
      await t.units.run(async (uow) => {
        const s = await uow.shape.get((shape as { id: number }).id);
        s.decimal = new Decimal('-0.000000000000000000000000000001');
        s.bigInt = -(2n ** 63n);
        s.dateTime = new Date('2038-01-19T03:14:07.001Z');
        s.bytes = new Uint8Array([255, 254, 0]);
        s.json = ['a', { 'ü': [true, false, null] }];
        s.text = ' lead';
      });
      expect(plainRow((await t.rows('Shape'))[0]!)).toMatchObject(
        plainRow({
          decimal: '-1e-30',
          bigInt: -(2n ** 63n),
          dateTime: new Date('2038-01-19T03:14:07.001Z'),
          bytes: new Uint8Array([255, 254, 0]),
          json: ['a', { 'ü': [true, false, null] }],
          text: ' lead',
        }),
      );
    });

    it('the original-value check of a string is exact: a change of case or of trailing spaces by another client is a conflict', async () => {
      await t.insert('Tag', { name: 'k1', label: 'abc' });
      await t.insert('Tag', { name: 'k2', label: 'xyz' });
      const unit = t.units.begin();
      const [one, two] = await unit.tag.find({ orderBy: { name: 'asc' } });
      await t.update('Tag', { name: 'k1' }, { label: 'ABC' });
      await t.update('Tag', { name: 'k2' }, { label: 'xyz ' });
      one!.label = 'mine';
      two!.label = 'mine too';
      const error = await unit.$commit().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyConflictError);
      expect((error as ConcurrencyConflictError).rows.map((r) => r.key)).toEqual(['k1', 'k2']);
      expect((await t.rows('Tag')).map((r) => r['label'])).toEqual(['ABC', 'xyz ']);
    });

    it('a unique violation and a too-long value are DatabaseErrors of kind unique and value-too-long', async () => {
      await t.insert('Category', { slug: 'a', shop: 1, position: 1 });
      const unique = await t.units.run((uow) => void uow.category.add({ slug: 'a', shop: 2, position: 2 })).catch((e: unknown) => e);
      expect(unique).toMatchObject({ name: 'DatabaseError', kind: 'unique', model: 'Category' });
      const long = await t.units.run((uow) => void uow.category.add({ slug: 'x'.repeat(192), shop: 3, position: 3 })).catch((e: unknown) => e);
      expect(long).toBeInstanceOf(DatabaseError);
      expect((long as DatabaseError).kind).toBe('value-too-long');
      expect(await t.rows('Category')).toHaveLength(1);
    });
  },
  { backends: ['mariadb'] },
);

contract(
  'MariaDB bulk dialect: one value for every row',
  (t) => {
    it('a value every row gets travels once (`c`), is written to every row, and a row changed meanwhile is still the one conflict', async () => {
      const { alice } = await seedBank(t);
      await t.insertMany('Account', [1, 2, 3].map((b) => ({ ownerId: alice, balance: b })));
      const ids = (await t.rows('Account')).map((a) => a['id'] as number);
      t.clear();
      await t.units.run(async (uow) => {
        for (const a of await uow.account.find()) a.balance = new Decimal(`42.50`);
      });
      const [update] = t.writes().filter(isUpdate);
      expect(t.writes().filter(isUpdate)).toHaveLength(1);
      expect(update).toMatch(/^UPDATE JSON_TABLE\(\?, '\$\[\*\]' COLUMNS\(i FOR ORDINALITY, s0 DECIMAL\(65, 30\) PATH '\$\[0\]'\)\) AS c STRAIGHT_JOIN JSON_TABLE\(/);
      expect(update).toContain('SET t.`balance` = c.s0');
      expect((await t.rows('Account')).map((a) => [String(a['balance']), a['version']])).toEqual(ids.map(() => ['42.5', 1]));

      // Another client changes one row after the unit read it: only that row conflicts, nothing is written.
      const unit = t.units.begin();
      const accounts = await unit.account.find({ orderBy: { id: 'asc' } });
      await t.update('Account', { id: ids[2]! }, { balance: 7, version: 2 });
      for (const a of accounts) a.balance = new Decimal('0.25');
      const error = await unit.$commit().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyConflictError);
      expect((error as ConcurrencyConflictError).rows.map((r) => r.key)).toEqual([ids[2]]);
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['42.5', '42.5', '7', '42.5', '42.5']);
    });
  },
  { backends: ['mariadb'], strategies: ['bulk'] },
);

contract(
  'MariaDB errors',
  (t) => {
    it('1213 deadlock (driver and Prisma) is kind deadlock, 1205 lock wait timeout is kind timeout, 1451 is foreign-key', async () => {
      await t.insert('Tag', { name: 'a', label: '1' });
      await t.insert('Tag', { name: 'b', label: '1' });
      const [x, y] = [await driver(t), await driver(t)];
      try {
        await x.beginTransaction();
        await y.beginTransaction();
        await x.query("UPDATE `Tag` SET `label` = 'x' WHERE `name` = 'a'");
        await y.query("UPDATE `Tag` SET `label` = 'y' WHERE `name` = 'b'");
        const first = x.query("UPDATE `Tag` SET `label` = 'x' WHERE `name` = 'b'").catch((e: unknown) => e);
        const second = y.query("UPDATE `Tag` SET `label` = 'y' WHERE `name` = 'a'").catch((e: unknown) => e);
        const errors = (await Promise.all([first, second])).filter((e) => e instanceof Error);
        expect(errors).toHaveLength(1);
        expect((errors[0] as unknown as { errno: number }).errno).toBe(1213);
        expect(classifyDatabaseError(errors[0])).toBe('deadlock');
      } finally {
        await x.rollback().catch(() => {});
        await y.rollback().catch(() => {});
      }
      // Through Prisma: a lock wait timeout (1205) while another connection holds the row.
      try {
        await x.beginTransaction();
        await x.query("UPDATE `Tag` SET `label` = 'x' WHERE `name` = 'a'");
        const waited = await t.db.prisma
          .$transaction(async (tx) => {
            await tx.$executeRawUnsafe('SET SESSION innodb_lock_wait_timeout = 1');
            await tx.$executeRawUnsafe("UPDATE `Tag` SET `label` = 'p' WHERE `name` = 'a'");
          })
          .catch((e: unknown) => e);
        expect(classifyDatabaseError(waited)).toBe('timeout');
      } finally {
        await x.rollback().catch(() => {});
        await Promise.all([x.end(), y.end()]);
      }
      const category = await t.insert('Category', { slug: 'c', shop: 1, position: 1 });
      await t.insert('RestrictItem', { name: 'r', categoryId: category.id });
      const restricted = await t.db.prisma.$executeRawUnsafe(`DELETE FROM \`Category\` WHERE \`id\` = ${category.id}`).catch((e: unknown) => e);
      expect(classifyDatabaseError(restricted)).toBe('foreign-key');
    });

    it('crossed writers of the same rows (key order) both commit: no deadlock reaches them', async () => {
      const ids = await t.units.run((uow) => Array.from({ length: 50 }, (_, i) => uow.account.add({ owner: uow.user.add({ name: `u${i}` }), balance: 1 })));
      const keys = ids.map((a) => a.id);
      const write = (order: number[], delta: number) =>
        t.units.run(
          async (uow) => {
            const accounts = await uow.account.find({ where: { id: { in: order } } });
            for (const a of accounts) a.balance = a.balance.plus(delta);
          },
          { retry: 20 },
        );
      await Promise.all([write(keys, 1), write([...keys].reverse(), 2), write(keys, 3)]);
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(keys.map(() => '7'));
      expect(t.writes().filter(isUpdate).length).toBeGreaterThanOrEqual(3);
    });
  },
  { backends: ['mariadb'], strategies: ['bulk'] },
);
