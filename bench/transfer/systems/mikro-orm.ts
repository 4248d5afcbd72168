/**
 * MikroORM 6.6.16, the peer unit of work, running the transfer idiomatically: one
 * `em.transactional()` per transfer on a fork, loading both accounts in key order and then the
 * sender's owner with `LockMode.PESSIMISTIC_WRITE` (`FOR UPDATE`; on SQLite without a lock mode,
 * which SQLite does not have: its single connection serialises MikroORM's transactions), then
 * changing the loaded entities and creating the ledger entry; the flush at the end of
 * `transactional` writes them (`Account.version` is MikroORM's version property, checked and
 * incremented). Entities and the statement-counting logger are the flush benchmark's
 * (bench/mikro-orm.ts), plus `User`.
 *
 * @example
 * ```ts
 * const open = await MIKRO_ORM_SYSTEM.open(context);
 * await open.transfer({ fromId: 1, toId: 2, amount: '1.25' });
 * ```
 *
 * @module
 */
import type { EntitySchema, LockMode, MikroORM } from '@mikro-orm/core';
import { Decimal } from '@prisma/client/runtime/client';
import { CountingLogger, entities, MIKRO_ORM_VERSION, type Core } from '../../mikro-orm.js';
import { POINTS_PER_TRANSFER, type SystemContext, type TransferSystem } from '../types.js';
import { insufficientFunds, retryTransient } from './outcome.js';

interface UserEntity {
  id: number;
  name: string;
  loyaltyPoints: number;
}

function userSchema({ EntitySchema }: Core): EntitySchema<UserEntity> {
  return new EntitySchema<UserEntity>({
    name: 'User',
    tableName: 'User',
    properties: {
      id: { type: 'integer', primary: true, autoincrement: true },
      name: { type: 'string' },
      loyaltyPoints: { type: 'integer' },
    },
  });
}

async function init(context: SystemContext, core: Core, all: EntitySchema[]): Promise<MikroORM> {
  const common = {
    entities: all,
    namingStrategy: core.EntityCaseNamingStrategy,
    allowGlobalContext: false,
    debug: false,
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    metadataCache: { enabled: false },
    loggerFactory: () => new CountingLogger(context.counter),
  };
  const { db, concurrency } = context;
  if (db.provider === 'postgresql') {
    const { MikroORM: PostgresOrm } = await import('@mikro-orm/postgresql');
    return PostgresOrm.init({ ...common, clientUrl: db.url, schema: db.namespace!, pool: { min: 0, max: concurrency } });
  }
  const { MikroORM: SqliteOrm } = await import('@mikro-orm/better-sqlite');
  return SqliteOrm.init({ ...common, dbName: db.url });
}

/** MikroORM's `em.transactional` with pessimistic locks. */
export const MIKRO_ORM_SYSTEM: TransferSystem = {
  id: 'mikro-orm',
  label: `MikroORM ${MIKRO_ORM_VERSION} em.transactional + PESSIMISTIC_WRITE`,
  databases: ['postgresql', 'sqlite'],
  usesBenchDependencies: true,
  async open(context) {
    const core = await import('@mikro-orm/core');
    const { account, ledgerEntry } = entities(core);
    const user = userSchema(core);
    const orm = await init(context, core, [account, ledgerEntry, user] as EntitySchema[]);
    context.counter.reset(); // start-up queries are not the workload's
    const lock = context.db.provider === 'postgresql' ? { lockMode: core.LockMode.PESSIMISTIC_WRITE as LockMode.PESSIMISTIC_WRITE } : {};
    return {
      transfer: ({ fromId, toId, amount }) =>
        retryTransient(() =>
          orm.em.fork().transactional(async (em) => {
            const rows = await em.find(account, { id: { $in: [fromId, toId] } }, { orderBy: { id: 'asc' }, ...lock });
            const sender = rows.find((a) => a.id === fromId);
            const receiver = rows.find((a) => a.id === toId);
            if (!sender || !receiver) throw new Error(`mikro-orm: Account#${fromId} or #${toId} is missing`);
            if (new Decimal(sender.balance).lessThan(amount)) throw insufficientFunds(fromId, amount);
            const owner = await em.findOneOrFail(user, sender.ownerId, lock);
            sender.balance = new Decimal(sender.balance).minus(amount).toString();
            receiver.balance = new Decimal(receiver.balance).plus(amount).toString();
            em.create(ledgerEntry, { fromId, toId, amount });
            owner.loyaltyPoints += POINTS_PER_TRANSFER;
          }),
        ),
      close: () => orm.close(true),
    };
  },
};
