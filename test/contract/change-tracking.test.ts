import { Decimal } from '@prisma/client/runtime/client';
import { expect, it } from 'vitest';
import { contract, isUpdate, shapeData, type Target } from './harness.js';

async function addShape(t: Target, slug = 's1'): Promise<number> {
  const row = await t.insert('Shape', shapeData(slug) as never);
  t.clear();
  return row.id;
}

/** Same value, new object: must not be a change. */
const sameValues: Record<string, () => unknown> = {
  text: () => 'text',
  int: () => 1,
  bigInt: () => 9007199254740993n,
  float: () => 1.5,
  decimal: () => new Decimal('12.340'),
  bool: () => true,
  dateTime: () => new Date('2024-01-02T03:04:05.678Z'),
  json: () => ({ nested: { n: 1 }, tags: ['a'] }),
  bytes: () => new Uint8Array([1, 2, 3]),
  color: () => 'RED',
  textOpt: () => null,
};

/** A different value for each scalar type. */
const otherValues: Record<string, unknown> = {
  text: 'changed',
  int: 2,
  bigInt: 9007199254740995n,
  float: 2.25,
  decimal: new Decimal('99.01'),
  bool: false,
  dateTime: new Date('2025-05-06T07:08:09.123Z'),
  json: { tags: ['b'], nested: { n: 2 } },
  bytes: new Uint8Array([9, 9]),
  color: 'BLUE',
  textOpt: 'now set',
  decimalOpt: new Decimal('0.5'),
  dateTimeOpt: new Date('2020-01-01T00:00:00.000Z'),
  jsonOpt: [1, 'two', null],
  bytesOpt: new Uint8Array([0]),
  bigIntOpt: -5n,
};

function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Decimal.isDecimal(value)) return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

contract('change tracking', (t) => {
  it('a unit that changes nothing sends no statement at all', async () => {
    const id = await addShape(t);
    await t.units.run(async (uow) => {
      const shape = await uow.shape.get(id);
      for (const [field, make] of Object.entries(sameValues)) (shape as Record<string, unknown>)[field] = make();
      void shape.json; // reading nested values drafts them; still no change
      t.clear();
    });
    expect(t.writes()).toEqual([]);
  });

  for (const [field, value] of Object.entries(otherValues)) {
    it(`writes a changed ${field} and only that column`, async () => {
      const id = await addShape(t);
      await t.units.run(async (uow) => {
        const shape = await uow.shape.get(id);
        (shape as Record<string, unknown>)[field] = value;
        t.clear();
      });
      const [row] = await t.rows('Shape');
      expect(comparable(row![field])).toEqual(comparable(value));
      const updates = t.writes().filter(isUpdate);
      expect(updates).toHaveLength(1);
      if (t.backend === 'memory') {
        expect(updates[0]).toBe(`UPDATE Shape (${field})`); // the store's pseudo statement names the written fields
        return;
      }
      const columns = Object.keys(shapeData('x')).concat(Object.keys(otherValues)).filter((c) => c !== field);
      for (const c of new Set(columns)) expect(updates[0]).not.toMatch(new RegExp(`SET[^]*[\x60"]${c}[\x60"]\\s*=`));
    });
  }

  it('detects nested Json mutation and in-place Date and Bytes mutation', async () => {
    const id = await addShape(t);
    await t.units.run(async (uow) => {
      const shape = await uow.shape.get(id);
      (shape.json as { tags: string[] }).tags.push('b');
      shape.dateTime.setUTCFullYear(2030);
      shape.bytes[0] = 7;
    });
    const [row] = await t.rows('Shape');
    expect(row!['json']).toEqual({ tags: ['a', 'b'], nested: { n: 1 } });
    expect((row!['dateTime'] as Date).toISOString()).toBe('2030-01-02T03:04:05.678Z');
    expect([...(row!['bytes'] as Uint8Array)]).toEqual([7, 2, 3]);
  });

  it('writing a value back to what was loaded is no change', async () => {
    const id = await addShape(t);
    await t.units.run(async (uow) => {
      const shape = await uow.shape.get(id);
      shape.int = 5;
      shape.int = 1;
      shape.text = 'x';
      shape.text = 'text';
      t.clear();
    });
    expect(t.writes()).toEqual([]);
  });

  it('sends one UPDATE for a row whatever the number of changed fields', async () => {
    const id = await addShape(t);
    await t.units.run(async (uow) => {
      const shape = await uow.shape.get(id);
      shape.int = 2;
      shape.text = 'two';
      shape.float = 3;
      t.clear();
    });
    expect(t.writes().filter(isUpdate)).toHaveLength(1);
  });

  it('maps model and field names to table and column names', async () => {
    const created = await t.insert('Mapped', { title: 'a' });
    await t.units.run(async (uow) => {
      const m = await uow.mapped.get(created.id);
      m.score = 3;
    });
    expect(await t.rows('Mapped')).toEqual([{ id: created.id, title: 'a', score: 3 }]);
  });
});
