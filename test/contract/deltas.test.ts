import { Decimal } from '@prisma/client/runtime/client';
import { expect, it } from 'vitest';
import { ConcurrencyConflictError, DeltaBoundError } from 'prisma-uow';
import { contract, isUpdate, type Target } from './harness.js';

/**
 * Issue 11: declared deltas (`/// @delta` in the schema; models `Counter` and `Tally` of
 * test/prisma/extra.prisma). A commit writes `col = col + Δ`, never checks it for conflicts,
 * checks its bounds in the same statement against the value stored then, and shows the stored
 * sum afterwards. Every backend and strategy.
 */

/** A promise and its resolve, to hold a unit between its read and its changes. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

async function counter(t: Target, data: Record<string, unknown> = {}): Promise<number> {
  const row = await t.insert('Counter', { label: 'c', hits: 0, stock: 10, big: 0n, ratio: 0, amount: new Decimal(100), ...data });
  t.clear();
  return row.id;
}

async function stored(t: Target, model: 'Counter' | 'Tally' = 'Counter'): Promise<Record<string, unknown>> {
  return (await t.rows(model))[0]!;
}

contract('declared deltas', (t) => {
  it('adds what the unit changed to the value stored at the commit, shows the stored sum, and sends one UPDATE', async () => {
    const id = await counter(t);
    const held = gate();
    const loaded = gate();
    const slow = t.units.run(async (uow) => {
      const c = await uow.counter.get(id);
      loaded.open();
      await held.wait;
      c.hits += 1;
      c.stock -= 3;
      c.big += 5n;
      c.ratio += 0.5;
      c.amount = c.amount.plus('12.25');
      return c;
    });
    // Another unit adds to every counter meanwhile.
    await loaded.wait;
    await t.units.run(async (uow) => {
      const c = await uow.counter.get(id);
      c.hits += 10;
      c.stock += 100;
      c.big -= 2n;
      c.ratio += 1.25;
      c.amount = c.amount.minus(50);
    });
    t.clear();
    held.open();
    const c = await slow;
    expect(t.writes().filter(isUpdate)).toHaveLength(1);
    expect([c.hits, c.stock, c.big, c.ratio, String(c.amount)]).toEqual([11, 107, 3n, 1.75, '62.25']);
    const row = await stored(t);
    expect([row['hits'], row['stock'], row['big'], row['ratio'], String(row['amount'])]).toEqual([11, 107, 3n, 1.75, '62.25']);
    // A row whose only changes are deltas is not checked, and keeps its version.
    expect(row['version']).toBe(0);
  });

  it('SQL: the column is written as itself plus the delta', async () => {
    if (!t.db || t.strategy !== 'bulk') return expect(t.backend === 'memory' || t.strategy !== 'bulk').toBe(true);
    const id = await counter(t);
    await t.units.run(async (uow) => {
      (await uow.counter.get(id)).hits += 2;
    });
    const [update] = t.writes().filter(isUpdate);
    expect(update).toMatch(/["`]hits["`] = (t\.)?["`]hits["`] \+|["`]hits["`] = ["`]Counter["`]\.["`]hits["`] \+/);
  });

  it('a bound the unit alone would break: DeltaBoundError naming model, key, field, bound and the value reached; nothing written', async () => {
    const id = await counter(t);
    const error = await t.units
      .run(async (uow) => {
        const c = await uow.counter.get(id);
        c.label = 'changed';
        c.stock -= 11;
        uow.tally.add({ name: 'side effect', points: 1 });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaBoundError);
    expect(error).toMatchObject({ name: 'DeltaBoundError', model: 'Counter', key: id, field: 'stock', bound: 'min', limit: '0', reached: -1, delta: -11 });
    expect((error as Error).message).toContain(`Counter#${id}.stock would become -1, below its minimum of 0`);
    expect(await stored(t)).toMatchObject({ label: 'c', stock: 10, version: 0 });
    expect(await t.rows('Tally')).toEqual([]);
  });

  it('upper bounds, BigInt and Float bounds', async () => {
    const id = await counter(t);
    const over = (change: (c: { stock: number; big: bigint; ratio: number }) => void) =>
      t.units.run(async (uow) => change(await uow.counter.get(id))).catch((e: unknown) => e);
    expect(await over((c) => (c.stock += 991))).toMatchObject({ field: 'stock', bound: 'max', limit: '1000', reached: 1001 });
    expect(await over((c) => (c.big -= 6n))).toMatchObject({ field: 'big', bound: 'min', limit: '-5', reached: -6n });
    expect(await over((c) => (c.ratio += 100.75))).toMatchObject({ field: 'ratio', bound: 'max', limit: '100.5', reached: 100.75 });
    await over((c) => {
      c.stock += 990;
      c.big -= 5n;
      c.ratio += 100.5;
    });
    expect(await stored(t)).toMatchObject({ stock: 1000, big: -5n, ratio: 100.5 });
  });

  it('a bound broken only by two concurrent units together: the second gets DeltaBoundError, the stored value stays in bounds', async () => {
    const id = await counter(t);
    const held = gate();
    const loaded = gate();
    const late = t.units
      .run(async (uow) => {
        const c = await uow.counter.get(id);
        loaded.open();
        await held.wait;
        c.amount = c.amount.minus(60); // 100 - 60 fits on its own
      })
      .catch((e: unknown) => e);
    await loaded.wait;
    await t.units.run(async (uow) => {
      const c = await uow.counter.get(id);
      c.amount = c.amount.minus(60);
    });
    held.open();
    const error = await late;
    expect(error).toBeInstanceOf(DeltaBoundError);
    expect(error).toMatchObject({ model: 'Counter', key: id, field: 'amount', bound: 'min', limit: '0' });
    expect(String((error as DeltaBoundError).reached)).toBe('-20');
    expect(String((await stored(t))['amount'])).toBe('40');
  });

  it('other changed columns keep their check: a versioned row with a delta and a plain change conflicts; with deltas only it does not', async () => {
    const id = await counter(t);
    const race = async (outside: Record<string, unknown>, change: (c: { label: string; hits: number }) => void) => {
      const held = gate();
      const loaded = gate();
      const slow = t.units
        .run(async (uow) => {
          const c = await uow.counter.get(id);
          loaded.open();
          await held.wait;
          change(c);
        })
        .catch((e: unknown) => e);
      await loaded.wait;
      await t.update('Counter', { id }, outside as never);
      held.open();
      return slow;
    };
    expect(
      await race({ version: 1, hits: 100 }, (c) => {
        c.hits += 1;
        c.label = 'mixed';
      }),
    ).toBeInstanceOf(ConcurrencyConflictError);
    expect(await stored(t)).toMatchObject({ label: 'c', hits: 100, version: 1 });
    expect(await race({ version: 2, hits: 200 }, (c) => (c.hits += 1))).toBeUndefined();
    expect(await stored(t)).toMatchObject({ label: 'c', hits: 201, version: 2 });
    // Mixed and not raced: the version goes up, the delta is added.
    await t.units.run(async (uow) => {
      const c = await uow.counter.get(id);
      c.hits += 1;
      c.label = 'both';
    });
    expect(await stored(t)).toMatchObject({ label: 'both', hits: 202, version: 3 });
  });

  it('unversioned rows: the original check covers the plain columns, never the deltas', async () => {
    const tally = await t.insert('Tally', { name: 'a', points: 5 });
    t.clear();
    const race = async (outside: Record<string, unknown>, change: (x: { name: string; points: number }) => void) => {
      const held = gate();
      const loaded = gate();
      const slow = t.units
        .run(async (uow) => {
          const x = await uow.tally.get(tally.id);
          loaded.open();
          await held.wait;
          change(x);
          return x;
        })
        .catch((e: unknown) => e);
      await loaded.wait;
      await t.update('Tally', { id: tally.id }, outside as never);
      held.open();
      return slow;
    };
    const x = await race({ points: 50 }, (row) => {
      row.points += 1;
      row.name = 'b';
    });
    expect(x).toMatchObject({ name: 'b', points: 51 });
    expect(await race({ name: 'other' }, (row) => {
      row.points += 1;
      row.name = 'c';
    })).toBeInstanceOf(ConcurrencyConflictError);
    expect(await stored(t, 'Tally')).toMatchObject({ name: 'other', points: 51 });
    expect(await t.units.run(async (uow) => {
      (await uow.tally.get(tally.id)).points -= 52;
    }).catch((e: unknown) => e)).toMatchObject({ name: 'DeltaBoundError', model: 'Tally', field: 'points', reached: -1 });
  });

  it('a delta on a new row is its value; deltas of many rows in one commit, each its own', async () => {
    await t.insertMany('Counter', [
      { label: 'a', hits: 1, stock: 1, big: 0n, ratio: 0, amount: new Decimal(1) },
      { label: 'b', hits: 2, stock: 2, big: 0n, ratio: 0, amount: new Decimal(2) },
      { label: 'c', hits: 3, stock: 3, big: 0n, ratio: 0, amount: new Decimal(3) },
    ]);
    const ids = (await t.rows('Counter')).map((r) => r['id'] as number);
    await t.update('Counter', { id: ids[1]! }, { hits: 20 } as never);
    const shown = await t.units.run(async (uow) => {
      const rows = await uow.counter.getMany(ids);
      rows.forEach((c, i) => (c.hits += i + 1));
      const added = uow.counter.add({ label: 'new', hits: 7 });
      return [...rows, added].map((c) => c.hits);
    });
    expect(shown).toEqual([2, 22, 6, 7]);
    expect((await t.rows('Counter')).map((r) => r['hits'])).toEqual([2, 22, 6, 7]);
  });
});
