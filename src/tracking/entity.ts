import { JsonNull } from '@prisma/client/runtime/client';
import { Immer, current, enablePatches, freeze, isDraft, isDraftable, type Draft, type Patch } from 'immer';
import { UnitClosedError, UsageError, describeRow } from '../errors.js';
import type { ModelInfo } from '../metadata/model-info.js';
import { keyValueOf } from './keys.js';
import { checkValue } from './validate.js';
import { cloneLeaf, isMutableLeaf, valuesEqual } from './values.js';

/**
 * Tracked objects. Every row a unit hands out is a `Proxy` over an {@link EntityState}: reads come
 * from the loaded snapshot (frozen, never written), assignments go to a copy-on-write overlay,
 * and nested values (`Json`, lists) are handed out as immer drafts, whose patches say whether
 * they changed. At commit, assigned and patched fields are compared by value with the snapshot:
 * what differs is the change set. Objects never written cost nothing, and tracking state lives in
 * the state object, never on the user's object.
 *
 * Why not one immer draft per row: the top level of a row is a flat record, where an overlay is
 * all copy-on-write needs; measured at 10,000 changed rows, per-row drafts doubled the commit's
 * CPU time (finalising, patch generation, garbage). immer does the part it is built for: nested
 * values, structural sharing, patches.
 *
 * @module
 */

enablePatches();
/**
 * A private immer instance, so the application's own immer settings are untouched. Results are
 * not frozen by immer: the unit freezes each snapshot once, after adding committed values.
 */
const immer = new Immer({ autoFreeze: false });

/** A row's values by field name (used by other modules' declarations, so not stripped). */
export type Row = Record<string, unknown>;

/** Lifecycle of a tracked object within its unit. */
export type EntityStatus = 'managed' | 'new' | 'removed';

/** What an entity needs from the unit that owns it. @internal */
export interface EntityHost {
  /** `undefined` while the unit is open; why it ended otherwise. */
  readonly endedBy: 'commit' | 'rollback' | undefined;
  markDirty(state: EntityState): void;
  /** The state behind a tracked object of this unit, if `value` is one. */
  stateOf(value: unknown): EntityState | undefined;
}

let nextId = 1;

/**
 * Freezes the nested values (`Json`, lists) of a committed snapshot deeply, so that objects read
 * from a tracked row after its unit ended cannot change the snapshot. The row itself needs no
 * freezing: it is only reachable through the tracked object's proxy, which never writes to it.
 * A `Prisma.JsonNull` written becomes `null`, as Prisma reads a JSON null back.
 *
 * @internal
 */
export function sealSnapshot(info: ModelInfo, row: Row): Row {
  for (const name of info.nestedFields) {
    const value = row[name];
    if (value === JsonNull) row[name] = null;
    else if (value !== null && typeof value === 'object') freeze(value, true);
  }
  return row;
}

/** @internal */
export class EntityState {
  readonly id = nextId++;
  /** The values as loaded (or as last committed): the snapshot changes are compared with. */
  base: Row;
  /**
   * Top-level values assigned since the snapshot (and copies of `Date`/`Bytes` values handed out,
   * so that changes made to them in place are seen). A flat record needs no more than this
   * copy-on-write overlay.
   */
  changes: Row | undefined = undefined;
  /** immer drafts of nested values (`Json` objects, lists) that were read, by field. */
  nested: Map<string, Draft<object>> | undefined = undefined;
  /** Relation fields set to other tracked objects (`child.parent = node`), by relation name. */
  refs: Map<string, EntityState> | undefined = undefined;
  status: EntityStatus;
  /**
   * A reference (`uow.account.ref(7)`): only the primary key is known, nothing was loaded. Its
   * other fields cannot be read or written until a read of the row fills the snapshot.
   */
  reference = false;
  /** Identity-map key; `undefined` for new objects whose key the database generates. */
  identity: string | undefined;
  readonly proxy: Row;

  constructor(
    readonly info: ModelInfo,
    readonly host: EntityHost,
    base: Row,
    status: EntityStatus,
    identity: string | undefined,
  ) {
    this.base = base;
    this.status = status;
    this.identity = identity;
    this.proxy = new Proxy(this, handler) as unknown as Row;
  }

  /** The primary key as users write it (`7`, or `{ groupId, userName }`). */
  get key(): unknown {
    return keyValueOf(this.info.meta, this.changes ? { ...this.base, ...this.changes } : this.base);
  }

  describe(): string {
    return describeRow(this.info.name, this.status === 'new' && this.identity === undefined ? undefined : this.key);
  }

