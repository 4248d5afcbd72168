import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** One statement a Prisma Client sent through a captured driver adapter. */
export interface CapturedStatement {
  /** The SQL text; `BEGIN` for a transaction start (the adapters send it internally). */
  sql: string;
  /** Number of bound parameters. */
  args: number;
  kind: 'query' | 'execute' | 'script' | 'begin' | 'commit' | 'rollback';
  /** Sent inside a transaction (BEGIN, COMMIT and ROLLBACK included). */
  inTransaction: boolean;
  /** The statement failed, in the database or by `failOn`. */
  failed?: true;
}

/** Options of {@link captureSql}. */
export interface CaptureOptions {
  /**
   * Fault injection: called before each statement with its SQL and its index in `statements`;
   * returning an error makes that statement fail with it, without reaching the database.
   * A failed `COMMIT` rolls the real transaction back.
   */
  failOn?: ((sql: string, index: number) => Error | undefined) | undefined;
  /**
   * Awaited before each statement is sent (after `failOn`): lets a test act on the database at
   * an exact point of a commit, e.g. drop the connection that is about to send the statement.
   */
  beforeSend?: ((sql: string, index: number) => Promise<void>) | undefined;
}

/** A captured adapter factory and the statements it records. */
export interface SqlCapture {
  /** Pass as `adapter` to `new PrismaClient({ adapter })`. */
  factory: SqlDriverAdapterFactory;
  /** Every statement sent, in order. Clear with `statements.length = 0`. */
  statements: CapturedStatement[];
  /** Replaceable at any time. */
  options: CaptureOptions;
}

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

/**
 * Wraps a driver adapter factory so that every SQL statement Prisma sends through it is recorded,
 * including those inside transactions, with BEGIN / COMMIT / ROLLBACK marked.
 *
 * @example
 * ```ts
 * const capture = captureSql(new PrismaBetterSqlite3({ url: 'file:test.db' }));
 * const prisma = new PrismaClient({ adapter: capture.factory });
 * await prisma.user.create({ data: { name: 'Ann' } });
 * capture.statements.map((s) => s.sql); // ['INSERT INTO `main`.`User` ...']
 * capture.options.failOn = (sql) => (sql.startsWith('UPDATE') ? new Error('boom') : undefined);
 * ```
 */
export function captureSql(factory: SqlDriverAdapterFactory, options: CaptureOptions = {}): SqlCapture {
  const statements: CapturedStatement[] = [];
  const capture: SqlCapture = { factory: undefined as never, statements, options };

  /** Records a statement and applies fault injection; returns the record to mark failures. */
  const record = (entry: CapturedStatement): CapturedStatement => {
    const index = statements.length;
    statements.push(entry);
    const injected = capture.options.failOn?.(entry.sql, index);
    if (injected) {
      entry.failed = true;
      throw injected;
    }
    return entry;
  };
  const send = async <R>(entry: CapturedStatement, io: () => Promise<R>): Promise<R> => {
    record(entry);
    try {
      await capture.options.beforeSend?.(entry.sql, statements.indexOf(entry));
      return await io();
    } catch (error) {
      entry.failed = true;
      throw error;
    }
  };
  const kindOf = (sql: string, fallback: 'query' | 'execute'): CapturedStatement['kind'] => {
    if (/^\s*COMMIT\s*$/i.test(sql)) return 'commit';
    if (/^\s*ROLLBACK\s*$/i.test(sql)) return 'rollback';
    return fallback;
  };
  const queryable = <Q extends SqlQueryable>(target: Q, inTransaction: boolean) => ({
    queryRaw: (q: SqlQuery) =>
      send({ sql: q.sql, args: q.args.length, kind: kindOf(q.sql, 'query'), inTransaction }, () => target.queryRaw(q)),
    executeRaw: async (q: SqlQuery) => {
      const entry: CapturedStatement = { sql: q.sql, args: q.args.length, kind: kindOf(q.sql, 'execute'), inTransaction };
      try {
        return await send(entry, () => target.executeRaw(q));
      } catch (error) {
        // An injected COMMIT failure must not leave the real transaction open on a pooled connection.
        if (entry.kind === 'commit' && inTransaction) await target.executeRaw({ ...q, sql: 'ROLLBACK' }).catch(() => {});
        throw error;
      }
    },
  });
  // Adapters whose transactions use phantom queries (MariaDB) end them with `commit()` /
  // `rollback()` instead of Prisma sending COMMIT / ROLLBACK: record those the same way.
  const ending = (tx: Transaction, sql: 'COMMIT' | 'ROLLBACK') => async () => {
    const entry: CapturedStatement = { sql, args: 0, kind: sql === 'COMMIT' ? 'commit' : 'rollback', inTransaction: true };
    let sent = false;
    try {
      return await send(entry, () => {
        sent = true;
        return sql === 'COMMIT' ? tx.commit() : tx.rollback();
      });
    } catch (error) {
      // An injected failure must not leave the real transaction open on a pooled connection.
      if (!sent) await tx.rollback().catch(() => {});
      throw error;
    }
  };
  const wrapTransaction = (tx: Transaction): Transaction =>
    delegate(tx, {
      ...queryable(tx, true),
      ...(tx.options.usePhantomQuery ? { commit: ending(tx, 'COMMIT'), rollback: ending(tx, 'ROLLBACK') } : {}),
    });
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    delegate(adapter, {
      ...queryable(adapter, false),
      executeScript: (script: string) =>
        send({ sql: script, args: 0, kind: 'script', inTransaction: false }, () => adapter.executeScript(script)),
      startTransaction: async (isolationLevel?: IsolationLevel) => {
        const sql = isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : 'BEGIN';
        const tx = await send({ sql, args: 0, kind: 'begin', inTransaction: true }, () =>
          adapter.startTransaction(isolationLevel),
        );
        return wrapTransaction(tx);
      },
    });
  capture.factory = delegate(factory, { connect: async () => wrapAdapter(await factory.connect()) });
  return capture;
}
