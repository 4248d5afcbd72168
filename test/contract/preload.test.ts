import { expect, it } from 'vitest';
import { UsageError } from 'prisma-uow';
import { joinedRead, splitJoinedRow } from '../../src/flush/dialects/joined-read.js';
import type { TransactionClient } from '../../src/flush/strategy.js';
import { contract, plainRow, seedBank, shapeData, verbOf } from './harness.js';

/**
 * Issue 11, "reads that belong together in one statement": `get`/`getMany` with
 * `{ preload: [relation] }` read the referenced rows into the unit with the objects, in the same
 * statement on PostgreSQL and SQLite (one more read per relation on MariaDB and in memory).
 */
contract('preload', (t) => {
  const reads = () => t.statements().filter((sql) => verbOf(sql) === 'SELECT');
  const readsPerPreload = t.backend === 'postgresql' || t.backend === 'sqlite' ? 1 : 2;

  it('getMany with preload reads the accounts and their owners together; a get of an owner then sends nothing', async () => {
    const ids = await seedBank(t);
    const stored = await t.rows('User');
    await t.units.run(async (uow) => {
      const [bob, alice] = await uow.account.getMany([ids.bobAccount, ids.aliceAccount], { preload: ['owner'] });
      expect(reads()).toHaveLength(readsPerPreload);
      expect([bob!.id, alice!.id]).toEqual([ids.bobAccount, ids.aliceAccount]);
      expect(bob!.balance.toString()).toBe('50');
      t.clear();
      const owner = await uow.user.get(alice!.ownerId);
      const [other] = await uow.user.getMany([bob!.ownerId]);
      expect(reads()).toEqual([]);
      expect(plainRow(owner)).toEqual(plainRow(stored.find((u) => u['id'] === ids.alice)!));
      expect(other!.name).toBe('Bob');
      owner.name = 'Alicia';
    });
    expect((await t.rows('User')).map((u) => u['name'])).toEqual(['Alicia', 'Bob']);
  });

  it('get with preload; the preloaded rows are tracked like any read (same object, changes written)', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      const account = await uow.account.get(ids.aliceAccount, { preload: ['owner'] });
      t.clear();
      const owner = await uow.user.get(account.ownerId);
      expect(reads()).toEqual([]);
      expect(await uow.user.get(ids.alice)).toBe(owner);
      owner.loyaltyPoints += 10;
    });
    expect((await t.rows('User')).find((u) => u['id'] === ids.alice)?.['loyaltyPoints']).toBe(10);
  });

  it('objects the unit already tracks keep their in-memory values; only the missing related rows are read', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      const alice = await uow.user.get(ids.alice);
      alice.name = 'changed in memory';
      const account = await uow.account.get(ids.aliceAccount);
      t.clear();
      // The account is tracked (not read again), its owner too: nothing to read.
      expect(await uow.account.getMany([ids.aliceAccount], { preload: ['owner'] })).toEqual([account]);
      expect(reads()).toEqual([]);
      // Bob's account is tracked, Bob is not: one read of Bob.
      await uow.account.get(ids.bobAccount);
      t.clear();
      await uow.account.getMany([ids.bobAccount, ids.aliceAccount], { preload: ['owner'] });
      expect(reads()).toHaveLength(1);
      t.clear();
      expect((await uow.user.get(ids.bob)).name).toBe('Bob');
      expect(reads()).toEqual([]);
      expect((await uow.user.get(ids.alice)).name).toBe('changed in memory');
    });
  });

  it('a null foreign key preloads nothing; self relations and relations to a unique field work', async () => {
    const root = await t.insert('Node', { label: 'root' });
    const child = await t.insert('Node', { label: 'child', parentId: root.id });
    const category = await t.insert('Category', { slug: 'tools', shop: 1, position: 1 });
    const label = await t.insert('Label', { text: 'hammer', categorySlug: 'tools' });
    const loose = await t.insert('Label', { text: 'loose', categorySlug: null });
    t.clear();
    await t.units.run(async (uow) => {
      const [c, r] = await uow.node.getMany([child.id, root.id], { preload: ['parent'] });
      expect(r!.parentId).toBeNull();
      expect(c!.parentId).toBe(root.id);
      const labels = await uow.label.getMany([label.id, loose.id], { preload: ['category'] });
      expect(labels.map((l) => l.categorySlug)).toEqual(['tools', null]);
      t.clear();
      expect((await uow.category.get(category.id)).position).toBe(1);
      expect(reads()).toEqual([]);
    });
  });

  it('bad preload arguments are usage errors that name the model and the relations it has; nothing is read', async () => {
    const ids = await seedBank(t);
    await t.units.run(async (uow) => {
      t.clear();
      const unknown = await uow.account.get(ids.aliceAccount, { preload: ['nope' as 'owner'] }).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(UsageError);
      expect((unknown as Error).message).toBe("Account has no relation 'nope' to preload; preload names to-one relations whose foreign key is on Account: owner.");
      const notArray = await uow.account.get(ids.aliceAccount, { preload: 'owner' as never }).catch((e: unknown) => e);
      expect((notArray as Error).message).toBe('Account: preload takes an array of relation names, got string.');
      const none = await uow.user.get(ids.alice, { preload: ['owner' as never] }).catch((e: unknown) => e);
      expect((none as Error).message).toContain('User has no relation');
      expect(reads()).toEqual([]);
    });
  });

  it('a getMany with preload of more keys than SQLite binds in one statement reads them all (in batches there)', async () => {
    const many = 33_000; // SQLite binds at most 32,766 parameters per statement
    const owners = [await t.insert('User', { name: 'Owner A' }), await t.insert('User', { name: 'Owner B' })];
    await t.insertMany('Account', Array.from({ length: many }, (_, i) => ({ ownerId: owners[i % 2]!.id, balance: i })));
    const ids = (await t.rows('Account')).map((account) => account['id'] as number).reverse();
    expect(ids).toHaveLength(many);
    t.clear();
    await t.units.run(async (uow) => {
      const loaded = await uow.account.getMany(ids, { preload: ['owner'] });
      expect(loaded.map((account) => account.id)).toEqual(ids);
      expect(loaded.map((account) => Number(account.balance))).toEqual(ids.map((_, i) => many - 1 - i));
      expect(reads()).toHaveLength(t.backend === 'sqlite' ? 2 : readsPerPreload);
      t.clear();
      expect((await uow.user.get(owners[1]!.id)).name).toBe('Owner B');
      expect(reads()).toEqual([]);
    });
  }, 120_000);

  it.skipIf(t.backend !== 'postgresql' && t.backend !== 'sqlite')('the joined read returns every type exactly as findMany does (nulls included)', async () => {
    if (t.backend !== 'postgresql' && t.backend !== 'sqlite') return;
    const full = await t.insert('Shape', { ...shapeData('full'), decimal: '964.6200000000001', bigInt: -9007199254740993n, json: 'a string', textOpt: '' } as never);
    const bare = await t.insert('Shape', { ...shapeData('bare'), json: [1, { a: null }], float: -0.5, bool: false, color: 'BLUE' } as never);
    const db = t.db!;
    const schema = db.schema;
    const model = schema.models['Shape']!;
    const prisma = db.prisma as unknown as TransactionClient;
    const raw = await prisma.$queryRaw<Record<string, unknown>[]>(joinedRead(schema, model, [{ id: bare.id }, { id: full.id }], []));
    const joined = raw.map((row) => splitJoinedRow(schema, model, [], row).row).sort((a, b) => (a['id'] as number) - (b['id'] as number));
    const expected = await t.rows('Shape');
    expect(joined.map(plainRow)).toEqual(expected.map(plainRow));
    expect(joined.map((row) => Object.keys(row))).toEqual(expected.map((row) => Object.keys(row)));
  });
});
