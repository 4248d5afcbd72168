import { Decimal } from '@prisma/client/runtime/client';
import type { FieldMetadata } from '../../metadata/types.js';
import { jsonText } from './dialect.js';
import { writeDecimal } from './decimal-text.js';
import { TextBytes } from './text-bytes.js';

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
 * The text is written as UTF-8 bytes into one buffer (`text-bytes.ts`, numbers and Decimals digit
 * by digit, `decimal-text.ts`) and split into statements' chunks there, at row boundaries: at
 * 10,000 rows, building it as a string left about 4 MB of young heap objects (a rope piece per
 * value, a `toFixed()` text per Decimal) for the garbage collector to copy during the commit.
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

const QUOTE = 0x22;

/** One value as a JSON element, written to `out`. */
function writeJsonValue(out: TextBytes, field: FieldMetadata, value: unknown): void {
  if (field.kind === 'Json') {
    const text = jsonText(field, value);
    out.ascii(text === null ? 'null' : JSON.stringify(text));
    return;
  }
  if (value === null || value === undefined) return out.ascii('null');
  switch (field.kind) {
    case 'Int':
    case 'Float':
      // A finite number's JSON is its String (NaN and ±Infinity are refused for MySQL before).
      if (typeof value !== 'number') return out.ascii(JSON.stringify(Number(value)));
      if (!Number.isSafeInteger(value)) return out.ascii(String(value));
      if (value < 0) out.byte(0x2d);
      return out.digits(Math.abs(value));
    case 'Decimal':
      // Digits, sign and point only: no escaping needed.
      out.byte(QUOTE);
      writeDecimal(out, Decimal.isDecimal(value) ? value : new Decimal(String(value)));
      return out.byte(QUOTE);
    case 'BigInt':
      out.byte(QUOTE);
      out.ascii(String(value));
      return out.byte(QUOTE);
    case 'Boolean':
      return out.byte(value ? 0x31 : 0x30);
    case 'DateTime':
      out.byte(QUOTE);
      out.ascii(mariadbDateText(field, value instanceof Date ? value : new Date(value as string)));
      return out.byte(QUOTE);
    case 'Bytes':
      out.byte(QUOTE);
      out.ascii(Buffer.from(value as Uint8Array).toString('hex'));
      return out.byte(QUOTE);
    default:
      return out.ascii(JSON.stringify(String(value)));
  }
}

/**
 * The rows as one JSON array of arrays: `rows[r][i]` is a value of `fields[i]`. Built as bytes
 * (see `text-bytes.ts`), without an array per row (10,000 rows are one string, not 10,000 arrays).
 */
export function mariadbJsonRows(fields: readonly FieldMetadata[], rows: readonly (readonly unknown[])[]): string {
  return mariadbJsonChunks(fields, rows, (row, i) => row[i], Infinity)[0]!.json;
}

/** A run of consecutive rows as one JSON array: its text, the index of its first row, its row count. */
export interface JsonChunk {
  readonly json: string;
  readonly first: number;
  readonly rows: number;
}

/**
 * The rows as JSON arrays of at most `maxBytes` bytes of UTF-8 each (a single row longer than
 * that is a chunk of its own), in row order; one chunk when they all fit. `value(row, i)` is the
 * value of `fields[i]`. No rows make one chunk `[]`.
 *
 * @example
 * ```ts
 * mariadbJsonChunks([idField], [1, 2, 3], (id) => id, 6); // [{ json: '[[1]]', first: 0, rows: 1 }, ...]
 * ```
 */
export function mariadbJsonChunks<R>(fields: readonly FieldMetadata[], rows: readonly R[], value: (row: R, i: number) => unknown, maxBytes: number): JsonChunk[] {
  const out = new TextBytes(rows.length * (fields.length * 8 + 3) + 2);
  const chunks: JsonChunk[] = [];
  // The chunk being written: its '[' at `start`, its rows from `first`.
  let start = 0;
  let first = 0;
  out.byte(0x5b);
  for (let r = 0; r < rows.length; r++) {
    const comma = out.length;
    if (r > first) out.byte(0x2c);
    const row = rows[r]!;
    out.byte(0x5b);
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) out.byte(0x2c);
      writeJsonValue(out, fields[i]!, value(row, i));
    }
    out.byte(0x5d);
    // With its closing ']', the chunk would pass the limit: it ends before this row.
    if (out.length + 1 - start > maxBytes && r > first) {
      chunks.push({ json: `${out.text(start, comma)}]`, first, rows: r - first });
      start = comma;
      first = r;
      // The comma before the row becomes the new chunk's '['.
      out.patch(comma, 0x5b);
    }
  }
  out.byte(0x5d);
  chunks.push({ json: out.text(start, out.length), first, rows: rows.length - first });
  return chunks;
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

/** How a statement reads the `JSON_TABLE` column `<table>.<alias>` of `field` as a value of its column. */
export function jsonTableValue(field: FieldMetadata, alias: string, key = false, table = 'd'): string {
  if (field.kind === 'Bytes') return `UNHEX(${table}.${alias})`;
  if (key && (field.kind === 'String' || field.kind === 'Enum')) return `JSON_UNQUOTE(${table}.${alias})`;
  return `${table}.${alias}`;
}

/**
 * `a` and `b` hold the same value (NULL equal to NULL), compared exactly: strings and JSON text
 * byte for byte (the column's collation would take `'a'` for `'A'` and ignore trailing spaces).
 */
export function sameValueSql(field: FieldMetadata, a: string, b: string): string {
  if (field.kind === 'String' || field.kind === 'Enum' || field.kind === 'Json') return `CAST(${a} AS BINARY) <=> CAST(${b} AS BINARY)`;
  return `${a} <=> ${b}`;
}
