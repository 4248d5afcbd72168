import { Decimal } from '@prisma/client/runtime/client';
import type { FieldMetadata, Provider } from '../metadata/types.js';

/**
 * What a column can store, and in which form: the value a unit keeps (and compares, and shows
 * after the commit) is the value the database will hold. A value enters a unit at an assignment,
 * at `add()`, as a key of `get()`, or as a fixture of the in-memory store; each passes here.
 *
 * - `Decimal` with a declared scale (`@db.Decimal(10,2)`; PostgreSQL's and MySQL's default
 *   `DECIMAL(65,30)`; `@db.Money`) is rounded to that scale half away from zero, as PostgreSQL
 *   and MySQL round; a value whose integer digits do not fit the precision is refused (the
 *   database would refuse it). NaN and ±Infinity are refused everywhere.
 * - `Decimal` on SQLite is stored as a REAL: the value kept is the nearest double, as Prisma
 *   reads it back (`0.1234567890123456789` becomes `0.12345678901234568`); values beyond a
 *   double's range are refused.
 * - `BigInt` must fit a signed 64-bit integer (unsigned for `@db.UnsignedBigInt`).
 * - `Float`: NaN is refused on SQLite (which stores it as NULL) and MySQL, ±Infinity on MySQL
 *   and SQL Server; PostgreSQL's float8 stores all three.
 * - `Enum` values must be values of the enum.
 * - `DateTime` with `@db.Date` keeps the UTC day; on PostgreSQL `@db.Time(p)` the time of day
 *   and `@db.Timestamp(p)` with `p` < 3 rounds as PostgreSQL does; `Float` with `@db.Real` on
 *   PostgreSQL is the float32 PostgreSQL keeps.
 *
 * @internal
 * @module
 */

/** Why a value cannot be stored in a column: completes "must be ...". */
export class ColumnProblem {
  constructor(readonly expected: string) {}
}

const INT64: readonly [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const UINT64: readonly [bigint, bigint] = [0n, 2n ** 64n - 1n];

/** Precision and scale of `DECIMAL(p, s)`. */
interface DecimalShape {
  readonly precision: number;
  readonly scale: number;
}

/** Prisma's column type for a `Decimal` without `@db.*`, by provider. */
const DEFAULT_DECIMAL: Partial<Record<Provider, DecimalShape>> = {
  postgresql: { precision: 65, scale: 30 },
  mysql: { precision: 65, scale: 30 },
  sqlserver: { precision: 32, scale: 16 },
};

type Shape = DecimalShape | 'double' | 'exact';

/** The shape of each Decimal field, computed once (per provider: a field belongs to one schema). */
const shapes = new WeakMap<FieldMetadata, { readonly provider: Provider | undefined; readonly shape: Shape }>();

/** How a Decimal column stores values: at a precision and scale, as a double, or exactly. */
function decimalShape(field: FieldMetadata, provider: Provider | undefined): Shape {
  const known = shapes.get(field);
  if (known !== undefined && known.provider === provider) return known.shape;
  let shape: Shape;
  const [type, args = []] = field.nativeType ?? [];
  if (type === 'Decimal' && args.length > 0) {
    shape = { precision: Number(args[0]), scale: Number(args[1] ?? 0) };
  } else if (type === 'Money') {
    shape = { precision: 19, scale: 2 };
  } else if (type === undefined && provider === 'sqlite') {
    shape = 'double';
  } else {
    shape = (type === undefined && provider !== undefined ? DEFAULT_DECIMAL[provider] : undefined) ?? 'exact';
  }
  shapes.set(field, { provider, shape });
  return shape;
}

/** Whether a double holds `d` exactly as written: at most 15 significant digits, in the normal range. */
function exactInDouble(d: Decimal): boolean {
  return d.e < 300 && d.e > -300 && d.sd() <= 15;
}

function fitDecimal(field: FieldMetadata, provider: Provider | undefined, d: Decimal): Decimal | ColumnProblem {
  if (!d.isFinite()) return new ColumnProblem('a finite Decimal (not NaN or ±Infinity)');
  const shape = decimalShape(field, provider);
  if (shape === 'exact') return d;
  if (shape === 'double') {
    if (exactInDouble(d)) return d;
    const n = d.toNumber();
    return Number.isFinite(n) ? new Decimal(n) : new ColumnProblem('a Decimal within the range of a double (SQLite stores Decimal as REAL)');
  }
  const rounded = d.decimalPlaces() > shape.scale ? d.toDecimalPlaces(shape.scale, Decimal.ROUND_HALF_UP) : d;
  if (!rounded.isZero() && rounded.e >= shape.precision - shape.scale) {
    const digits = shape.precision - shape.scale;
    return new ColumnProblem(`a Decimal with at most ${digits} digit${digits === 1 ? '' : 's'} before the decimal point (the column is Decimal(${shape.precision}, ${shape.scale}))`);
  }
  return rounded;
}

const DAY_MS = 86_400_000;
/** PostgreSQL's epoch, 2000-01-01: timestamps round half away from zero relative to it. */
const POSTGRES_EPOCH_MS = 946_684_800_000;

/** `ms` rounded to `digits` fractional digits of a second, half away from zero relative to `origin`. */
function roundMs(ms: number, digits: number, origin: number): number {
  const unit = 10 ** (3 - digits);
  const rel = ms - origin;
  const rounded = rel >= 0 ? Math.floor((rel + unit / 2) / unit) * unit : -Math.floor((-rel + unit / 2) / unit) * unit;
  return origin + rounded;
}

/**
 * A `DateTime` as a column with a native type keeps it: `@db.Date` the UTC day (PostgreSQL and
 * MySQL); on PostgreSQL `@db.Time(p)` / `@db.Timetz(p)` the time of day (on 1970-01-01, as
 * Prisma reads it back) and `@db.Timestamp(p)` / `@db.Timestamptz(p)` / `@db.Time(p)` rounded to
 * `p` < 3 fractional digits. (MySQL rounds and MariaDB truncates fractional seconds, so their
 * `DateTime(p)` is left alone.)
 */
function fitDateTime(field: FieldMetadata, provider: Provider | undefined, date: Date): Date {
  const native = field.nativeType;
  if (native === undefined || (provider !== 'postgresql' && provider !== 'mysql')) return date;
  const [type, args] = native;
  const ms = date.getTime();
  if (type === 'Date') {
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    return day === ms ? date : new Date(day);
  }
  if (provider !== 'postgresql') return date;
  const digits = args[0] === undefined ? 6 : Number(args[0]);
  let kept = ms;
  if (type === 'Time' || type === 'Timetz') {
    kept = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
    if (digits < 3) kept = roundMs(kept, digits, 0);
  } else if ((type === 'Timestamp' || type === 'Timestamptz') && digits < 3) {
    kept = roundMs(ms, digits, POSTGRES_EPOCH_MS);
  }
  return kept === ms ? date : new Date(kept);
}

/**
 * A number as PostgreSQL's `real` (`@db.Real`, float4) keeps it and prints it back: the float32
 * nearest, as the shortest decimal that reads back as that float32 (`1.23456789` → `1.2345679`).
 */
function float32(n: number): number {
  const f = Math.fround(n);
  if (f === n || !Number.isFinite(f)) return f;
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(f.toPrecision(digits));
    if (Math.fround(shortest) === f) return shortest;
  }
  return Number(f.toPrecision(9));
}

