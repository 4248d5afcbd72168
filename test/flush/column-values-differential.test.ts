import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColumnProblem, fitToColumn } from '../../src/tracking/column-values.js';
import { BACKENDS, openDatabase, skipBackend, type TestDatabase } from '../support/databases.js';

/**
 * Differential test of `fitToColumn` against the databases themselves: random Decimals are
 * written through Prisma Client and read back; what comes back must be what `fitToColumn` said
 * the column would store (PostgreSQL `numeric(10,2)` and its default `numeric(65,30)`, rounding
 * half away from zero; SQLite's REAL).
 */

const decimals = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[1-9]?\d{0,7}$/), fc.stringMatching(/^\d{0,40}$/))
  .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole || '0'}${fraction ? `.${fraction}` : ''}`);

interface Client {
  priced: { createMany(args: object): Promise<unknown>; findMany(args: object): Promise<{ price: Decimal }[]>; deleteMany(args: object): Promise<unknown> };
}

for (const backend of BACKENDS) {
  describe.skipIf(skipBackend(backend))(`Decimal columns as ${backend} stores them`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openDatabase(backend);
    });
    afterAll(async () => db?.dispose());

    it('what comes back is what fitToColumn kept', async () => {
      const values = fc.sample(decimals, { numRuns: 300, seed: 10 }).concat(['185.385', '0.125', '-0.125', '2.675', '-0.005', '99999999.994']);
      const field = db.schema.models['Priced']!.fields.find((f) => f.name === 'price')!;
      const client = db.other as unknown as Client;
      await client.priced.createMany({ data: values.map((price) => ({ price })) });
      const back = await client.priced.findMany({ orderBy: { id: 'asc' } });
      const expected = values.map((v) => fitToColumn(field, db.schema.provider, new Decimal(v)));
      expect(expected.some((e) => e instanceof ColumnProblem)).toBe(false);
      expect(back.map((row) => row.price.toString())).toEqual(expected.map(String));
    });
  });
}

describe.skipIf(skipBackend('postgresql'))('DateTime and real columns as PostgreSQL stores them', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openDatabase('postgresql');
  });
  afterAll(async () => db?.dispose());

  /** PostgreSQL's text of each value cast to `type`. */
  async function cast(values: readonly string[], type: string): Promise<string[]> {
    const client = db.other as unknown as { $queryRawUnsafe<T>(sql: string, ...args: unknown[]): Promise<T> };
    const rows = await client.$queryRawUnsafe<{ v: string }[]>(`SELECT (x::${type})::text AS v FROM unnest($1::text[]) WITH ORDINALITY AS u(x, i) ORDER BY i`, values);
    return rows.map((r) => r.v);
  }

  const field = (kind: 'DateTime' | 'Float', type: string, args: string[] = []) =>
    ({ name: 'f', column: 'f', kind, isList: false, isRequired: true, isId: false, isUpdatedAt: false, default: 'none', nativeType: [type, args] }) as const;
  const dates = fc.sample(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), { numRuns: 300, seed: 11 })
    .concat([Date.UTC(2024, 0, 2, 3, 4, 5, 500), Date.UTC(1999, 11, 31, 23, 59, 59, 500), Date.UTC(1969, 11, 31, 23, 59, 59, 950), Date.UTC(2000, 0, 1, 0, 0, 0, 50)])
    .map((ms) => new Date(ms));
  const utc = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

  it('timestamp(p) rounds, date keeps the day, time(p) the time of day, as fitToColumn says', async () => {
    for (const [type, args] of [['Timestamp', ['0']], ['Timestamp', ['1']], ['Timestamp', ['2']], ['Date', []], ['Time', ['0']], ['Time', ['2']]] as const) {
      const sqlType = type === 'Timestamp' ? `timestamp(${args[0]})` : type === 'Time' ? `time(${args[0]})` : 'date';
      const back = await cast(dates.map(utc), sqlType);
      const ours = dates.map((d) => fitToColumn(field('DateTime', type, [...args]), 'postgresql', d) as Date);
      const asText = back.map((text) => new Date(`${type === 'Time' ? '1970-01-01 ' : ''}${text}${type === 'Date' ? 'T00:00:00' : ''}Z`.replace(' ', 'T')).getTime());
      expect(ours.map((d) => d.getTime()), sqlType).toEqual(asText);
    }
  });

  it('real keeps the float32 PostgreSQL prints', async () => {
    const numbers = fc
      .sample(fc.double({ min: -1e30, max: 1e30, noNaN: true }), { numRuns: 300, seed: 12 })
      .filter((n) => n === 0 || Math.abs(n) > 1e-37) // PostgreSQL refuses what underflows, as fitToColumn does
      .concat([1.23456789, 0.1, 16777217, -0, 3.4e38, Infinity]);
    const back = await cast(numbers.map((n) => (Object.is(n, -0) ? '-0' : String(n))), 'float4');
    expect(numbers.map((n) => fitToColumn(field('Float', 'Real'), 'postgresql', n))).toEqual(back.map(Number));
    expect(fitToColumn(field('Float', 'Real'), 'postgresql', 1e-60)).toBeInstanceOf(ColumnProblem);
    expect(fitToColumn(field('Float', 'Real'), 'postgresql', 1e39)).toBeInstanceOf(ColumnProblem);
  });
});
