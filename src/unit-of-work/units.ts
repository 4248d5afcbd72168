import { UsageError } from '../errors.js';
import { commitOrder, type CommitOrder } from '../flush/commit-order.js';
import { strategyFor } from '../flush/strategies/index.js';
import type { FlushStrategyName } from '../flush/strategy.js';
import { compileSchema, type SchemaInfo } from '../metadata/model-info.js';
import type { UnitBackend } from './backend.js';
import { PrismaBackend, inTransaction, type PrismaClientLike, type TransactionOptions } from './prisma-backend.js';
import type { Repository } from './repository.js';
import type { DelegateName, ModelMap, Schema } from './types.js';
import { withRetry, type RetryOptions } from './retry.js';
import { UnitOfWorkCore, type UnitStatus } from './unit-of-work.js';

/** Factories of the application's own repositories, by the name they get on the unit. */
export type RepositoryFactories<M extends ModelMap> = Record<string, (uow: UnitOfWork<M>) => unknown>;

/** The `$`-members every unit has (named so they never clash with a model's repository). */
export interface UnitControls {
  /** `open`, `committing`, `committed` or `rolled back`. */
  readonly $status: UnitStatus;
  /** Writes every change in one transaction and ends the unit. `run` calls it for you. */
  $commit(): Promise<void>;
  /** Drops every change and ends the unit. `run` calls it when its function throws. */
  $rollback(): void;
}

/**
 * A unit of work: one repository per model (`uow.account`, `uow.ledgerEntry`), the application's
 * own repositories, and {@link UnitControls}.
 */
export type UnitOfWork<M extends ModelMap, R extends RepositoryFactories<M> = {}> = {
  readonly [N in keyof M & string as DelegateName<N>]: Repository<M, N>;
} & { readonly [K in keyof R]: ReturnType<R[K]> } & UnitControls;

/** Options of {@link createUnits}. */
export interface UnitsOptions<M extends ModelMap, R extends RepositoryFactories<M>> {
  /** A `PrismaClient` (any driver adapter) generated from the same schema as `schema`. */
  readonly prisma: PrismaClientLike;
  /** The `schema` export of the module the prisma-uow generator wrote. */
  readonly schema: Schema<M>;
  /** The application's repositories, created once per unit on first use. */
  readonly repositories?: R;
  /** How commits send their statements (default `bulk` where supported, else `grouped`). */
  readonly strategy?: FlushStrategyName;
  /** Options of the commit transaction. */
  readonly transaction?: TransactionOptions;
}

/** Per-unit options of {@link Units.run} and {@link Units.begin}. */
export interface UnitOptions {
  readonly strategy?: FlushStrategyName;
  readonly transaction?: TransactionOptions;
}

/** Options of {@link Units.run}. */
export interface RunOptions extends UnitOptions {
  /**
   * Run `fn` again, in a fresh unit, when the commit loses a race (conflict, serialization
   * failure, deadlock, SQLite busy). A number is the total attempts. Off unless given: `fn`
   * must then have no effects outside the unit.
   */
  readonly retry?: RetryOptions | number;
  /**
   * Run the whole unit (its reads, its locks and its commit) inside one interactive
   * transaction, so `get(key, { lock: 'update' })` and `find(args, { lock: 'update' })` can hold
   * row locks until the commit. Keep such units short: they hold a connection and locks
   * throughout. Default `false`: reads happen outside, the commit is one short transaction.
   */
  readonly interactive?: boolean;
}

const CORE = Symbol('prisma-uow core');

/** The machinery behind a unit object (for sibling modules). @internal */
export function coreOf(uow: object): UnitOfWorkCore {
  const core = (uow as { [CORE]?: UnitOfWorkCore })[CORE];
  if (!core) throw new UsageError('INVALID_ARGUMENT', 'Expected a unit of work created by createUnits().');
  return core;
}

/**
 * Creates units of work over one Prisma client. Keep one per application, like the client.
 *
 * @example
 * ```ts
 * import { PrismaClient } from './generated/prisma/client.js';
 * import { schema } from './generated/uow/index.js';
 *
 * const units = createUnits({ prisma: new PrismaClient({ adapter }), schema });
 * await units.run(async (uow) => {
 *   const sender = await uow.account.get(1);
 *   sender.balance = sender.balance.minus(25);
 * }); // one transaction writes the change here
 * ```
 */
export function createUnits<M extends ModelMap, R extends RepositoryFactories<M> = {}>(options: UnitsOptions<M, R>): Units<M, R> {
  const { prisma, schema } = options;
  const settings = (unit: UnitOptions) => ({
    strategy: strategyFor(unit.strategy ?? options.strategy, schema.provider),
    transaction: { ...options.transaction, ...unit.transaction },
  });
  return new Units(
    schema,
    options.repositories,
    (unit) => {
      const { strategy, transaction } = settings(unit);
      return new PrismaBackend(schema, prisma, strategy, transaction);
    },
    (unit, body) => {
      const { strategy, transaction } = settings(unit);
      return inTransaction(prisma, transaction, (tx) => body(new PrismaBackend(schema, prisma, strategy, transaction, tx)));
    },
  );
}

