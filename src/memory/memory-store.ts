import type { Decimal } from '@prisma/client/runtime/client';
import { UsageError, describeRow } from '../errors.js';
import type { ModelMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf, keyValueOf } from '../tracking/keys.js';
import type { ModelMap, ModelTypes, Schema } from '../unit-of-work/types.js';
import { checkForeignKeys } from './constraints.js';
import { compileOrderBy } from '../query/order-by.js';
import { endStatement } from './referential-actions.js';
import { deleteRow, insertRow, updateRow, type WriteContext } from './row-writes.js';
import { cloneRow, isPlainObject } from '../query/scalars.js';
import { MemoryStoreError } from './store-error.js';
import { WorkingCopy, type StoreState } from './tables.js';
import { findRows } from '../query/where.js';

/** What a fixture accepts for a field: a `Decimal` also as number or string, a `bigint` also as number, a `Date` also as ISO string. */
export type FixtureValue<T> = T extends Decimal ? Decimal.Value : T extends bigint ? bigint | number : T extends Date ? Date | string : T;

/**
 * One fixture row: the model's fields as plain values. Fields with a default (ids, `now()`,
 * literals) may be left out; foreign keys are given as scalars (`ownerId: 1`).
 */
export type FixtureRow<T extends ModelTypes> = {
  [K in T['required'] & keyof T['row']]: FixtureValue<T['row'][K]>;
} & {
  [K in Exclude<keyof T['row'], T['required']>]?: FixtureValue<T['row'][K]>;
};

/** The rows a {@link MemoryStore} starts with, by model name. */
export type Fixtures<M extends ModelMap> = { readonly [N in keyof M]?: readonly FixtureRow<M[N]>[] };

/** The values an out-of-unit {@link MemoryStore.update} sets: any fields of the model, as plain values. */
export type FixtureChanges<T extends ModelTypes> = { [K in keyof T['row']]?: FixtureValue<T['row'][K]> };

/** Options of a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Called with a short pseudo statement for each statement a database would have been sent, so
   * tests can count statements as they do with a SQL log: `SELECT <Model>` for each read,
   * `BEGIN`, one `INSERT <Model>` / `UPDATE <Model> (<fields>)` / `DELETE <Model>` per plan
   * step, then `COMMIT` or `ROLLBACK` for each commit (an interactive unit's transaction spans
   * its reads). Like the `bulk` strategy, one statement per step whatever the number of rows.
   * Writes through {@link MemoryStore.insert}, `update` and `remove` are not reported.
   */
  readonly onStatement?: (statement: string) => void;
}

/** Every table of a store: its rows as Prisma returns them, in primary-key order. */
export type Snapshot<M extends ModelMap> = { [N in keyof M]: M[N]['row'][] };

function fixtureError(model: string, where: string, error: unknown): unknown {
  if (!(error instanceof MemoryStoreError)) return error;
  return new UsageError('INVALID_ARGUMENT', `Fixture ${where} cannot be stored: ${error.message}.`, { model, cause: error });
}

function seed(schema: SchemaMetadata, fixtures: Readonly<Record<string, unknown>>): StoreState {
  const tx = new WorkingCopy({ tables: new Map(), counters: new Map() });
  const ctx = { schema, tx, now: new Date(), deferForeignKeys: true };
  for (const [name, rows] of Object.entries(fixtures)) {
    const model = schema.models[name];
    if (!model) {
      throw new UsageError('INVALID_ARGUMENT', `The fixtures name a model '${name}' the schema does not have (it has ${Object.keys(schema.models).join(', ')}).`, { model: name });
    }
    if (rows === undefined) continue;
    if (!Array.isArray(rows)) throw new UsageError('INVALID_ARGUMENT', `Fixtures of ${name} must be an array of rows.`, { model: name });
    rows.forEach((row: unknown, i) => {
      if (!isPlainObject(row)) throw new UsageError('INVALID_ARGUMENT', `Fixture ${name}[${i}] must be an object of field values.`, { model: name });
      try {
        insertRow(ctx, model, row);
      } catch (error) {
        throw fixtureError(name, `${name}[${i}]`, error);
      }
    });
  }
  for (const model of Object.values(schema.models)) {
    for (const row of tx.table(model.name).values()) {
      try {
        checkForeignKeys(tx, schema, model, row);
      } catch (error) {
        throw fixtureError(model.name, describeRow(model.name, keyValueOf(model, row)), error);
      }
    }
  }
  return tx.state();
}

