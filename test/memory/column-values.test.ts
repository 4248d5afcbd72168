import { describe, expect, it } from 'vitest';
import { UsageError, createMemoryUnits } from '../../src/index.js';
import { schema as postgresSchema } from '../generated/postgresql/uow/index.js';
import { schema as sqliteSchema } from '../generated/sqlite/uow/index.js';

/**
 * The in-memory store keeps values as the schema's database would (issue 10, items 4 and 6):
 * fixtures, out-of-unit writes and units' commits go through the same column rules as
 * assignments (`tracking/column-values.ts`). The contract suite runs memory with the SQLite
 * metadata; these run it with PostgreSQL's, where `Priced.price` is `Decimal(10,2)`.
 */

const shape = { slug: 's', text: 't', int: 1, bigInt: 1n, float: 1, decimal: 1, bool: true, dateTime: new Date(0), json: {}, bytes: new Uint8Array(), color: 'RED' as const };

describe('column rules of the in-memory store', () => {
  it('fixtures and out-of-unit writes are kept at the declared scale', async () => {
    const { store } = createMemoryUnits({ schema: postgresSchema, fixtures: { Priced: [{ id: 1, price: '185.385' }, { id: 2, price: -0.125 }] } });
    expect(store.rows('Priced').map((p) => p.price.toString())).toEqual(['185.39', '-0.13']);
    await store.update('Priced', { id: 1 }, { price: '1.005' });
    await store.insert('Priced', [{ id: 3, price: '0.004', discount: '0.0005' }]);
    expect(store.rows('Priced').map((p) => [p.price.toString(), p.discount?.toString() ?? null])).toEqual([['1.01', null], ['-0.13', null], ['0', '0.001']]);
  });

  it('a unit assigning 185.385 over a stored 185.39 writes nothing', async () => {
    const statements: string[] = [];
    const { units, store } = createMemoryUnits({ schema: postgresSchema, fixtures: { Priced: [{ id: 1, price: '185.39' }] }, onStatement: (s) => void statements.push(s) });
    const shown = await units.run(async (uow) => {
      const p = await uow.priced.get(1);
      p.price = '185.385' as never;
      return p.price.toString();
    });
    expect(shown).toBe('185.39');
    expect(statements.filter((s) => s.startsWith('UPDATE'))).toEqual([]);
    expect(store.commits).toBe(0);
  });

  it('fixtures the database would refuse are refused, naming model and field', () => {
    const refused = (fixtures: object) => {
      try {
        createMemoryUnits({ schema: postgresSchema, fixtures });
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error('the fixture was accepted');
    };
    expect(refused({ Priced: [{ price: '123456789' }] })).toMatch(/^Fixture Priced\[0\] cannot be stored: Priced\.price must be a Decimal with at most 8 digits before the decimal point/);
    expect(refused({ Shape: [{ ...shape, color: 'PURPLE' }] })).toMatch(/Shape\.color must be one of RED, GREEN, BLUE/);
    expect(refused({ Shape: [{ ...shape, bigInt: 2n ** 64n }] })).toMatch(/Shape\.bigInt must be a bigint from/);
    expect(refused({ Shape: [{ ...shape, decimal: 'NaN' }] })).toMatch(/Shape\.decimal must be a Decimal/);
    expect(refused({ Shape: [{ ...shape, int: 2 ** 31 }] })).toMatch(/Shape\.int must be an integer from/);
  });

  it('Float NaN follows the provider: stored with PostgreSQL metadata, refused with SQLite metadata', () => {
    const { store } = createMemoryUnits({ schema: postgresSchema, fixtures: { Shape: [{ ...shape, float: Number.NaN }] } });
    expect(store.rows('Shape')[0]!.float).toBeNaN();
    expect(() => createMemoryUnits({ schema: sqliteSchema, fixtures: { Shape: [{ ...shape, float: Number.NaN }] } })).toThrow(/Shape\.float must be a number other than NaN/);
  });

  it('Decimals are kept as the double SQLite stores', () => {
    const { store } = createMemoryUnits({ schema: sqliteSchema, fixtures: { Priced: [{ id: 1, price: '0.12345678901234567890' }] } });
    expect(store.rows('Priced')[0]!.price.toString()).toBe('0.12345678901234568');
  });
});
