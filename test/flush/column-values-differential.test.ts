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
