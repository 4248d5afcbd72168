import { expect, it } from 'vitest';
import { ConcurrencyConflictError, DatabaseError } from 'prisma-uow';
import { contract, TARGETS, type ModelName, type Target } from './harness.js';

/**
 * Issue 10, item 10: deleting a referenced row (or changing the values a relation references)
 * does what the relation's `onDelete` / `onUpdate` declares, the same on the in-memory store as
 * on the databases: Restrict and NoAction refuse (DatabaseError kind `foreign-key`, nothing
 * written), Cascade deletes, SetNull clears, SetDefault sets the default.
 */

async function category(t: Target, slug: string): Promise<number> {
  return (await t.insert('Category', { slug, shop: 1, position: slug.charCodeAt(0) })).id;
}

/** Runs a unit that removes Category#id; returns its error, if any. */
async function removeCategory(t: Target, id: number): Promise<unknown> {
  return t.units.run(async (uow) => uow.category.remove(await uow.category.get(id))).then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function ids(t: Target, model: ModelName): Promise<unknown[]> {
  return (await t.rows(model)).map((r) => r['id']);
}

function expectForeignKeyError(error: unknown): void {
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as DatabaseError).kind).toBe('foreign-key');
}

contract('referential actions: onDelete and onUpdate as the schema declares them', (t) => {
  it('onDelete: Restrict on an optional relation refuses the delete (kind foreign-key) and writes nothing', async () => {
    const root = await t.insert('Folder', { name: 'root' });
    await t.insert('Folder', { name: 'child', parentId: root.id });
    const before = await t.rows('Folder');
    const error = await t.units
      .run(async (uow) => {
        (await uow.folder.get(root.id)).name = 'renamed';
        uow.folder.remove(await uow.folder.get(root.id));
      })
      .catch((e: unknown) => e);
    expectForeignKeyError(error);
    expect(await t.rows('Folder')).toEqual(before);
  });

  it('onDelete: Restrict on a required relation refuses the delete', async () => {
    const id = await category(t, 'a');
    await t.insert('RestrictItem', { name: 'r', categoryId: id });
    expectForeignKeyError(await removeCategory(t, id));
    expect(await ids(t, 'Category')).toEqual([id]);
  });

  it('onDelete: NoAction refuses the delete', async () => {
    const id = await category(t, 'a');
    await t.insert('NoActionItem', { name: 'n', categoryId: id });
    expectForeignKeyError(await removeCategory(t, id));
    expect(await ids(t, 'NoActionItem')).toHaveLength(1);
  });

  it('onDelete: Cascade deletes the referencing rows, also those referencing by a unique field', async () => {
    const a = await category(t, 'a');
    const b = await category(t, 'b');
    await t.insertMany('CascadeItem', [{ name: 'x', categoryId: a }, { name: 'y', categoryId: b }, { name: 'z', categoryId: a }]);
    await t.insertMany('Label', [{ text: 'by slug', categorySlug: 'a' }, { text: 'other', categorySlug: 'b' }]);
    expect(await removeCategory(t, a)).toBeUndefined();
    expect((await t.rows('CascadeItem')).map((i) => i['name'])).toEqual(['y']);
    expect((await t.rows('Label')).map((l) => l['text'])).toEqual(['other']);
  });

  it('a delete refused by one relation undoes what the others cascaded', async () => {
    const a = await category(t, 'a');
    await t.insert('CascadeItem', { name: 'x', categoryId: a });
    await t.insert('SetNullItem', { name: 's', categoryId: a });
    await t.insert('RestrictItem', { name: 'r', categoryId: a });
    expectForeignKeyError(await removeCategory(t, a));
    expect((await t.rows('CascadeItem')).map((i) => i['name'])).toEqual(['x']);
    expect((await t.rows('SetNullItem')).map((i) => i['categoryId'])).toEqual([a]);
  });

  it('onDelete: SetNull clears the foreign keys of the referencing rows', async () => {
    const a = await category(t, 'a');
    await t.insert('SetNullItem', { name: 's', categoryId: a });
    expect(await removeCategory(t, a)).toBeUndefined();
    expect((await t.rows('SetNullItem')).map((i) => i['categoryId'])).toEqual([null]);
  });

  it("an optional relation without onDelete clears links (Prisma's default SetNull), a required one refuses (Restrict)", async () => {
    const root = await t.insert('Node', { label: 'root' });
    await t.insert('Node', { label: 'leaf', parentId: root.id });
    await t.units.run(async (uow) => uow.node.remove(await uow.node.get(root.id)));
    expect((await t.rows('Node')).map((n) => n['parentId'])).toEqual([null]);
    const user = await t.insert('User', { name: 'Ann' });
    await t.insert('Account', { ownerId: user.id, balance: 1 });
    const error = await t.units.run(async (uow) => uow.user.remove(await uow.user.get(user.id))).catch((e: unknown) => e);
    expectForeignKeyError(error);
  });

  it('rows the database deletes by cascade, loaded and even changed by the unit, are no conflict', async () => {
    const a = await category(t, 'a');
    await t.insertMany('CascadeItem', [{ name: 'x', categoryId: a }, { name: 'y', categoryId: a }]);
    await t.units.run(async (uow) => {
      const [x, y] = await uow.cascadeItem.find({ orderBy: { id: 'asc' } });
      x!.name = 'changed before its category goes';
      uow.cascadeItem.remove(y!); // removed by the unit too: deleted first, then the category
      uow.category.remove(await uow.category.get(a));
    });
    expect(await t.rows('CascadeItem')).toEqual([]);
    expect(await t.rows('Category')).toEqual([]);
  });

  it('a cascaded row changed by another transaction is still reported as a conflict when the unit writes it', async () => {
    const a = await category(t, 'a');
    const item = await t.insert('CascadeItem', { name: 'x', categoryId: a });
    const error = await t.units
      .run(async (uow) => {
        const loaded = await uow.cascadeItem.get(item.id);
        loaded.name = 'mine';
        uow.category.remove(await uow.category.get(a));
        await t.update('CascadeItem', { id: item.id }, { name: 'theirs' });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect((await t.rows('CascadeItem')).map((i) => i['name'])).toEqual(['theirs']);
  });

  it('onUpdate: Restrict refuses to change a value another row references; an unreferenced one changes', async () => {
    await category(t, 'a');
    const b = await category(t, 'b');
    await t.insert('Label', { text: 'l', categorySlug: 'a' });
    const error = await t.units
      .run(async (uow) => {
        const [first] = await uow.category.find({ where: { slug: 'a' } });
        first!.slug = 'a2';
      })
      .catch((e: unknown) => e);
    expectForeignKeyError(error);
    await t.units.run(async (uow) => {
      (await uow.category.get(b)).slug = 'b2';
    });
    expect((await t.rows('Category')).map((c) => c['slug'])).toEqual(['a', 'b2']);
  });
});

/**
 * Separate: MariaDB (InnoDB) has no ON DELETE SET DEFAULT (it accepts the clause and enforces
 * RESTRICT, see test/prisma/mysql-ddl.ts), so this contract does not run on it.
 */
contract('referential actions: onDelete SetDefault', (t) => {
  it('onDelete: SetDefault sets the default, which must reference an existing row', async () => {
    const first = await category(t, 'a'); // id 1: the default of SetDefaultItem.categoryId
    const second = await category(t, 'b');
    await t.insert('SetDefaultItem', { name: 'moves to 1', categoryId: second });
    expect(await removeCategory(t, second)).toBeUndefined();
    expect((await t.rows('SetDefaultItem')).map((i) => i['categoryId'])).toEqual([first]);
    // Deleting Category#1 would set the default 1 again: it references nothing, refused.
    expectForeignKeyError(await removeCategory(t, first));
    expect(await ids(t, 'Category')).toEqual([first]);
  });
}, { backends: TARGETS.filter((b) => b !== 'mariadb') });
