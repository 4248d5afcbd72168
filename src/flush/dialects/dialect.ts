import { JsonNull, type Sql } from '@prisma/client/runtime/client';
import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import type { PreparedInsert } from '../insert-rows.js';
import type { DeleteStep, UpdateStep } from '../plan.js';
import type { StatementSession } from './postgres-session.js';

/**
 * A SQL dialect of the `bulk` strategy: how one update or delete step becomes one statement (or
 * a few, where bind-parameter limits force chunks). Every statement checks each row's version or
 * original values itself and tells which rows it wrote ({@link WriteStatement}), so a commit
 * without conflicts needs no second statement for the check.
 *
 * Statements are built only with `Prisma.sql`/`Prisma.join`: values are always bound parameters.
 *
 * @module
 */
export interface SqlDialect {
  readonly name: 'postgresql' | 'sqlite' | 'mariadb';
  /** Whether this dialect can write the step (else the strategy falls back to Prisma calls). */
  supports(model: ModelMetadata, fields: readonly FieldMetadata[]): boolean;
  /**
   * Multi-row INSERTs of prepared rows, returning the generated columns (aliased to field names).
   * With `session` (see `postgres-session.ts`), statements bound their own time and, when asked,
   * return the transaction's identity as extra columns; dialects without sessions ignore it.
   */
  inserts(insert: PreparedInsert, model: ModelMetadata, session?: StatementSession): Sql[];
  updates(step: UpdateStep, model: ModelMetadata, session?: StatementSession): WriteStatement[];
  deletes(step: DeleteStep, model: ModelMetadata, session?: StatementSession): WriteStatement[];
}

/** A double-quoted identifier (PostgreSQL and SQLite quote with `"`; MariaDB has its own). Names come from the schema, never from values. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"` or `"table"`. */
export function tableName(model: ModelMetadata): string {
  return model.schema ? `${quote(model.schema)}.${quote(model.table)}` : quote(model.table);
}

/** The field metadata of `name` (the planner only names fields of the model). */
export function fieldOf(model: ModelMetadata, name: string): FieldMetadata {
  const field = model.fields.find((f) => f.name === name);
  if (!field) throw new Error(`prisma-uow internal error: ${model.name} has no field ${name}`);
  return field;
}

/**
 * The JSON text a `Json` value is written as, or `null` for the database NULL: a JSON null where
 * the unit holds `Prisma.JsonNull`, or `null` in a required field (the only null it can hold).
 */
export function jsonText(field: FieldMetadata, value: unknown): string | null {
  if (value === JsonNull || (value === null && field.isRequired)) return 'null';
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One statement of an update or delete step, and how to tell which of the step's rows it wrote. */
export type WriteStatement =
  /** Returns the primary key of every row it wrote, aliased to field names. */
  | { readonly kind: 'keys'; readonly sql: Sql }
  /**
   * Returns one row `{ written, rows }`: the number of rows written and, only when that is short
   * of the step's rows, the 1-based positions in the step of those written.
   */
  | { readonly kind: 'summary'; readonly sql: Sql }
  /**
   * Returns no rows: run for its row count. When the count is short, `written` (sent next, in
   * the same transaction) returns the positions (`row`, 1-based) of the step's rows written.
   */
  | {
      readonly kind: 'count';
      readonly sql: Sql;
      readonly written: Sql;
      /**
       * `sql` is a query returning one row instead: `{ written }` (the count) and the
       * transaction's identity columns (a statement asked to identify its transaction).
       */
      readonly counted?: true;
      /**
       * A step split into several statements: the 0-based index of this statement's first row
       * in the step, and its number of rows (`written` numbers rows from 1 within the statement).
       */
      readonly first?: number;
      readonly rows?: number;
      /**
       * `written` may also list rows the statement did not write (rows that merely look written):
       * its list is trusted only when it is exactly as long as the row count, else every row of
       * the statement is named as a conflict.
       */
      readonly approximate?: true;
    };
