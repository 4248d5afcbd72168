import type { Row } from '../tracking/entity.js';
import type { Counters } from './defaults.js';

/**
 * The data of the in-memory store: one table per model (stored rows by canonical primary key,
 * see `identityOf`) and the sequence counters. Stored rows are frozen and never changed in
 * place: a write replaces the row object, so a table copy is a cheap shallow `Map` copy.
 *
 * @internal
 * @module
 */

/** Stored rows of one model, by canonical primary key. */
export type Table = ReadonlyMap<string, Readonly<Row>>;

/** Everything the store holds at one moment. Never changed: commits build the next one. */
export interface StoreState {
  readonly tables: ReadonlyMap<string, Table>;
  readonly counters: ReadonlyMap<string, number | bigint>;
}

const EMPTY: Table = new Map();

/**
 * A transaction's view of the store: reads see the committed state plus this transaction's own
 * writes; the first write to a table copies it. {@link WorkingCopy.state} is the state to swap in
 * when every write succeeded; dropping the copy is the rollback.
 *
 * @example
 * ```ts
 * const tx = new WorkingCopy(store.state);
 * tx.writable('User').set(identity, Object.freeze(row));
 * store.state = tx.state(); // commit
 * ```
 */
export class WorkingCopy {
  private readonly copies = new Map<string, Map<string, Readonly<Row>>>();
  readonly counters: Counters;

  constructor(private readonly base: StoreState) {
    this.counters = new Map(base.counters);
  }

  /** The rows of `model` as this transaction sees them. */
  table(model: string): Table {
    return this.copies.get(model) ?? this.base.tables.get(model) ?? EMPTY;
  }

  /** The rows of `model`, to change (copied from the committed table on first use). */
  writable(model: string): Map<string, Readonly<Row>> {
    let table = this.copies.get(model);
    if (!table) {
      table = new Map(this.table(model));
      this.copies.set(model, table);
    }
    return table;
  }

  /** Whether this transaction wrote anything. */
  get changed(): boolean {
    return this.copies.size > 0;
  }

  /** The committed state with this transaction's writes applied. */
  state(): StoreState {
    const tables = new Map(this.base.tables);
    for (const [model, table] of this.copies) tables.set(model, table);
    return { tables, counters: new Map(this.counters) };
  }
}
