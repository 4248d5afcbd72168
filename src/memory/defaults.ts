import { randomBytes, randomUUID } from 'node:crypto';
import { defaultLiteral } from '../metadata/default-literal.js';
import type { DefaultLiteral, FieldMetadata, ModelMetadata } from '../metadata/types.js';
import { MemoryStoreError } from './store-error.js';

/**
 * Defaults of the in-memory store: what an insert stores in a field it leaves out, computed from
 * the schema's `@default(...)` (`FieldMetadata.defaultValue`) the way the database or Prisma
 * would: sequences, UUIDs, CUIDs, `now()`, literals and `@updatedAt`.
 *
 * @internal
 * @module
 */

/** Last value handed out by each `autoincrement()` field, by `Model.field`. */
export type Counters = Map<string, number | bigint>;

const SEQUENCES = new Set(['autoincrement', 'sequence']);
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function counterKey(model: ModelMetadata, field: FieldMetadata): string {
  return `${model.name}.${field.name}`;
}

/** True for fields whose default is a per-table counter (`autoincrement()`, `sequence()`). */
export function isSequence(field: FieldMetadata): boolean {
  return field.defaultValue !== undefined && 'function' in field.defaultValue && SEQUENCES.has(field.defaultValue.function);
}

/**
 * Moves the counter of a sequence field past `value` (an explicit id), so the next generated
 * value does not collide with it (what SQLite's AUTOINCREMENT does).
 */
export function advanceSequence(counters: Counters, model: ModelMetadata, field: FieldMetadata, value: unknown): void {
  if (typeof value !== 'number' && typeof value !== 'bigint') return;
  const key = counterKey(model, field);
  const last = counters.get(key) ?? 0;
  if (value > last) counters.set(key, value);
}

function nextInSequence(counters: Counters, model: ModelMetadata, field: FieldMetadata): number | bigint {
  const key = counterKey(model, field);
  const last = counters.get(key) ?? 0;
  const next = field.kind === 'BigInt' ? BigInt(last) + 1n : Number(last) + 1;
  counters.set(key, next);
  return next;
}

function ulid(now: Date): string {
  let time = now.getTime();
  let head = '';
  for (let i = 0; i < 10; i++, time = Math.floor(time / 32)) head = CROCKFORD[time % 32]! + head;
  return head + [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
}

function generate(model: ModelMetadata, field: FieldMetadata, name: string, counters: Counters, now: Date): unknown {
  if (SEQUENCES.has(name)) return nextInSequence(counters, model, field);
  switch (name) {
    case 'uuid':
      return randomUUID();
    case 'cuid':
      return `c${now.getTime().toString(36)}${randomBytes(9).toString('hex')}`.slice(0, 25);
    case 'nanoid':
      return randomBytes(16).toString('base64url').slice(0, 21);
    case 'ulid':
      return ulid(now);
    case 'now':
      return new Date(now.getTime());
    default:
      throw new MemoryStoreError(
        `${model.name}.${field.name} has @default(${name}(...)), which the in-memory store cannot compute; give ${field.name} a value (in the fixture, or when adding the row)`,
        undefined,
        { modelName: model.name, field: field.name },
      );
  }
}

/**
 * The value an insert stores in `field` when it gives none, or `undefined` when the schema has
 * no default for it. Sequences continue from their counter; `now()` and `@updatedAt` use `now`
 * (one instant per commit).
 *
 * @example
 * ```ts
 * defaultFor(account, idField, counters, new Date()); // 3 after ids 1 and 2
 * ```
 */
export function defaultFor(model: ModelMetadata, field: FieldMetadata, counters: Counters, now: Date): unknown {
  const fallback = field.defaultValue;
  if (fallback !== undefined && 'function' in fallback) return generate(model, field, fallback.function, counters, now);
  if (fallback !== undefined) {
    const { value } = fallback;
    return Array.isArray(value) ? value.map((v: DefaultLiteral) => defaultLiteral(field, v)) : defaultLiteral(field, value as DefaultLiteral);
  }
  if (field.isUpdatedAt) return new Date(now.getTime());
  if (field.default !== 'none') {
    throw new MemoryStoreError(
      `${model.name}.${field.name} has a default, but the schema metadata does not say which; run \`prisma generate\` to regenerate it`,
      undefined,
      { modelName: model.name, field: field.name },
    );
  }
  return undefined;
}
