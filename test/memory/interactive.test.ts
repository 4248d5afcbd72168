import { describe, expect, it } from 'vitest';
import { money } from '../../examples/bank/domain.js';
import { bank as bankSetup } from '../../examples/bank/models.js';
// The bank models without their declared deltas (test/prisma/prepare.ts): balances are checked columns here; deltas: bank-deltas.test.ts.
import { schema } from '../generated/sqlite/uow/index.js';
import { UsageError } from '../../src/index.js';
import { createMemoryUnits } from '../../src/memory/create-memory-units.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function bank() {
  return createMemoryUnits({
    schema,
    ...bankSetup,
    fixtures: { User: [{ id: 1, name: 'Alice' }], Account: [{ id: 1, ownerId: 1, balance: 100 }] },
  });
}

describe('interactive and retried units on the in-memory store', () => {
  it('an interactive unit reads with locks and commits', async () => {
    const { units, store } = bank();
    await units.run(
      async (uow) => {
        (await uow.account.get(1, { lock: 'update' })).withdraw(money(10));
        const [again] = await uow.account.find({ where: { id: 1 } }, { lock: 'update' });
        expect(again!.balance.toNumber()).toBe(90); // the identity map hands back the same object
      },
      { interactive: true },
    );
    expect(store.rows('Account')[0]!.balance.toNumber()).toBe(90);
  });

  it('get with lock and preload locks the row and reads its owner: the locking read, then one read of the owner; a get of the owner then sends nothing', async () => {
    const log: string[] = [];
    const { units, store } = createMemoryUnits({
      schema,
      ...bankSetup,
      fixtures: { User: [{ id: 1, name: 'Alice' }], Account: [{ id: 1, ownerId: 1, balance: 100 }] },
      onStatement: (statement) => void log.push(statement),
    });
    await units.run(
      async (uow) => {
        log.length = 0;
        const account = await uow.account.get(1, { lock: 'update', preload: ['owner'] });
        expect(log.filter((s) => s.startsWith('SELECT'))).toEqual(['SELECT Account', 'SELECT User']);
        log.length = 0;
        expect((await uow.user.get(account.ownerId)).name).toBe('Alice');
        expect(log).toEqual([]);
        account.withdraw(money(10));
      },
      { interactive: true },
    );
    expect(store.rows('Account')[0]!.balance.toNumber()).toBe(90);
  });

  it('a commit racing an interactive unit waits for it, conflicts, and succeeds when retried', async () => {
    const { units, store } = bank();
    let attempts = 0;
    const interactive = units.run(
      async (uow) => {
        const account = await uow.account.get(1, { lock: 'update' });
        await sleep(10);
        account.withdraw(money(10));
      },
      { interactive: true },
    );
    const plain = units.run(
      async (uow) => {
        attempts++;
        (await uow.account.get(1)).withdraw(money(20));
      },
      { retry: 3 },
    );
    await Promise.all([interactive, plain]);
    expect(attempts).toBe(2);
    expect(store.rows('Account')[0]).toMatchObject({ version: 2 });
    expect(store.rows('Account')[0]!.balance.toNumber()).toBe(70);
  });

  it('an interactive unit that throws writes nothing', async () => {
    const { units, store } = bank();
    const before = store.snapshot();
    await expect(
      units.run(
        async (uow) => {
          (await uow.account.get(1)).withdraw(money(10));
          uow.user.add({ name: 'Bob' });
          throw new Error('changed my mind');
        },
        { interactive: true },
      ),
    ).rejects.toThrow('changed my mind');
    expect(store.snapshot()).toEqual(before);
    expect(store.commits).toBe(0);
  });

  it('a locking read outside an interactive unit is a usage error', async () => {
    const { units } = bank();
    await expect(units.run((uow) => uow.account.get(1, { lock: 'update' }))).rejects.toThrow(UsageError);
  });
});
