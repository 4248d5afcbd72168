import { expect, it } from 'vitest';
import { ConcurrencyConflictError, UsageError } from 'prisma-uow';
import { contract, seedBank, verbOf, type Target } from './harness.js';

/**
 * Issue 13: read checks. `uow.$check(entity)` makes the commit verify, inside its transaction,
 * that a row the unit only read still has the version (or values) it was read with;
 * `run(fn, { checkReads: true })` does it for every row read.
 */

/** A signal a racing unit waits for. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const shareReads = (t: Target) => t.statements().filter((sql) => verbOf(sql) === 'SELECT' && /FOR SHARE|LOCK IN SHARE MODE/i.test(sql));

contract('read checks: $check and checkReads', (t) => {
  it('write skew: a transfer that checked its user conflicts with a freeze committed meanwhile; its retry sees the frozen user', async () => {
    const { alice, aliceAccount, bobAccount } = await seedBank(t);
    const read = gate();
    const frozen = gate();
    let attempts = 0;
    const transfer = t.units.run(
      async (uow) => {
        attempts++;
        const user = await uow.user.get(alice);
        if (user.frozen) return 'refused';
        uow.$check(user);
        const [from, to] = await uow.account.getMany([aliceAccount, bobAccount]);
        from!.balance = from!.balance.minus(10);
        to!.balance = to!.balance.plus(10);
        if (attempts === 1) {
          read.open();
          await frozen.opened; // the freeze commits between this unit's reads and its commit
        }
        return 'sent';
      },
      { retry: { attempts: 2, baseDelayMs: 1 } },
    );
    await read.opened;
    await t.units.run(async (uow) => {
      (await uow.user.get(alice)).frozen = true;
    });
    frozen.open();
    expect(await transfer).toBe('refused');
    expect(attempts).toBe(2);
    expect((await t.rows('Account')).map((a) => Number(String(a['balance'])))).toEqual([100, 50]);
  });

  it('the same race without $check commits the transfer after the freeze (what the check prevents)', async () => {
    const { alice, aliceAccount } = await seedBank(t);
    const read = gate();
    const frozen = gate();
    const transfer = t.units.run(async (uow) => {
      const user = await uow.user.get(alice);
      if (user.frozen) return 'refused';
      const from = await uow.account.get(aliceAccount);
      from.balance = from.balance.minus(10);
      read.open();
      await frozen.opened;
      return 'sent';
    });
    await read.opened;
    await t.units.run(async (uow) => {
      (await uow.user.get(alice)).frozen = true;
    });
    frozen.open();
    expect(await transfer).toBe('sent');
  });

  it('checks a row the commit also writes on the fields it does not write (a user whose points change)', async () => {
    const { alice } = await seedBank(t);
    const read = gate();
    const frozen = gate();
    const unit = t.units
      .run(async (uow) => {
        const user = await uow.user.get(alice);
        uow.$check(user);
        user.loyaltyPoints += 10;
        read.open();
        await frozen.opened;
      })
      .catch((e: unknown) => e);
    await read.opened;
    await t.update('User', { id: alice }, { frozen: true });
    frozen.open();
    expect(await unit).toBeInstanceOf(ConcurrencyConflictError);
    expect((await t.rows('User'))[0]!['loyaltyPoints']).toBe(0);
  });

  it('a checked row the commit also updates is checked in its UPDATE: no read of its own', async () => {
    const { alice } = await seedBank(t);
    await t.units.run(async (uow) => {
      const user = await uow.user.get(alice);
      uow.$check(user);
      user.loyaltyPoints += 10;
      t.clear();
    });
    expect(shareReads(t)).toEqual([]);
    // (grouped / per-row send Prisma's own statements, after their preludes and locked reads.)
    if (t.strategy === 'bulk') expect(t.statements().filter((sql) => verbOf(sql) === 'SELECT')).toEqual([]);
    expect((await t.rows('User'))[0]!['loyaltyPoints']).toBe(10);
  });

  it('passes when the row is unchanged: one share read per model inside the commit', async () => {
    const { alice, bob, aliceAccount } = await seedBank(t);
    await t.units.run(async (uow) => {
      const [a, b] = await uow.user.getMany([alice, bob]);
      uow.$check(a!);
      uow.$check(b!);
      const from = await uow.account.get(aliceAccount);
      from.balance = from.balance.minus(1);
      t.clear();
    });
    if (t.backend !== 'sqlite') expect(shareReads(t)).toHaveLength(1);
    expect(Number(String((await t.rows('Account'))[0]!['balance']))).toBe(99);
  });

  it('compares the version of a versioned row: a change that keeps the version passes, a new version conflicts', async () => {
    const { aliceAccount, bobAccount } = await seedBank(t);
    const run = async (change: () => Promise<void>) =>
      t.units
        .run(async (uow) => {
          const checked = await uow.account.get(bobAccount);
          uow.$check(checked);
          await change();
          const from = await uow.account.get(aliceAccount);
          from.balance = from.balance.minus(1);
        })
        .then(
          () => 'committed',
          (e: unknown) => (e instanceof ConcurrencyConflictError ? 'conflict' : e),
        );
    expect(await run(() => t.update('Account', { id: bobAccount }, { balance: 51 }))).toBe('committed');
    expect(await run(() => t.update('Account', { id: bobAccount }, { version: 5 }))).toBe('conflict');
    expect(await run(() => t.remove('LedgerEntry', {}))).toBe('committed');
  });

  it('a checked row deleted meanwhile is a conflict naming it', async () => {
    const { alice, bob } = await seedBank(t);
    const carol = await t.insert('User', { name: 'Carol' });
    const error = await t.units
      .run(async (uow) => {
        uow.$check(await uow.user.get(carol.id));
        await t.remove('User', { id: carol.id });
        uow.user.add({ name: 'Dan' });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect((error as ConcurrencyConflictError).rows).toEqual([{ model: 'User', key: carol.id }]);
    expect((await t.rows('User')).map((u) => u['id'])).toEqual([alice, bob]);
  });

  it('checkReads checks every row the unit read; without it the same unit commits', async () => {
    const { alice, aliceAccount, bobAccount } = await seedBank(t);
    const run = (checkReads: boolean) =>
      t.units
        .run(
          async (uow) => {
            await uow.account.find({ where: { ownerId: alice } });
            await uow.user.get(alice);
            await t.update('User', { id: alice }, { name: `Alice ${String(checkReads)}` });
            const to = await uow.account.get(bobAccount);
            to.balance = to.balance.plus(1);
          },
          { checkReads },
        )
        .then(
          () => 'committed',
          (e: unknown) => (e instanceof ConcurrencyConflictError ? (e.rows.map((r) => r.model).join() as string) : e),
        );
    expect(await run(false)).toBe('committed');
    expect(await run(true)).toBe('User');
    void aliceAccount;
  });

  it('$check of an object that was not read is a UsageError', async () => {
    const { alice } = await seedBank(t);
    await t.units.run(async (uow) => {
      const added = uow.user.add({ name: 'New' });
      expect(() => uow.$check(added)).toThrow(UsageError);
      expect(() => uow.$check(uow.user.ref(alice))).toThrow('is a reference that was never read');
      expect(() => uow.$check({ id: alice } as never)).toThrow(expect.objectContaining({ code: 'NOT_TRACKED' }) as never);
    });
  });
});
