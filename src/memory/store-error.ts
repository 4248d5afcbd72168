import type { ModelMetadata } from '../metadata/types.js';

/**
 * The errors the in-memory store raises where a database would. They become the `cause` of the
 * {@link DatabaseError} a commit throws, with the Prisma error code a real database gives for the
 * same failure, so code that reads `error.cause.code` behaves the same on both backends.
 *
 * @module
 */

/** Prisma error codes the in-memory store reproduces. */
export type MemoryErrorCode =
  /** Unique constraint failed (primary key, `@unique`, `@@unique`). */
  | 'P2002'
  /** Foreign key constraint failed (a missing referenced row, or a delete of a referenced row). */
  | 'P2003';

/**
 * What the store throws when a write breaks a constraint (with `code`), or when a value does not
 * fit its field or a required field gets null (without `code`: Prisma Client rejects those
 * before they reach the database, with a validation error that has none). Reached as
 * `DatabaseError.cause`.
 *
 * @example
 * ```ts
 * try {
 *   await units.run((uow) => uow.user.add({ id: 1, name: 'Twin' }));
 * } catch (error) {
 *   if (error instanceof DatabaseError && (error.cause as MemoryStoreError).code === 'P2002') ...
 * }
 * ```
 */
export class MemoryStoreError extends Error {
  override name = 'MemoryStoreError';
  /** The Prisma error code of the failure, as `PrismaClientKnownRequestError.code`. */
  readonly code: MemoryErrorCode | undefined;
  /** Like Prisma's `meta`: `modelName`, plus `target` (unique) or `field_name` (foreign key). */
  readonly meta: Readonly<Record<string, unknown>>;

  constructor(message: string, code: MemoryErrorCode | undefined, meta: Readonly<Record<string, unknown>>) {
    super(message);
    this.code = code;
    this.meta = meta;
  }
}

/** A value as a message shows it: strings quoted, `12n`, ISO dates, Decimals as digits, bytes in hex. @internal */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (value !== null && typeof value === 'object') {
    if ('toFixed' in value) return String(value);
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** `slug = "a"` or `groupId = 1, userName = "ann"`. @internal */
export function showFields(fields: readonly string[], row: Readonly<Record<string, unknown>>): string {
  return fields.map((f) => `${f} = ${showValue(row[f])}`).join(', ');
}

/** Prisma's name of a foreign-key constraint: `Account_ownerId_fkey`. @internal */
export function foreignKeyName(model: ModelMetadata, fields: readonly string[]): string {
  const columns = fields.map((name) => model.fields.find((f) => f.name === name)?.column ?? name);
  return `${model.table}_${columns.join('_')}_fkey`;
}
