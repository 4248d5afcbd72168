import { Decimal, DbNull, JsonNull } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import type { FieldMetadata } from '../../src/metadata/types.js';
import { ColumnProblem, fitToColumn } from '../../src/tracking/column-values.js';
import { checkValue } from '../../src/tracking/validate.js';
import { jsonEqual, storedJson, valuesEqual } from '../../src/tracking/values.js';

function field(kind: FieldMetadata['kind'], extra: Partial<FieldMetadata> = {}): FieldMetadata {
  return { name: 'f', column: 'f', kind, isList: false, isRequired: true, isId: false, isUpdatedAt: false, default: 'none', ...extra };
}

const price = field('Decimal', { nativeType: ['Decimal', ['10', '2']] });
const fitted = (f: FieldMetadata, provider: Parameters<typeof fitToColumn>[1], value: unknown) => {
  const out = fitToColumn(f, provider, value);
  return out instanceof ColumnProblem ? `problem: ${out.expected}` : String(out);
};

describe('fitToColumn', () => {
  it('rounds a declared Decimal scale half away from zero and refuses integer-digit overflow', () => {
    const cases: [string, string][] = [
      ['185.385', '185.39'], ['0.125', '0.13'], ['-0.125', '-0.13'], ['0.004', '0'], ['-0.005', '-0.01'],
      ['99999999.994', '99999999.99'], ['12', '12'], ['1e-10', '0'],
    ];
    for (const [given, stored] of cases) expect(fitted(price, 'postgresql', new Decimal(given)), given).toBe(stored);
    expect(fitted(price, 'postgresql', new Decimal('99999999.995'))).toBe('problem: a Decimal with at most 8 digits before the decimal point (the column is Decimal(10, 2))');
    expect(fitted(price, 'postgresql', new Decimal('-100000000'))).toMatch(/^problem: /);
  });

  it("uses the provider's default Decimal column: (65,30) on PostgreSQL and MySQL, a double on SQLite", () => {
    const plain = field('Decimal');
    expect(fitted(plain, 'postgresql', new Decimal('1.0000000000000000000000000000005'))).toBe('1.000000000000000000000000000001');
    expect(fitted(plain, 'mysql', new Decimal('1e35'))).toBe('problem: a Decimal with at most 35 digits before the decimal point (the column is Decimal(65, 30))');
    expect(fitted(plain, 'sqlite', new Decimal('0.12345678901234567890'))).toBe('0.12345678901234568');
    expect(fitted(plain, 'sqlite', new Decimal('185.385'))).toBe('185.385');
    expect(fitted(plain, 'sqlite', new Decimal('1e400'))).toMatch(/within the range of a double/);
    expect(fitted(plain, undefined, new Decimal('0.12345678901234567890'))).toBe('0.1234567890123456789');
  });

  it('refuses non-finite Decimals everywhere, NaN Floats where the database cannot store them', () => {
    for (const provider of ['postgresql', 'sqlite', undefined] as const) {
      expect(fitted(field('Decimal'), provider, new Decimal(Number.NaN))).toMatch(/finite Decimal/);
      expect(fitted(field('Decimal'), provider, new Decimal(-Infinity))).toMatch(/finite Decimal/);
    }
    expect(fitted(field('Float'), 'postgresql', Number.NaN)).toBe('NaN');
    expect(fitted(field('Float'), 'sqlite', Number.NaN)).toMatch(/other than NaN \(SQLite stores NaN as NULL\)/);
    expect(fitted(field('Float'), 'sqlite', Infinity)).toBe('Infinity');
    expect(fitted(field('Float'), 'mysql', Infinity)).toMatch(/finite number/);
  });

  it('keeps BigInt within 64 bits and enum values within the enum', () => {
    expect(fitted(field('BigInt'), 'sqlite', 2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(fitted(field('BigInt'), 'sqlite', 2n ** 63n)).toMatch(/from -9223372036854775808 to 9223372036854775807/);
    expect(fitted(field('BigInt', { nativeType: ['UnsignedBigInt', []] }), 'mysql', 2n ** 63n)).toBe('9223372036854775808');
    expect(fitted(field('Enum', { enumValues: ['RED', 'BLUE'] }), 'sqlite', 'PURPLE')).toBe('problem: one of RED, BLUE');
  });
});

describe('checkValue with column rules', () => {
  it('refuses list items out of range, naming the field', () => {
    const list = field('BigInt', { isList: true });
    expect(checkValue('Shape', 1, list, [1n, 2], 'postgresql')).toEqual([1n, 2n]);
    expect(() => checkValue('Shape', 1, list, [1n, 2n ** 64n], 'postgresql')).toThrow(/^Shape#1\.f items must be a bigint from/);
    expect(() => checkValue('Shape', 1, field('Decimal', { isList: true }), ['1', 'NaN'], 'postgresql')).toThrow(/items must be a finite Decimal/);
  });

  it('Json nulls: null and DbNull are the database NULL, JsonNull a JSON null', () => {
    const required = field('Json');
    const optional = field('Json', { isRequired: false });
    expect(() => checkValue('Shape', 1, required, null)).toThrow(/use Prisma\.JsonNull/);
    expect(() => checkValue('Shape', 1, required, DbNull)).toThrow(/cannot be the database NULL \(Prisma\.DbNull\)/);
    expect(checkValue('Shape', 1, required, JsonNull)).toBeNull();
    expect(checkValue('Shape', 1, optional, DbNull)).toBeNull();
    expect(checkValue('Shape', 1, optional, JsonNull)).toBe(JsonNull);
  });
});

describe('Json as the database stores it', () => {
  it('undefined members are dropped, undefined items are null, Dates, Decimals and bigints are strings', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(jsonEqual({ a: [1, undefined] }, { a: [1, null] })).toBe(true);
    expect(jsonEqual({ at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' })).toBe(true);
    expect(jsonEqual({ n: 10n, d: new Decimal('1.50') }, { n: '10', d: '1.5' })).toBe(true);
    expect(jsonEqual({ n: Number.NaN }, { n: null })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(storedJson({ at: new Date(0), gone: undefined, list: [undefined, 1n] })).toStrictEqual({ at: '1970-01-01T00:00:00.000Z', list: [null, '1'] });
    expect(() => storedJson((() => { const o: Record<string, unknown> = {}; o['self'] = o; return o; })())).toThrow(TypeError);
  });

  it('a JSON null given as Prisma.JsonNull differs from the database NULL of an optional field', () => {
    const optional = field('Json', { isRequired: false });
    expect(valuesEqual(optional, JsonNull, null)).toBe(false);
    expect(valuesEqual(optional, JsonNull, JsonNull)).toBe(true);
  });
});
