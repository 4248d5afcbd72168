import { expect, it } from 'vitest';
import { ConcurrencyConflictError, DatabaseError, UsageError } from 'prisma-uow';
import { contract, seedBank, verbOf, type Target } from './harness.js';

/**
 * Issue 13: `uow.<model>.ref(key)`, an object for a row that the unit does not read. Linked to
 * relations and removed without a SELECT; the commit checks existence where it must.
 */

/** Statements that read rows of the bank's tables (SQL `SELECT`s, memory `SELECT <Model>`). */
const reads = (t: Target) => t.statements().filter((sql) => verbOf(sql) === 'SELECT' && /\b(Account|User|LedgerEntry)\b/.test(sql));

contract('references: ref(key) links and removes rows without loading them', (t) => {
  it('links a new ledger entry to two accounts without a SELECT', async () => {
    const { aliceAccount, bobAccount } = await seedBank(t);
    await t.units.run((uow) => {
      uow.ledgerEntry.add({ from: uow.account.ref(aliceAccount), to: uow.account.ref(bobAccount), amount: 10 });
    });
    // No read of the referenced rows. (On MariaDB, Prisma's own `create` reads the new
    // LedgerEntry back after its INSERT, having no RETURNING there: that is the insert, not a lookup.)
    expect(reads(t).filter((sql) => /\b(Account|User)\b/.test(sql))).toEqual([]);
    const [entry] = await t.rows('LedgerEntry');
    expect([entry!['fromId'], entry!['toId']]).toEqual([aliceAccount, bobAccount]);
  });

  it('removes a row through its reference with one DELETE and no SELECT', async () => {
    const { bob } = await seedBank(t);
    const spare = await t.insert('Account', { ownerId: bob, balance: 0 });
    t.clear();
    await t.units.run((uow) => uow.account.remove(uow.account.ref(spare.id)));
    expect(reads(t)).toEqual([]);
    expect(t.writes().map(verbOf).filter((v) => v === 'DELETE')).toHaveLength(1);
    expect((await t.rows('Account')).map((a) => a['id'])).not.toContain(spare.id);
  });

  it('removing a reference whose row is already gone is a ConcurrencyConflictError; nothing is written', async () => {
    const { alice, bob } = await seedBank(t);
    const spare = await t.insert('Account', { ownerId: bob, balance: 0 });
    await t.remove('Account', { id: spare.id });
    const error = await t.units
      .run((uow) => {
        uow.user.add({ name: 'Carol' });
        uow.account.remove(uow.account.ref(spare.id));
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect((error as ConcurrencyConflictError).rows.map((r) => [r.model, r.key])).toEqual([['Account', spare.id]]);
    expect((await t.rows('User')).map((u) => u['id'])).toEqual([alice, bob]);
  });

  it('linking a reference to a row that does not exist fails the foreign key; nothing is written', async () => {
    const { aliceAccount } = await seedBank(t);
    const error = await t.units
      .run((uow) => {
        uow.ledgerEntry.add({ from: uow.account.ref(aliceAccount), to: uow.account.ref(999), amount: 1 });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(await t.rows('LedgerEntry')).toEqual([]);
  });

  it('is the tracked object when the unit has the row; a get() loads a reference into the same object', async () => {
    const { aliceAccount, bobAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      const loaded = await uow.account.get(aliceAccount);
      expect(uow.account.ref(aliceAccount)).toBe(loaded);
      const ref = uow.account.ref(bobAccount);
      expect(ref.id).toBe(bobAccount);
      expect(() => ref.balance).toThrow(UsageError);
      expect(() => ref.balance).toThrow('Account#' + String(bobAccount) + '.balance was not loaded');
      expect(() => (ref.ownerId = 1)).toThrow(expect.objectContaining({ code: 'NOT_LOADED' }) as never);
      const got = await uow.account.get(bobAccount);
      expect(got).toBe(ref);
      expect(Number(ref.balance.toString())).toBe(50);
      ref.balance = ref.balance.plus(1);
    });
    expect(Number(String((await t.rows('Account'))[1]!['balance']))).toBe(51);
  });
});
