import { Decimal } from '@prisma/client/runtime/client';
import { expect, it } from 'vitest';
import { ConcurrencyConflictError } from 'prisma-uow';
import { BACKENDS } from '../support/databases.js';
import { contract, isUpdate, shapeData, type DatabaseTarget } from './harness.js';

/**
 * The original-value check of models without a version field compares values, not spellings
 * (issue 10, item 7). Another client (here raw SQL through `db.other`) may store a value in a
 * form other than the one Prisma writes (`CURRENT_TIMESTAMP` text, JSON with spaces and `1.0`,
 * microseconds): when the in-statement check reports such rows, they are read again and compared
 * with the loaded values by value; equal rows are written, only different ones conflict.
 */

/** Runs `sql` through the other client; MariaDB gets its `"identifiers"` (outside '...' strings) backquoted. */
async function raw(t: DatabaseTarget, sql: string): Promise<void> {
  const text = t.backend === 'mariadb' ? sql.split("'").map((part, i) => (i % 2 === 0 ? part.replace(/"(\w+)"/g, '`$1`') : part)).join("'") : sql;
  await (t.db.other as unknown as { $executeRawUnsafe(sql: string): Promise<number> }).$executeRawUnsafe(text);
}

async function note(t: DatabaseTarget): Promise<number> {
  const { id } = await t.insert('Note', { text: 'a' });
  // The database's own default spelling: '2026-11-29 19:52:59' on SQLite, microseconds on PostgreSQL.
  await raw(t, `UPDATE "Note" SET "createdAt" = CURRENT_TIMESTAMP WHERE "id" = ${id}`);
  t.clear();
  return id;
}

contract(
  'original values compared by value',
  (t) => {
    it('a DateTime stored by the database (CURRENT_TIMESTAMP) can be changed', async () => {
      const id = await note(t);
      const next = new Date('2030-01-01T00:00:00.000Z');
      let attempts = 0;
      await t.units.run(
        async (uow) => {
          attempts++;
          (await uow.note.get(id)).createdAt = next;
        },
        { retry: 2 },
      );
      expect(attempts).toBe(1);
      expect(((await t.rows('Note'))[0]!['createdAt'] as Date).toISOString()).toBe(next.toISOString());
    });

    it('Json stored by another client with other spacing and number spellings can be changed', async () => {
      const { id } = await t.insert('Priced', { price: 1, doc: { a: [1, 2], b: 1 } });
      await raw(t, `UPDATE "Priced" SET "doc" = '{ "b" : 1.0, "a": [1, 2.00] }' WHERE "id" = ${id}`);
      const shape = await t.insert('Shape', shapeData('s') as never);
      await raw(t, `UPDATE "Shape" SET "json" = '{"nested": {"n": 1.0}, "tags": ["a"]}' WHERE "id" = ${shape.id}`);
      t.clear();
      await t.units.run(async (uow) => {
        (await uow.priced.get(id)).doc = { a: [3] };
        (await uow.shape.get(shape.id)).json = { tags: ['z'] };
      });
      expect((await t.rows('Priced'))[0]!['doc']).toEqual({ a: [3] });
      expect((await t.rows('Shape'))[0]!['json']).toEqual({ tags: ['z'] });
    });

    it('an optional Json holding a JSON null (what Prisma stores for null) can be changed', async () => {
      const shape = await t.insert('Shape', { ...shapeData('s'), jsonOpt: { a: 1 } } as never);
      await t.update('Shape', { id: shape.id }, { jsonOpt: null } as never); // Prisma Client writes a JSON null here
      t.clear();
      await t.units.run(async (uow) => {
        const s = await uow.shape.get(shape.id);
        expect(s.jsonOpt).toBeNull();
        s.jsonOpt = { b: 2 };
      });
      expect((await t.rows('Shape'))[0]!['jsonOpt']).toEqual({ b: 2 });
    });

    it('Decimal, Float, BigInt, Boolean and DateTime stored in other forms can be changed', async () => {
      const shape = await t.insert('Shape', shapeData('s') as never);
      // 2024-01-02T03:04:05.678Z as SQLite integer milliseconds, or as PostgreSQL text without a zone.
      const dateTime = t.backend === 'sqlite' ? '1704164645678' : `'2024-01-02 03:04:05.678'`;
      // MariaDB takes 'true' for neither BOOLEAN nor a number: it stores 1 spelled as TRUE.
      const bool = t.backend === 'mariadb' ? 'TRUE' : `'true'`;
      await raw(
        t,
        `UPDATE "Shape" SET "decimal" = '12.3400', "float" = '1.50', "bigInt" = '9007199254740993', "bool" = ${bool}, "dateTime" = ${dateTime} WHERE "id" = ${shape.id}`,
      );
      t.clear();
      await t.units.run(async (uow) => {
        const s = await uow.shape.get(shape.id);
        expect(s.dateTime.toISOString()).toBe('2024-01-02T03:04:05.678Z');
        s.decimal = new Decimal('7.5');
        s.float = 2.5;
        s.bigInt = 7n;
        s.bool = false;
        s.dateTime = new Date('2030-01-01T00:00:00.000Z');
      });
      const [row] = await t.rows('Shape');
      expect([String(row!['decimal']), row!['float'], row!['bigInt'], row!['bool'], (row!['dateTime'] as Date).toISOString()]).toEqual([
        '7.5',
        2.5,
        7n,
        false,
        '2030-01-01T00:00:00.000Z',
      ]);
    });

    it('many rows: those equal in value are written, those really changed by another client conflict', async () => {
      const ids = [await note(t), await note(t), await note(t)];
      const slow = t.units.begin();
      const notes = await slow.note.find({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
      await raw(t, `UPDATE "Note" SET "createdAt" = '2001-01-01 00:00:00' WHERE "id" = ${ids[1]}`);
      for (const n of notes) n.createdAt = new Date('2030-01-01T00:00:00.000Z');
      const error = await slow.$commit().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyConflictError);
      expect((error as ConcurrencyConflictError).rows).toEqual([{ model: 'Note', key: ids[1] }]);
      const stored = await t.rows('Note');
      expect(stored.map((r) => (r['createdAt'] as Date).getUTCFullYear())).toEqual([expect.any(Number), 2001, expect.any(Number)]);
      expect(stored.some((r) => (r['createdAt'] as Date).getUTCFullYear() === 2030)).toBe(false); // rolled back
    });

    it('without spelling differences the check costs no extra statement', async () => {
      const { id } = await t.insert('Note', { text: 'a' });
      t.clear();
      await t.units.run(async (uow) => {
        (await uow.note.get(id)).createdAt = new Date('2030-01-01T00:00:00.000Z');
      });
      const writes = t.writes().filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.trim()));
      if (t.strategy === 'bulk') expect(writes).toHaveLength(1);
      expect(writes.filter(isUpdate)).toHaveLength(1);
    });
  },
  { backends: BACKENDS },
);
