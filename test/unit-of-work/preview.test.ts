import { expect, it } from 'vitest';
import { transfer } from '../../examples/bank/transfer.js';
import { contract, isWrite, seedBank } from '../contract/harness.js';

contract('preview', (t) => {
  it('shows the changes (old -> new) and the statements, sends nothing, and the commit then sends exactly those', async () => {
    const ids = await seedBank(t);
    const uow = t.units.begin();
    await transfer(uow, { fromId: ids.aliceAccount, toId: ids.bobAccount, amount: 30 });
    const stale = await uow.account.find({ where: { id: { gt: ids.bobAccount } } });
    expect(stale).toEqual([]);
    t.clear();
    const preview = uow.$preview();
    expect(t.writes()).toEqual([]);
    expect(uow.$status).toBe('open');
    expect(preview.changes.map((c) => `${c.kind} ${c.model}`).sort()).toEqual(['insert LedgerEntry', 'update Account', 'update Account', 'update User']);
    const sender = preview.changes.find((c) => c.kind === 'update' && c.model === 'Account' && c.key === ids.aliceAccount);
    expect(sender).toMatchObject({ kind: 'update', changes: { balance: { from: expect.anything(), to: expect.anything() } } });
    const balance = (sender as { changes: { balance: { from: unknown; to: unknown } } }).changes.balance;
    expect([String(balance.from), String(balance.to)]).toEqual(['100', '70']);

    // The unit can still change after a preview; the commit includes it.
    (await uow.user.get(ids.bob)).name = 'Robert';
    const final = uow.$preview();
    await uow.$commit();
    const sent = t.writes().filter(isWrite);
    if (t.strategy === 'bulk' && t.db) {
      // The bulk strategy writes its own SQL: the preview shows exactly the statements then sent.
      expect(final.statements).toEqual(sent);
    } else {
      expect(final.statements.length).toBeLessThanOrEqual(Math.max(sent.length, final.plan.steps.length));
    }
    expect((await t.rows('User')).map((u) => u['name'])).toEqual(['Alice', 'Robert']);
  });
});
