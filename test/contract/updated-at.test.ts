import { expect, it } from 'vitest';
import { contract, isUpdate, type Target } from './harness.js';

/**
 * `@updatedAt` (issue 10, item 3): every UPDATE of every strategy and backend writes it, one
 * instant per commit, unless the unit assigned the field itself; the object shows the written
 * value after the commit.
 */

const OLD = new Date('2020-01-02T03:04:05.678Z');

async function stamped(t: Target, name: string): Promise<number> {
  return (await t.insert('Stamped', { name, updatedAt: OLD })).id;
}

function time(value: unknown): number {
  return (value as Date).getTime();
}

contract('@updatedAt', (t) => {
  it('an UPDATE of a versioned row writes @updatedAt, and the object shows the value written', async () => {
    const id = await stamped(t, 'a');
    const row = await t.units.run(async (uow) => {
      const s = await uow.stamped.get(id);
      s.name = 'b';
      return s;
    });
    const [stored] = await t.rows('Stamped');
    expect(stored).toMatchObject({ name: 'b', version: 1 });
    expect(time(stored!['updatedAt'])).toBeGreaterThan(OLD.getTime());
    expect(time(row.updatedAt)).toBe(time(stored!['updatedAt']));
  });

  it('an UPDATE of a row without a version field writes @updatedAt, and the object shows it', async () => {
    const { id } = await t.insert('Note', { text: 'a', updatedAt: OLD });
    const note = await t.units.run(async (uow) => {
      const n = await uow.note.get(id);
      n.text = 'b';
      return n;
    });
    const [stored] = await t.rows('Note');
    expect(stored!['text']).toBe('b');
    expect(time(stored!['updatedAt'])).toBeGreaterThan(OLD.getTime());
    expect(time(note.updatedAt)).toBe(time(stored!['updatedAt']));
  });

  it('every row updated by one commit gets the same instant, also rows of different column sets', async () => {
    const ids = [await stamped(t, 'a'), await stamped(t, 'b'), await stamped(t, 'c')];
    const objects = await t.units.run(async (uow) => {
      const rows = await uow.stamped.find({ where: { id: { in: ids } } });
      rows[0]!.name = 'x';
      rows[1]!.name = 'y';
      return rows;
    });
    const stored = await t.rows('Stamped');
    const first = time(stored[0]!['updatedAt']);
    expect(first).toBeGreaterThan(OLD.getTime());
    expect(time(stored[1]!['updatedAt'])).toBe(first);
    expect(time(stored[2]!['updatedAt'])).toBe(OLD.getTime()); // not updated
    expect(objects.map((o) => time(o.updatedAt))).toEqual(stored.map((r) => time(r['updatedAt'])));
  });

  it.skipIf(t.backend === 'memory' || t.strategy !== 'bulk')('bulk binds the stamp once: the rows still travel as one parameter per column (PostgreSQL) or one JSON (SQLite)', async () => {
    // More rows than SQLite sends as bound VALUES (SQLITE_FEW_ROWS), so that they travel as JSON there.
    const ids: number[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) ids.push(await stamped(t, name));
    await t.units.run(async (uow) => {
      for (const s of await uow.stamped.find({ where: { id: { in: ids } } })) s.name = `${s.name}!`;
      t.clear();
    });
    const [update, ...more] = t.writes().filter(isUpdate);
    expect(more).toEqual([]);
    if (t.backend === 'sqlite') expect(update).toMatch(/"updatedAt" = \?.*json_each\(\?\)/s);
    // MariaDB: the rows in one JSON parameter, the stamp once in a second (the one-row `c`).
    else if (t.backend === 'mariadb') {
      expect(update).toMatch(/t\.`updatedAt` = c\.s\d/);
      expect(t.db!.statements.find((s) => s.sql === update)?.args).toBe(2);
    }
    else expect(update).toMatch(/"updatedAt" = \$\d+::timestamp/);
  });

  it('a value the unit assigns to the @updatedAt field itself is written as given', async () => {
    const id = await stamped(t, 'a');
    const mine = new Date('2031-05-06T07:08:09.123Z');
    const row = await t.units.run(async (uow) => {
      const s = await uow.stamped.get(id);
      s.name = 'b';
      s.updatedAt = mine;
      return s;
    });
    const [stored] = await t.rows('Stamped');
    expect(time(stored!['updatedAt'])).toBe(mine.getTime());
    expect(time(row.updatedAt)).toBe(mine.getTime());
  });

  it('a unit that changes nothing writes nothing, @updatedAt included', async () => {
    const id = await stamped(t, 'a');
    await t.units.run(async (uow) => {
      const s = await uow.stamped.get(id);
      s.name = 'a';
      void s.updatedAt.getTime();
      t.clear();
    });
    expect(t.writes()).toEqual([]);
    expect(time((await t.rows('Stamped'))[0]!['updatedAt'])).toBe(OLD.getTime());
  });

  it('@updatedAt is bookkeeping, not part of the original-value check: another writer touching the row does not conflict', async () => {
    const { id } = await t.insert('Note', { text: 'a', updatedAt: OLD });
    const slow = t.units.begin();
    const note = await slow.note.get(id);
    await t.update('Note', { id }, { createdAt: new Date('2022-02-02T00:00:00.000Z'), updatedAt: new Date('2023-03-03T00:00:00.000Z') });
    note.text = 'b';
    t.clear();
    await slow.$commit();
    expect(t.writes().filter(isUpdate)).toHaveLength(1);
    const [stored] = await t.rows('Note');
    expect(stored!['text']).toBe('b');
    expect(time(stored!['updatedAt'])).toBe(time(note.updatedAt));
  });

  it('a new row gets @updatedAt on insert, and the object shows it', async () => {
    const row = await t.units.run(async (uow) => uow.stamped.add({ name: 'new' } as never));
    const [stored] = await t.rows('Stamped');
    expect(time(row.updatedAt)).toBe(time(stored!['updatedAt']));
  });
});
