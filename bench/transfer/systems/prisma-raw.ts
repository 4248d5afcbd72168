/**
 * The floor of a unit of work on Prisma Client: prisma-uow's own statements for the transfer,
 * sent by hand through Prisma's raw queries in one interactive `$transaction(async (tx) => ...)`,
 * with no library code around them. It reads both accounts and their owners (one joined
 * SELECT), checks the balance and the owner, then inserts the ledger entry and adds the deltas
 * (`loyaltyPoints + 10` with the owner checked unchanged, both balances in one UPDATE with the
 * `>= 0` bound): the same six statements, texts and parameters as prisma-uow's interactive unit
 * on SQLite. What prisma-uow costs above this row is the library's own work (identity map,
 * snapshots, change set, planning, SQL building); what this row costs above the atomic service
 * is the read a unit of work makes and a blind write does not.
 *
 * SQLite only: on PostgreSQL prisma-uow's commit is one statement (`oneStatement`), measured
 * directly.
 *
 * @example
 * ```ts
 * const open = await PRISMA_RAW_SYSTEM.open(context);
 * await open.transfer({ fromId: 1, toId: 2, amount: '12.50' });
 * ```
 *
 * @module
 */
import { Decimal } from '@prisma/client/runtime/client';
import { POINTS_PER_TRANSFER } from '../types.js';
import { insufficientFunds } from './outcome.js';
import { handWritten } from './prisma.js';

const READ = `SELECT t."id" AS "id", t."ownerId" AS "ownerId", t."balance" AS "balance", t."version" AS "version", r0."id" AS "r0$0", r0."name" AS "r0$1", r0."loyaltyPoints" AS "r0$2", r0."frozen" AS "r0$3" FROM "Account" AS t LEFT JOIN "User" AS r0 ON r0."id" = t."ownerId" WHERE t."id" IN (?, ?)`;
const LEDGER = `INSERT INTO "LedgerEntry" ("fromId", "toId", "amount", "createdAt") VALUES (?, ?, ?, ?) RETURNING "id" AS "id"`;
const POINTS = `UPDATE "User" SET "loyaltyPoints" = "User"."loyaltyPoints" + d.column2 FROM (VALUES (?, ?, ?, ?)) AS d WHERE "User"."id" = d.column1 AND "User"."frozen" IS d.column3 AND "User"."name" IS d.column4 RETURNING "User"."id" AS "id", "User"."loyaltyPoints" AS "loyaltyPoints"`;
const BALANCES = `UPDATE "Account" SET "balance" = "Account"."balance" + d.column2 FROM (VALUES (?, ?), (?, ?)) AS d WHERE "Account"."id" = d.column1 AND "Account"."balance" + d.column2 >= ? RETURNING "Account"."id" AS "id", "Account"."balance" AS "balance"`;

interface Row {
  readonly id: number;
  readonly ownerId: number;
  readonly balance: Decimal.Value;
  readonly r0$1: string;
  readonly r0$3: number | boolean;
}

/** prisma-uow's SQLite statements for the transfer, hand-sent through Prisma raw queries. */
export const PRISMA_RAW_SYSTEM = handWritten({
  id: 'prisma-raw-uow-statements',
  label: "Prisma $transaction(fn) sending prisma-uow's statements as raw SQL (no library code)",
  databases: ['sqlite'],
  async body(tx, { fromId, toId, amount: text, decimal: amount }) {
    const rows = await tx.$queryRawUnsafe<Row[]>(READ, fromId, toId);
    const sender = rows.find((r) => r.id === fromId);
    if (!sender || rows.length !== 2) throw new Error(`prisma-raw: Account#${fromId} or #${toId} is missing`);
    if (new Decimal(sender.balance).lessThan(amount)) throw insufficientFunds(fromId, text);
    if (sender.r0$3) throw new Error(`prisma-raw: User#${sender.ownerId} is frozen`);
    await tx.$queryRawUnsafe(LEDGER, fromId, toId, amount, new Date());
    const points = await tx.$queryRawUnsafe<unknown[]>(POINTS, sender.ownerId, POINTS_PER_TRANSFER, sender.r0$3, sender.r0$1);
    if (points.length !== 1) throw new Error(`prisma-raw: User#${sender.ownerId} changed`);
    const balances = await tx.$queryRawUnsafe<unknown[]>(BALANCES, fromId, amount.negated(), toId, amount, 0);
    if (balances.length !== 2) throw insufficientFunds(fromId, text);
  },
});
