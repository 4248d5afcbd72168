import { UsageError } from '../errors.js';
import type { FieldMetadata, ModelMetadata, ScalarKind } from '../metadata/types.js';
import type { Row } from '../tracking/entity.js';
import { jsonEqual, scalarEqual, valuesEqual } from '../tracking/values.js';
import { compareScalars, isPlainObject, normalizeValue } from './scalars.js';
import { MemoryStoreError } from '../memory/store-error.js';
import { unsupported } from './not-evaluable.js';

/** Scalar kinds whose equality (`scalarEqual`, `same`) is `===`: `in` lists of them are looked up in a Set. */
const STRICT_EQUALITY: ReadonlySet<ScalarKind> = new Set<ScalarKind>(['String', 'Int', 'Boolean', 'Enum']);

/**
 * The filters of one field (`{ balance: { gte: 10 } }`, `{ tags: { has: 'x' } }`) compiled into
 * conditions with SQL's three-valued logic: a comparison with a null field is unknown (`null`),
 * `NOT unknown` stays unknown, and only `true` selects a row.
 *
 * @internal
 * @module
 */

/** `true`, `false`, or `null` for SQL's unknown. */
export type Truth = boolean | null;
/** A compiled condition over one stored row. */
export type Condition = (row: Readonly<Row>) => Truth;

const always: Condition = () => true;
const never: Condition = () => false;

/** True when every condition is; false when one is false; unknown otherwise. */
export function and(conditions: readonly Condition[]): Condition {
  if (conditions.length === 0) return always;
  if (conditions.length === 1) return conditions[0]!;
  return (row) => {
    let unknown = false;
    for (const c of conditions) {
      const t = c(row);
      if (t === false) return false;
      if (t === null) unknown = true;
    }
    return unknown ? null : true;
  };
}

/** True when one condition is; false when every one is false; unknown otherwise. */
export function or(conditions: readonly Condition[]): Condition {
  if (conditions.length === 0) return never;
  return (row) => {
    let unknown = false;
    for (const c of conditions) {
      const t = c(row);
      if (t === true) return true;
      if (t === null) unknown = true;
    }
    return unknown ? null : false;
  };
}

/** The negation; unknown stays unknown. */
export function not(condition: Condition): Condition {
  return (row) => {
    const t = condition(row);
    return t === null ? null : !t;
  };
}

function isFieldRef(value: unknown): boolean {
  return value !== null && typeof value === 'object' && 'modelName' in value && 'typeName' in value;
}

const ORDERED = new Set(['String', 'Int', 'Float', 'BigInt', 'Decimal', 'DateTime']);

/**
 * Compiles the filters of one field into a {@link Condition}. Filter values are checked and
 * normalized once (a number given for a Decimal becomes a Decimal), so a wrong value fails
 * with a {@link UsageError} before any row is read.
 *
 * @example
 * ```ts
 * const condition = new FieldFilter(account, balanceField).compile({ gte: 10, not: 20 });
 * condition(row); // true, false, or null when balance is null
 * ```
 */
export class FieldFilter {
  private readonly scalar: FieldMetadata;

  constructor(
    private readonly model: ModelMetadata,
    private readonly field: FieldMetadata,
  ) {
    this.scalar = field.isList ? { ...field, isList: false } : field;
  }

  private invalid(op: string, message: string): UsageError {
    return new UsageError('INVALID_ARGUMENT', `${this.model.name}.${this.field.name} filter '${op}': ${message}.`, {
      model: this.model.name,
      field: this.field.name,
    });
  }

  /** A filter value in the form the store keeps values in (a `Decimal`, a `Date`, ...). */
  private operand(op: string, value: unknown): unknown {
    if (isFieldRef(value)) throw unsupported(this.model, `comparing ${this.field.name} with another field ('${op}')`, this.field.name);
    if (value === null || value === undefined) throw this.invalid(op, `needs a value, got ${String(value)}`);
    try {
      return normalizeValue(this.model, this.scalar, value);
    } catch (error) {
      if (error instanceof MemoryStoreError) throw this.invalid(op, error.message);
      throw error;
    }
  }

  private list(op: string, value: unknown): unknown[] {
    return (Array.isArray(value) ? value : [value]).map((v) => this.operand(op, v));
  }

  compile(value: unknown): Condition {
    if (this.field.isList) return this.listFilter(isPlainObject(value) ? value : { equals: value });
    if (this.field.kind === 'Json') {
      if (!isPlainObject(value)) throw this.invalid('equals', 'Json fields are filtered with an object, e.g. { equals: value }');
      return this.jsonFilter(value);
    }
    if (!isPlainObject(value)) return value === null ? this.isNull() : this.equals('equals', value, false);
    return this.scalarFilter(value, false);
  }

  private value(row: Readonly<Row>): unknown {
    return row[this.field.name];
  }

  private isNull(): Condition {
    return (row) => this.value(row) === null;
  }

  private fold(value: unknown, insensitive: boolean): unknown {
    return insensitive && typeof value === 'string' ? value.toLowerCase() : value;
  }

  private same(a: unknown, b: unknown, insensitive: boolean): boolean {
    return this.field.kind === 'String' ? this.fold(a, insensitive) === this.fold(b, insensitive) : scalarEqual(this.field.kind, a, b);
  }