/**
 * The data behind in-memory units: one table per model, seeded from plain fixtures and changed
 * only by commits, each applied whole or not at all, one at a time. Values are stored as a
 * database returns them (a `balance: 100` fixture is read back as `Decimal(100)`), and every row
 * goes in and out as a copy: nothing a caller holds can change the store.
 * Create it with {@link createMemoryUnits}, which also hands you the units that use it.
 *
 * @example
 * ```ts
 * const { units, store } = createMemoryUnits({
 *   schema,
 *   fixtures: { User: [{ id: 1, name: 'Alice' }], Account: [{ id: 1, ownerId: 1, balance: 100 }] },
 * });
 * await units.run(async (uow) => { (await uow.account.get(1)).balance = new Decimal(90); });
 * store.rows('Account'); // [{ id: 1, ownerId: 1, balance: Decimal(90), version: 1 }]
 * ```
 */
export class MemoryStore<M extends ModelMap = ModelMap> {
  private state: StoreState;
  private queue: Promise<unknown> = Promise.resolve();
  private committed = 0;

  /** Seeds the tables from `fixtures`; throws a {@link UsageError} naming the fixture that cannot be stored. */
  constructor(
    readonly schema: Schema<M>,
    fixtures: Fixtures<M> = {},
    private readonly options: MemoryStoreOptions = {},
  ) {
    this.state = seed(schema, fixtures);
  }

  /** Reports a pseudo statement to `onStatement` (see {@link MemoryStoreOptions}). @internal */
  statement(text: string): void {
    this.options.onStatement?.(text);
  }

  /**
   * Number of units' commits that wrote something (a unit with nothing to write does not commit;
   * out-of-unit writes through `insert`, `update` and `remove` are not counted).
   */
  get commits(): number {
    return this.committed;
  }

  private model(name: string): ModelMetadata {
    const model = this.schema.models[name];
    if (!model) throw new UsageError('INVALID_ARGUMENT', `The schema has no model '${name}'.`, { model: name });
    return model;
  }

  /**
   * Copies of the rows of `model`, in primary-key order.
   *
   * @example
   * ```ts
   * expect(store.rows('LedgerEntry')).toHaveLength(1);
   * ```
   */
  rows<N extends keyof M & string>(model: N): M[N]['row'][] {
    const meta = this.model(model);
    const rows = [...(this.state.tables.get(model)?.values() ?? [])].sort(compileOrderBy(meta, undefined));
    return rows.map((row) => cloneRow(meta, row)) as M[N]['row'][];
  }

  /**
   * Copies of every table, by model name: compare two snapshots to assert what a unit wrote.
   *
   * @example
   * ```ts
   * const before = store.snapshot();
   * await expect(units.run(failingFlow)).rejects.toThrow();
   * expect(store.snapshot()).toEqual(before);
   * ```
   */
  snapshot(): Snapshot<M> {
    const out: Record<string, unknown[]> = {};
    for (const name of Object.keys(this.schema.models)) out[name] = this.rows(name);
    return out as Snapshot<M>;
  }

  /** Copies of the committed rows matching Prisma `findMany` arguments. @internal */
  find(model: ModelMetadata, args: Readonly<Row>): Row[] {
    return findRows(model, this.state.tables.get(model.name)?.values() ?? [], args).map((row) => cloneRow(model, row));
  }

