import { Decimal } from '@prisma/client/runtime/client';
import { expect, it } from 'vitest';
import { UsageError } from 'prisma-uow';
import { schema as sqliteSchema } from '../generated/sqlite/uow/index.js';
import { contract, isUpdate, type Target } from './harness.js';

/**
 * Values are compared and kept at the column's precision, as the database stores them (issue 10,
 * item 4): a Decimal at its declared scale where it has one (`@db.Decimal(10,2)` on PostgreSQL,
 * rounded half away from zero; PostgreSQL's default `DECIMAL(65,30)` too), as the nearest double
 * on SQLite (a REAL); a `@db.Date` as its day. A Decimal whose integer digits do not fit is
 * refused before anything is sent.
 */

/** Whether the target's schema declares `Priced.price` as `Decimal(10,2)` (SQLite has no native types). */
function declared(t: Target): boolean {
  const schema = t.db?.schema ?? sqliteSchema;
  return schema.models['Priced']!.fields.find((f) => f.name === 'price')!.nativeType !== undefined;
}

function provider(t: Target): string {
  return (t.db?.schema ?? sqliteSchema).provider;
}

async function priced(t: Target, price: string): Promise<number> {
  const { id } = await t.insert('Priced', { price });
  t.clear();
  return id;
}

/** Assigns `value`, commits, and returns what the object shows and what the database holds. */
async function roundTrip(t: Target, id: number, value: Decimal.Value): Promise<{ object: string; stored: string }> {
  const object = await t.units.run(async (uow) => {
    const p = await uow.priced.get(id);
    p.price = value as never;
    return p.price.toString();
  });
  const stored = String((await t.rows('Priced')).find((r) => r['id'] === id)!['price']);
  return { object, stored };
}

contract('Decimal precision', (t) => {
  it('185.385 assigned over a stored 185.39 is what the column stores: no UPDATE where the column rounds to 185.39', async () => {
    const id = await priced(t, '185.39');
    const shown = await t.units.run(async (uow) => {
      const p = await uow.priced.get(id);
      p.price = new Decimal('185.385');
      const now = p.price.toString();
      p.price = new Decimal('185.39');
      p.price = new Decimal('185.385');
      return now;
    });
    if (declared(t)) {
      expect(shown).toBe('185.39');
      expect(t.writes().filter(isUpdate)).toEqual([]);
    } else {
      expect(shown).toBe('185.385'); // a double holds 185.385 (as closely as it can)
      expect(t.writes().filter(isUpdate)).toHaveLength(1);
    }
  });

  for (const value of ['185.385', '0.125', '-0.125', '1.005', '99999999.994', '-2.5', '0.12345678901234567890123', '12345.6789012345678901']) {
    it(`after a commit of ${value}, the object shows what the database holds`, async () => {
      const id = await priced(t, '1');
      const { object, stored } = await roundTrip(t, id, value);
      expect(object).toBe(stored);
    });
  }

  it('rounds half away from zero at the declared scale', async () => {
    const id = await priced(t, '1');
    const results = [];
    for (const value of ['0.125', '-0.125', '2.675', '-2.675', '0.005', '-0.004']) results.push((await roundTrip(t, id, value)).object);
    if (declared(t)) expect(results).toEqual(['0.13', '-0.13', '2.68', '-2.68', '0.01', '0']);
    else expect(results).toEqual(['0.125', '-0.125', '2.675', '-2.675', '0.005', '-0.004']);
  });

  it('a Decimal beyond a double keeps the double SQLite stores; PostgreSQL keeps its default scale of 30', async () => {
    const shape = await t.insert('Shape', {
      slug: 's', text: 't', int: 1, bigInt: 1n, float: 1, decimal: 1, bool: true, dateTime: new Date(0), json: {}, bytes: new Uint8Array(), color: 'RED',
    });
    const shown = await t.units.run(async (uow) => {
      const s = await uow.shape.get(shape.id);
      s.decimal = new Decimal('0.1234567890123456789012345678901234');
      return s.decimal.toString();
    });
    const stored = String((await t.rows('Shape'))[0]!['decimal']);
    expect(shown).toBe(stored);
    expect(shown).toBe(provider(t) === 'sqlite' ? '0.12345678901234568' : '0.12345678901234567890123456789'); // 30 places, the last a 0
  });

  it('a value whose integer digits overflow the declared precision is refused before anything is sent, naming model, key and field', async () => {
    const id = await priced(t, '1');
    if (!declared(t)) return;
    await t.units.run(async (uow) => {
      const p = await uow.priced.get(id);
      expect(() => (p.price = new Decimal('100000000'))).toThrow(UsageError);
      expect(() => (p.price = new Decimal('99999999.995'))).toThrow(
        expect.objectContaining({ code: 'INVALID_VALUE', model: 'Priced', key: id, field: 'price' }),
      );
      expect(() => (p.price = new Decimal('99999999.995'))).toThrow(/Priced#\d+\.price .*Decimal\(10, ?2\)/);
      expect(() => (p.discount = new Decimal('10'))).toThrow(expect.objectContaining({ code: 'INVALID_VALUE', field: 'discount' }));
      expect(() => uow.priced.add({ price: '123456789' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE', model: 'Priced', field: 'price' }));
      p.price = new Decimal('99999999.994');
      expect(p.price.toString()).toBe('99999999.99');
      t.clear();
    });
    expect(String((await t.rows('Priced'))[0]!['price'])).toBe('99999999.99');
  });

  it('add() keeps the value at the column precision, before and after the commit', async () => {
    const row = await t.units.run(async (uow) => {
      const p = uow.priced.add({ price: '10.005', discount: '0.0005' } as never);
      expect(p.price.toString()).toBe(declared(t) ? '10.01' : '10.005');
      return p;
    });
    const [stored] = await t.rows('Priced');
    expect(row.price.toString()).toBe(String(stored!['price']));
    expect(String(row.discount)).toBe(String(stored!['discount']));
  });

  it('a DateTime in a @db.Date column keeps its UTC day: another time of the same day is no change', async () => {
    const { id } = await t.insert('Priced', { price: 1, day: new Date('2024-01-02T00:00:00.000Z') });
    t.clear();
    const shown = await t.units.run(async (uow) => {
      const p = await uow.priced.get(id);
      p.day = new Date('2024-01-02T23:30:00.000Z');
      return p.day!.toISOString();
    });
    const stored = ((await t.rows('Priced'))[0]!['day'] as Date).toISOString();
    if (declared(t)) {
      expect(shown).toBe('2024-01-02T00:00:00.000Z');
      expect(t.writes().filter(isUpdate)).toEqual([]);
    }
    expect(shown).toBe(stored);
  });
});
