/**
 * MikroORM 6 as a peer system: the same {@link Work} written through MikroORM's own unit of work
 * (`em.flush()`), on the bench's database (same PostgreSQL URL and namespace, or the same SQLite
 * file).
 *
 * - Entities are `EntitySchema` definitions (no decorators, no reflect-metadata), column names
 *   as in the Prisma DDL (`EntityCaseNamingStrategy`). `Account.version` is MikroORM's version
 *   property (optimistic locking); decimals are mapped as strings.
 * - One MikroORM instance per {@link BenchDatabase}, created on the first `prepare` and cached in a
 *   WeakMap; it is closed when the bench database is disposed (its `dispose` is wrapped), and, as a
 *   fallback, before the process exits.
 * - Statements: a MikroORM logger counts every statement MikroORM sends (BEGIN / COMMIT /
 *   ROLLBACK apart from the rest, as `bench.counts()` does), without printing anything. The
 *   bench's `counts()` / `resetCounts()` are wrapped the first time this system sees the bench
 *   object, so the measurement's statement counts include MikroORM's.
 *
 * `prepare` (untimed) forks an EntityManager, loads the accounts and the ledger entries to delete,
 * then changes the accounts, creates the new ledger entries and removes the loaded ones; the timed
 * part is `em.flush()`, which runs in its own transaction.
 *
 * @example
 * ```ts
 * const timed = await mikroOrmSystem.prepare(bench, work);
 * await timed(); // em.flush()
 * ```
 *
 * @module
 */
// Types only: MikroORM itself is loaded on first use, so runs without this system never load it.
import type { EntityManager, EntitySchema, LogContext, Logger, MikroORM, Opt } from '@mikro-orm/core';
import type { Work } from './scenarios.js';
import type { BenchDatabase, StatementCounts } from './setup.js';
import { StatementCounter } from './statement-counter.js';
import type { System } from './systems.js';

/** The version of MikroORM this system was written against (the installed packages are pinned to it). */
export const MIKRO_ORM_VERSION = '6.6.16';

interface AccountEntity {
  id: number;
  ownerId: number;
  /** DECIMAL(65,30), as a string. */
  balance: string;
  version: number;
}

interface LedgerEntryEntity {
  id: Opt<number>;
  fromId: number;
  toId: number;
  /** DECIMAL(65,30), as a string. */
  amount: string;
  /** Filled by the database default (CURRENT_TIMESTAMP), returned by the INSERT. */
  createdAt: Opt<Date>;
}

export interface Entities {
  account: EntitySchema<AccountEntity>;
  ledgerEntry: EntitySchema<LedgerEntryEntity>;
}

export type Core = typeof import('@mikro-orm/core');

/**
 * New schema objects for each MikroORM instance: discovery initialises them (and the classes
 * MikroORM generates for them) for one platform, so they are not shared between instances.
 */
export function entities({ EntitySchema }: Core): Entities {
  const account = new EntitySchema<AccountEntity>({
    name: 'Account',
    tableName: 'Account',
    properties: {
      id: { type: 'integer', primary: true, autoincrement: true },
      ownerId: { type: 'integer' },
      balance: { type: 'decimal', precision: 65, scale: 30 },
      version: { type: 'integer', version: true },
    },
  });
  const ledgerEntry = new EntitySchema<LedgerEntryEntity>({
    name: 'LedgerEntry',
    tableName: 'LedgerEntry',
    properties: {
      id: { type: 'integer', primary: true, autoincrement: true },
      fromId: { type: 'integer' },
      toId: { type: 'integer' },
      amount: { type: 'decimal', precision: 65, scale: 30 },
      createdAt: { type: 'datetime', length: 3, defaultRaw: 'CURRENT_TIMESTAMP' },
    },
  });
  return { account, ledgerEntry };
}

/**
 * A MikroORM logger that prints nothing but errors (to stderr) and counts statements.
 * MikroORM's connection calls `logQuery` for every statement it runs (also failed ones) and for
 * the BEGIN / COMMIT / ROLLBACK (and savepoint) statements of its transactions, whatever the
 * debug mode; `isEnabled` answers false so that no SQL is formatted for logging.
 */
export class CountingLogger implements Logger {
  constructor(private readonly counter: StatementCounter) {}
  log(namespace: string, message: string, context?: LogContext): void {
    if (context?.level === 'error') process.stderr.write(`[mikro-orm ${namespace}] ${message}\n`);
  }
  error(namespace: string, message: string, context?: LogContext): void {
    this.log(namespace, message, { ...context, level: 'error' });
  }
  warn(): void {}
  logQuery(context: LogContext): void {
    if (context.query !== undefined) this.counter.add(context.query);
  }
  setDebugMode(): void {}
  isEnabled(): boolean {
    return false;
  }
}

/** The MikroORM side of one bench database. */
interface OrmState {
  readonly orm: MikroORM;
  readonly entities: Entities;
  readonly counter: StatementCounter;
}

const states = new WeakMap<BenchDatabase, Promise<OrmState>>();
/** Open instances, closed before exit if the bench database was not disposed. */
const open = new Set<MikroORM>();
let exitHook = false;

async function closeOrm(orm: MikroORM): Promise<void> {
  if (!open.delete(orm)) return;
  await orm.close(true);
}

