import { UsageError } from '../errors.js';
import type { FieldMetadata, ModelMetadata, Provider } from '../metadata/types.js';
import { checkKeyPart } from './validate.js';

/**
 * Primary keys: turning the key a user passes to `get` and the key of a loaded row into one
 * canonical string, so the identity map finds the same object for both.
 *
 * @module
 */

function part(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return `n:${String(value)}`;
    case 'string':
      return `s:${value}`;
    case 'boolean':
      return `b:${String(value)}`;
    default:
      if (value instanceof Date) return `d:${value.getTime()}`;
      if (value instanceof Uint8Array) return `x:${Buffer.from(value).toString('hex')}`;
      if (value !== null && typeof value === 'object' && 'toFixed' in value) return `n:${String(value)}`;
      return `?:${String(value)}`;
  }
}

/** The identity-map key of a row (`undefined` when a primary-key field has no value yet). */
export function identityOf(model: ModelMetadata, row: Readonly<Record<string, unknown>>): string | undefined {
  const pk = model.primaryKey;
  if (pk.length === 1) {
    const v = row[pk[0]!];
    return v === undefined || v === null ? undefined : part(v);
  }
  let out = '';
  for (const name of pk) {
    const v = row[name];
    if (v === undefined || v === null) return undefined;
    out += `${part(v)}\u0000`;
  }
  return out;
}

/** The primary key of a row as users write it: the value, or an object for composite keys. */
export function keyValueOf(model: ModelMetadata, row: Readonly<Record<string, unknown>>): unknown {
  if (model.primaryKey.length === 1) return row[model.primaryKey[0]!];
  const key: Record<string, unknown> = {};
  for (const name of model.primaryKey) key[name] = row[name];
  return key;
}

function keyField(model: ModelMetadata, name: string): FieldMetadata {
  const field = model.fields.find((f) => f.name === name);
  if (!field) throw new Error(`prisma-uow internal error: ${model.name} has no key field ${name}`);
  return field;
}

/**
 * Turns what a user passes to `get` into a `where` object over the primary-key fields, each part
 * checked against its field as an assignment would be (`get('1')` on an `Int` key, `get(NaN)`,
 * `get(1.9999)` throw a `UsageError`) and given as the column stores it.
 *
 * @example
 * ```ts
 * keyToWhere(account, 7);                                  // { id: 7 }
 * keyToWhere(membership, { groupId: 1, userName: 'ann' }); // the same object
 * keyToWhere(account, '7');                                // UsageError (INVALID_ARGUMENT)
 * ```
 */
export function keyToWhere(model: ModelMetadata, key: unknown, provider?: Provider): Record<string, unknown> {
  const pk = model.primaryKey;
  if (pk.length === 1) {
    const name = pk[0]!;
    if (key !== null && typeof key === 'object' && !(key instanceof Date) && !(key instanceof Uint8Array) && !('toFixed' in key)) {
      const value = (key as Record<string, unknown>)[name];
      if (value === undefined) {
        throw new UsageError('INVALID_ARGUMENT', `${model.name} key object must have the field '${name}'.`, { model: model.name, key });
      }
      return { [name]: checkKeyPart(model, keyField(model, name), value, key, provider) };
    }
    if (key === undefined || key === null) {
      throw new UsageError('INVALID_ARGUMENT', `${model.name}: get() needs a primary key value, got ${String(key)}.`, {
        model: model.name,
      });
    }
    return { [name]: checkKeyPart(model, keyField(model, name), key, key, provider) };
  }
  if (key === null || typeof key !== 'object') {
    throw new UsageError(
      'INVALID_ARGUMENT',
      `${model.name} has a composite primary key (${pk.join(', ')}); pass an object with those fields.`,
      { model: model.name, key },
    );
  }
  const where: Record<string, unknown> = {};
  for (const name of pk) {
    const value = (key as Record<string, unknown>)[name];
    if (value === undefined || value === null) {
      throw new UsageError('INVALID_ARGUMENT', `${model.name} key is missing the field '${name}'.`, {
        model: model.name,
        key,
        field: name,
      });
    }
    where[name] = checkKeyPart(model, keyField(model, name), value, key, provider);
  }
  return where;
}

/**
 * The canonical key of a tuple of values, encoded like {@link identityOf} encodes a primary key
 * (so `1` and `1n`, or two equal `Decimal`s, give the same key): `undefined` when one value is
 * null or undefined (such a tuple never collides in a unique constraint).
 *
 * @example
 * ```ts
 * tupleKey([1, 'ann']) === tupleKey([1n, 'ann']); // true
 * ```
 */
export function tupleKey(values: readonly unknown[]): string | undefined {
  let out = '';
  for (const value of values) {
    if (value === undefined || value === null) return undefined;
    out += `${part(value)}\u0000`;
  }
  return out;
}
