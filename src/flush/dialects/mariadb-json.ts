import { Decimal } from '@prisma/client/runtime/client';
import type { FieldMetadata } from '../../metadata/types.js';
import { jsonText } from './dialect.js';

/**
 * How rows travel to MariaDB in the bulk statements: ONE bound JSON parameter, an array of rows
 * (`[[1,"17.50",3],[2,"3.25",0]]`), read by `JSON_TABLE(?, '$[*]' COLUMNS(...))` with each
 * column declared in the type of its target column. One parameter instead of one per value keeps
 * statements far from the 65,535-placeholder limit and avoids Prisma's per-parameter cost.
 *
 * Each value is written so that the server converts it exactly: `Decimal` and `BigInt` as JSON
 * strings of their digits (no double on the way), `DateTime` as the UTC text Prisma's MariaDB
 * adapter binds (`2024-01-02 03:04:05.678`), `Bytes` as hex (unpacked by `UNHEX`), `Json` as its
 * JSON text in a string, `Boolean` as 1/0. A JSON `null` is SQL NULL.
 *
 * @example
 * ```ts
 * mariadbJsonRows([idField, balanceField], [[1, new Decimal('17.50')]]); // '[[1,"17.5"]]'
 * ```
 *
 * @internal
 * @module
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A Date as MariaDB `DATETIME` text in UTC (`DATE` columns: the day only). */
export function mariadbDateText(field: FieldMetadata, date: Date): string {
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  if (field.nativeType?.[0] === 'Date') return day;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  return field.nativeType?.[0] === 'Time' ? time : `${day} ${time}`;
}

/** One value as a JSON element (text). */
export function mariadbJsonValue(field: FieldMetadata, value: unknown): string {
  if (field.kind === 'Json') {
    const text = jsonText(field, value);
    return text === null ? 'null' : JSON.stringify(text);
  }
  if (value === null || value === undefined) return 'null';
  switch (field.kind) {
    case 'Int':
    case 'Float':
      // A finite number's JSON is its String (NaN and ±Infinity are refused for MySQL before).
      return typeof value === 'number' ? String(value) : JSON.stringify(Number(value));
    case 'Decimal':
      // Digits, sign and point only: no escaping needed.
      return `"${Decimal.isDecimal(value) ? value.toFixed() : new Decimal(String(value)).toFixed()}"`;
    case 'BigInt':
      return `"${String(value)}"`;
    case 'Boolean':
      return value ? '1' : '0';
    case 'DateTime':
      return `"${mariadbDateText(field, value instanceof Date ? value : new Date(value as string))}"`;
    case 'Bytes':
      return `"${Buffer.from(value as Uint8Array).toString('hex')}"`;
    default:
      return JSON.stringify(String(value));
  }
}

/**
 * The rows as one JSON array of arrays: `rows[r][i]` is a value of `fields[i]`. Built by string
 * concatenation, without an array per row (10,000 rows are one string, not 10,000 arrays).
 */
export function mariadbJsonRows(fields: readonly FieldMetadata[], rows: readonly (readonly unknown[])[]): string {
  return mariadbJsonOf(fields, rows, (row, i) => row[i]);
}

/** {@link mariadbJsonRows} of any row shape: `value(row, i)` is the value of `fields[i]`. */
export function mariadbJsonOf<R>(fields: readonly FieldMetadata[], rows: readonly R[], value: (row: R, i: number) => unknown): string {
  let out = '[';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    out += r === 0 ? '[' : ',[';
    for (let i = 0; i < fields.length; i++) out += (i === 0 ? '' : ',') + mariadbJsonValue(fields[i]!, value(row, i));
    out += ']';
  }
  return `${out}]`;
}

const INTEGERS: Readonly<Record<string, string>> = {
  UnsignedInt: 'BIGINT',
  UnsignedBigInt: 'BIGINT UNSIGNED',
  UnsignedSmallInt: 'INT',
  UnsignedMediumInt: 'INT',
  UnsignedTinyInt: 'INT',
};

/**
 * The `JSON_TABLE` column type that carries values of `field` exactly. String (and enum) keys
 * come out as `JSON` so that `JSON_UNQUOTE` of them is coercible to the key column's collation:
 * a text column of `JSON_TABLE` has a collation of its own (`utf8mb4_general_ci`), and joining
 * it to a column of another one fails with "Illegal mix of collations". Other strings are
 * `LONGTEXT` (a JSON null must be SQL NULL, which a `JSON` column does not give).
 */
export function jsonTableType(field: FieldMetadata, key = false): string {
  const native = field.nativeType;
  switch (field.kind) {
    case 'Int':
      return (native && INTEGERS[native[0]]) ?? 'BIGINT';
    case 'BigInt':
      return (native && INTEGERS[native[0]]) ?? 'BIGINT';
    case 'Float':
      return 'DOUBLE';
    case 'Decimal':
      return native?.[0] === 'Decimal' && native[1].length > 0 ? `DECIMAL(${native[1].map(Number).join(', ')})` : 'DECIMAL(65, 30)';
    case 'Boolean':
      return 'INT';
    case 'DateTime':
      return native?.[0] === 'Date' ? 'DATE' : native?.[0] === 'Time' ? 'TIME(6)' : 'DATETIME(6)';
    case 'String':
    case 'Enum':
      return key ? 'JSON' : 'LONGTEXT';
    default:
      // Json (its text) and Bytes (hex).
      return 'LONGTEXT';
  }
}

/** How a statement reads the `JSON_TABLE` column `d.<alias>` of `field` as a value of its column. */
export function jsonTableValue(field: FieldMetadata, alias: string, key = false): string {
  if (field.kind === 'Bytes') return `UNHEX(d.${alias})`;
  if (key && (field.kind === 'String' || field.kind === 'Enum')) return `JSON_UNQUOTE(d.${alias})`;
  return `d.${alias}`;
}

/**
 * `a` and `b` hold the same value (NULL equal to NULL), compared exactly: strings and JSON text
 * byte for byte (the column's collation would take `'a'` for `'A'` and ignore trailing spaces).
 */
export function sameValueSql(field: FieldMetadata, a: string, b: string): string {
  if (field.kind === 'String' || field.kind === 'Enum' || field.kind === 'Json') return `CAST(${a} AS BINARY) <=> CAST(${b} AS BINARY)`;
  return `${a} <=> ${b}`;
}
