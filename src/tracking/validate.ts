import { Decimal } from '@prisma/client/runtime/client';
import { UsageError, type KeyValue } from '../errors.js';
import type { FieldMetadata } from '../metadata/types.js';

/**
 * Checks a value before it enters a tracked object, so a wrong type fails at the assignment that
 * made it, naming model, key and field, instead of failing the whole commit later.
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
      return value === undefined || typeof value === 'function' || typeof value === 'symbol'
        ? 'a JSON value'
        : undefined;
  }
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

/**
 * Checks `value` for `field` and returns it in the type Prisma returns for the field (a number or
 * numeric string given for a `Decimal` becomes a `Decimal`, a number for a `BigInt` a `bigint`).
 * Throws a {@link UsageError} (`INVALID_VALUE`) when `value` cannot be stored in `field`.
 *
 * @example
 * ```ts
 * checkValue('Account', 7, balanceField, 'lots'); // UsageError: Account#7.balance must be ...
 * ```
 */
export function checkValue(model: string, key: KeyValue, field: FieldMetadata, value: unknown): unknown {
  const where = key === undefined ? `new ${model}.${field.name}` : `${model}#${String(typeof key === 'object' ? JSON.stringify(key) : key)}.${field.name}`;
  if (value === undefined) {
    throw new UsageError('INVALID_VALUE', `${where} cannot be set to undefined; use null to clear an optional field.`, {
      model,
      key,
      field: field.name,
    });
  }
  if (value === null) {
    if (field.isRequired && !(field.kind === 'Json' && !field.isList)) {
      throw new UsageError('INVALID_VALUE', `${where} is required and cannot be null.`, { model, key, field: field.name });
    }
    return null;
  }
  if (field.isList) {
    if (!Array.isArray(value)) {
      throw new UsageError('INVALID_VALUE', `${where} must be an array, got ${show(value)}.`, { model, key, field: field.name });
    }
    for (const item of value) {
      const problem = scalarProblem(field, item);
      if (problem) {
        throw new UsageError('INVALID_VALUE', `${where} items must be ${problem}, got ${show(item)}.`, {
          model,
          key,
          field: field.name,
        });
      }
    }
    return value.map((item: unknown) => canonical(field, item));
  }
  const problem = scalarProblem(field, value);
  if (problem) {
    const shown = typeof value === 'string' && value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}...` : show(value);
    throw new UsageError('INVALID_VALUE', `${where} must be ${problem}, got ${shown}.`, { model, key, field: field.name });
  }
  return canonical(field, value);
}
