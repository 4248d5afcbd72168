import type { ExecutionResult } from '../flush/executor.js';
import type { FlushPlan } from '../flush/plan.js';
import type { ReadCheck } from '../flush/read-checks.js';
import type { FlushStrategy } from '../flush/strategy.js';
import type { ModelMetadata, RelationMetadata, SchemaMetadata } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';

/**
 * Where a unit reads rows from and commits plans to. The Prisma backend is the real one; other
 * backends (an in-memory store for tests) plug in here and share every other part of the unit.
 *
 * @internal
 */
export interface UnitBackend {
  readonly schema: SchemaMetadata;
  /** How commits send their statements, when the backend sends any (for previews). */
  readonly strategy?: FlushStrategy;
  /** Bound to an open transaction whose id a statement already returned (previews: no statement asks again). */
  readonly identified?: boolean;
  /**
   * Rows matching Prisma `findMany` arguments (no `select`/`include`). `what` names the read in
   * errors (`get Account#7`); a failure is a `DatabaseError` (nothing was written).
   */
  findMany(model: ModelMetadata, args: Row, what?: string): Promise<Row[]>;
  /**
   * The rows with these primary keys and, for each of `relations` (to-one, foreign key on
   * `model`), the rows they reference, in ONE statement: `related[i]` holds the rows of
   * `relations[i]` found (repeats possible). Backends that cannot leave it out; the unit then
   * reads the related rows with {@link findMany}.
   */
  findManyJoined?(model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[], what: string): Promise<{ rows: Row[]; related: Row[][] }>;
  /**
   * Runs the plan atomically: all of it, or nothing. `checks` (read checks) run after the
   * writes, in the same transaction, one read per model; a failing row is a `ConcurrencyConflictError`.
   */
  commit(plan: FlushPlan, checks?: readonly ReadCheck[]): Promise<ExecutionResult>;
  /**
   * Reads the rows with these primary keys and locks them until the unit's transaction ends, in
   * ONE statement, in key order (`SELECT ... ORDER BY key FOR NO KEY UPDATE`); returns the rows
   * found, in key order, as `findMany` would. Only backends bound to an open transaction have it.
   */
  lockRows?(model: ModelMetadata, keys: readonly Row[]): Promise<Row[]>;
  /**
   * {@link lockRows} and, in the same statement, the rows of `relations` as
   * {@link findManyJoined} reads them (read, not locked). Backends that cannot leave it out; the
   * unit then locks with {@link lockRows} and reads the related rows with {@link findMany}.
   */
  lockRowsJoined?(model: ModelMetadata, keys: readonly Row[], relations: readonly RelationMetadata[]): Promise<{ rows: Row[]; related: Row[][] }>;
  /**
   * For previews: the statements a commit of `plan` sends when the backend commits it otherwise
   * than step by step through {@link strategy} (PostgreSQL `oneStatement`); `undefined` otherwise.
   */
  describeCommit?(plan: FlushPlan, checks: readonly ReadCheck[]): string[] | undefined;
}
