import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { contract, isDelete, isUpdate, verbOf, type Target } from '../contract/harness.js';


async function seedAccounts(t: Target, n: number): Promise<void> {
  const owner = await t.insert('User', { name: 'owner' });
  await t.insertMany('Account', Array.from({ length: n }, (_, i) => ({ ownerId: owner.id, balance: i })));
  t.clear();
}

contract(
  'batched flush',
  (t) => {
    it('writes N rows with distinct values in one UPDATE', async () => {
      await seedAccounts(t, 500);
      await t.units.run(async (uow) => {
        for (const a of await uow.account.find()) a.balance = a.balance.times(2).plus(a.id);
        t.clear();
      });
      expect(t.writes().filter(isUpdate)).toHaveLength(1);
      const rows = await t.rows('Account');
      expect(rows.every((r) => String(r['balance']) === String(2 * (Number(r['id']) - 1) + Number(r['id'])))).toBe(true);
      expect(rows.every((r) => r['version'] === 1)).toBe(true);
    });

    it('deletes N rows in one DELETE', async () => {
      await seedAccounts(t, 300);
      await t.units.run(async (uow) => {
        for (const a of await uow.account.find({ where: { id: { gt: 100 } } })) uow.account.remove(a);
        t.clear();
      });
      expect(t.writes().filter(isDelete)).toHaveLength(1);
      expect(await t.rows('Account')).toHaveLength(100);
    });

    it('inserts and deletes parents and children in one unit, in foreign-key order', async () => {
      const old = await t.insert('User', { name: 'old' });
      const oldAccount = await t.insert('Account', { ownerId: old.id, balance: 1 });
      await t.units.run(async (uow) => {
        const user = uow.user.add({ name: 'new' });
        const a = uow.account.add({ owner: user, balance: 10 });
        const b = uow.account.add({ owner: user, balance: 20 });
        uow.ledgerEntry.add({ from: a, to: b, amount: 5 });
        uow.account.remove(await uow.account.get(oldAccount.id));
        uow.user.remove(await uow.user.get(old.id));
      });
      expect((await t.rows('User')).map((u) => u['name'])).toEqual(['new']);
      const accounts = await t.rows('Account');
      expect(accounts).toHaveLength(2);
      const [entry] = await t.rows('LedgerEntry');
      expect([entry!['fromId'], entry!['toId']]).toEqual(accounts.map((a) => a['id']));
    });

    it('inserts a self-referencing tree in one commit', async () => {
      const nodes = await t.units.run((uow) => {
        const root = uow.node.add({ label: 'root' });
        const child = uow.node.add({ label: 'child', parent: root });
        const grandchild = uow.node.add({ label: 'grandchild', parent: child });
        return [root, child, grandchild];
      });
      const rows = await t.rows('Node');
      expect(rows.map((r) => [r['label'], r['parentId']])).toEqual([
        ['root', null],
        ['child', nodes[0]!.id],
        ['grandchild', nodes[1]!.id],
      ]);
      expect(nodes[2]!.parentId).toBe(nodes[1]!.id);
    });

    it('updates rows with composite primary keys', async () => {
      await t.insertMany(
        'Membership',
        ['ann', 'bob', 'cy'].flatMap((userName) => [1, 2].map((groupId) => ({ groupId, userName, role: 'member' }))),
      );
      t.clear();
      await t.units.run(async (uow) => {
        for (const m of await uow.membership.find({ where: { groupId: 2 } })) m.role = `admin-${m.userName}`;
        (await uow.membership.get({ groupId: 1, userName: 'cy' })).role = 'owner';
      });
      const roles = (await t.rows('Membership')).map((m) => `${m['groupId']}/${m['userName']}=${m['role']}`);
      expect(roles).toEqual(['1/ann=member', '1/bob=member', '1/cy=owner', '2/ann=admin-ann', '2/bob=admin-bob', '2/cy=admin-cy']);
      if (t.strategy === 'bulk') expect(t.writes().filter(isUpdate)).toHaveLength(1);
    });

    it('updates and deletes 70,000 rows in one statement each, inserts across the bind-parameter limits', { timeout: 120_000 }, async () => {
      const n = 70_000;
      for (let i = 0; i < n; i += 10_000) {
        await t.insertMany('Mapped', Array.from({ length: 10_000 }, (_, j) => ({ title: `t${i + j}` })));
      }
      t.clear();
      await t.units.run(async (uow) => {
        for (const m of await uow.mapped.find()) m.score = m.id * 3;
        t.clear();
      });
      // One statement whatever N: PostgreSQL binds one array per column, SQLite and MariaDB one JSON parameter.
      expect(t.writes().filter(isUpdate)).toHaveLength(1);
      const rows = await t.rows('Mapped');
      expect(rows).toHaveLength(n);
      expect(rows.every((r) => r['score'] === Number(r['id']) * 3)).toBe(true);

      // SQLite inserts bind every value: 20,000 rows of 2 columns are 2 statements of at most 32,766 parameters.
      const added = 20_000;
      await t.units.run(async (uow) => {
        for (const m of await uow.mapped.find()) uow.mapped.remove(m);
        t.clear();
        for (let i = 0; i < added; i++) uow.mapped.add({ title: `new${i}` });
      });
      const inserts = t.writes().filter((sql) => verbOf(sql) === 'INSERT');
      expect(inserts).toHaveLength(t.backend === 'sqlite' ? Math.ceil(added / Math.floor(32_766 / 2)) : 1);
      // MariaDB binds the keys of a DELETE (for its exact RETURNING): 70,000 keys are 2 statements of at most 65,535.
      expect(t.writes().filter(isDelete)).toHaveLength(t.backend === 'mariadb' ? Math.ceil(n / 65_535) : 1);
      expect((await t.rows('Mapped')).map((r) => r['title'])).toEqual(Array.from({ length: added }, (_, i) => `new${i}`));
    });

    it('adds 150,000 rows in one commit: more generated keys come back than a spread call can take', { timeout: 120_000 }, async () => {
      const n = 150_000;
      const added = await t.units.run((uow) => Array.from({ length: n }, (_, i) => uow.mapped.add({ title: `m${i}` })));
      expect(added.every((m, i) => typeof m.id === 'number' && (i === 0 || m.id > added[i - 1]!.id))).toBe(true);
      expect(await t.rows('Mapped')).toHaveLength(n);
    });

    it('updates DateTime columns of many rows with composite keys across the bind-parameter limits', { timeout: 60_000 }, async () => {
      const n = 12_000;
      await t.insertMany('Membership', Array.from({ length: n }, (_, i) => ({ groupId: i % 7, userName: `u${i}`, role: 'member' })));
      t.clear();
      const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, i));
      await t.units.run(async (uow) => {
        for (const m of await uow.membership.find()) m.joinedAt = at(Number(m.userName.slice(1)));
        t.clear();
      });
      // SQLite sends DateTime values as bound parameters (4 per row here: two key columns, new and loaded value).
      expect(t.writes().filter(isUpdate)).toHaveLength(t.backend === 'sqlite' ? Math.ceil(n / Math.floor(32_766 / 4)) : 1);
      const rows = await t.rows('Membership');
      expect(rows.every((r) => (r['joinedAt'] as Date).getTime() === at(Number(String(r['userName']).slice(1))).getTime())).toBe(true);
    });
  },
  { strategies: ['bulk'] },
);

