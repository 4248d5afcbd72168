import { expect, it } from 'vitest';
import { HookError, isRetryableError } from 'prisma-uow';
import { contract } from './harness.js';

/**
 * Issue 10, item 1: nothing after the transaction commits may report the unit as not committed.
 * A unit is `committed` as soon as its transaction is; what runs afterwards (bookkeeping,
 * after-commit hooks) can fail only as "committed, but ...", never as a rollback.
 */
contract('commit outcome', (t) => {
  it('a change to a model with a BigInt version field commits, reports committed and shows the new version', async () => {
    const row = await t.insert('BigVersioned', { label: 'a' });
    const events: string[] = [];
    const uow = t.units.begin();
    uow.$afterCommit(() => void events.push(`afterCommit while ${uow.$status}`));
    uow.$afterRollback((error) => void events.push(`afterRollback: ${String(error)}`));
    const loaded = await uow.bigVersioned.get(row.id);
    expect(loaded.rev).toBe(1n);
    loaded.label = 'b';
    await uow.$commit();
    expect(uow.$status).toBe('committed');
    expect(events).toEqual(['afterCommit while committed']);
    expect(loaded.rev).toBe(2n);
    expect(await t.rows('BigVersioned')).toEqual([{ id: row.id, label: 'b', rev: 2n }]);

    // The next unit starts from version 2 and writes version 3.
    await t.units.run(async (next) => void ((await next.bigVersioned.get(row.id)).label = 'c'));
    expect(await t.rows('BigVersioned')).toEqual([{ id: row.id, label: 'c', rev: 3n }]);
  });

  it('added and removed BigInt-versioned rows commit like any other', async () => {
    const kept = await t.insert('BigVersioned', { label: 'kept' });
    const gone = await t.insert('BigVersioned', { label: 'gone' });
    const added = await t.units.run(async (uow) => {
      uow.bigVersioned.remove(await uow.bigVersioned.get(gone.id));
      (await uow.bigVersioned.get(kept.id)).label = 'kept 2';
      return uow.bigVersioned.add({ label: 'new' });
    });
    expect(added.rev).toBe(1n);
    expect((await t.rows('BigVersioned')).map((r) => [r['label'], r['rev']])).toEqual([
      ['kept 2', 2n],
      ['new', 1n],
    ]);
  });

  it('an error thrown inside an interactive unit reaches the caller as it is, nothing written, no hook of a commit', async () => {
    const row = await t.insert('BigVersioned', { label: 'a' });
    const refused = new RangeError('refused by the domain');
    const events: string[] = [];
    const error = await t.units
      .run(
        async (uow) => {
          uow.$afterCommit(() => void events.push('afterCommit'));
          uow.$afterRollback((e) => void events.push(`afterRollback: ${(e as Error).message}`));
          (await uow.bigVersioned.get(row.id)).label = 'b';
          throw refused;
        },
        { interactive: true },
      )
      .catch((e: unknown) => e);
    expect(error).toBe(refused);
    expect(events).toEqual(['afterRollback: refused by the domain']);
    expect(await t.rows('BigVersioned')).toEqual([{ id: row.id, label: 'a', rev: 1n }]);
  });

  it('a failing afterCommit hook is a HookError with committed: true, never retried, even when its cause looks transient', async () => {
    const row = await t.insert('BigVersioned', { label: 'a' });
    let runs = 0;
    const transient = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const error = await t.units
      .run(
        async (uow) => {
          runs++;
          uow.$afterCommit(() => {
            throw transient;
          });
          (await uow.bigVersioned.get(row.id)).label = `run ${runs}`;
        },
        { retry: 5 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookError);
    expect((error as HookError).committed).toBe(true);
    expect(isRetryableError(error)).toBe(false);
    expect(runs).toBe(1);
    expect(await t.rows('BigVersioned')).toEqual([{ id: row.id, label: 'run 1', rev: 2n }]);
  });
});
