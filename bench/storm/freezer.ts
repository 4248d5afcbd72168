/**
 * The storm's freezer: while the workers transfer, freeze users one after another, each in an
 * interactive unit that sets `frozen` and, in the same transaction, counts the transfers the
 * user's accounts sent so far. The invariant {@link checkFreezes} then says that no transfer
 * from a frozen user committed after its freeze: the transfer's `$check(owner)` makes a
 * transfer that read the user before the freeze conflict (and its retry refuses).
 *
 * @module
 */
import { createUnits } from 'prisma-uow';
import { bank } from '../../examples/bank/models.js';
import { connectStormClient, type StormDatabase } from './database.js';

/** One freeze: the user, its accounts, and how many transfers they had sent when it committed. */
export interface Freeze {
  readonly userId: number;
  readonly accounts: readonly number[];
  readonly sentAtFreeze: number;
}

/**
 * Freezes `users` one by one, in the middle of the storm: the k-th freeze waits until the
 * ledger has `k * every` entries (transfers are committing), polling every 20 ms, or until
 * `finished()` says the workers are done.
 */
export async function freezeUsers(db: StormDatabase, users: readonly number[], every: number, finished: () => boolean): Promise<Freeze[]> {
  const { prisma, schema } = await connectStormClient(db);
  const units = createUnits({ prisma, schema, ...bank });
  const freezes: Freeze[] = [];
  try {
    for (const [k, userId] of users.entries()) {
      while (!finished() && (await prisma.ledgerEntry.count()) < (k + 1) * every) await new Promise((resolve) => setTimeout(resolve, 20));
      const freeze = await units.run(
        async (uow) => {
          const user = await uow.user.get(userId);
          user.frozen = true;
          await uow.$flush(); // the UPDATE waits for transfers holding the user, then holds it
          const accounts = (await uow.account.find({ where: { ownerId: userId } })).map((a) => a.id);
          const sent = await uow.ledgerEntry.find({ where: { fromId: { in: accounts } } });
          return { userId, accounts, sentAtFreeze: sent.length };
        },
        {
          interactive: true,
          retry: { attempts: 20, maxDelayMs: 100 },
          // MariaDB's default REPEATABLE READ would count the ledger in the snapshot of the unit's
          // first read (before the freeze's UPDATE waited for transfers): count what is committed.
          ...(db.provider === 'mariadb' ? { transaction: { isolationLevel: 'ReadCommitted' as const } } : {}),
        },
      );
      freezes.push(freeze);
    }
  } finally {
    await prisma.$disconnect();
  }
  return freezes;
}

/** Violations of "no transfer committed after its user was frozen" (empty when it holds). */
export function checkFreezes(freezes: readonly Freeze[], ledger: readonly { readonly fromId: number }[]): string[] {
  return freezes.flatMap((f) => {
    const sent = ledger.filter((e) => f.accounts.includes(e.fromId)).length;
    return sent === f.sentAtFreeze ? [] : [`User#${f.userId} was frozen after ${f.sentAtFreeze} transfers, but its accounts sent ${sent}`];
  });
}
