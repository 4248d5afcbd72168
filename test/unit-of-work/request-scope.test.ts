import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { UnitClosedError, UsageError } from 'prisma-uow';
import { contract, seedBank, type Target } from '../contract/harness.js';

/** Code deep in a call stack that reaches the unit without it being passed. */
async function recordDeepDown(t: Target, fromId: number, toId: number, amount: number): Promise<object> {
  await sleep(Math.random() * 10);
  const uow = t.units.current();
  uow.ledgerEntry.add({ fromId, toId, amount });
  await Promise.resolve();
  return t.units.current();
}

contract(
  'request scope (AsyncLocalStorage)',
  (t) => {
    it('units.current() is the running unit across awaits, and an error outside any run', async () => {
      const ids = await seedBank(t);
      expect(() => t.units.current()).toThrow(UsageError);
      expect(() => t.units.current()).toThrow(/No unit of work is active here/);
      expect(t.units.active).toBeUndefined();
      await t.units.run(async (uow) => {
        expect(await recordDeepDown(t, ids.aliceAccount, ids.bobAccount, 1)).toBe(uow);
        await new Promise<void>((resolve) => setTimeout(resolve, 5));
        expect(t.units.current()).toBe(uow);
      });
      expect(t.units.active).toBeUndefined();
      expect(await t.rows('LedgerEntry')).toHaveLength(1);
    });

    it('concurrent requests each see their own unit: nothing leaks between them', async () => {
      const ids = await seedBank(t);
      const seen = new Set<object>();
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          t.units.run(async (uow) => {
            const deep = await recordDeepDown(t, ids.aliceAccount, ids.bobAccount, i + 1);
            expect(deep).toBe(uow);
            seen.add(deep);
          }),
        ),
      );
      expect(seen.size).toBe(12);
      const amounts = (await t.rows('LedgerEntry')).map((e) => Number(e['amount'])).sort((a, b) => a - b);
      expect(amounts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });

    it('a nested run joins the outer unit and the outer run commits once', async () => {
      const ids = await seedBank(t);
      await t.units.run(async (outer) => {
        await t.units.run(async (inner) => {
          expect(inner).toBe(outer);
          (await inner.account.get(ids.aliceAccount)).balance = 90 as never;
        });
        expect(outer.$status).toBe('open');
        (await outer.account.get(ids.bobAccount)).balance = 60 as never;
        t.clear();
      });
      expect((await t.rows('Account')).map((a) => String(a['balance']))).toEqual(['90', '60']);
      // One commit: one transaction, or with oneStatement one statement and no transaction.
      if (t.oneStatement) expect(t.writes()).toHaveLength(1);
      else expect(t.writes().filter((s) => /^BEGIN/i.test(s))).toHaveLength(1);
    });

    it('a failing nested run rolls the whole unit back, even when the outer code catches the error', async () => {
      const ids = await seedBank(t);
      const before = await t.rows('Account');
      const error = await t.units
        .run(async (outer) => {
          (await outer.account.get(ids.bobAccount)).balance = 60 as never;
          await t.units
            .run(async (inner) => {
              (await inner.account.get(ids.aliceAccount)).balance = 90 as never;
              throw new Error('inner failure');
            })
            .catch(() => 'swallowed');
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnitClosedError);
      expect((error as Error).message).toMatch(/rolled back because a nested run failed \(inner failure\); nothing was written/);
      expect(await t.rows('Account')).toEqual(before);
    });
  },
  { strategies: ['bulk'] },
);