  /**
   * Inserts rows the way another process would: committed at once, outside any unit, with
   * defaults filled and constraints checked (a failure writes none of the rows and throws the
   * {@link MemoryStoreError} a database would cause). For test setup, and to simulate a
   * concurrent writer between a unit's read and its commit. Returns the stored rows.
   *
   * @example
   * ```ts
   * const [ann] = await store.insert('User', [{ name: 'Ann' }]);
   * await store.insert('Account', [{ ownerId: ann!.id, balance: 10 }]);
   * ```
   */
  insert<N extends keyof M & string>(model: N, rows: readonly FixtureRow<M[N]>[]): Promise<M[N]['row'][]> {
    const meta = this.model(model);
    return this.run((ctx) => rows.map((row) => cloneRow(meta, insertRow(ctx, meta, row as Readonly<Row>))) as M[N]['row'][], false);
  }

  /**
   * Sets `data` on every row matching the Prisma `where`, like `updateMany` from another
   * process: committed at once, outside any unit, constraints checked. Nothing else changes: a
   * concurrent writer that should invalidate units' versions sets the version field itself.
   * Returns the number of rows updated.
   *
   * @example
   * ```ts
   * await store.update('Account', { id: 1 }, { balance: 70, version: 1 }); // someone else's commit
   * ```
   */
  update<N extends keyof M & string>(model: N, where: M[N]['where'], data: FixtureChanges<M[N]>): Promise<number> {
    const meta = this.model(model);
    return this.run((ctx) => {
      const matches = findRows(meta, ctx.tx.table(model).values(), { where });
      for (const row of matches) updateRow(ctx, meta, identityOf(meta, row)!, data as Readonly<Row>);
      return matches.length;
    }, false);
  }

  /**
   * Deletes every row matching the Prisma `where`, like `deleteMany` from another process:
   * committed at once, outside any unit, with the `onDelete` action of every relation that
   * references them (refused, deleted too, unlinked). Returns the number of rows deleted.
   *
   * @example
   * ```ts
   * await store.remove('LedgerEntry', { fromId: 1 });
   * ```
   */
  remove<N extends keyof M & string>(model: N, where: M[N]['where']): Promise<number> {
    const meta = this.model(model);
    return this.run((ctx) => {
      const matches = findRows(meta, ctx.tx.table(model).values(), { where });
      for (const row of matches) deleteRow(ctx, meta, identityOf(meta, row)!);
      return matches.length;
    }, false);
  }

  /** Runs `write` as one out-of-unit transaction: neither reported to `onStatement` nor counted in `commits`. */
  private run<T>(write: (ctx: WriteContext) => T, fromUnit: boolean): Promise<T> {
    return this.transactionOf((tx) => {
      const ctx: WriteContext = { schema: this.schema, tx, now: new Date(), checks: [] };
      const result = write(ctx);
      endStatement(ctx);
      return Promise.resolve(result);
    }, fromUnit);
  }

  /**
   * Runs `write` on a working copy and swaps it in when `write` resolves; when it throws,
   * nothing changes. Transactions run one after another, never interleaved (an interactive unit
   * is one transaction from its first read to its commit).
   *
   * @internal
   */
  transaction<T>(write: (tx: WorkingCopy) => Promise<T>): Promise<T> {
    return this.transactionOf(write, true);
  }

  /** A transaction of a unit (`fromUnit`: reported and counted) or of an out-of-unit write. */
  private transactionOf<T>(write: (tx: WorkingCopy) => Promise<T>, fromUnit: boolean): Promise<T> {
    const log = fromUnit ? (text: string) => this.statement(text) : () => {};
    const run = this.queue.then(async () => {
      const tx = new WorkingCopy(this.state);
      log('BEGIN');
      let result: T;
      try {
        result = await write(tx);
      } catch (error) {
        log('ROLLBACK');
        throw error;
      }
      if (tx.changed) {
        this.state = tx.state();
        if (fromUnit) this.committed++;
      }
      log('COMMIT');
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
