import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeDecimal } from '../../src/flush/dialects/decimal-text.js';
import { TextBytes } from '../../src/flush/dialects/text-bytes.js';

/**
 * `writeDecimal` (the MariaDB bulk statements' Decimal writer) writes exactly what
 * `Decimal.toFixed()` returns, which the JSON parameter carried before: differential on chosen
 * and random values.
 */

function written(value: Decimal): string {
  const out = new TextBytes(4);
  out.ascii('x'); // not at offset 0
  writeDecimal(out, value);
  return out.text(1, out.length);
}

describe('writeDecimal', () => {
  it('writes chosen values as toFixed() does', () => {
    const values = [
      '0', '-0', '1', '-1', '10', '100', '1200', '0.05', '-0.000123', '1.5', '2.25', '9999999', '10000000', '0.0000001',
      '12345678901234567890123456789012345.123456789012345678901234567891', '1e-30', '-1e-30', '1e+40', '123e+20', '0.1000000200000003',
    ];
    for (const text of values) expect(written(new Decimal(text)), text).toBe(new Decimal(text).toFixed());
  });

  it('writes random values as toFixed() does', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 45 });
    fc.assert(
      fc.property(fc.boolean(), digits, fc.option(digits), fc.integer({ min: -60, max: 60 }), (negative, whole, fraction, shift) => {
        const value = new Decimal(`${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`).times(new Decimal(10).pow(shift));
        expect(written(value)).toBe(value.toFixed());
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves NaN and Infinity to toFixed()', () => {
    expect(written(new Decimal(NaN))).toBe('NaN');
    expect(written(new Decimal(-Infinity))).toBe('-Infinity');
  });
});
