import { expect, it } from 'vitest';
import { contract, isDelete, type Target } from './harness.js';

/**
 * Issue 10, item 9: rows are written in the order their foreign keys need. Removed rows are
 * deleted after the removed rows that reference them, from the foreign keys they were loaded with: a self-referencing tree leaves first (one step per
 * level), rows of models that reference each other in whatever order their rows need, and a
 * cycle of rows broken by clearing an optional foreign key first.
 */

/** Inserts `parent → child → grandchild` chains; `reversed` gives children smaller ids than parents. */
async function folderTree(t: Target, reversed: boolean): Promise<void> {
  // ids: reversed → leaves 1, 2; middle 3; root 4. Otherwise root 1, middle 2, leaves 3, 4.
  const ids = reversed ? { root: 4, middle: 3, leaves: [1, 2] } : { root: 1, middle: 2, leaves: [3, 4] };
  // Inserted root first with explicit ids (every row is then deleted: no later insert needs the sequence).
  await t.insert('Folder', { id: ids.root, name: 'root' });
  await t.insert('Folder', { id: ids.middle, name: 'middle', parentId: ids.root });
  for (const leaf of ids.leaves) await t.insert('Folder', { id: leaf, name: `leaf ${leaf}`, parentId: ids.middle });
  t.clear();
}

contract('delete order: removed rows go after the removed rows that reference them', (t) => {
  for (const reversed of [false, true]) {
    it(`removes a whole tree whose parent link is onDelete: Restrict, leaves first (${reversed ? 'children have smaller ids' : 'parents have smaller ids'})`, async () => {
      await folderTree(t, reversed);
      await t.units.run(async (uow) => {
        for (const folder of await uow.folder.find({})) uow.folder.remove(folder);
      });
      expect(await t.rows('Folder')).toEqual([]);
      if (t.strategy === 'bulk') expect(t.writes().filter(isDelete)).toHaveLength(3); // one statement per level
    });
  }

  it('removes a whole thread whose replies cascade, without reporting the cascaded rows as conflicts', async () => {
    const root = await t.insert('Reply', { text: 'root' });
    const child = await t.insert('Reply', { text: 'child', parentId: root.id });
    await t.insert('Reply', { text: 'grandchild', parentId: child.id });
    await t.units.run(async (uow) => {
      for (const reply of await uow.reply.find({})) uow.reply.remove(reply);
    });
    expect(await t.rows('Reply')).toEqual([]);
  });

  it('removes part of a tree: the removed subtree goes, the rest stays', async () => {
    await folderTree(t, false);
    await t.units.run(async (uow) => {
      uow.folder.remove(await uow.folder.get(2));
      uow.folder.remove(await uow.folder.get(3));
      uow.folder.remove(await uow.folder.get(4));
    });
    expect((await t.rows('Folder')).map((f) => f['id'])).toEqual([1]);
  });

  it('orders deletes across models that reference each other by the rows, not the models', async () => {
    // Team 1 is captained by player 1, who plays for team 2; both removed: the team goes first.
    await t.insert('Team', { id: 1, name: 'one' });
    await t.insert('Team', { id: 2, name: 'two' });
    await t.insert('Player', { id: 1, name: 'p1', teamId: 2 });
    await t.update('Team', { id: 1 }, { captainId: 1 });
    await t.units.run(async (uow) => {
      uow.player.remove(await uow.player.get(1));
      uow.team.remove(await uow.team.get(1));
    });
    expect((await t.rows('Team')).map((r) => r['id'])).toEqual([2]);
    expect(await t.rows('Player')).toEqual([]);
  });

  it('removes rows that reference each other (a team and its captain) by clearing the optional link first', async () => {
    await t.insert('Team', { id: 1, name: 'one' });
    await t.insert('Player', { id: 1, name: 'captain', teamId: 1 });
    await t.insert('Player', { id: 2, name: 'player', teamId: 1 });
    await t.update('Team', { id: 1 }, { captainId: 1 });
    await t.units.run(async (uow) => {
      const team = await uow.team.get(1);
      for (const player of await uow.player.find({})) uow.player.remove(player);
      uow.team.remove(team);
    });
    expect(await t.rows('Team')).toEqual([]);
    expect(await t.rows('Player')).toEqual([]);
  });
});

contract('insert order: new rows go after the new rows they reference by given keys', (t) => {
  it('inserts a parent added after its child (both with given ids) first, whatever the strategy', async () => {
    await t.units.run(async (uow) => {
      uow.folder.add({ id: 3, name: 'grandchild', parentId: 2 });
      uow.folder.add({ id: 2, name: 'child', parentId: 1 });
      uow.folder.add({ id: 1, name: 'root' });
    });
    expect((await t.rows('Folder')).map((f) => [f['id'], f['parentId']])).toEqual([
      [1, null],
      [2, 1],
      [3, 2],
    ]);
  });

  it('inserts new rows that reference each other by given keys (a team and its captain), then links them', async () => {
    await t.units.run(async (uow) => {
      uow.team.add({ id: 1, name: 'one', captainId: 5 });
      uow.player.add({ id: 5, name: 'captain', teamId: 1 });
    });
    expect((await t.rows('Team')).map((r) => [r['id'], r['captainId']])).toEqual([[1, 5]]);
    expect((await t.rows('Player')).map((r) => [r['id'], r['teamId']])).toEqual([[5, 1]]);
  });
});