  /** Whether the object has anything that may differ from its snapshot. */
  get touched(): boolean {
    return this.changes !== undefined || this.nested !== undefined || this.refs !== undefined;
  }

  private change(name: string, value: unknown): void {
    if (!this.touched) this.host.markDirty(this);
    (this.changes ??= {})[name] = value;
  }

  read(name: string): unknown {
    const changes = this.changes;
    if (changes !== undefined && name in changes) return changes[name];
    const draft = this.nested?.get(name);
    if (draft !== undefined) return draft;
    const value = this.base[name];
    if (value === undefined && this.reference) throw this.notLoaded(name);
    if (value === null || typeof value !== 'object' || this.host.endedBy !== undefined) return value;
    if (isMutableLeaf(value)) {
      // Hand out a copy: the snapshot stays intact, and an in-place change shows at commit.
      const copy = cloneLeaf(value);
      this.change(name, copy);
      return copy;
    }
    if (!isDraftable(value)) return value;
    if (!this.touched) this.host.markDirty(this);
    const nestedDraft = immer.createDraft(value as object);
    (this.nested ??= new Map()).set(name, nestedDraft);
    return nestedDraft;
  }

  private notLoaded(name: string): UsageError {
    return new UsageError(
      'NOT_LOADED',
      `${this.describe()}.${name} was not loaded: the object is a reference (ref()), which knows only its primary key. Load the row with get() to read or change its fields.`,
      { model: this.info.name, key: this.key, field: name },
    );
  }

  /** Current values of all fields (a plain object). */
  current(): Row {
    if (!this.changes && !this.nested) return this.base;
    const out: Row = { ...this.base, ...this.changes };
    if (this.nested) for (const [name, draft] of this.nested) out[name] = current(draft);
    return out;
  }

  /**
   * Ends tracking of the current changes: returns the new values and, in `changed`, the fields
   * whose value really changed with their new values (assigned or patched, then compared by
   * value with the snapshot, so writing back the loaded value is no change; `undefined` when
   * none did). Objects never touched cost nothing.
   */
  finish(): { values: Row; changed: Row | undefined } {
    const result = this.collect(true);
    this.changes = undefined;
    this.nested = undefined;
    return result;
  }

  /** Like {@link finish}, but leaves the changes in place: what a commit would write now (for previews). */
  peek(): { values: Row; changed: Row | undefined } {
    return this.collect(false);
  }

  /** Drops the changes (rollback); the object shows its snapshot again. */
  discard(): void {
    this.changes = undefined;
    this.nested = undefined;
  }

  private collect(finishDrafts: boolean): { values: Row; changed: Row | undefined } {
    const { changes, nested, base } = this;
    if (!changes && !nested) return { values: base, changed: undefined };
    const values: Row = { ...base };
    let changed: Row | undefined;
    if (changes) {
      let unchanged = false;
      for (const name in changes) {
        values[name] = changes[name];
        if (valuesEqual(this.info.fields.get(name)!, changes[name], base[name])) unchanged = true;
      }
      // Finishing, the overlay is dropped: when every value in it changed, it is the changed
      // fields as they are (no copy per row of a large commit).
      if (finishDrafts && !unchanged) changed = changes;
      else {
        for (const name in changes) {
          const value = changes[name];
          if (!valuesEqual(this.info.fields.get(name)!, value, base[name])) (changed ??= {})[name] = value;
        }
      }
    }
    if (nested) {
      for (const [name, draft] of nested) {
        let patched = false;
        const value = finishDrafts
          ? immer.finishDraft(draft, (patches: Patch[]) => {
              patched = patches.length > 0;
            })
          : current(draft);
        values[name] = value;
        if ((patched || !finishDrafts) && !valuesEqual(this.info.fields.get(name)!, value, base[name])) (changed ??= {})[name] = value;
      }
    }
    return { values, changed };
  }

