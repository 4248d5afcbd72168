import type { EntityState } from './entity.js';

/**
 * One tracked object per (model, primary key) per unit. Objects whose key the database will
 * generate are kept aside until the commit gives them one.
 *
 * @internal
 */
export class IdentityMap {
  private readonly byModel = new Map<string, Map<string, EntityState>>();
  /** Every tracked object in the order it entered the unit. */
  readonly all: EntityState[] = [];

  get(model: string, identity: string): EntityState | undefined {
    return this.byModel.get(model)?.get(identity);
  }

  /** Tracks `state`; registers it under its identity when it has one. */
  add(state: EntityState): void {
    this.all.push(state);
    if (state.identity !== undefined) this.register(state);
  }

  /** (Re-)registers `state` under its current identity (after the database generated its key). */
  register(state: EntityState): void {
    const identity = state.identity;
    if (identity === undefined) return;
    let models = this.byModel.get(state.info.name);
    if (!models) this.byModel.set(state.info.name, (models = new Map()));
    models.set(identity, state);
  }

  /** Forgets a new object that was removed before it was ever written. */
  forget(state: EntityState): void {
    if (state.identity !== undefined) this.byModel.get(state.info.name)?.delete(state.identity);
    const at = this.all.indexOf(state);
    if (at >= 0) this.all.splice(at, 1);
  }

  get size(): number {
    return this.all.length;
  }
}
