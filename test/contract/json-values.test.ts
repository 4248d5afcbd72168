import { Decimal } from '@prisma/client/runtime/client';
import { expect, it } from 'vitest';
import { contract, isUpdate, shapeData, type Target } from './harness.js';

/**
 * Json is compared as the database stores it (issue 10, item 5): what `JSON.stringify` writes
 * (`undefined` members dropped, `undefined` array items as null, a Date as its ISO string, a
 * Decimal as its string) and a bigint as its decimal string, as Prisma writes it. A value equal
 * in that form is no change; a changed value is kept in that form after the commit.
 */

async function shape(t: Target): Promise<number> {
  const { id } = await t.insert('Shape', { ...shapeData('s'), jsonOpt: { list: [1, null, 'x'] } } as never);
  t.clear();
  return id;
}

contract('Json values', (t) => {
  it('a value with an undefined member is the same JSON: no UPDATE', async () => {
    const id = await shape(t);
    await t.units.run(async (uow) => {
      const s = await uow.shape.get(id);
      s.json = { ...(s.json as object), extra: undefined };
      s.jsonOpt = { list: [1, undefined, 'x'], gone: undefined } as never;
    });
    expect(t.writes().filter(isUpdate)).toEqual([]);
  });

  it('an undefined member set on a nested draft is no change either', async () => {
    const id = await shape(t);
    await t.units.run(async (uow) => {
      const s = await uow.shape.get(id);
      (s.json as Record<string, unknown>)['extra'] = undefined;
      ((s.json as { nested: Record<string, unknown> }).nested)['deeper'] = undefined;
      ((s.jsonOpt as { list: unknown[] }).list)[1] = undefined;
    });
    expect(t.writes().filter(isUpdate)).toEqual([]);
  });

  it('a changed value is written, and after the commit the object holds the JSON the database stores', async () => {
    const id = await shape(t);
    const at = new Date('2024-01-02T03:04:05.678Z');
    const object = await t.units.run(async (uow) => {
      const s = await uow.shape.get(id);
      s.json = { tags: ['b', undefined], gone: undefined, at, price: new Decimal('1.50'), big: 12345678901234567890n, nan: Number.NaN } as never;
      (s.jsonOpt as Record<string, unknown>)['added'] = { inner: undefined, kept: 1 };
      return s;
    });
    const [row] = await t.rows('Shape');
    const expected = { tags: ['b', null], at: at.toISOString(), price: '1.5', big: '12345678901234567890', nan: null };
    expect(row!['json']).toStrictEqual(expected);
    expect(object.json).toStrictEqual(expected);
    expect(row!['jsonOpt']).toStrictEqual({ list: [1, null, 'x'], added: { kept: 1 } });
    expect(object.jsonOpt).toStrictEqual(row!['jsonOpt']);
  });

  it('a versioned row is neither written nor bumped by an undefined member', async () => {
    const { id } = await t.insert('Stamped', { name: 'a', meta: { a: 1, list: [1, null] } } as never);
    t.clear();
    await t.units.run(async (uow) => {
      const s = await uow.stamped.get(id);
      s.meta = { a: 1, list: [1, undefined], b: undefined } as never;
    });
    expect(t.writes()).toEqual([]);
    expect((await t.rows('Stamped'))[0]!['version']).toBe(0);
  });
});