function fitFloat(provider: Provider | undefined, n: number): number | ColumnProblem {
  if (Number.isNaN(n) && (provider === 'sqlite' || provider === 'mysql' || provider === 'sqlserver')) {
    return new ColumnProblem(`a number other than NaN (${provider === 'sqlite' ? 'SQLite stores NaN as NULL' : 'the database cannot store NaN'})`);
  }
  if (!Number.isFinite(n) && !Number.isNaN(n) && (provider === 'mysql' || provider === 'sqlserver')) {
    return new ColumnProblem('a finite number (the database cannot store ±Infinity)');
  }
  return n;
}

/**
 * `value`, of the right JavaScript type for `field` already (a `Decimal`, a `bigint`, ...), as
 * the column stores it, or the {@link ColumnProblem} that keeps the column from storing it.
 * Without a provider, only the rules every database shares apply.
 *
 * @example
 * ```ts
 * fitToColumn(priceField, 'postgresql', new Decimal('185.385')); // Decimal('185.39') for @db.Decimal(10,2)
 * fitToColumn(colorField, 'sqlite', 'PURPLE');                   // ColumnProblem('one of RED, GREEN, BLUE')
 * ```
 */
export function fitToColumn(field: FieldMetadata, provider: Provider | undefined, value: unknown): unknown {
  switch (field.kind) {
    case 'Decimal':
      return fitDecimal(field, provider, value as Decimal);
    case 'Float': {
      const n = fitFloat(provider, value as number);
      if (typeof n !== 'number' || field.nativeType?.[0] !== 'Real' || provider !== 'postgresql') return n;
      const single = float32(n);
      const fits = !Number.isFinite(n) || (Number.isFinite(single) && (single !== 0 || n === 0));
      return fits ? single : new ColumnProblem('a number within the range of a real (float4)');
    }
    case 'DateTime':
      return fitDateTime(field, provider, value as Date);
    case 'BigInt': {
      const [min, max] = field.nativeType?.[0] === 'UnsignedBigInt' ? UINT64 : INT64;
      const n = value as bigint;
      return n >= min && n <= max ? n : new ColumnProblem(`a bigint from ${min} to ${max}`);
    }
    case 'Int': {
      const n = value as number;
      return n >= -2147483648 && n <= 2147483647 ? n : new ColumnProblem('an integer from -2147483648 to 2147483647 (use BigInt for larger values)');
    }
    case 'Enum':
      return field.enumValues === undefined || field.enumValues.includes(value as string)
        ? value
        : new ColumnProblem(`one of ${field.enumValues.join(', ')}`);
    default:
      return value;
  }
}
