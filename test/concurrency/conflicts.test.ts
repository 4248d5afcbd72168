import { expect, it } from 'vitest';
import { ConcurrencyConflictError, isRetryableError } from 'prisma-uow';
import { transfer } from '../../examples/bank/transfer.js';
import { contract, seedBank } from '../contract/harness.js';

contract('optimistic concurrency', (t) => {
  it('two units race on a versioned row: the second commit gets a conflict naming the row, nothing of it is written', async () => {
    const ids = await seedBank(t);
    const slow = t.units.begin();
    const mine = await slow.account.get(ids.aliceAccount);
    await t.units.run(async (uow) => {
      const a = await uow.account.get(ids.aliceAccount);
      a.balance = a.balance.minus(40);
    });
    mine.balance = mine.balance.minus(70);
    slow.ledgerEntry.add({ fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 70 });
    const error = await slow.$commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect((error as ConcurrencyConflictError).rows).toEqual([{ model: 'Account', key: ids.aliceAccount, expectedVersion: 0 }]);
    expect((error as Error).message).toMatch(new RegExp(`Account#${ids.aliceAccount} was changed or deleted by another transaction since it was loaded; the unit was rolled back and can be retried`));
    expect(isRetryableError(error)).toBe(true);
    expect(String((await t.rows('Account'))[0]!['balance'])).toBe('60');
    expect(await t.rows('LedgerEntry')).toEqual([]);
  });

  it('a model without a version field is checked on the loaded values of the changed columns', async () => {
    const ids = await seedBank(t);
    const slow = t.units.begin();
    const user = await slow.user.get(ids.alice);
    await t.update('User', { id: ids.alice }, { loyaltyPoints: 5 });
    user.loyaltyPoints += 10; // would overwrite 5 with 10: a lost update
    await expect(slow.$commit()).rejects.toMatchObject({ name: 'ConcurrencyConflictError', rows: [{ model: 'User', key: ids.alice }] });
    expect((await t.rows('User'))[0]!['loyaltyPoints']).toBe(5);
  });

  it('changes to other columns of an unversioned row do not conflict', async () => {
    const ids = await seedBank(t);
    const slow = t.units.begin();
    const user = await slow.user.get(ids.alice);
    await t.update('User', { id: ids.alice }, { name: 'Alicia' });
    user.loyaltyPoints += 10;
    await slow.$commit();
    expect((await t.rows('User'))[0]).toMatchObject({ name: 'Alicia', loyaltyPoints: 10 });
  });

  it('in a many-row update, the error names exactly the rows that conflicted', async () => {
    const ids = await seedBank(t);
    const accounts: number[] = [];
    for (let i = 0; i < 8; i++) accounts.push(((await t.insert('Account', { ownerId: ids.alice, balance: 10 + i })) as { id: number }).id);

    const slow = t.units.begin();
    for (const account of await slow.account.find({ where: { id: { in: accounts } } })) account.balance = account.balance.plus(1);
    // Someone else changes accounts 2 and 6, and deletes account 4, after they were loaded.
    await t.update('Account', { id: accounts[2]! }, { version: 1 });
    await t.update('Account', { id: accounts[6]! }, { version: 3 });
    await t.remove('Account', { id: accounts[4]! });
    const error = await slow.$commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect((error as ConcurrencyConflictError).rows.map((r) => r.key)).toEqual([accounts[2], accounts[4], accounts[6]]);
    expect((await t.rows('Account')).filter((a) => accounts.includes(a['id'] as number)).map((a) => String(a['balance']))).toEqual(
      ['10', '11', '12', '13', '15', '16', '17'],
    );

  });

  it('deleting a row someone changed, or changing a row someone deleted, conflicts', async () => {
    const ids = await seedBank(t);
    const first = t.units.begin();
    const account = await first.account.get(ids.aliceAccount);
    await t.update('Account', { id: ids.aliceAccount }, { balance: 1, version: 1 });
    first.account.remove(account);
    await expect(first.$commit()).rejects.toBeInstanceOf(ConcurrencyConflictError);

    const second = t.units.begin();
    const bob = await second.user.get(ids.bob);
    await t.remove('Account', { id: ids.bobAccount });
    await t.remove('User', { id: ids.bob });
    bob.loyaltyPoints = 1;
    await expect(second.$commit()).rejects.toMatchObject({ rows: [{ model: 'User', key: ids.bob }] });
  });

  it('run with retry re-runs the unit on fresh data and ends with the right balance', async () => {
    const ids = await seedBank(t);
    let attempts = 0;
    let retries = 0;
    await t.units.run(
      async (uow) => {
        attempts++;
        const a = await uow.account.get(ids.aliceAccount);
        if (attempts === 1) {
          // Someone else commits between our read and our commit, once: 100 - 30, version 0 -> 1.
          await t.update('Account', { id: ids.aliceAccount }, { balance: 70, version: 1 });
        }
        await transfer(uow, { fromId: a.id, toId: ids.bobAccount, amount: 10 });
      },
      { retry: { attempts: 3, onRetry: () => retries++ } },
    );
    expect([attempts, retries]).toEqual([2, 1]);
    expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['60', '60']);
    expect(await t.rows('LedgerEntry')).toHaveLength(1);
  });

  it('gives up after the last attempt and throws the conflict', async () => {
    const ids = await seedBank(t);
    let attempts = 0;
    const error = await t.units
      .run(
        async (uow) => {
          attempts++;
          const a = await uow.account.get(ids.aliceAccount);
          await t.update('Account', { id: ids.aliceAccount }, { version: attempts }); // someone else commits each time
          a.balance = a.balance.minus(1);
        },
        { retry: 3 },
      )
      .catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
  });
});

contract(
  'optimistic concurrency of many-row deletes',
  (t) => {
    it('the error names exactly the rows that were already gone', async () => {
      const ids = await seedBank(t);
      const entries: number[] = [];
      for (let i = 0; i < 5; i++) entries.push(((await t.insert('LedgerEntry', { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: i + 1 })) as { id: number }).id);
      const remover = t.units.begin();
      for (const entry of await remover.ledgerEntry.find({ where: { id: { in: entries } } })) remover.ledgerEntry.remove(entry);
      await t.remove('LedgerEntry', { id: entries[1]! });
      await t.remove('LedgerEntry', { id: entries[3]! });
      const gone = await remover.$commit().catch((e: unknown) => e);
      expect((gone as ConcurrencyConflictError).rows.map((r) => r.key)).toEqual([entries[1], entries[3]]);
      expect((await t.rows('LedgerEntry')).map((e) => e['id'])).toEqual([entries[0], entries[2], entries[4]]);
    });
  },
  // `grouped` deletes with deleteMany, whose count cannot say which rows were missing: it names
  // every row of a short batch (README, "Errors").
  { strategies: ['bulk', 'per-row'] },
);
