/**
 * Counts every statement a Prisma Client sends through a driver adapter, without recording it:
 * reads and writes outside and inside transactions, and a BEGIN for each transaction start (the
 * adapters send it themselves, so Prisma never sees it as a statement). COMMIT / ROLLBACK are
 * sent by Prisma through the transaction and counted by their text, except where the adapter
 * sends them itself (`usePhantomQuery`: MariaDB's `commit()` / `rollback()`), counted there; so
 * is MariaDB's `SET TRANSACTION ISOLATION LEVEL` before BEGIN when a level is asked for.
 *
 * @example
 * ```ts
 * const counter = new StatementCounter();
 * const prisma = new PrismaClient({ adapter: countingAdapter(new PrismaPg(config), counter) });
 * ```
 *
 * @module
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable, Transaction } from '@prisma/driver-adapter-utils';
import type { StatementCounter } from '../statement-counter.js';

/** Delegates everything not overridden to `target`, bound to it (adapters use `#private` fields). */
function delegate<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

function counted<Q extends SqlQueryable>(target: Q, counter: StatementCounter): Partial<Q> {
  return {
    queryRaw: (q: SqlQuery) => {
      counter.add(q.sql);
      return target.queryRaw(q);
    },
    executeRaw: (q: SqlQuery) => {
      counter.add(q.sql);
      return target.executeRaw(q);
    },
  } as Partial<Q>;
}

/** Wraps `factory` so that every statement its adapters send is added to `counter`. */
export function countingAdapter(factory: SqlDriverAdapterFactory, counter: StatementCounter): SqlDriverAdapterFactory {
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    delegate(adapter, {
      ...counted(adapter, counter),
      startTransaction: async (isolationLevel) => {
        if (isolationLevel && adapter.provider === 'mysql') counter.add('SET TRANSACTION ISOLATION LEVEL');
        counter.add('BEGIN');
        const tx = await adapter.startTransaction(isolationLevel);
        if (!tx.options.usePhantomQuery) return delegate<Transaction>(tx, counted(tx, counter));
        return delegate<Transaction>(tx, {
          ...counted(tx, counter),
          commit: () => {
            counter.add('COMMIT');
            return tx.commit();
          },
          rollback: () => {
            counter.add('ROLLBACK');
            return tx.rollback();
          },
        });
      },
    });
  return delegate(factory, { connect: async () => wrapAdapter(await factory.connect()) });
}
