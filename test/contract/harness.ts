import { Decimal } from '@prisma/client/runtime/client';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createMemoryUnits, createUnits, type FixtureRow, type FlushStrategyName, type MemoryStore } from 'prisma-uow';
import type { FixtureChanges } from 'prisma-uow';
import { bank, type BankUnits } from '../../examples/bank/models.js';
import { schema as testSchema, type Models } from '../generated/sqlite/uow/index.js';
import { BACKENDS, openDatabase, skipBackend, type BackendName, type TestDatabase } from '../support/databases.js';

/**
 * The contract suite's targets: the in-memory store, and every database backend with every
 * flush strategy (PostgreSQL `bulk` also with `oneStatement: true`). A behavioural test is
 * written once against a {@link Target} and runs on each of them; a difference is a bug.
 */

export type TestModels = Models;
export type TestUnits = BankUnits<TestModels>;
export type ModelName = keyof TestModels & string;
export type PlainRow = Record<string, unknown>;

/** Where a contract runs: a database backend, or the in-memory store (`createMemoryUnits`). */
export type TargetName = BackendName | 'memory';

/** Every target, for contracts: memory first (it runs once), then each database. */
export const TARGETS: readonly TargetName[] = ['memory', ...BACKENDS];

/** One target (backend + strategy) the contract runs against. */
export interface Target {
  readonly label: string;
  readonly backend: TargetName;
  /**
   * The flush strategy of a database target. The memory target reports `bulk`: it ignores
   * strategies, and its statement log has one statement per plan step, as `bulk` sends.
   */
  readonly strategy: FlushStrategyName;
  /**
   * PostgreSQL `bulk` also runs as a target of its own with `oneStatement: true`: a unit whose
   * writes do not depend on each other commits as ONE statement of data-modifying CTEs.
   */
  readonly oneStatement: boolean;
  units: TestUnits;
  /** The database of a database target (`undefined` on memory): SQL-level assertions only. */
  db?: TestDatabase;
  /** Rows of a model as a separate client sees them, by primary key. */
  rows(model: ModelName): Promise<PlainRow[]>;
  /** Inserts one row from outside any unit (`db.other` / the store directly); returns it as stored. */
  insert<N extends ModelName>(model: N, row: FixtureRow<TestModels[N]>): Promise<TestModels[N]['row']>;
  /** Inserts rows from outside any unit (`createMany`). */
  insertMany<N extends ModelName>(model: N, rows: readonly FixtureRow<TestModels[N]>[]): Promise<void>;
  /**
   * Sets `data` on the rows matching `where` from outside any unit, as another transaction would
   * (`updateMany`). Plain values only: a writer that should conflict with units sets `version`.
   */
  update<N extends ModelName>(model: N, where: TestModels[N]['where'], data: FixtureChanges<TestModels[N]>): Promise<void>;
  /** Deletes the rows matching `where` from outside any unit (`deleteMany`). */
  remove<N extends ModelName>(model: N, where: TestModels[N]['where']): Promise<void>;
  /** Every statement sent since the last `clear()`, reads included (memory: pseudo statements). */
  statements(): string[];
  /** Statements sent since the last `clear()`, without reads (nor read transactions: BEGIN, SELECTs, COMMIT). */
  writes(): string[];
  clear(): void;
  /** Empties every table (identities restart) and clears the statements. */
  reset(): Promise<void>;
}

/** A database target: `db` is there. Contracts restricted to database backends get this one. */
export interface DatabaseTarget extends Target {
  readonly backend: BackendName;
  db: TestDatabase;
}

