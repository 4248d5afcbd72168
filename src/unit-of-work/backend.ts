import type { ExecutionResult } from '../flush/executor.js';
import type { FlushPlan } from '../flush/plan.js';
import type { FlushStrategy } from '../flush/strategy.js';
import type { ModelMetadata, SchemaMetadata } from '../metadata/types.js';
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
  /** Rows matching Prisma `findMany` arguments (no `select`/`include`). */
  findMany(model: ModelMetadata, args: Row): Promise<Row[]>;
  /** Runs the plan atomically: all of it, or nothing. */
  commit(plan: FlushPlan): Promise<ExecutionResult>;
  /**
   * Locks rows by primary key until the unit's transaction ends (`SELECT ... FOR UPDATE`, in key
   * order). Only backends bound to an open transaction have it.
   */
  lock?(model: ModelMetadata, keys: readonly Row[]): Promise<void>;
}