async function initOrm(bench: BenchDatabase, counter: StatementCounter, core: Core, schemas: Entities): Promise<MikroORM> {
  const common = {
    entities: [schemas.account, schemas.ledgerEntry],
    namingStrategy: core.EntityCaseNamingStrategy,
    allowGlobalContext: false,
    // Queries never flush pending changes: only the timed em.flush() writes.
    flushMode: 'commit' as const,
    debug: false,
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    metadataCache: { enabled: false },
    loggerFactory: () => new CountingLogger(counter),
  };
  if (bench.name === 'postgresql') {
    // The bench's namespace, on the URL bench/setup.ts connects to (bench/database-url.ts set it).
    const schema = bench.db.namespace;
    if (!schema) throw new Error('mikro-orm: the PostgreSQL bench database has no namespace');
    const clientUrl = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
    const { MikroORM: PostgresOrm } = await import('@mikro-orm/postgresql');
    return PostgresOrm.init({ ...common, clientUrl, schema });
  }
  // The bench's SQLite file, found as bench/setup.ts finds it.
  const [main] = await bench.db.prisma.$queryRaw<{ name: string; file: string }[]>`PRAGMA database_list`;
  if (!main?.file) throw new Error('mikro-orm: could not find the SQLite file of the bench database');
  let SqliteOrm: typeof import('@mikro-orm/better-sqlite').MikroORM;
  try {
    SqliteOrm = (await import('@mikro-orm/better-sqlite')).MikroORM;
  } catch (error) {
    throw new Error(`MikroORM is not available on sqlite: @mikro-orm/better-sqlite could not be loaded (${String(error)})`);
  }
  return SqliteOrm.init({ ...common, dbName: main.file });
}

/**
 * The MikroORM state of `bench`, created on first use: opens the ORM, wraps `bench.counts` /
 * `bench.resetCounts` to include MikroORM's statements and `bench.dispose` to close the ORM first.
 */
function stateOf(bench: BenchDatabase): Promise<OrmState> {
  let state = states.get(bench);
  if (state) return state;
  state = (async () => {
    const counter = new StatementCounter();
    const core = await import('@mikro-orm/core');
    const schemas = entities(core);
    const orm = await initOrm(bench, counter, core, schemas);
    open.add(orm);
    if (!exitHook) {
      exitHook = true;
      process.once('beforeExit', () => void Promise.all([...open].map(closeOrm)));
    }

    const counts = bench.counts.bind(bench);
    const resetCounts = bench.resetCounts.bind(bench);
    const dispose = bench.dispose.bind(bench);
    bench.counts = (): StatementCounts => {
      const c = counts();
      return { transaction: c.transaction + counter.transaction, other: c.other + counter.other };
    };
    bench.resetCounts = () => {
      resetCounts();
      counter.reset();
    };
    bench.dispose = async () => {
      await closeOrm(orm);
      await dispose();
    };
    // Statements of the set-up are not the measurement's.
    counter.reset();
    return { orm, entities: schemas, counter };
  })();
  // A failed start is not cached: the next prepare reports the error again.
  state.catch(() => states.delete(bench));
  states.set(bench, state);
  return state;
}

/** MikroORM's statements on `bench` since the last `bench.resetCounts()` (zero before its first use). */
export async function mikroOrmCounts(bench: BenchDatabase): Promise<StatementCounts> {
  const state = states.get(bench);
  if (!state) return { transaction: 0, other: 0 };
  const { counter } = await state;
  return { transaction: counter.transaction, other: counter.other };
}

/**
 * Stages the work in `em`, writing nothing: loads the accounts and the entries to delete first
 * (every query before any change, and flush mode "commit" besides, so MikroORM's auto-flush
 * before a query cannot write part of the work outside the timer), then changes the accounts,
 * creates the new entries and removes the loaded ones.
 */
async function stage(em: EntityManager, { account, ledgerEntry }: Entities, work: Work): Promise<void> {
  const accounts = work.updates.length > 0 ? await em.find(account, { id: { $in: work.updates.map((u) => u.id) } }) : [];
  const doomed = work.deletes.length > 0 ? await em.find(ledgerEntry, { id: { $in: [...work.deletes] } }) : [];
  if (doomed.length !== work.deletes.length) throw new Error(`mikro-orm: loaded ${doomed.length} of ${work.deletes.length} ledger entries to delete`);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  for (const u of work.updates) {
    const entity = byId.get(u.id);
    if (!entity || entity.version !== u.version) throw new Error(`mikro-orm: Account#${u.id} not loaded at version ${u.version}`);
    entity.balance = u.balance;
  }
  for (const e of work.inserts) em.create(ledgerEntry, { fromId: e.fromId, toId: e.toId, amount: e.amount });
  for (const entry of doomed) em.remove(entry);
}

/** MikroORM's unit of work: `em.flush()` timed, everything before it not. */
export const mikroOrmSystem: System = {
  id: 'mikro-orm',
  label: `MikroORM ${MIKRO_ORM_VERSION} em.flush()`,
  async prepare(bench, work) {
    const state = await stateOf(bench);
    const em = state.orm.em.fork();
    await stage(em, state.entities, work);
    return () => em.flush();
  },
};
