import { expect, it } from 'vitest';
import { DatabaseError, EntityNotFoundError, UsageError } from 'prisma-uow';
import { contract, isDelete, verbOf, type Target } from './harness.js';

/**
 * Issue 10, item 8: a unit that removes a row and adds one with the same unique value or the
 * same primary key replaces the row. The delete is written first (and what it frees may be
 * taken by inserts and updates of the same commit), as Hibernate and MikroORM do.
 */

async function categories(t: Target): Promise<void> {
  // Ids 1 and 2 from the sequence (explicit ids would not advance PostgreSQL's).
  await t.insert('Category', { slug: 'a', shop: 1, position: 1 });
  await t.insert('Category', { slug: 'b', shop: 1, position: 2 });
  t.clear();
}

const slugs = async (t: Target) => (await t.rows('Category')).map((c) => `${String(c['id'])}:${String(c['slug'])}@${String(c['shop'])}/${String(c['position'])}`);

/** Verbs of the writes sent (memory: its pseudo statements), without BEGIN/COMMIT. */
const verbs = (t: Target) => t.writes().map(verbOf).filter((v) => ['INSERT', 'UPDATE', 'DELETE'].includes(v));

contract('replacing rows: remove and add with the same unique value or key in one unit', (t) => {
  it('deletes the removed row before inserting a new one with its @unique value', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      uow.category.remove(await uow.category.get(1));
      uow.category.add({ slug: 'a', shop: 2, position: 1 });
    });
    expect(await slugs(t)).toEqual(['2:b@1/2', '3:a@2/1']);
    const v = verbs(t);
    expect(v.indexOf('DELETE')).toBeLessThan(v.indexOf('INSERT'));
  });

  it('deletes the removed row before inserting a new one with its composite @@unique values', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      uow.category.remove(await uow.category.get(2));
      uow.category.add({ slug: 'c', shop: 1, position: 2 });
    });
    expect(await slugs(t)).toEqual(['1:a@1/1', '3:c@1/2']);
  });

  it('re-adding the primary key of a removed row replaces the row with a new object, which get() returns', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      const old = await uow.category.get(1);
      uow.category.remove(old);
      const replacement = uow.category.add({ id: 1, slug: 'a', shop: 9, position: 9 });
      expect(replacement).not.toBe(old);
      expect(await uow.category.get(1)).toBe(replacement);
      // Queries see the unit's pending changes (issue 13): the new object, never the removed stored row.
      const found = await uow.category.find({ where: { id: 1 } });
      expect(found).toHaveLength(1);
      expect(found[0]).toBe(replacement);
    });
    expect(await slugs(t)).toEqual(['1:a@9/9', '2:b@1/2']);
  });

  it('replaces a row of a composite primary key, and names the key as users write it when added twice', async () => {
    await t.insert('Membership', { groupId: 1, userName: 'ann', role: 'member' });
    await t.units.run(async (uow) => {
      uow.membership.remove(await uow.membership.get({ groupId: 1, userName: 'ann' }));
      const admin = uow.membership.add({ groupId: 1, userName: 'ann', role: 'admin' });
      expect(await uow.membership.get({ groupId: 1, userName: 'ann' })).toBe(admin);
      let error: unknown;
      try {
        uow.membership.add({ groupId: 1, userName: 'ann', role: 'twin' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'ALREADY_TRACKED', key: { groupId: 1, userName: 'ann' } });
      expect((error as Error).message).toContain('Membership#{"groupId":1,"userName":"ann"} was already added in this unit');
      expect((error as Error).message).not.toMatch(/[ns]:/);
    });
    expect((await t.rows('Membership')).map((m) => m['role'])).toEqual(['admin']);
  });

  it('removing the replacement again leaves the row removed', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      uow.category.remove(await uow.category.get(1));
      uow.category.remove(uow.category.add({ id: 1, slug: 'a', shop: 9, position: 9 }));
      await expect(uow.category.get(1)).rejects.toBeInstanceOf(EntityNotFoundError);
    });
    expect(await slugs(t)).toEqual(['2:b@1/2']);
  });

  it('replaces a versioned row (the delete still checks the version it was loaded with)', async () => {
    const owner = await t.insert('User', { name: 'Ann' });
    await t.insert('Account', { id: 7, ownerId: owner.id, balance: 10 });
    await t.units.run(async (uow) => {
      uow.account.remove(await uow.account.get(7));
      uow.account.add({ id: 7, ownerId: owner.id, balance: 99 });
    });
    expect((await t.rows('Account')).map((a) => [a['id'], String(a['balance']), a['version']])).toEqual([[7, '99', 0]]);
  });

  it('a unique value moves from a removed row to a changed row, and the changed row frees its own for a new row', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      const [a, b] = [await uow.category.get(1), await uow.category.get(2)];
      uow.category.remove(b); // frees 'b' and shop 1 / position 2
      a.slug = 'b'; // takes 'b', frees 'a'
      a.position = 2; // takes position 2, frees position 1
      uow.category.add({ slug: 'a', shop: 1, position: 1 });
    });
    expect(await slugs(t)).toEqual(['1:b@1/2', '3:a@1/1']);
  });

  it('a changed row frees a unique value for a new row', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      (await uow.category.get(1)).slug = 'a-old';
      uow.category.add({ slug: 'a', shop: 3, position: 1 });
    });
    expect(await slugs(t)).toEqual(['1:a-old@1/1', '2:b@1/2', '3:a@3/1']);
  });

  it('a unique value passes along a chain of changed rows', async () => {
    await categories(t);
    await t.units.run(async (uow) => {
      const [a, b] = [await uow.category.get(1), await uow.category.get(2)];
      a.slug = 'b'; // takes 'b' ...
      b.slug = 'c'; // ... which b gives up
    });
    expect(await slugs(t)).toEqual(['1:b@1/1', '2:c@1/2']);
  });

  it('two rows swapping a unique value fail with kind unique (no order can write it) and write nothing', async () => {
    await categories(t);
    const before = await slugs(t);
    const error = await t.units
      .run(async (uow) => {
        const [a, b] = [await uow.category.get(1), await uow.category.get(2)];
        a.slug = 'b';
        b.slug = 'a';
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).kind).toBe('unique');
    expect(await slugs(t)).toEqual(before);
  });

  it("replacing a row is a delete: rows referencing the old row get their relation's onDelete", async () => {
    await categories(t);
    await t.insert('SetNullItem', { name: 'loose', categoryId: 1 });
    await t.insert('CascadeItem', { name: 'owned', categoryId: 1 });
    await t.units.run(async (uow) => {
      uow.category.remove(await uow.category.get(1));
      uow.category.add({ id: 1, slug: 'a', shop: 1, position: 1 });
    });
    expect(await slugs(t)).toEqual(['1:a@1/1', '2:b@1/2']);
    expect((await t.rows('SetNullItem')).map((i) => i['categoryId'])).toEqual([null]);
    expect(await t.rows('CascadeItem')).toEqual([]);
  });

  it('rows moved away from a replaced row are written before its delete', async () => {
    await categories(t);
    await t.insert('RestrictItem', { name: 'kept', categoryId: 1 });
    await t.units.run(async (uow) => {
      const [item] = await uow.restrictItem.find({});
      item!.categoryId = 2; // must leave Category#1 before it is deleted
      uow.category.remove(await uow.category.get(1));
      uow.category.add({ slug: 'a', shop: 5, position: 5 });
    });
    expect(await slugs(t)).toEqual(['2:b@1/2', '3:a@5/5']);
    expect((await t.rows('RestrictItem')).map((i) => i['categoryId'])).toEqual([2]);
    expect(verbs(t).filter((v) => v === 'DELETE').length).toBeGreaterThan(0);
    expect(t.writes().some(isDelete)).toBe(true);
  });

  it('a one-to-one link (a unique foreign key) moves from one row to another in one unit', async () => {
    await t.insert('Team', { id: 1, name: 'one' });
    await t.insert('Team', { id: 2, name: 'two' });
    await t.insert('Player', { id: 1, name: 'star', teamId: 2 });
    await t.update('Team', { id: 2 }, { captainId: 1 });
    await t.units.run(async (uow) => {
      const [one, two, star] = [await uow.team.get(1), await uow.team.get(2), await uow.player.get(1)];
      one.captain = star; // takes captainId 1 (key order would write it first) ...
      two.captain = null; // ... which team two gives up
      star.team = one;
    });
    expect((await t.rows('Team')).map((r) => [r['id'], r['captainId']])).toEqual([
      [1, 1],
      [2, null],
    ]);
  });
});
