import { Decimal } from '@prisma/client/runtime/client';
import type { FieldMetadata } from '../../metadata/types.js';
import { jsonText } from './dialect.js';

/**
 * How values travel to PostgreSQL in the bulk statements: one column of N rows is ONE bound text
 * parameter holding a PostgreSQL array literal (`{1,2,3}`, `{"a","b\"c",NULL}`), cast in the
 * statement (`$1::int4[]`) and parsed by the server's `array_in`.
 *
 * Why not a JavaScript array parameter: Prisma's raw-query path and the `pg` driver then convert
 * every element on their own; at 10,000 rows that cost 16 ms per statement here, more than the
 * rest of the unit's work. The literal is still a bound parameter: values never enter the SQL
 * text, and an element the escaping got wrong could only be a wrong value or an error from
 * `array_in`, never SQL.
 *
 * @example
 * ```ts
 * postgresArrayLiteral(nameField, ['a', 'b"c', null]); // '{"a","b\\"c",NULL}'
 * ```
 *
 * @module
 */

/**
 * One value as text, the form PostgreSQL parses for the column's type (`null` for SQL NULL).
 * Dates are ISO 8601, bytes `\x` hex, Json its JSON text.
 */
export function postgresText(field: FieldMetadata, value: unknown): string | null {
  if (field.kind === 'Json' && !field.isList) return jsonText(field, value);
  if (value === null || value === undefined) return null;
  if (field.kind === 'Json') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return String(value);
}

/** Values whose text never needs quoting in an array literal (digits, sign, dot, exponent, words). */
function isBareNumber(value: unknown): boolean {
  const type = typeof value;
  return type === 'number' || type === 'bigint' || type === 'boolean' || Decimal.isDecimal(value) || value instanceof Date;
}

const SPECIAL = /["\\]/g;

/** One element of an array literal: `NULL`, a bare number, or a double-quoted, escaped string. */
function element(field: FieldMetadata, value: unknown): string {
  const text = postgresText(field, value);
  if (text === null) return 'NULL';
  if (isBareNumber(value) && text !== '') return text;
  return `"${text.replace(SPECIAL, '\\$&')}"`;
}

/** The values of one column as a PostgreSQL array literal, for a `$n::type[]` parameter. */
export function postgresArrayLiteral(field: FieldMetadata, values: readonly unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = element(field, values[i]);
  return `{${parts.join(',')}}`;
}

/**
 * Whether every value of a column has the same database text: such a column is bound once as a
 * scalar (`$n::numeric`) instead of an array of N copies.
 */
export function sameText(field: FieldMetadata, values: readonly unknown[]): { readonly text: string | null } | undefined {
  if (values.length === 0) return undefined;
  const first = postgresText(field, values[0]);
  for (let i = 1; i < values.length; i++) if (postgresText(field, values[i]) !== first) return undefined;
  return { text: first };
}
