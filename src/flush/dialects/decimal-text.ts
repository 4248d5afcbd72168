import type { Decimal } from '@prisma/client/runtime/client';
import type { TextBytes } from './text-bytes.js';

/**
 * A `Decimal` written as `value.toFixed()` writes it (plain digits, no exponent, no trailing
 * zeros: `'-0.000123'`, `'1200'`), straight from its digits into a {@link TextBytes}.
 *
 * `toFixed()` builds its text by string concatenation, about 130 bytes of garbage per value,
 * 1.3 MB per commit of 10,000 changed balances. This reads the same public parts decimal.js
 * declares (`s` sign, `e` decimal exponent, `d` base-10^7 digit groups, the first without
 * leading and the last without trailing zero groups) and writes the bytes. NaN and ±Infinity,
 * which no column stores, are left to `toFixed()`. test/flush/decimal-text.test.ts compares
 * both on random values.
 *
 * @example
 * ```ts
 * const out = new TextBytes(32);
 * writeDecimal(out, new Decimal('-1.50'));
 * out.text(0, out.length); // '-1.5'
 * ```
 *
 * @internal
 * @module
 */

/** Digits in one group of `d`. */
const GROUP = 7;

/** Writes `value.toFixed()` to `out`. */
export function writeDecimal(out: TextBytes, value: Decimal): void {
  const groups = value.d;
  const exponent = value.e;
  if (!groups || groups.length === 0 || !Number.isFinite(exponent)) return out.ascii(value.toFixed());
  if (groups[0] === 0) return out.byte(0x30); // zero, of either sign: '0'
  if (value.s < 0) out.byte(0x2d);
  if (exponent < 0) {
    // 0.000ddd
    out.byte(0x30);
    out.byte(0x2e);
    for (let i = -1; i > exponent; i--) out.byte(0x30);
  }
  const start = out.length;
  out.digits(groups[0]!);
  for (let i = 1; i < groups.length; i++) out.digits(groups[i]!, GROUP);
  // Trailing zeros of the last group are not digits of the value.
  while (out.length > start + 1 && out.at(out.length - 1) === 0x30) out.length--;
  if (exponent < 0) return;
  const count = out.length - start;
  if (exponent + 1 < count) out.insert(start + exponent + 1, 0x2e);
  else for (let i = count; i < exponent + 1; i++) out.byte(0x30);
}