/** The statement's verb (`UPDATE` for `WITH ... UPDATE ...`), upper-cased. */
export function verbOf(sql: string): string {
  const text = sql.trim();
  // A write inside a CTE (`WITH ..., w AS (UPDATE ...) SELECT ...`, a one-statement commit) is
  // what the statement does: its first `INSERT INTO`, `UPDATE <table> [AS t] SET`, `DELETE FROM`.
  const inner = /^WITH\b/i.test(text) ? /\b(INSERT)\s+INTO\b|\b(UPDATE)\s+[^\s(]+(?:\s+AS\s+\w+)?\s+SET\b|\b(DELETE)\s+FROM\b/i.exec(text) : undefined;
  const innerVerb = inner?.[1] ?? inner?.[2] ?? inner?.[3];
  if (innerVerb) return innerVerb.toUpperCase();
  const main = /^WITH\b/i.test(text) ? /\)\s*(INSERT|UPDATE|DELETE|SELECT)\b(?![^]*\)\s*(INSERT|UPDATE|DELETE|SELECT)\b)/i.exec(text)?.[1] : /^\w+/.exec(text)?.[0];
  return (main ?? '').toUpperCase();
}

/**
 * `statements` without the transactions that only read and committed (`BEGIN`, `SELECT`s,
 * `COMMIT`): on SQLite a unit's reads run in read transactions of their own, which write nothing.
 */
function withoutReadTransactions(statements: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < statements.length; i++) {
    if (verbOf(statements[i]!) === 'BEGIN') {
      let end = i + 1;
      while (end < statements.length && verbOf(statements[end]!) === 'SELECT') end++;
      if (end > i + 1 && verbOf(statements[end] ?? '') === 'COMMIT') {
        i = end;
        continue;
      }
    }
    kept.push(statements[i]!);
  }
  return kept;
}

export const isUpdate = (sql: string): boolean => verbOf(sql) === 'UPDATE';
export const isDelete = (sql: string): boolean => verbOf(sql) === 'DELETE';
export const isWrite = (sql: string): boolean => ['INSERT', 'UPDATE', 'DELETE'].includes(verbOf(sql));

const STRATEGIES: readonly FlushStrategyName[] = ['bulk', 'grouped', 'per-row'];

/** Models whose primary key is not `id`, with their key fields in order. */
const KEYS: Partial<Record<ModelName, readonly string[]>> = { Membership: ['groupId', 'userName'], Slot: ['day', 'seq'], Tag: ['name'] };

function orderBy(model: ModelName): Record<string, 'asc'> {
  const keys = KEYS[model];
  return keys ? (keys.map((k) => ({ [k]: 'asc' })) as never) : { id: 'asc' };
}

interface Delegate {
  findMany(args: object): Promise<PlainRow[]>;
  create(args: object): Promise<PlainRow>;
  createMany(args: object): Promise<unknown>;
  updateMany(args: object): Promise<unknown>;
  deleteMany(args: object): Promise<unknown>;
}

/** A database target's test body (`backends` without memory) gets a {@link DatabaseTarget}. */
type TargetOf<B extends TargetName> = [B] extends [BackendName] ? DatabaseTarget : Target;

