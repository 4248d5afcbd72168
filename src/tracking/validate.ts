import { AnyNull, DbNull, Decimal, JsonNull } from '@prisma/client/runtime/client';
import { UsageError, type KeyValue } from '../errors.js';
import type { FieldMetadata, ModelMetadata, Provider } from '../metadata/types.js';
import { ColumnProblem, fitToColumn } from './column-values.js';

/**
 * Checks a value before it enters a tracked object, so a wrong type, or a value the column cannot
 * store, fails at the assignment (or `add()`, or the `get()` key) that made it, naming model, key
 * and field, instead of failing the whole commit later or being stored as something else.
 *
 * @module
 */

/** The declared length limit of `@db.VarChar(n)` / `@db.Char(n)` columns. */
function maxLength(field: FieldMetadata): number | undefined {
  const [type, args] = field.nativeType ?? [];
  if ((type === 'VarChar' || type === 'Char' || type === 'NVarChar' || type === 'NChar') && args?.[0] !== undefined) {
    const n = Number(args[0]);
    return Number.isInteger(n) ? n : undefined;
  }
  return undefined;
}

function scalarProblem(field: FieldMetadata, value: unknown): string | undefined {
  switch (field.kind) {
    case 'String': {
      if (typeof value !== 'string') return 'a string';
      const limit = maxLength(field);
      return limit !== undefined && value.length > limit ? `at most ${limit} characters long (${value.length} given)` : undefined;
    }
    case 'Enum':
      return typeof value === 'string' ? undefined : 'a string';
    case 'Int':
      return Number.isInteger(value) && (value as number) >= -2147483648 && (value as number) <= 2147483647
        ? undefined
        : 'an integer from -2147483648 to 2147483647 (use BigInt for larger values)';
    case 'Float':
      return typeof value === 'number' ? undefined : 'a number';
    case 'BigInt':
      return typeof value === 'bigint' || Number.isInteger(value) ? undefined : 'a bigint';
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'DateTime':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? undefined : 'a valid Date';
    case 'Bytes':
      return value instanceof Uint8Array ? undefined : 'a Uint8Array';
    case 'Decimal': {
      if (Decimal.isDecimal(value)) return undefined;
      if (typeof value === 'number' && Number.isFinite(value)) return undefined;
      if (typeof value === 'string') {
        try {
          new Decimal(value);
          return undefined;
        } catch {
          return 'a Decimal, a finite number or a numeric string';
        }
      }
      return 'a Decimal, a finite number or a numeric string';
    }
    case 'Json':
      return value === undefined || typeof value === 'function' || typeof value === 'symbol' || value === AnyNull
        ? 'a JSON value'
        : undefined;
  }
}

/** `value` as the column stores it, or the {@link ColumnProblem} saying why it cannot be stored. */
function stored(field: FieldMetadata, provider: Provider | undefined, value: unknown): unknown {
  const problem = scalarProblem(field, value);
  return problem === undefined ? fitToColumn(field, provider, canonical(field, value)) : new ColumnProblem(problem);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return String(value);
}

function canonical(field: FieldMetadata, value: unknown): unknown {
  if (field.kind === 'Decimal' && !Decimal.isDecimal(value)) return new Decimal(value as Decimal.Value);
  if (field.kind === 'BigInt' && typeof value === 'number') return BigInt(value);
  return value;
}

/** A required `Json` field holds JSON null as `null`, which is what Prisma reads back. */
function jsonNull(where: string, model: string, key: KeyValue, field: FieldMetadata, value: unknown): unknown {
  if (value === JsonNull) return field.isRequired ? null : JsonNull;
  if (!field.isRequired) return null; // null or Prisma.DbNull: the database NULL
  const given = value === DbNull ? 'the database NULL (Prisma.DbNull)' : 'null';
  throw new UsageError('INVALID_VALUE', `${where} is required and cannot be ${given}; use Prisma.JsonNull to store a JSON null.`, {
    model,
    key,
    field: field.name,
  });
}

