import { Decimal } from '@prisma/client/runtime/client';
import type { DefaultLiteral, FieldMetadata } from './types.js';

/**
 * A literal `@default(...)` of the schema as the value Prisma reads back for the field
 * (`@default(0)` on a `Decimal` is `new Decimal(0)`, on a `Json` the parsed JSON).
 *
 * @example
 * ```ts
 * defaultLiteral(loyaltyPointsField, 0); // 0
 * ```
 */
export function defaultLiteral(field: FieldMetadata, value: DefaultLiteral): unknown {
  switch (field.kind) {
    case 'Decimal':
      return new Decimal(value as Decimal.Value);
    case 'BigInt':
      return BigInt(value as string | number);
    case 'Int':
    case 'Float':
      return Number(value);
    case 'Boolean':
      return value === true || value === 'true';
    case 'DateTime':
      return new Date(String(value));
    case 'Json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'Bytes':
      return new Uint8Array(Buffer.from(String(value), 'base64'));
    default:
      return String(value);
  }
}