/** A target on a fresh database of `backend`, reset before each test. */
function databaseTarget(backend: BackendName, strategy: FlushStrategyName, oneStatement = false): DatabaseTarget {
  const target = { label: `${backend}/${strategy}${oneStatement ? '+one-statement' : ''}`, backend, strategy, oneStatement } as DatabaseTarget;
  const delegate = (model: ModelName) =>
    (target.db.other as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
  beforeAll(async () => {
    target.db = await openDatabase(backend);
    target.units = createUnits({ prisma: target.db.prisma, schema: target.db.schema, ...bank, strategy, oneStatement });
  });
  beforeEach(async () => {
    await target.db.reset();
  });
  afterAll(async () => {
    await target.db?.dispose();
  });
  target.rows = (model) => delegate(model).findMany({ orderBy: orderBy(model) });
  target.insert = async (model, row) => (await delegate(model).create({ data: row })) as never;
  target.insertMany = async (model, rows) => void (await delegate(model).createMany({ data: rows }));
  target.update = async (model, where, data) => void (await delegate(model).updateMany({ where, data }));
  target.remove = async (model, where) => void (await delegate(model).deleteMany({ where }));
  target.statements = () => target.db.statements.map((s) => s.sql);
  target.writes = () => withoutReadTransactions(target.statements()).filter((sql) => verbOf(sql) !== 'SELECT');
  target.clear = () => target.db.clearStatements();
  target.reset = () => target.db.reset();
  return target;
}

/**
 * A target on a new in-memory store (`createMemoryUnits`) before each test, whose pseudo
 * statements (`SELECT Account`, `BEGIN`, `UPDATE Account (balance)`, `COMMIT`) are the log.
 */
function memoryTarget(): Target {
  const target = { label: 'memory', backend: 'memory', strategy: 'bulk', oneStatement: false } as Target;
  const log: string[] = [];
  let store!: MemoryStore<TestModels>;
  const reset = async () => {
    ({ units: target.units, store } = createMemoryUnits({
      schema: testSchema,
      ...bank,
      onStatement: (statement) => void log.push(statement),
    }));
    log.length = 0;
  };
  beforeEach(reset);
  target.rows = async (model) => store.rows(model) as PlainRow[];
  target.insert = async (model, row) => (await store.insert(model, [row]))[0]!;
  target.insertMany = async (model, rows) => void (await store.insert(model, rows));
  target.update = async (model, where, data) => void (await store.update(model, where, data));
  target.remove = async (model, where) => void (await store.remove(model, where));
  target.statements = () => [...log];
  target.writes = () => log.filter((sql) => verbOf(sql) !== 'SELECT');
  target.clear = () => void (log.length = 0);
  target.reset = reset;
  return target;
}

/**
 * Declares `body` once per target, with fresh empty tables per test: once on the in-memory
 * store, and once per strategy on each database backend. `strategies` limits the database runs;
 * `backends` limits the targets (without `'memory'`, `body` gets a {@link DatabaseTarget}).
 *
 * @example
 * ```ts
 * contract('identity map', (t) => {
 *   it('returns one object per row', async () => { ... t.units.run(...) ... });
 * });
 * ```
 */
export function contract<const B extends TargetName = TargetName>(
  title: string,
  body: (target: TargetOf<B>) => void,
  options: { strategies?: readonly FlushStrategyName[]; backends?: readonly B[] } = {},
): void {
  for (const backend of options.backends ?? (TARGETS as readonly B[])) {
    if (backend === 'memory') {
      describe(`${title} [memory]`, () => body(memoryTarget() as TargetOf<B>));
      continue;
    }
    for (const strategy of options.strategies ?? STRATEGIES) {
      describe.skipIf(skipBackend(backend))(`${title} [${backend}/${strategy}]`, () => {
        body(databaseTarget(backend, strategy) as TargetOf<B>);
      });
      if (backend !== 'postgresql' || strategy !== 'bulk') continue;
      describe.skipIf(skipBackend(backend))(`${title} [${backend}/${strategy}+one-statement]`, () => {
        body(databaseTarget(backend, strategy, true) as TargetOf<B>);
      });
    }
  }
}

/** Two users, two accounts (100 and 50) and nothing in the ledger. */
export async function seedBank(target: Target): Promise<{ alice: number; bob: number; aliceAccount: number; bobAccount: number }> {
  const alice = await target.insert('User', { name: 'Alice' });
  const bob = await target.insert('User', { name: 'Bob' });
  const a = await target.insert('Account', { ownerId: alice.id, balance: 100 });
  const b = await target.insert('Account', { ownerId: bob.id, balance: 50 });
  target.clear();
  return { alice: alice.id, bob: bob.id, aliceAccount: a.id, bobAccount: b.id };
}

/** A `Shape` row with every scalar set. */
export function shapeData(slug: string): Record<string, unknown> {
  return {
    slug,
    text: 'text',
    int: 1,
    bigInt: 9007199254740993n,
    float: 1.5,
    decimal: '12.34',
    bool: true,
    dateTime: new Date('2024-01-02T03:04:05.678Z'),
    json: { tags: ['a'], nested: { n: 1 } },
    bytes: new Uint8Array([1, 2, 3]),
    color: 'RED',
  };
}

/** A value in a form `toEqual` compares by content: bytes as arrays, Decimal and Date as strings, bigint tagged. */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Decimal.isDecimal(value)) return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return `${value}n`;
  return value;
}

/** Every value of a row through {@link plain}. */
export function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));
}
