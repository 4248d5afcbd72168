import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scalarEqual } from '../../src/tracking/values.js';

describe('scalarEqual for Decimal', () => {
  it('says what Decimal.equals says, for the cases that are easy to get wrong', () => {
    const pairs: [string, string][] = [
      ['12.340', '12.34'],
      ['0', '-0'],
      ['0.0000001', '1e-7'],
      ['10000000', '1e7'],
      ['1.5', '1.50000000000000000001'],
      ['-3', '3'],
      ['123456789012345678901234567890.123456789', '123456789012345678901234567890.123456789'],
      ['123456789012345678901234567890.123456789', '123456789012345678901234567890.12345679'],
      ['Infinity', 'Infinity'],
      ['Infinity', '-Infinity'],
      ['NaN', 'NaN'],
      ['NaN', '1'],
    ];
    for (const [a, b] of pairs) {
      expect(scalarEqual('Decimal', new Decimal(a), new Decimal(b)), `${a} vs ${b}`).toBe(new Decimal(a).equals(new Decimal(b)));
    }
  });

  it('agrees with Decimal.equals on random values, near-equal ones included', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 35 }))
      .map(([digits, scale]) => new Decimal(`${digits}e-${scale}`));
    fc.assert(
      fc.property(decimal, decimal, fc.boolean(), (a, b, same) => {
        const other = same ? new Decimal(a.toFixed(40)) : b;
        return scalarEqual('Decimal', a, other) === a.equals(other);
      }),
      { numRuns: 2000 },
    );
  });
});
