import type { Sql } from '@prisma/client/runtime/client';
import type { ConflictingRow } from '../errors.js';
import type { ModelMetadata, Provider } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { identityOf } from '../tracking/keys.js';
import { valuesEqual } from '../tracking/values.js';
import { chunk, fieldOf } from './dialects/dialect.js';
import { mariadbLockedRead } from './dialects/mariadb-read.js';
import { postgresLockedRead, rowFromLockedRead } from './dialects/postgres-read.js';
import type { UpdateRow, UpdateStep } from './plan.js';
import type { ModelDelegate, TransactionClient } from './strategy.js';

/**
 * Values, not spellings. The `original` check of rows without a version field runs inside the
 * UPDATE, in SQL, where a value can be stored in more than one form: SQLite keeps the text it
 * was given (`'2026-11-29 19:52:59'` from `CURRENT_TIMESTAMP` is not `'2026-11-29T19:52:59.000Z'`,
 * `{"b": 1.0}` is not `{"b":1}`), PostgreSQL a `timestamp(6)` with microseconds a JavaScript
 * `Date` cannot hold. Such a row fails the check although nobody changed it.
 *
 * So when the statement reports rows as failing, and only then (a commit without conflicts sends
 * nothing more), those rows are read again inside the same transaction, locked where the
 * database needs it (PostgreSQL: `FOR NO KEY UPDATE`, in key order; MariaDB: `FOR UPDATE`, in
 * key order, whose locking read also sees the latest committed rows under REPEATABLE READ;
 * SQLite: this transaction already holds the database's write lock), and their checked columns compared with the loaded
 * values by the library's value equality (`tracking/values.ts`). Rows equal in value are then
 * written with a key-only condition (safe: they are locked), and only the others are conflicts.
 * Every strategy and dialect shares this; a dialect whose rows need locking names its locking
 * statement in {@link LOCKS}.
 *
 * @internal
 * @module
 */

/** Reads the current values of rows by key (and locks them until the transaction ends, where needed). */
export type RowReader = (model: ModelMetadata, keys: readonly Row[], fields: readonly string[]) => Promise<Row[]>;

/** Per provider, the statement that locks rows by key in key order until the transaction ends. */
const LOCKS: Partial<Record<Provider, (model: ModelMetadata, keys: readonly Row[]) => Sql>> = {
  postgresql: (model, keys) => postgresLockedRead(model, keys),
};

/** Keys per read: Prisma binds each key value, and SQLite takes at most 999 per statement. */
const VALUES_PER_READ = 900;

/**
 * A {@link RowReader} over a Prisma transaction: the lock statement of the provider (if any),
 * then `findMany` of the key and `fields`, so values come back as Prisma reads them.
 *
 * @example
 * ```ts
 * const read = transactionReader(tx, 'postgresql');
 * await read(noteModel, [{ id: 1 }], ['createdAt']); // [{ id: 1, createdAt: Date }]
 * ```
 */
export function transactionReader(tx: TransactionClient, provider: Provider): RowReader {
  const lock = LOCKS[provider];
  if (provider === 'mysql') {
    // The locking read returns the rows themselves: a plain read after it could see an older snapshot.
    return async (model, keys) => {
      let out: Row[] = [];
      for (const part of chunk(keys, 10_000)) out = out.concat((await tx.$queryRaw<Row[]>(mariadbLockedRead(model, part))).map((row) => rowFromLockedRead(model, row)));
      return out;
    };
  }
  return async (model, keys, fields) => {
    const delegate = tx[model.delegate] as ModelDelegate;
    const select = Object.fromEntries([...model.primaryKey, ...fields].map((name) => [name, true]));
    let out: Row[] = [];
    for (const part of chunk(keys, Math.max(1, Math.floor(VALUES_PER_READ / model.primaryKey.length)))) {
      if (lock) await tx.$queryRaw(lock(model, part));
      out = out.concat(await delegate.findMany({ where: { OR: part.map((key) => ({ ...key })) }, select }));
    }
    return out;
  };
}

/** The identity-map key of a reported conflict (whose `key` is the key as users write it). */
export function conflictIdentity(model: ModelMetadata, row: ConflictingRow): string | undefined {
  return identityOf(model, model.primaryKey.length === 1 ? { [model.primaryKey[0]!]: row.key } : (row.key as Row));
}

/**
 * The rows of an `original` step that its statement reported as failing (`failed`) but that
 * still hold their loaded values, compared by value: those can be written with a key-only check.
 *
 * @example
 * ```ts
 * const equal = await equalInValue(step, model, failed, transactionReader(tx, 'sqlite'));
 * ```
 */
export async function equalInValue(step: UpdateStep, model: ModelMetadata, failed: readonly ConflictingRow[], read: RowReader): Promise<UpdateRow[]> {
  const suspects = new Set(failed.map((row) => conflictIdentity(model, row)));
  const rows = step.rows.filter((row) => suspects.has(identityOf(model, row.key)));
  if (rows.length === 0) return [];
  const current = new Map((await read(model, rows.map((row) => row.key), step.checked)).map((row) => [identityOf(model, row), row]));
  const fields = step.checked.map((name) => fieldOf(model, name));
  return rows.filter((row) => {
    const now = current.get(identityOf(model, row.key));
    return now !== undefined && fields.every((field) => valuesEqual(field, now[field.name], row.original[field.name]));
  });
}

/**
 * MariaDB/MySQL with a strategy whose writes are Prisma Client calls (`grouped`, `per-row`): the
 * `original` check Prisma sends compares text in the column's collation (`utf8mb4_unicode_ci`
 * takes 'abc' for 'ABC' and ignores trailing spaces), so a change of case by another writer would
 * go unnoticed. Before such a step, its rows are read locked (see {@link transactionReader}) and
 * compared by value; rows changed since they were loaded are conflicts, the others are written
 * (locked, they cannot change before the write). Steps without text-like checked fields, and the
 * `bulk` strategy (whose statement compares bytes), need nothing.
 *
 * @example
 * ```ts
 * const { changed, unchanged } = await changedSinceLoaded(step, model, transactionReader(tx, 'mysql'));
 * ```
 */
export async function changedSinceLoaded(step: UpdateStep, model: ModelMetadata, read: RowReader): Promise<{ changed: UpdateRow[]; unchanged: UpdateRow[] }> {
  const fields = step.checked.map((name) => fieldOf(model, name));
  const current = new Map((await read(model, step.rows.map((row) => row.key), step.checked)).map((row) => [identityOf(model, row), row]));
  const changed: UpdateRow[] = [];
  const unchanged: UpdateRow[] = [];
  for (const row of step.rows) {
    const now = current.get(identityOf(model, row.key));
    const same = now !== undefined && fields.every((field) => valuesEqual(field, now[field.name], row.original[field.name]));
    (same ? unchanged : changed).push(row);
  }
  return { changed, unchanged };
}

/** Whether a step's `original` check compares text that a collation could fold (String, Enum, Json). */
export function checksText(step: UpdateStep, model: ModelMetadata): boolean {
  return step.check === 'original' && step.checked.some((name) => ['String', 'Enum', 'Json'].includes(fieldOf(model, name).kind));
}
