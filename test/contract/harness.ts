import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createUnits, type FlushStrategyName, type Units } from 'prisma-uow';
import { bankRepositories } from '../../examples/bank/models.js';
import type { Models } from '../generated/sqlite/uow/index.js';
import { BACKENDS, openDatabase, skipBackend, type BackendName, type TestDatabase } from '../support/databases.js';

/**
 * The contract suite's targets: every backend with every flush strategy. A behavioural test is
 * written once against a {@link Target} and runs on each of them; a difference is a bug.
 */

export type TestModels = Models;
export type TestUnits = Units<TestModels, typeof bankRepositories>;
export type ModelName = keyof TestModels & string;
export type PlainRow = Record<string, unknown>;

/** One backend + strategy the contract runs against. */
export interface Target {
  readonly label: string;
  readonly backend: BackendName;
  readonly strategy: FlushStrategyName;
  units: TestUnits;
  db: TestDatabase;
  /** Rows of a model as a separate client sees them, by primary key. */
  rows(model: ModelName): Promise<PlainRow[]>;
  /** Statements sent since the last `clear()`, without reads. */
  writes(): string[];
  clear(): void;
}

/** The statement's verb (`UPDATE` for `WITH ... UPDATE ...`), upper-cased. */
export function verbOf(sql: string): string {
  const text = sql.trim();
  const main = /^WITH\b/i.test(text) ? /\)\s*(INSERT|UPDATE|DELETE|SELECT)\b(?![^]*\)\s*(INSERT|UPDATE|DELETE|SELECT)\b)/i.exec(text)?.[1] : /^\w+/.exec(text)?.[0];
  return (main ?? '').toUpperCase();
}

export const isUpdate = (sql: string): boolean => verbOf(sql) === 'UPDATE';
export const isDelete = (sql: string): boolean => verbOf(sql) === 'DELETE';
export const isWrite = (sql: string): boolean => ['INSERT', 'UPDATE', 'DELETE'].includes(verbOf(sql));

const STRATEGIES: readonly FlushStrategyName[] = ['bulk', 'grouped', 'per-row'];

function orderBy(model: ModelName): Record<string, 'asc'> {
  return model === 'Membership' ? ([{ groupId: 'asc' }, { userName: 'asc' }] as never) : { id: 'asc' };
}

type Delegate = { findMany(args: object): Promise<PlainRow[]> };

/**
 * Declares `body` once per backend and strategy, with a fresh empty database per test.
 *
 * @example
 * ```ts
 * contract('identity map', (t) => {
 *   it('returns one object per row', async () => { ... t.units.run(...) ... });
 * });
 * ```
 */
export function contract(
  title: string,
  body: (target: Target) => void,
  options: { strategies?: readonly FlushStrategyName[]; backends?: readonly BackendName[] } = {},
): void {
  for (const backend of options.backends ?? BACKENDS) {
    for (const strategy of options.strategies ?? STRATEGIES) {
      describe.skipIf(skipBackend(backend))(`${title} [${backend}/${strategy}]`, () => {
        const target = { label: `${backend}/${strategy}`, backend, strategy } as Target;
        beforeAll(async () => {
          target.db = await openDatabase(backend);
          target.units = createUnits({ prisma: target.db.prisma, schema: target.db.schema, repositories: bankRepositories, strategy });
          target.rows = (model) => {
            const delegate = (target.db.other as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
            return delegate.findMany({ orderBy: orderBy(model) });
          };
          target.writes = () =>
            target.db.statements.filter((s) => verbOf(s.sql) !== 'SELECT').map((s) => s.sql);
          target.clear = () => target.db.clearStatements();
        });
        beforeEach(async () => {
          await target.db.reset();
        });
        afterAll(async () => {
          await target.db?.dispose();
        });
        body(target);
      });
    }
  }
}

/** Two users, two accounts (100 and 50) and nothing in the ledger. */
export async function seedBank(target: Target): Promise<{ alice: number; bob: number; aliceAccount: number; bobAccount: number }> {
  const other = target.db.other;
  const alice = await other.user.create({ data: { name: 'Alice' } });
  const bob = await other.user.create({ data: { name: 'Bob' } });
  const a = await other.account.create({ data: { ownerId: alice.id, balance: 100 } });
  const b = await other.account.create({ data: { ownerId: bob.id, balance: 50 } });
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
