/**
 * prisma-uow: the Unit of Work pattern for Prisma ORM 7.
 *
 * @example
 * ```ts
 * import { createUnits } from 'prisma-uow';
 * const units = createUnits({ prisma, schema });
 * await units.run(async (uow) => {
 *   const account = await uow.account.get(1);
 *   account.balance = account.balance.minus(10);
 * });
 * ```
 * @module
 */
export {
  AfterCommitError,
  CommitOutcomeUnknownError,
  ConcurrencyConflictError,
  DatabaseError,
  DeltaBoundError,
  EntityNotFoundError,
  UnitClosedError,
  UnitOfWorkError,
  UsageError,
  type ConflictingRow,
  type ErrorContext,
  type KeyValue,
  type UsageErrorCode,
} from './errors.js';
export { classifyDatabaseError, type DatabaseErrorKind } from './database-errors.js';
export type { FlushLogEntry } from './flush/strategies/logging.js';
export type { FlushStrategyName } from './flush/strategy.js';
export type {
  DeltaMetadata,
  FieldDefaultKind,
  FieldMetadata,
  ModelMetadata,
  Provider,
  ReferentialAction,
  RelationMetadata,
  ScalarKind,
  SchemaMetadata,
} from './metadata/types.js';
export { DEFAULT_TRANSACTION_OPTIONS, type PrismaClientLike, type TransactionOptions } from './unit-of-work/prisma-backend.js';
export { Repository } from './unit-of-work/repository.js';
export { isRetryableError, type RetryOptions } from './unit-of-work/retry.js';
export {
  defineSchema,
  type AddInput,
  type ClassMap,
  type EntityOf,
  type InputValue,
  type Entity,
  type FindArgs,
  type KeyInput,
  type ModelMap,
  type ModelTypes,
  type Schema,
} from './unit-of-work/types.js';
export type { CommitPreview, LoadOptions, ReadOptions, UnitStatus } from './unit-of-work/unit-of-work.js';
export { createUnits, type UnitsOptions } from './unit-of-work/create-units.js';
export { describeChanges, type ChangeList, type FieldChanges, type RowChange } from './unit-of-work/changes.js';
export { HookError, type UnitHooks } from './unit-of-work/hooks.js';
export { Units, type AsyncContextOption } from './unit-of-work/units.js';
export type { AnyRepositoryFactories, RepositoryFactories, RunOptions, UnitControls, UnitOfWork, UnitOptions } from './unit-of-work/unit-types.js';
export { createMemoryUnits, type MemoryUnits, type MemoryUnitsOptions } from './memory/create-memory-units.js';
export {
  MemoryStore,
  type FixtureChanges,
  type FixtureRow,
  type FixtureValue,
  type Fixtures,
  type MemoryStoreOptions,
  type Snapshot,
} from './memory/memory-store.js';
export { MemoryStoreError, type MemoryErrorCode } from './memory/store-error.js';
export { QueryNotEvaluableError } from './query/not-evaluable.js';
export type { DefaultLiteral, FieldDefaultValue } from './metadata/types.js';
