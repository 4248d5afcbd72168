import { Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import { postgresArrayLiteral } from '../../src/flush/dialects/postgres-values.js';
import { SQLITE_FEW_ROWS } from '../../src/flush/dialects/sqlite.js';
import { sqliteJsonRows } from '../../src/flush/dialects/sqlite-json.js';
import type { FieldMetadata } from '../../src/metadata/types.js';
import { contract, isUpdate, plain, plainRow, shapeData } from '../contract/harness.js';

/**
 * Values with the characters that array literals, JSON and SQL treat specially must arrive as
 * written, whether a column travels as one array of N values or (all rows equal) as one value.
 */
const NASTY = ['', ' ', 'NULL', 'null', '"', '\\', '\\"', 'a,b', '{x}', '{"a":1}', "O'Brien", 'tab\there', 'line\nbreak', 'ünïcødé ✓', '  padded  '];
const SAME_BYTES = new Uint8Array([0x5c, 0x22, 0x5c]);
const NASTY_BYTES = [new Uint8Array([]), new Uint8Array([0x22, 0x5c, 0x00, 0x7b, 0x7d, 0x2c]), new Uint8Array([0xff])];

describe('postgresArrayLiteral', () => {
  const text = { kind: 'String', isList: false } as FieldMetadata;
  const int = { kind: 'Int', isList: false } as FieldMetadata;

  it('quotes and escapes text elements, leaves numbers bare, writes NULL for null', () => {
    expect(postgresArrayLiteral(text, ['a', 'b"c', 'd\\e', null, 'NULL', ''])).toBe('{"a","b\\"c","d\\\\e",NULL,"NULL",""}');
    expect(postgresArrayLiteral(int, [1, -2, null])).toBe('{1,-2,NULL}');
    expect(postgresArrayLiteral(text, [])).toBe('{}');
  });
});

contract('values with special characters', (t) => {
  it('inserts and updates text, Json and Bytes with quotes, backslashes, braces, commas, NULL-like words and blanks', async () => {
    const ids = await t.units.run((uow) =>
      NASTY.map((s, i) => uow.shape.add({ ...shapeData(`s${i}`), text: s, textOpt: i % 2 ? null : s, json: { s, list: [s] }, bytes: NASTY_BYTES[i % 3]! } as never)),
    );
    expect((await t.rows('Shape')).map((r) => [r['text'], r['textOpt'], r['json']])).toEqual(
      NASTY.map((s, i) => [s, i % 2 ? null : s, { s, list: [s] }]),
    );

    // Each row a different value (one array per column), then all rows one value (bound once).
    const reversed = [...NASTY].reverse();
    await t.units.run(async (uow) => {
      const shapes = await uow.shape.find({ orderBy: { id: 'asc' } });
      shapes.forEach((shape, i) => {
        shape.text = reversed[i]!;
        shape.textOpt = i % 2 ? reversed[i]! : null;
        shape.json = { s: reversed[i]! };
        shape.bytes = NASTY_BYTES[(i + 1) % 3]!;
      });
    });
    expect((await t.rows('Shape')).map((r) => [r['text'], r['textOpt'], r['json'], plain(r['bytes'])])).toEqual(
      reversed.map((s, i) => [s, i % 2 ? s : null, { s }, [...NASTY_BYTES[(i + 1) % 3]!]]),
    );

    t.clear();
    const same = await t.units.run(async (uow) => {
      const shapes = await uow.shape.find({ orderBy: { id: 'asc' } });
      for (const shape of shapes) {
        shape.text = '"\\,{}NULL';
        shape.textOpt = 'NULL';
        shape.bytes = SAME_BYTES;
      }
      return shapes;
    });
    if (t.db && t.strategy !== 'per-row') expect(t.writes().filter(isUpdate)).toHaveLength(1);
    const rows = await t.rows('Shape');
    expect(rows.map((r) => [r['text'], r['textOpt'], plain(r['bytes'])])).toEqual(ids.map(() => ['"\\,{}NULL', 'NULL', [...SAME_BYTES]]));
    expect(rows.map(plainRow)).toEqual(same.map((s) => plainRow({ ...s })));
  });
});

describe('sqliteJsonRows', () => {
  const f = (kind: string) => ({ kind, isList: false }) as FieldMetadata;

  it('writes each kind as SQLite should store it, and refuses what JSON cannot carry', () => {
    expect(sqliteJsonRows([f('Int'), f('Decimal'), f('BigInt'), f('Boolean'), f('String'), f('Json')], [[1, new Decimal('17.50'), 9007199254740993n, true, 'a"b', '{"x":1}']])).toBe(
      '[[1,17.5,9007199254740993,1,"a\\"b","{\\"x\\":1}"]]',
    );
    expect(sqliteJsonRows([f('Int'), f('String')], [[null, null]])).toBe('[[null,null]]');
    expect(sqliteJsonRows([f('Float')], [[Number.NaN]])).toBeUndefined();
    expect(sqliteJsonRows([f('DateTime')], [[new Date(0)]])).toBeUndefined();
    expect(sqliteJsonRows([f('Bytes')], [[new Uint8Array([1])]])).toBeUndefined();
  });
});

contract(
  'SQLite storage of bulk updates',
  (t) => {
    // One row travels as bound VALUES, more than SQLITE_FEW_ROWS as one JSON parameter: both must store the same.
    it.each([
      ['a few rows (bound VALUES)', 1],
      ['many rows (one JSON parameter)', SQLITE_FEW_ROWS + 2],
    ])('stores every scalar exactly as Prisma Client stores it (same value, same storage class): %s', async (_, count) => {
      const values = { ...shapeData('x'), text: '007', int: -5, bigInt: 9007199254740993n, float: 5, decimal: '12.340', bool: false, json: { a: [1, 'x'] }, color: 'BLUE' };
      const prisma = t.db.prisma as unknown as { shape: { create(args: object): Promise<{ id: number }> }; $queryRawUnsafe<T>(sql: string, ...args: unknown[]): Promise<T> };
      const reference = await prisma.shape.create({ data: { ...values, slug: 'reference' } });
      const others: number[] = [];
      for (let i = 0; i < count; i++) others.push((await prisma.shape.create({ data: { ...shapeData(`other${i}`), slug: `updated${i}` } })).id);
      const sent = t.db.statements.length;
      await t.units.run(async (uow) => {
        for (const shape of await uow.shape.getMany(others)) {
          for (const [name, value] of Object.entries(values)) if (name !== 'slug') (shape as Record<string, unknown>)[name] = value;
        }
      });
      const update = t.db.statements.slice(sent).find((s) => s.sql.startsWith('UPDATE'));
      expect(update?.sql).toMatch(count > SQLITE_FEW_ROWS ? /json_each\(\?\)/ : /FROM \(VALUES \(/);
      const columns = ['text', 'int', 'bigInt', 'float', 'decimal', 'bool', 'json', 'color'];
      const stored = (id: number) =>
        prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT ${columns.map((c) => `typeof("${c}") AS "${c}_type", CAST("${c}" AS TEXT) AS "${c}"`).join(', ')} FROM "Shape" WHERE "id" = ?`, id);
      const expected = await stored(reference.id);
      for (const id of others) expect(await stored(id)).toEqual(expected);
    });
  },
  { backends: ['sqlite'], strategies: ['bulk'] },
);
