import { UnitOfWorkError } from '../errors.js';
import type { ChangeList } from './changes.js';
import type { ModelMap } from './types.js';

/**
 * Hooks: code that runs at the edges of a commit. `beforeFlush` sees what is about to be written
 * and may throw to abort (nothing is written); `afterCommit` runs only once the transaction has
 * committed (send the e-mail, publish the event); `afterRollback` runs when the unit ended
 * without writing.
 *
 * @module
 */

/** The hooks of a unit (or of every unit of a factory). */
export interface UnitHooks<M extends ModelMap> {
  /** Before anything is written, with the changes the commit is about to write. Throw to abort. */
  beforeFlush?: (changes: ChangeList<M>) => void | Promise<void>;
  /** After the transaction committed, with what was written (generated keys included). */
  afterCommit?: (changes: ChangeList<M>) => void | Promise<void>;
  /** After the unit ended without writing: `error` is why (`undefined` for an explicit `$rollback()`). */
  afterRollback?: (error: unknown) => void | Promise<void>;
}

/** A hook that runs after the outcome was settled threw. `committed` says which outcome. */
export class HookError extends UnitOfWorkError {
  override name = 'HookError';
  /** Whether the unit's changes were committed (an `afterCommit` hook failed) or not. */
  readonly committed: boolean;
  /** The error the unit ended with, for a failing `afterRollback` hook. */
  readonly error: unknown;

  constructor(phase: 'afterCommit' | 'afterRollback', cause: unknown, error?: unknown) {
    const what = phase === 'afterCommit' ? 'The unit was committed, but an afterCommit hook failed' : 'The unit was rolled back and an afterRollback hook failed';
    super(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.committed = phase === 'afterCommit';
    this.error = error;
  }
}

/** The hooks registered on one unit, in registration order. @internal */
export class HookSet<M extends ModelMap> {
  private readonly list: UnitHooks<M>[] = [];

  add(hooks: UnitHooks<M>): void {
    this.list.push(hooks);
  }

  /** A new set with the same hooks (a unit starts from its factory's). */
  copy(): HookSet<M> {
    const out = new HookSet<M>();
    out.list.push(...this.list);
    return out;
  }

  get size(): number {
    return this.list.length;
  }

  /** Whether any hook of this kind is registered (so callers can skip describing changes). */
  has(kind: keyof UnitHooks<M>): boolean {
    return this.list.some((hooks) => hooks[kind] !== undefined);
  }

  /** Runs every `beforeFlush`; the first throw aborts the commit. */
  async beforeFlush(changes: ChangeList<M>): Promise<void> {
    for (const hooks of this.list) await hooks.beforeFlush?.(changes);
  }

  /** Runs every `afterCommit`, all of them even if one throws; returns the first failure. */
  async afterCommit(changes: ChangeList<M>): Promise<HookError | undefined> {
    let failure: HookError | undefined;
    for (const hooks of this.list) {
      try {
        await hooks.afterCommit?.(changes);
      } catch (error) {
        failure ??= new HookError('afterCommit', error);
      }
    }
    return failure;
  }

  /** Runs every `afterRollback`, all of them even if one throws; returns the first failure. */
  async afterRollback(reason: unknown): Promise<HookError | undefined> {
    let failure: HookError | undefined;
    for (const hooks of this.list) {
      try {
        await hooks.afterRollback?.(reason);
      } catch (error) {
        failure ??= new HookError('afterRollback', error, reason);
      }
    }
    return failure;
  }
}
