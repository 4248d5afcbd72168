import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mariadbJsonChunks, mariadbJsonRows } from '../../src/flush/dialects/mariadb-json.js';
import type { FieldMetadata } from '../../src/metadata/types.js';

/**
 * The JSON parameter of the MariaDB bulk statements (`mariadb-json.ts`), written as bytes: each
 * kind of value as the server reads it exactly, and rows split into chunks within a byte limit
 * with every row in exactly one chunk, in order. (Round trips through a real MariaDB are in
 * test/flush/mariadb-dialect.test.ts.)
 */

const field = (kind: FieldMetadata['kind'], extra: Partial<FieldMetadata> = {}): FieldMetadata => ({ kind, isList: false, isRequired: false, ...extra }) as FieldMetadata;

describe('mariadbJsonRows', () => {
  it('writes every kind of value as the server reads it exactly', () => {
    const fields = [
      field('Int'),
      field('Float'),
      field('Decimal'),
      field('BigInt'),
      field('Boolean'),
      field('DateTime'),
      field('Bytes'),
      field('String'),
      field('Json', { isRequired: true }),
    ];
    const rows = [
      [-7, 0.1 + 0.2, new Decimal('-0.000123'), 2n ** 63n - 1n, true, new Date('1999-12-31T23:59:59.999Z'), new Uint8Array([0, 255, 0x22]), 'ünï "q" \\ 😀', { a: [1, 'ü'] }],
      [null, -0, '12.50', -5n, false, null, null, null, null],
      [9007199254740991, 1e21, new Decimal('1e+40'), null, null, null, null, '', 'x'],
    ];
    expect(mariadbJsonRows(fields, rows)).toBe(
      '[[-7,0.30000000000000004,"-0.000123","9223372036854775807",1,"1999-12-31 23:59:59.999","00ff22","ünï \\"q\\" \\\\ 😀","{\\"a\\":[1,\\"ü\\"]}"],' +
        '[null,0,"12.5","-5",0,null,null,null,"null"],' +
        '[9007199254740991,1e+21,"10000000000000000000000000000000000000000",null,null,null,null,"","\\"x\\""]]',
    );
    expect(JSON.parse(mariadbJsonRows(fields, rows))).toHaveLength(3);
    expect(mariadbJsonRows(fields, [])).toBe('[]');
  });
});

describe('mariadbJsonChunks', () => {
  const fields = [field('Int'), field('String')];

  it('splits rows into chunks of at most maxBytes bytes, in order, each row once, a chunk ending only where the next row would not fit', () => {
    const row = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 12, unit: 'grapheme' }));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.integer({ min: 8, max: 120 }), (rows, maxBytes) => {
        const chunks = mariadbJsonChunks(fields, rows, (r, i) => r[i], maxBytes);
        expect(chunks.flatMap((c) => JSON.parse(c.json) as unknown[])).toEqual(rows);
        let next = 0;
        for (const [k, c] of chunks.entries()) {
          expect(c.first).toBe(next);
          expect(JSON.parse(c.json)).toHaveLength(c.rows);
          const bytes = Buffer.byteLength(c.json);
          // Over the limit only as a single row too long for any chunk.
          if (c.rows > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
          // Greedy: with the next chunk's first row it would not have fit.
          const following = chunks[k + 1];
          if (following) expect(bytes + Buffer.byteLength(JSON.stringify(rows[following.first])) + 1).toBeGreaterThan(maxBytes);
          next += c.rows;
        }
        expect(next).toBe(rows.length);
      }),
      { numRuns: 500 },
    );
  });

  it('writes all rows as one chunk when they fit, and no rows as []', () => {
    expect(mariadbJsonChunks(fields, [[1, 'a'], [2, 'b']], (r, i) => r[i], Infinity)).toEqual([{ json: '[[1,"a"],[2,"b"]]', first: 0, rows: 2 }]);
    expect(mariadbJsonChunks(fields, [], (r: unknown[], i) => r[i], 10)).toEqual([{ json: '[]', first: 0, rows: 0 }]);
  });
});
