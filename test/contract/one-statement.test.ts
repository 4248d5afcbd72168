import { Decimal } from '@prisma/client/runtime/client';
import { expect, it } from 'vitest';
import { ConcurrencyConflictError, createUnits, DeltaBoundError } from 'prisma-uow';
import { contract, isWrite } from './harness.js';

/**
 * Issue 11: on PostgreSQL (`bulk`) a unit whose writes do not depend on each other is written by
 * ONE statement of data-modifying CTEs: with `oneStatement: true` without BEGIN/COMMIT, by
 * default between BEGIN and COMMIT. A row it cannot write aborts it; the unit is then committed
 * step by step in a transaction, which reports the rows as always.
 */
for (const oneStatement of [true, false]) contract(
  oneStatement ? 'one-statement commit (oneStatement: true)' : 'one-statement writes in the default transaction',
  (t) => {
    const units = () => createUnits({ prisma: t.db.prisma, schema: t.db.schema, oneStatement });
    /** What the commit sent, BEGIN and COMMIT left out (the default mode: checked to enclose it). */
    const sent = () => {
      const all = t.statements();
      if (oneStatement) return all;
      const inner = all.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(s));
      if (inner.length > 0 && all[0] === 'BEGIN') expect(all.filter((s) => /^(BEGIN|COMMIT|ROLLBACK)\b/i.test(s)).length).toBeGreaterThanOrEqual(2);
      return inner;
    };
    const seed = async () => {
      const c = await t.insert('Counter', { label: 'c', hits: 0, stock: 10, big: 0n, ratio: 0, amount: new Decimal(100) });
      const tally = await t.insert('Tally', { name: 'a', points: 5 });
      t.clear();
      return { counter: c.id, tally: tally.id };
    };

    it('an insert and updates of two models in ONE statement; generated ids and stored sums on the objects', async () => {
      const ids = await seed();
      await t.update('Counter', { id: ids.counter }, { hits: 40 } as never);
      const { added, counter } = await units().run(async (uow) => {
        const c = await uow.counter.get(ids.counter);
        const x = await uow.tally.get(ids.tally);
        t.clear();
        c.hits += 2;
        c.label = 'renamed';
        x.points += 1;
        return { added: uow.tally.add({ name: 'new', points: 3 }), counter: c };
      });
      expect(sent()).toHaveLength(1);
      expect(sent()[0]).toMatch(/^WITH s0 AS \(INSERT INTO/);
      expect(t.statements().filter((s) => /^(BEGIN|COMMIT)/i.test(s))).toEqual(oneStatement ? [] : ['BEGIN', 'COMMIT']);
      // By default the statement also returns the transaction's identity (a lost COMMIT is settled with txid_status).
      expect(sent()[0]).toContain(oneStatement ? 'AS "uow$check" FROM' : 'txid_current()::text AS "uow$txid"');
      expect(added.id).toBeGreaterThan(ids.tally);
      expect([counter.hits, counter.label, counter.version]).toEqual([42, 'renamed', 1]);
      expect((await t.rows('Tally')).map((r) => [r['name'], r['points']])).toEqual([
        ['a', 6],
        ['new', 3],
      ]);
    });

    it('a conflict aborts the statement, nothing is written, and the transaction reports the row', async () => {
      const ids = await seed();
      const error = await units()
        .run(async (uow) => {
          const c = await uow.counter.get(ids.counter);
          await t.update('Counter', { id: ids.counter }, { version: 7 } as never);
          c.label = 'mine';
          uow.tally.add({ name: 'side effect', points: 1 });
          t.clear();
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyConflictError);
      expect(sent()[0]).toMatch(/^WITH s0 AS/);
      expect(sent().filter(isWrite).length).toBeGreaterThan(1); // then the transaction's own statements
      expect((await t.rows('Tally')).map((r) => r['name'])).toEqual(['a']);
      expect((await t.rows('Counter'))[0]).toMatchObject({ label: 'c', version: 7 });
    });

    it('a $check on a row the unit also updates travels in the one statement; a change since the read aborts it and conflicts', async () => {
      const ids = await seed();
      // Unchanged since the read: one statement, the check in its WHERE.
      await units().run(async (uow) => {
        const x = await uow.tally.get(ids.tally);
        t.clear();
        uow.$check(x);
        x.points += 1;
      });
      expect(sent()).toHaveLength(1);
      expect(sent()[0]).toMatch(/^WITH s0 AS/);
      // Changed by another writer after the read (write skew): the statement aborts, the transaction reports it.
      const error = await units()
        .run(async (uow) => {
          const x = await uow.tally.get(ids.tally);
          uow.$check(x);
          await t.update('Tally', { id: ids.tally }, { name: 'renamed elsewhere' } as never);
          t.clear();
          x.points += 1;
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyConflictError);
      expect(sent()[0]).toMatch(/^WITH s0 AS/);
      expect((await t.rows('Tally'))[0]).toMatchObject({ name: 'renamed elsewhere', points: 6 });
    });

    it('a delta bound broken by a concurrent unit: DeltaBoundError, nothing written', async () => {
      const ids = await seed();
      const error = await units()
        .run(async (uow) => {
          const c = await uow.counter.get(ids.counter);
          await t.update('Counter', { id: ids.counter }, { amount: new Decimal(30) } as never);
          c.amount = c.amount.minus(60);
          uow.tally.add({ name: 'side effect', points: 1 });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeltaBoundError);
      expect(String((error as DeltaBoundError).reached)).toBe('-30');
      expect((await t.rows('Tally')).map((r) => r['name'])).toEqual(['a']);
    });

    it('a step of a few rows is one CTE per row, in key order; a larger step is one CTE of arrays', async () => {
      await t.insertMany('Counter', [1, 2, 3, 4, 5].map((n) => ({ label: `c${n}` })));
      const ids = (await t.rows('Counter')).map((r) => r['id'] as number);
      const bump = (keys: number[]) =>
        units().run(async (uow) => {
          const rows = await uow.counter.getMany(keys);
          t.clear();
          for (const c of rows) {
            c.hits += 1;
            c.label = `${c.label}+`;
          }
        });
      await bump([ids[2]!, ids[0]!, ids[1]!]);
      const [few] = sent();
      expect(sent()).toHaveLength(1);
      expect(few!.match(/UPDATE "Counter"/g)).toHaveLength(3);
      expect(few).not.toMatch(/unnest/);
      await bump([...ids].reverse());
      const [many] = sent();
      expect(sent()).toHaveLength(1);
      expect(many!.match(/UPDATE "Counter"/g)).toHaveLength(1);
      expect(many).toMatch(/unnest/);
      expect((await t.rows('Counter')).map((r) => [r['label'], r['hits'], r['version']])).toEqual([
        ['c1++', 2, 2],
        ['c2++', 2, 2],
        ['c3++', 2, 2],
        ['c4+', 1, 1],
        ['c5+', 1, 1],
      ]);
    });

    it('text keys: one row is a CTE of its own, two rows use the arrays (JavaScript and the collation may order text differently)', async () => {
      await t.insertMany('Tag', [{ name: 'b', label: 'B' }, { name: 'a', label: 'A' }]);
      await units().run(async (uow) => {
        (await uow.tag.get('b')).label = 'one';
        t.clear();
      });
      expect(sent()[0]).not.toMatch(/unnest/);
      await units().run(async (uow) => {
        for (const tag of await uow.tag.getMany(['b', 'a'])) tag.label = `${tag.label}!`;
        t.clear();
      });
      expect(sent()).toHaveLength(1);
      expect(sent()[0]).toMatch(/unnest/);
      expect((await t.rows('Tag')).map((r) => [r['name'], r['label']])).toEqual([
        ['a', 'A!'],
        ['b', 'one!'],
      ]);
    });

    it('concurrent units writing the same rows, loaded in opposite orders, lock them in key order: no deadlock, no fallback', async () => {
      await t.insertMany('Counter', [{ label: 'x' }, { label: 'y' }]);
      const [x, y] = (await t.rows('Counter')).map((r) => r['id'] as number);
      t.clear();
      const cross = (keys: number[]) =>
        units().run(async (uow) => {
          for (const c of await uow.counter.getMany(keys)) c.hits += 1;
          uow.tally.add({ name: `by ${keys.join('-')}`, points: 1 });
        });
      await Promise.all(Array.from({ length: 40 }, (_, i) => cross(i % 2 === 0 ? [x!, y!] : [y!, x!])));
      // No fallback: one transaction per unit by default, none with oneStatement.
      expect(t.statements().filter((s) => /^BEGIN/i.test(s))).toHaveLength(oneStatement ? 0 : 40);
      expect(t.statements().filter((s) => /^ROLLBACK/i.test(s))).toEqual([]);
      expect((await t.rows('Counter')).map((r) => r['hits'])).toEqual([40, 40]);
      expect(await t.rows('Tally')).toHaveLength(40);
    });

    it('a plan whose writes depend on each other (a new row referencing a new row) uses the transaction', async () => {
      await units().run((uow) => {
        const parent = uow.node.add({ label: 'root' });
        uow.node.add({ label: 'leaf', parent });
      });
      expect(t.statements().some((s) => /^BEGIN/i.test(s))).toBe(true);
      expect(t.statements().some((s) => /^WITH s0 AS/.test(s))).toBe(false);
      expect((await t.rows('Node')).map((r) => r['label'])).toEqual(['root', 'leaf']);
    });
  },
  { backends: ['postgresql'], strategies: ['bulk'] },
);