  write(name: string, value: unknown, receiver: unknown): boolean {
    const field = this.info.fields.get(name);
    if (this.host.endedBy !== undefined) {
      const how = this.host.endedBy === 'commit' ? 'committed' : 'rolled back';
      throw new UnitClosedError(
        `${this.describe()}.${name} cannot be written: its unit of work has ended (${how}). Load the row in a new unit to change it.`,
        { model: this.info.name, key: this.key, field: name },
      );
    }
    if (this.status === 'removed') {
      throw new UsageError('NOT_TRACKED', `${this.describe()}.${name} cannot be written: the object was removed in this unit.`, {
        model: this.info.name,
        key: this.key,
        field: name,
      });
    }
    if (!field) {
      const relation = this.info.relations.get(name);
      if (relation) return this.link(name, value);
      if (this.info.prototype && Reflect.has(this.info.prototype, name)) return Reflect.set(this.info.prototype, name, value, receiver);
      throw new UsageError('UNKNOWN_FIELD', `${this.info.name} has no field '${name}'.`, {
        model: this.info.name,
        key: this.key,
        field: name,
      });
    }
    if (this.reference) throw this.notLoaded(name);
    value = checkValue(this.info.name, this.status === 'new' && this.identity === undefined ? undefined : this.key, field, value, this.info.provider);
    if (this.info.primaryKeySet.has(name) && this.identity !== undefined && !valuesEqual(field, value, this.read(name))) {
      throw new UsageError(
        'PRIMARY_KEY_CHANGED',
        `${this.describe()}.${name} is part of the primary key and cannot be changed; remove the object and add a new one instead.`,
        { model: this.info.name, key: this.key, field: name },
      );
    }
    if (name === this.info.versionField && this.status === 'managed') {
      throw new UsageError(
        'INVALID_ARGUMENT',
        `${this.describe()}.${name} is the version field; the unit increments it on every update, do not set it.`,
        { model: this.info.name, key: this.key, field: name },
      );
    }
    this.nested?.delete(name);
    this.change(name, isDraft(value) ? current(value as object) : value);
    return true;
  }

  /** `child.parent = node`: remembers the link; the foreign key is taken from `node` at commit. */
  private link(name: string, value: unknown): boolean {
    const relation = this.info.relations.get(name)!;
    if (value === null) {
      if (!relation.isOptional) {
        throw new UsageError('INVALID_VALUE', `${this.describe()}.${name} is a required relation and cannot be null.`, {
          model: this.info.name,
          key: this.key,
          field: name,
        });
      }
      this.refs?.delete(name);
      for (const fk of relation.fields) this.write(fk, null, undefined);
      return true;
    }
    const target = this.host.stateOf(value);
    if (!target) {
      throw new UsageError(
        'NOT_TRACKED',
        `${this.describe()}.${name} must be set to a ${relation.target} object loaded or added in this unit.`,
        { model: this.info.name, key: this.key, field: name },
      );
    }
    if (target.info.name !== relation.target) {
      throw new UsageError('WRONG_MODEL', `${this.describe()}.${name} expects a ${relation.target}, got a ${target.info.name}.`, {
        model: this.info.name,
        key: this.key,
        field: name,
      });
    }
    if (!this.touched) this.host.markDirty(this);
    (this.refs ??= new Map()).set(name, target);
    return true;
  }
}

const objectProto = Object.prototype;

/** Proxy traps shared by every tracked object; the proxy target is its {@link EntityState}. */
const handler: ProxyHandler<EntityState> = {
  get(state, prop, receiver) {
    if (typeof prop === 'string') {
      if (state.info.fields.has(prop)) return state.read(prop);
      const ref = state.refs?.get(prop);
      if (ref) return ref.proxy;
    }
    return Reflect.get(state.info.prototype ?? objectProto, prop, receiver);
  },
  set(state, prop, value, receiver) {
    if (typeof prop !== 'string') {
      throw new UsageError('UNKNOWN_FIELD', `${state.info.name} objects cannot hold symbol properties.`, { model: state.info.name });
    }
    return state.write(prop, value, receiver);
  },
  has(state, prop) {
    return typeof prop === 'string' && state.info.fields.has(prop) ? true : Reflect.has(state.info.prototype ?? objectProto, prop);
  },
  ownKeys(state) {
    return [...state.info.fieldNames];
  },
  getOwnPropertyDescriptor(state, prop) {
    if (typeof prop !== 'string' || !state.info.fields.has(prop)) return undefined;
    return { value: state.read(prop), writable: true, enumerable: true, configurable: true };
  },
  deleteProperty(state, prop) {
    throw new UsageError('INVALID_VALUE', `${state.describe()}.${String(prop)} cannot be deleted; set it to null instead.`, {
      model: state.info.name,
      field: String(prop),
    });
  },
  defineProperty(state, prop) {
    throw new UsageError('UNKNOWN_FIELD', `${state.describe()}: properties cannot be defined on tracked objects ('${String(prop)}').`, {
      model: state.info.name,
      field: String(prop),
    });
  },
  getPrototypeOf(state) {
    return state.info.prototype ?? objectProto;
  },
};

/** `console.log(account)` shows the current values (Node inspects the proxy target). */
Object.defineProperty(EntityState.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: EntityState, _depth: number, options: object, inspect: (v: unknown, o: object) => string) {
    return `${this.info.name} ${inspect(this.current(), options)}`;
  },
});
