/**
 * The transfer hand-written with Prisma Client, as a careful service would write it without a
 * unit of work, in one interactive `$transaction(async (tx) => ...)` each:
 *
 * - `prisma-for-update`: locks both accounts in key order (`SELECT ... ORDER BY id FOR UPDATE`,
 *   raw, with MariaDB's quoting there; on SQLite a plain `findMany`, as SQLite serialises writers and the adapter serialises
 *   transactions), checks the balance, then `update`s both accounts in key order
 *   (`decrement` / `increment`, `version + 1`), `create`s the ledger entry and increments the
 *   owner's loyalty points.
 * - `prisma-atomic`: no read at all: the debit is `updateMany` where `balance >= amount`
 *   (count 0: refused, the transaction rolls back), the credit an `updateMany` increment, both
 *   in key order so crossing transfers cannot deadlock; the ledger `create`; the owner's points
 *   incremented through a relation filter (`accounts: { some: { id } }`). `$transaction([...])`
 *   cannot stop between statements on a count, so it cannot refuse: interactive it is.
 *
 * Amounts are passed as `Decimal`: Prisma 7 plans a query again for every new string or number
 * given to a `Decimal` field (measured: 1–5 ms of CPU per call instead of 0.5), a `Decimal`
 * argument is bound as a parameter of a cached plan. Deadlocks, serialization failures and busy
 * errors are retried (see `retryTransient`).
 *
 * @example
 * ```ts
 * const open = await PRISMA_SYSTEMS[0].open(context);
 * await open.transfer({ fromId: 1, toId: 2, amount: '12.50' });
 * ```
 *
 * @module
 */
import { Decimal } from '@prisma/client/runtime/client';
import { prismaClient, TRANSACTION_LIMITS } from '../clients.js';
import { POINTS_PER_TRANSFER, type Provider, type TransferRequest, type TransferSystem } from '../types.js';
import { insufficientFunds, retryTransient } from './outcome.js';

interface LockedAccount {
  readonly id: number;
  readonly ownerId: number;
  readonly balance: Decimal.Value;
}

/** The interactive transaction client of the run's Prisma Client. */
export type PrismaTransaction = Parameters<Parameters<Awaited<ReturnType<typeof prismaClient>>['prisma']['$transaction']>[0]>[0];

/** What a hand-written service does inside its transaction, for one request (`amount` as `Decimal`). */
export type TransferBody = (tx: PrismaTransaction, request: TransferRequest & { readonly decimal: Decimal }, provider: Provider) => Promise<void>;

/**
 * A hand-written Prisma service: `body` in one interactive `$transaction` per transfer, retried
 * while it fails transiently (see `retryTransient`).
 *
 * @example
 * ```ts
 * handWritten({ id: 'prisma-x', label: 'Prisma ...', databases: ['sqlite'], body: async (tx, { fromId, decimal }) => { ... } });
 * ```
 */
export function handWritten({ body, ...system }: Omit<TransferSystem, 'open'> & { readonly body: TransferBody }): TransferSystem {
  return {
    ...system,
    async open(context) {
      const { prisma } = await prismaClient(context);
      return {
        transfer: (request) => {
          const decimal = new Decimal(request.amount);
          return retryTransient(() => prisma.$transaction((tx) => body(tx, { ...request, decimal }, context.db.provider), TRANSACTION_LIMITS));
        },
        close: () => prisma.$disconnect(),
      };
    },
  };
}

const forUpdate = handWritten({
  id: 'prisma-for-update',
  label: 'Prisma $transaction(fn) + FOR UPDATE',
  databases: ['postgresql', 'sqlite', 'mariadb'],
  async body(tx, { fromId, toId, amount: text, decimal: amount }, provider) {
    const keys = fromId < toId ? [fromId, toId] : [toId, fromId];
    const rows: LockedAccount[] =
      provider === 'postgresql'
        ? await tx.$queryRaw<LockedAccount[]>`SELECT "id", "ownerId", "balance" FROM "Account" WHERE "id" IN (${keys[0]}, ${keys[1]}) ORDER BY "id" FOR UPDATE`
        : provider === 'mariadb'
          ? await tx.$queryRaw<LockedAccount[]>`SELECT \`id\`, \`ownerId\`, \`balance\` FROM \`Account\` WHERE \`id\` IN (${keys[0]}, ${keys[1]}) ORDER BY \`id\` FOR UPDATE`
          : await tx.account.findMany({ where: { id: { in: keys } }, select: { id: true, ownerId: true, balance: true } });
    const sender = rows.find((r) => r.id === fromId);
    if (!sender || rows.length !== 2) throw new Error(`prisma-for-update: Account#${fromId} or #${toId} is missing`);
    if (new Decimal(sender.balance).lessThan(amount)) throw insufficientFunds(fromId, text);
    for (const id of keys) {
      await tx.account.update({
        where: { id },
        data: { balance: id === fromId ? { decrement: amount } : { increment: amount }, version: { increment: 1 } },
      });
    }
    await tx.ledgerEntry.create({ data: { fromId, toId, amount } });
    await tx.user.update({ where: { id: sender.ownerId }, data: { loyaltyPoints: { increment: POINTS_PER_TRANSFER } } });
  },
});

const atomic = handWritten({
  id: 'prisma-atomic',
  label: 'Prisma atomic decrement/increment, balance >= amount guard',
  databases: ['postgresql', 'sqlite', 'mariadb'],
  async body(tx, { fromId, toId, amount: text, decimal: amount }) {
    const debit = async () => {
      const { count } = await tx.account.updateMany({
        where: { id: fromId, balance: { gte: amount } },
        data: { balance: { decrement: amount }, version: { increment: 1 } },
      });
      if (count === 0) throw insufficientFunds(fromId, text);
    };
    const credit = () => tx.account.updateMany({ where: { id: toId }, data: { balance: { increment: amount }, version: { increment: 1 } } });
    if (fromId < toId) {
      await debit();
      await credit();
    } else {
      await credit();
      await debit();
    }
    await tx.ledgerEntry.create({ data: { fromId, toId, amount } });
    await tx.user.updateMany({ where: { accounts: { some: { id: fromId } } }, data: { loyaltyPoints: { increment: POINTS_PER_TRANSFER } } });
  },
});

/** The hand-written Prisma systems. */
export const PRISMA_SYSTEMS: readonly TransferSystem[] = [forUpdate, atomic];
