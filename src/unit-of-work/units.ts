import { AsyncLocalStorage } from 'node:async_hooks';
import { UnitClosedError, UsageError } from '../errors.js';
import { commitOrder, type CommitOrder } from '../flush/commit-order.js';
import { compileSchema, type SchemaInfo } from '../metadata/model-info.js';
import type { UnitBackend } from './backend.js';
import { HookSet, type UnitHooks } from './hooks.js';
import { withRetry } from './retry.js';
import type { ClassMap, ModelMap, Schema } from './types.js';
import { UnitOfWorkCore } from './unit-of-work.js';
import type { AnyRepositoryFactories, RunOptions, UnitOfWork, UnitOptions } from './unit-types.js';

/** Makes the backend of one unit from the unit's options. @internal */
export type BackendFactory = (options: UnitOptions) => UnitBackend;

/** Runs `body` with a backend bound to one open transaction (interactive units). @internal */
export type TransactionRunner = <T>(options: UnitOptions, body: (backend: UnitBackend) => Promise<T>) => Promise<T>;

/** How a factory of units is put together (by `createUnits` or `createMemoryUnits`). @internal */
export interface UnitsConfig<M extends ModelMap, R extends AnyRepositoryFactories, C extends ClassMap<M> = {}> {
  readonly schema: Schema<M>;
  /** Domain classes whose methods and accessors tracked objects of each model get. */
  readonly classes?: C | undefined;
  readonly repositories?: R | undefined;
  readonly backend: BackendFactory;
  readonly transaction?: TransactionRunner | undefined;
  readonly hooks?: UnitHooks<M> | undefined;
  /** See {@link AsyncContextOption.asyncContext} (default true). */
  readonly asyncContext?: boolean | undefined;
}

/** The option of `createUnits` and `createMemoryUnits` that turns the async context off. */
export interface AsyncContextOption {
  /**
   * Whether `run` makes its unit the current one of its async call chain (default `true`):
   * {@link Units.current} finds it anywhere down the call stack, and a `run` inside another
   * `run` of the same factory joins the outer unit. Both rest on Node's `AsyncLocalStorage`,
   * which on Node 20 and 22 makes every promise of the process pay for async hooks once it is
   * in use (Prisma Client creates many per statement): bench/results/async-context.md measures
   * what it costs a hand-written Prisma transfer in the same process, and what turning it off
   * saves a unit. Node 24 propagates the context without hooks.
   *
   * With `false` no hook is installed; `current()` and `active` throw a {@link UsageError}
   * (`NO_ASYNC_CONTEXT`), and a `run` inside another `run` is a unit of its own that commits by
   * itself, whatever happens to the outer one. Turn it off only where units are passed down
   * explicitly and never nested.
   *
   * @example
   * ```ts
   * const units = createUnits({ prisma, schema, asyncContext: false });
   * await units.run((uow) => transfer(uow, request)); // transfer gets the unit as a parameter
   * ```
   */
  readonly asyncContext?: boolean;
}

const CORE = Symbol('prisma-uow core');

type Hook<K extends keyof UnitHooks<ModelMap>> = NonNullable<UnitHooks<ModelMap>[K]>;

/** The machinery behind a unit object (for sibling modules). @internal */
export function coreOf(uow: object): UnitOfWorkCore {
  const core = (uow as { [CORE]?: UnitOfWorkCore })[CORE];
  if (!core) throw new UsageError('INVALID_ARGUMENT', 'Expected a unit of work created by createUnits().');
  return core;
}

/**
 * Opens units of work. Create it with `createUnits` (Prisma) or `createMemoryUnits` (tests).
 *
 * Inside `run`, the unit is also reachable from anywhere down the call stack through
 * {@link Units.current} (AsyncLocalStorage), and a nested `run` joins it.
 */
export class Units<M extends ModelMap, R extends AnyRepositoryFactories = {}, in out C extends ClassMap<M> = {}> {
  private readonly models: SchemaInfo;
  private readonly order: CommitOrder;
  private readonly proto: object;
  private readonly hooks = new HookSet<ModelMap>();
  /**
   * The unit of the innermost `run` (typed loosely: unit types are too large to infer here);
   * none with `asyncContext: false`.
   */
  private readonly scope: AsyncLocalStorage<object> | undefined;

  /** @internal */
  constructor(private readonly config: UnitsConfig<M, R, C>) {
    this.scope = config.asyncContext === false ? undefined : new AsyncLocalStorage<object>();
    this.models = compileSchema(config.schema, config.classes as Record<string, abstract new (...args: never[]) => object> | undefined);
    this.order = commitOrder(config.schema);
    this.proto = this.buildPrototype();
    if (config.hooks) this.hooks.add(config.hooks as UnitHooks<ModelMap>);
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
    for (const [name, factory] of Object.entries(this.config.repositories ?? {})) {
      Object.defineProperty(proto, name, {
        get(this: UnitOfWork<M, {}, C>) {
          return cache(this, name, () => (factory as (uow: UnitOfWork<M, {}, C>) => unknown)(this));
        },
      });
    }
    const core = (uow: object) => coreOf(uow);
    Object.defineProperties(proto, {
      $status: { get(this: object) { return core(this).status; } },
      $commit: { value(this: object) { return core(this).commit(); } },
      $rollback: { value(this: object) { return core(this).rollback(); } },
      $preview: { value(this: object) { return core(this).preview(); } },
      $flush: { value(this: object) { return core(this).flushPending(); } },
      $check: { value(this: object, entity: object) { core(this).check(entity); } },
      $beforeFlush: { value(this: object, hook: Hook<'beforeFlush'>) { core(this).hooks.add({ beforeFlush: hook }); } },
      $afterCommit: { value(this: object, hook: Hook<'afterCommit'>) { core(this).hooks.add({ afterCommit: hook }); } },
      $afterRollback: { value(this: object, hook: Hook<'afterRollback'>) { core(this).hooks.add({ afterRollback: hook }); } },
    });
    return proto;
  }

