import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextBytes } from '../../src/flush/dialects/text-bytes.js';

/** `TextBytes`, the byte builder of the MariaDB JSON parameter: what it writes is the text given. */
describe('TextBytes', () => {
  it('writes the digits of safe integers as String() does, padded to a width', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 + 10 }), fc.maxSafeNat()), fc.integer({ min: 1, max: 20 }), (n, width) => {
        const out = new TextBytes(1);
        out.digits(n, width);
        expect(out.text(0, out.length)).toBe(String(n).padStart(width, '0'));
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 9, 10, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const out = new TextBytes(1);
      out.digits(n);
      expect(out.text(0, out.length)).toBe(String(n));
    }
  });

  it('writes any text as UTF-8, through ascii() too, growing as needed; insert() moves the rest on', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 20 }), (parts) => {
        const out = new TextBytes(1);
        parts.forEach((part, i) => (i % 2 ? out.ascii(part) : out.utf8(part)));
        expect(out.text(0, out.length)).toBe(Buffer.from(parts.join(''), 'utf8').toString('utf8'));
      }),
    );
    const out = new TextBytes(1);
    out.ascii('125');
    out.insert(1, 0x2e);
    expect(out.text(0, out.length)).toBe('1.25');
  });
});