/**
 * Checks `value` for `field` and returns it as the unit keeps it: in the type Prisma returns for
 * the field (a number or numeric string given for a `Decimal` becomes a `Decimal`, a number for
 * a `BigInt` a `bigint`) and as the column stores it (a `Decimal` at the column's scale, see
 * `column-values.ts`; `provider` is the schema's). Throws a {@link UsageError}
 * (`INVALID_VALUE`) when `value` cannot be stored in `field`. In a `Json` field, `null` and
 * `Prisma.DbNull` are the database NULL (refused in a required field), `Prisma.JsonNull` a JSON
 * null (kept as `null` in a required field, where that is all `null` can mean).
 *
 * @example
 * ```ts
 * checkValue('Account', 7, balanceField, 'lots'); // UsageError: Account#7.balance must be ...
 * checkValue('Priced', 1, priceField, '185.385', 'postgresql'); // Decimal('185.39') for @db.Decimal(10,2)
 * ```
 */
export function checkValue(model: string, key: KeyValue, field: FieldMetadata, value: unknown, provider?: Provider): unknown {
  const where = key === undefined ? `new ${model}.${field.name}` : `${model}#${String(typeof key === 'object' ? JSON.stringify(key) : key)}.${field.name}`;
  if (value === undefined) {
    throw new UsageError('INVALID_VALUE', `${where} cannot be set to undefined; use null to clear an optional field.`, {
      model,
      key,
      field: field.name,
    });
  }
  if (field.kind === 'Json' && !field.isList && (value === null || value === JsonNull || value === DbNull)) {
    return jsonNull(where, model, key, field, value);
  }
  if (value === null) {
    if (field.isRequired) {
      throw new UsageError('INVALID_VALUE', `${where} is required and cannot be null.`, { model, key, field: field.name });
    }
    return null;
  }
  if (field.isList) {
    if (!Array.isArray(value)) {
      throw new UsageError('INVALID_VALUE', `${where} must be an array, got ${show(value)}.`, { model, key, field: field.name });
    }
    return value.map((item: unknown) => {
      const fitted = stored(field, provider, item);
      if (!(fitted instanceof ColumnProblem)) return fitted;
      throw new UsageError('INVALID_VALUE', `${where} items must be ${fitted.expected}, got ${show(item)}.`, { model, key, field: field.name });
    });
  }
  const fitted = stored(field, provider, value);
  if (!(fitted instanceof ColumnProblem)) return fitted;
  const shown = typeof value === 'string' && value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}...` : show(value);
  throw new UsageError('INVALID_VALUE', `${where} must be ${fitted.expected}, got ${shown}.`, { model, key, field: field.name });
}

/**
 * Checks one part of a primary key given to `get()` as {@link checkValue} checks a value, and
 * returns it as the column stores it. Throws a {@link UsageError} (`INVALID_ARGUMENT`) naming
 * model, key and field: `get('1')` on an `Int` key, `get(NaN)` or `get(1.9999)` never reach the
 * database (where `1.9999` would find row 1).
 *
 * @example
 * ```ts
 * checkKeyPart(account, idField, 1.9999, key); // UsageError: Account: key field id must be an integer ...
 * ```
 */
export function checkKeyPart(model: ModelMetadata, field: FieldMetadata, value: unknown, key: KeyValue, provider?: Provider): unknown {
  const fitted =
    value === null || value === undefined ? new ColumnProblem('a value') : field.isList ? new ColumnProblem('a single value') : stored(field, provider, value);
  if (!(fitted instanceof ColumnProblem)) return fitted;
  throw new UsageError('INVALID_ARGUMENT', `${model.name}: key field ${field.name} must be ${fitted.expected}, got ${show(value)}.`, {
    model: model.name,
    key,
    field: field.name,
  });
}
