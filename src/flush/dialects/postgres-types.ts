import type { FieldMetadata, ModelMetadata } from '../../metadata/types.js';
import { quote } from './dialect.js';

/**
 * The PostgreSQL type of a column: its native type (`@db.VarChar` -> `varchar`), its enum, or
 * the type Prisma gives the scalar kind. Used in casts of bound values (`$1::numeric`,
 * `$2::int4[]`).
 *
 * @module
 */

const NATIVE_TYPES: Readonly<Record<string, string>> = {
  Text: 'text',
  VarChar: 'varchar',
  Char: 'bpchar',
  Uuid: 'uuid',
  Citext: 'citext',
  Inet: 'inet',
  Xml: 'xml',
  Bit: 'bit',
  VarBit: 'varbit',
  Integer: 'int4',
  SmallInt: 'int2',
  Oid: 'oid',
  BigInt: 'int8',
  DoublePrecision: 'float8',
  Real: 'float4',
  Decimal: 'numeric',
  Money: 'money',
  Timestamp: 'timestamp',
  Timestamptz: 'timestamptz',
  Date: 'date',
  Time: 'time',
  Timetz: 'timetz',
  Boolean: 'bool',
  Json: 'json',
  JsonB: 'jsonb',
  ByteA: 'bytea',
};

const DEFAULT_TYPES: Readonly<Record<string, string>> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  Boolean: 'bool',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/**
 * The PostgreSQL type of a column (element type for a bound array).
 *
 * @example
 * ```ts
 * postgresType(balanceField, account); // 'numeric'
 * ```
 */
export function postgresType(field: FieldMetadata, model: ModelMetadata): string {
  if (field.kind === 'Enum') {
    const name = quote(field.enumType ?? field.name);
    return model.schema ? `${quote(model.schema)}.${name}` : name;
  }
  const native = field.nativeType ? NATIVE_TYPES[field.nativeType[0]] : undefined;
  if (native) return native;
  return DEFAULT_TYPES[field.kind] ?? 'text';
}