/** Makes the backend of one unit from the unit's options. @internal */
export type BackendFactory = (options: UnitOptions) => UnitBackend;

/** Runs `body` with a backend bound to one open transaction (interactive units). @internal */
export type TransactionRunner = <T>(options: UnitOptions, body: (backend: UnitBackend) => Promise<T>) => Promise<T>;

/** Opens units of work. Create it with {@link createUnits}. */
export class Units<M extends ModelMap, R extends RepositoryFactories<M> = {}> {
  private readonly models: SchemaInfo;
  private readonly order: CommitOrder;
  private readonly proto: object;

  /** @internal */
  constructor(
    schema: Schema<M>,
    private readonly repositories: R | undefined,
    private readonly backend: BackendFactory,
    private readonly transaction?: TransactionRunner,
  ) {
    this.models = compileSchema(schema);
    this.order = commitOrder(schema);
    this.proto = this.buildPrototype();
  }

  private buildPrototype(): object {
    const proto: Record<PropertyKey, unknown> = {};
    const cache = (uow: object, name: string, make: () => unknown): unknown => {
      const value = make();
      Object.defineProperty(uow, name, { value, enumerable: true });
      return value;
    };
    for (const info of this.models.values()) {
      Object.defineProperty(proto, info.meta.delegate, {
        get(this: object) {
          return cache(this, info.meta.delegate, () => coreOf(this).repository(info.name));
        },
      });
    }
    for (const [name, factory] of Object.entries(this.repositories ?? {})) {
      Object.defineProperty(proto, name, {
        get(this: UnitOfWork<M>) {
          return cache(this, name, () => factory(this));
        },
      });
    }
    Object.defineProperties(proto, {
      $status: { get(this: object) { return coreOf(this).status; } },
      $commit: { value(this: object) { return coreOf(this).commit(); } },
      $rollback: { value(this: object) { coreOf(this).rollback(); } },
    });
    return proto;
  }

  /**
   * Opens a unit you commit or roll back yourself (`$commit()` / `$rollback()`). Prefer
   * {@link Units.run}, which cannot forget either.
   */
  begin(options: UnitOptions = {}): UnitOfWork<M, R> {
    return this.open(this.backend(options));
  }

  private open(backend: UnitBackend): UnitOfWork<M, R> {
    const core = new UnitOfWorkCore({ backend, models: this.models, order: this.order });
    return Object.create(this.proto, { [CORE]: { value: core } }) as UnitOfWork<M, R>;
  }

  /**
   * Runs `fn` in a new unit and commits when it returns: every change in one transaction. When
   * `fn` throws, nothing is written and the error is rethrown. The value `fn` returns is
   * returned; tracked objects in it stay readable (with their committed values) but can no
   * longer be written. If `fn` calls `uow.$rollback()` itself, nothing is written and `run`
   * returns normally.
   *
   * With `retry`, a commit that loses a race runs `fn` again in a fresh unit (bounded attempts,
   * jittered exponential backoff), then throws the last error.
   *
   * @example
   * ```ts
   * const receipt = await units.run(async (uow) => transfer(uow, { fromId: 1, toId: 2, amount: 25 }));
   * await units.run((uow) => transfer(uow, request), { retry: { attempts: 8, onRetry: () => retries++ } });
   * ```
   */
  async run<T>(fn: (uow: UnitOfWork<M, R>) => Promise<T> | T, options: RunOptions = {}): Promise<T> {
    const { retry } = options;
    if (retry === undefined) return this.runOnce(fn, options);
    return withRetry(() => this.runOnce(fn, options), typeof retry === 'number' ? { attempts: retry } : retry);
  }

  private async runOnce<T>(fn: (uow: UnitOfWork<M, R>) => Promise<T> | T, options: RunOptions): Promise<T> {
    if (options.interactive) {
      if (!this.transaction) throw new UsageError('INVALID_ARGUMENT', 'This kind of unit cannot run interactively.');
      return this.transaction(options, (backend) => this.runIn(this.open(backend), fn));
    }
    return this.runIn(this.begin(options), fn);
  }

  private async runIn<T>(uow: UnitOfWork<M, R>, fn: (uow: UnitOfWork<M, R>) => Promise<T> | T): Promise<T> {
    let result: T;
    try {
      result = await fn(uow);
    } catch (error) {
      uow.$rollback();
      throw error;
    }
    if (uow.$status === 'open') await uow.$commit(); // fn may have rolled back on purpose
    return result;
  }
}