type Op = { kind: 'add'; title: string } | { kind: 'change'; pick: number; score: number } | { kind: 'remove'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), title: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('change' as const), pick: fc.nat(), score: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
);

contract('flush laws (property)', (t) => {
  it('after commit the database equals memory, and a second commit sends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.array(opArb, { maxLength: 25 }), async (initial, ops) => {
        await t.reset();
        if (initial > 0) await t.insertMany('Mapped', Array.from({ length: initial }, (_, i) => ({ title: `r${i}`, score: i })));
        const final = await t.units.run(async (uow) => {
          const live = await uow.mapped.find();
          for (const op of ops) {
            if (op.kind === 'add') live.push(uow.mapped.add({ title: op.title }));
            else if (live.length > 0) {
              const target = live[op.pick % live.length]!;
              if (op.kind === 'change') target.score = op.score;
              else {
                uow.mapped.remove(target);
                live.splice(live.indexOf(target), 1);
              }
            }
          }
          return live;
        });
        const expected = final.map((m) => ({ id: m.id, title: m.title, score: m.score })).sort((a, b) => a.id - b.id);
        expect(await t.rows('Mapped')).toEqual(expected);
        t.clear();
        await t.units.run(async (uow) => {
          const rows = await uow.mapped.find({ orderBy: { id: 'asc' } });
          for (const [i, m] of rows.entries()) m.score = expected[i]!.score;
        });
        expect(t.writes()).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });
});

contract(
  'grouped strategy with many rows',
  (t) => {
    it('writes 1,200 rows given the same value, and deletes 1,200 versioned rows, in calls Prisma accepts', { timeout: 60_000 }, async () => {
      const owner = await t.insert('User', { name: 'owner' });
      await t.insertMany('Account', Array.from({ length: 1_200 }, (_, i) => ({ ownerId: owner.id, balance: i })));
      await t.insertMany('User', Array.from({ length: 1_200 }, (_, i) => ({ name: `u${i}` })));
      await t.units.run(async (uow) => {
        for (const a of await uow.account.find()) a.balance = new Decimal(-7); // versioned: key + version per row
        for (const u of await uow.user.find({ where: { name: { startsWith: 'u' } } })) u.loyaltyPoints = 3; // unversioned: key + original
      });
      expect((await t.rows('Account')).every((a) => String(a['balance']) === '-7' && a['version'] === 1)).toBe(true);
      expect((await t.rows('User')).filter((u) => u['loyaltyPoints'] === 3)).toHaveLength(1_200);
      await t.units.run(async (uow) => {
        for (const a of await uow.account.find()) uow.account.remove(a);
      });
      expect(await t.rows('Account')).toEqual([]);
    });
  },
  { strategies: ['grouped'] },
);