  /**
   * Opens a unit you commit or roll back yourself (`$commit()` / `$rollback()`). Prefer
   * {@link Units.run}, which cannot forget either, and which makes the unit the current one.
   */
  begin(options: UnitOptions = {}): UnitOfWork<M, R, C> {
    return this.open(this.config.backend(options), false, options);
  }

  private open(backend: UnitBackend, deferred = false, options: RunOptions = {}): UnitOfWork<M, R, C> {
    const { autoflush = true, checkReads = false } = options;
    const core = new UnitOfWorkCore({ backend, models: this.models, order: this.order, hooks: this.hooks, deferred, autoflush, checkReads });
    return Object.create(this.proto, { [CORE]: { value: core } }) as UnitOfWork<M, R, C>;
  }

  /**
   * The unit of the innermost `run` in progress on this async call chain.
   * Throws a {@link UsageError} (`NO_ACTIVE_UNIT`) outside any `run`.
   *
   * @example
   * ```ts
   * // deep in a request handler's call stack, no unit passed by hand:
   * const account = await units.current().account.get(id);
   * ```
   */
  current(): UnitOfWork<M, R, C> {
    const uow = this.context().getStore() as UnitOfWork<M, R, C> | undefined;
    if (!uow) {
      throw new UsageError('NO_ACTIVE_UNIT', 'No unit of work is active here: call this inside units.run(...) (or pass the unit explicitly).');
    }
    return uow;
  }

  /** The current unit, or `undefined` outside any `run`. */
  get active(): UnitOfWork<M, R, C> | undefined {
    return this.context().getStore() as UnitOfWork<M, R, C> | undefined;
  }

  private context(): AsyncLocalStorage<object> {
    if (this.scope) return this.scope;
    throw new UsageError(
      'NO_ASYNC_CONTEXT',
      'These units were created with asyncContext: false, so no unit is current anywhere: pass the unit down explicitly (or create the units without that option).',
    );
  }

  /**
   * Runs `fn` in a new unit and commits when it returns: every change in one transaction. When
   * `fn` throws, nothing is written and the error is rethrown. The value `fn` returns is
   * returned; tracked objects in it stay readable (with their committed values) but can no
   * longer be written. If `fn` calls `uow.$rollback()` itself, nothing is written and `run`
   * returns normally.
   *
   * A `run` inside another `run` of the same factory (directly or anywhere down its call stack)
   * joins the outer unit: it gets the same unit, and the outer `run` commits. If the inner
   * function throws, the whole unit is rolled back (no partial success), and the outer `run`
   * fails even if the error was caught in between. Options of a joining `run` are ignored.
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
  async run<T>(fn: (uow: UnitOfWork<M, R, C>) => Promise<T> | T, options: RunOptions = {}): Promise<T> {
    const outer = this.scope?.getStore();
    if (outer && coreOf(outer).status === 'open') {
      // Join the outer unit: same unit, the outer run commits; a failure here rolls it all back.
      try {
        return await fn(outer as never);
      } catch (error) {
        await coreOf(outer).rollback(error);
        throw error;
      }
    }
    const { retry } = options;
    if (retry === undefined) return this.runOnce<T>(fn, options);
    return withRetry(() => this.runOnce<T>(fn, options), typeof retry === 'number' ? { attempts: retry } : retry);
  }

  private async runOnce<T>(fn: (uow: UnitOfWork<M, R, C>) => Promise<T> | T, options: RunOptions): Promise<T> {
    if (!options.interactive) return this.runIn<T>(this.begin(options), fn);
    const transaction = this.config.transaction;
    if (!transaction) throw new UsageError('INVALID_ARGUMENT', 'This kind of unit cannot run interactively.');
    let core: UnitOfWorkCore | undefined;
    let result: T;
    try {
      result = await transaction(options, (backend) => {
        const uow = this.open(backend, true, options);
        core = coreOf(uow);
        return this.runIn<T>(uow, fn);
      });
    } catch (error) {
      // The transaction did not commit (COMMIT failed, or was never reached): neither did the unit.
      await core?.rollback(error);
      throw error;
    }
    // The transaction committed: only now is the unit committed (objects, after-commit hooks).
    await core!.transactionCommitted();
    return result;
  }

  private async runIn<T>(uow: UnitOfWork<M, R, C>, fn: (uow: UnitOfWork<M, R, C>) => Promise<T> | T): Promise<T> {
    let result: T;
    try {
      result = this.scope ? await this.scope.run(uow, () => fn(uow)) : await fn(uow);
    } catch (error) {
      await coreOf(uow).rollback(error);
      throw error;
    }
    const core = coreOf(uow);
    if (core.status === 'open') await core.commit();
    else if (core.status === 'rolled back' && core.rollbackReason !== undefined) {
      // A nested run failed and rolled the unit back; the error was caught on the way out.
      const reason = core.rollbackReason;
      throw new UnitClosedError(
        `The unit of work was rolled back because a nested run failed (${reason instanceof Error ? reason.message : String(reason)}); nothing was written.`,
        { cause: reason },
      );
    }
    return result;
  }
}

export type { AnyRepositoryFactories, RepositoryFactories, RunOptions, UnitControls, UnitOfWork, UnitOptions } from './unit-types.js';
