import { describe, expect, it } from 'vitest';
import { createMemoryUnits, createUnits, UnitClosedError } from 'prisma-uow';
import { BankAccount, InsufficientFundsError } from '../../examples/bank/account.js';
import { money } from '../../examples/bank/domain.js';
import { schema } from '../generated/sqlite/uow/index.js';
import { openDatabase } from '../support/databases.js';

const classes = { Account: BankAccount };

async function memory() {
  const { units, store } = createMemoryUnits({
    schema,
    classes,
    fixtures: { User: [{ id: 1, name: 'Ann' }], Account: [{ id: 1, ownerId: 1, balance: 100 }, { id: 2, ownerId: 1, balance: 5 }] },
  });
  return { units, balances: async () => store.rows('Account').map((a) => a.balance.toString()), dispose: async () => {} };
}

async function sqlite() {
  const db = await openDatabase('sqlite');
  await db.other.user.create({ data: { id: 1, name: 'Ann' } });
  await db.other.account.createMany({ data: [{ id: 1, ownerId: 1, balance: 100 }, { id: 2, ownerId: 1, balance: 5 }] });
  const units = createUnits({ prisma: db.prisma, schema: db.schema, classes });
  return { units, balances: async () => (await db.other.account.findMany({ orderBy: { id: 'asc' } })).map((a) => a.balance.toString()), dispose: () => db.dispose() };
}

for (const [name, open] of [['memory', memory], ['sqlite', sqlite]] as const) {
  describe(`domain classes [${name}]`, () => {
    it('tracked objects are instances of the class; its methods change them and the changes are committed', async () => {
      const { units, balances, dispose } = await open();
      try {
        await units.run(async (uow) => {
          const a = await uow.account.get(1);
          const b = await uow.account.get(2);
          expect(a).toBeInstanceOf(BankAccount);
          expect(await uow.account.findFirst({ where: { id: 1 } })).toBe(a);
          a.withdraw(money(30));
          b.deposit(money(30));
          expect(a.covers(money(70))).toBe(true);
          expect(Object.keys(a)).toEqual(['id', 'ownerId', 'balance', 'version']);
        });
        expect(await balances()).toEqual(['70', '35']);
      } finally {
        await dispose();
      }
    });

    it('an invariant in a method throws a typed error and nothing is written; methods cannot write after the unit ends', async () => {
      const { units, balances, dispose } = await open();
      try {
        let kept: BankAccount | undefined;
        const error = await units
          .run(async (uow) => {
            const b = await uow.account.get(2);
            kept = b;
            (await uow.account.get(1)).deposit(money(1));
            b.withdraw(money(6));
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InsufficientFundsError);
        expect(error).toMatchObject({ accountId: 2, message: 'Account#2 has 5.00, less than the 6.00 to withdraw.' });
        expect(await balances()).toEqual(['100', '5']);
        expect(() => kept!.deposit(money(1))).toThrow(UnitClosedError);
      } finally {
        await dispose();
      }
    });
  });
}
