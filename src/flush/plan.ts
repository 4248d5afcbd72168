import type { UpdateChange } from '../tracking/change-set.js';
import type { Row } from '../tracking/entity.js';

/**
 * The flush plan: the ordered steps of one commit, as frozen data. Produced by the pure planner,
 * run by the executor. Each step becomes one statement per chunk in the bulk strategy.
 *
 * @module
 */

/** Insert rows of one model. */
export interface InsertStep {
  readonly op: 'insert';
  readonly model: string;
  readonly rows: readonly { readonly entity: number; readonly values: Readonly<Row> }[];
}

/** How an update or delete makes sure it does not overwrite someone else's change. */
export type RowCheck =
  /** `version` must still be what was loaded; updates increment it. */
  | 'version'
  /** Changed columns must still hold the values that were loaded. */
  | 'original'
  /** The row only has to exist (deletes of unversioned rows). */
  | 'exists'
  /** No check: the rows were inserted by this same commit. */
  | 'none';

/** One row of an {@link UpdateStep}: the change set's update, without its model. */
export type UpdateRow = Omit<UpdateChange, 'model'>;

/** Update the same set of columns, each row to its own values. */
export interface UpdateStep {
  readonly op: 'update';
  readonly model: string;
  /** The columns written, sorted. */
  readonly fields: readonly string[];
  readonly check: RowCheck;
  /**
   * The columns the `original` check compares with their loaded values: the written ones but
   * `@updatedAt` fields, which every writer sets (empty for other checks).
   */
  readonly checked: readonly string[];
  /**
   * The written columns declared `/// @delta`: written as `col = col + Δ` (each row's
   * `deltas`), never checked, their bounds checked against the sum, and returned as stored.
   * When every written column is one (or an `@updatedAt` stamp), the check is `exists`.
   */
  readonly deltas: readonly string[];
  /** Rows in primary-key order, so concurrent commits lock rows in the same order. */
  readonly rows: readonly UpdateRow[];
}

/** Delete rows of one model. */
export interface DeleteStep {
  readonly op: 'delete';
  readonly model: string;
  readonly check: RowCheck;
  readonly rows: readonly { readonly entity: number; readonly key: Readonly<Row>; readonly version?: unknown }[];
}

export type FlushStep = InsertStep | UpdateStep | DeleteStep;

/** Everything one commit sends, in order. */
export interface FlushPlan {
  readonly steps: readonly FlushStep[];
}
