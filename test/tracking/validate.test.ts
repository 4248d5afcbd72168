import { Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import type { FieldMetadata } from '../../src/metadata/types.js';
import { checkValue } from '../../src/tracking/validate.js';

/** Values Prisma or the database would reject fail at the assignment, naming model, key and field. */

function field(kind: FieldMetadata['kind'], extra: Partial<FieldMetadata> = {}): FieldMetadata {
  return { name: 'f', column: 'f', kind, isList: false, isRequired: true, isId: false, isUpdatedAt: false, default: 'none', ...extra };
}

describe('checkValue', () => {
  it.each([
    ['Int', 1.5, /must be an integer/],
    ['Int', 2 ** 31, /from -2147483648 to 2147483647/],
    ['String', 5, /must be a string/],
    ['Boolean', 'yes', /must be a boolean/],
    ['DateTime', new Date('nope'), /must be a valid Date/],
    ['Decimal', 'ten', /must be a Decimal/],
    ['Bytes', [1, 2], /must be a Uint8Array/],
    ['BigInt', 1.5, /must be a bigint/],
  ] as const)('%s rejects %o', (kind, value, message) => {
    expect(() => checkValue('Shape', 7, field(kind), value)).toThrow(message);
    expect(() => checkValue('Shape', 7, field(kind), value)).toThrow(/^Shape#7\.f /);
  });

  it('rejects a string longer than its VarChar(n) column', () => {
    const code = field('String', { nativeType: ['VarChar', ['5']] });
    expect(checkValue('Shape', 1, code, 'abcde')).toBe('abcde');
    expect(() => checkValue('Shape', 1, code, 'abcdef')).toThrow('Shape#1.f must be at most 5 characters long (6 given), got "abcdef".');
  });

  it('rejects null in a required field and undefined anywhere', () => {
    expect(() => checkValue('Shape', 1, field('String'), null)).toThrow('Shape#1.f is required and cannot be null.');
    expect(() => checkValue('Shape', 1, field('String', { isRequired: false }), undefined)).toThrow(/use null to clear/);
    expect(checkValue('Shape', 1, field('String', { isRequired: false }), null)).toBeNull();
  });

  it('returns values in the type Prisma reads back', () => {
    expect(checkValue('Shape', 1, field('Decimal'), 1.25)).toEqual(new Decimal('1.25'));
    expect(checkValue('Shape', 1, field('BigInt'), 3)).toBe(3n);
  });
});