  private equals(op: string, value: unknown, insensitive: boolean): Condition {
    const operand = this.operand(op, value);
    return (row) => {
      const v = this.value(row);
      return v === null ? null : this.same(v, operand, insensitive);
    };
  }

  private scalarFilter(filter: Record<string, unknown>, outerInsensitive: boolean): Condition {
    const mode = filter['mode'];
    if (mode !== undefined && mode !== 'default' && mode !== 'insensitive') throw this.invalid('mode', `must be 'default' or 'insensitive', got ${String(mode)}`);
    if (mode !== undefined && this.field.kind !== 'String') throw this.invalid('mode', 'applies to String fields only');
    const insensitive = mode === undefined ? outerInsensitive : mode === 'insensitive';
    const conditions: Condition[] = [];
    for (const [op, value] of Object.entries(filter)) {
      if (value === undefined || op === 'mode') continue;
      conditions.push(this.operator(op, value, insensitive));
    }
    return and(conditions);
  }

  private operator(op: string, value: unknown, insensitive: boolean): Condition {
    switch (op) {
      case 'equals':
        return value === null ? this.isNull() : this.equals(op, value, insensitive);
      case 'not':
        if (value === null) return not(this.isNull());
        return not(isPlainObject(value) ? this.scalarFilter(value, insensitive) : this.equals(op, value, insensitive));
      case 'in':
      case 'notIn': {
        const operands = this.list(op, value);
        if (operands.length === 0) return op === 'in' ? never : always;
        if (STRICT_EQUALITY.has(this.field.kind)) {
          // Kinds whose values are equal exactly when `===` says so: one Set lookup per row, not a
          // scan of the list (a getMany of n keys reads n rows: O(n), not O(n²)).
          const set = new Set(operands.map((o) => this.fold(o, insensitive)));
          return (row) => {
            const v = this.value(row);
            if (v === null) return null;
            return set.has(this.fold(v, insensitive)) === (op === 'in');
          };
        }
        return (row) => {
          const v = this.value(row);
          if (v === null) return null;
          const found = operands.some((o) => this.same(v, o, insensitive));
          return op === 'in' ? found : !found;
        };
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        if (!ORDERED.has(this.field.kind)) throw unsupported(this.model, `'${op}' on the ${this.field.kind} field ${this.field.name}`, this.field.name);
        const operand = this.fold(this.operand(op, value), insensitive);
        const test = op === 'lt' ? (c: number) => c < 0 : op === 'lte' ? (c: number) => c <= 0 : op === 'gt' ? (c: number) => c > 0 : (c: number) => c >= 0;
        return (row) => {
          const v = this.value(row);
          return v === null ? null : test(compareScalars(this.field.kind, this.fold(v, insensitive), operand));
        };
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        if (this.field.kind !== 'String') throw unsupported(this.model, `'${op}' on the ${this.field.kind} field ${this.field.name}`, this.field.name);
        const needle = this.fold(this.operand(op, value), insensitive) as string;
        return (row) => {
          const v = this.value(row);
          if (v === null) return null;
          const s = this.fold(v, insensitive) as string;
          return op === 'contains' ? s.includes(needle) : op === 'startsWith' ? s.startsWith(needle) : s.endsWith(needle);
        };
      }
      default:
        throw unsupported(this.model, `the filter '${op}' (on ${this.field.name})`, this.field.name);
    }
  }

  private listFilter(filter: Record<string, unknown>): Condition {
    const conditions: Condition[] = [];
    const kind = this.field.kind;
    for (const [op, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      if (op === 'equals') {
        if (value === null) conditions.push(this.isNull());
        else {
          const operands = this.list(op, value);
          conditions.push((row) => (this.value(row) === null ? null : valuesEqual(this.field, this.value(row), operands)));
        }
        continue;
      }
      if (op !== 'has' && op !== 'hasEvery' && op !== 'hasSome' && op !== 'isEmpty') {
        throw unsupported(this.model, `the list filter '${op}' (on ${this.field.name})`, this.field.name);
      }
      if (op === 'isEmpty' && typeof value !== 'boolean') throw this.invalid(op, 'needs true or false');
      const operands = op === 'isEmpty' ? [] : op === 'has' ? [this.operand(op, value)] : this.list(op, value);
      conditions.push((row) => {
        const items = this.value(row) as unknown[] | null;
        if (items === null) return null;
        if (op === 'isEmpty') return (items.length === 0) === value;
        const contains = (o: unknown): boolean => items.some((item) => scalarEqual(kind, item, o));
        return op === 'hasSome' ? operands.some(contains) : operands.every(contains);
      });
    }
    return and(conditions);
  }

  private jsonFilter(filter: Record<string, unknown>): Condition {
    const conditions: Condition[] = [];
    for (const [op, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      if (op !== 'equals' && op !== 'not') throw unsupported(this.model, `the Json filter '${op}' (on ${this.field.name})`, this.field.name);
      // DbNull, JsonNull and AnyNull all normalize to null: the store keeps one kind of null.
      const operand = value === null ? null : this.operand(op, value);
      const test: Condition = (row) => {
        const v = this.value(row);
        if (operand === null) return v === null;
        return v === null ? null : jsonEqual(v, operand);
      };
      conditions.push(op === 'equals' ? test : not(test));
    }
    return and(conditions);
  }
}
