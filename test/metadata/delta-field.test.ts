import type { DMMF } from '@prisma/generator-helper';
import { describe, expect, it } from 'vitest';
import { deltaOf } from '../../src/metadata/generator/delta-field.js';
import { schema as sqlite } from '../generated/sqlite/uow/index.js';
import { generateCase } from './generate-case.js';

/** Issue 11: `/// @delta` markers, as the generator reads them. */

function field(name: string, type: string, documentation: string, extra: Partial<DMMF.Field> = {}): DMMF.Field {
  return { name, type, documentation, kind: 'scalar', isList: false, isRequired: true, isId: false, isUnique: false, hasDefaultValue: false, isReadOnly: false, isGenerated: false, isUpdatedAt: false, ...extra } as DMMF.Field;
}

function model(...fields: DMMF.Field[]): DMMF.Model {
  return { name: 'Wallet', fields } as unknown as DMMF.Model;
}

const read = (f: DMMF.Field, version?: string) => () => deltaOf(model(f), f, version);

describe('@delta markers', () => {
  it('reads a plain marker, bounds, negative and decimal bounds; other doc text is left alone', () => {
    expect(deltaOf(model(), field('n', 'Int', '@delta'), undefined)).toEqual({});
    expect(deltaOf(model(), field('n', 'Int', 'Points.\n@delta(min: 0)'), undefined)).toEqual({ min: '0' });
    expect(deltaOf(model(), field('n', 'Decimal', '@delta( min: -10.5 , max:1000 ) the balance'), undefined)).toEqual({ min: '-10.5', max: '1000' });
    expect(deltaOf(model(), field('n', 'Int', 'no marker here, @deltas is not one'), undefined)).toBeUndefined();
  });

  it('bad syntax or a field that cannot be a counter fails generate, naming model and field', () => {
    expect(read(field('n', 'Int', '@delta(min 0)'))).toThrow("prisma-uow generator: Wallet.n: cannot read 'min 0' in @delta(min 0)");
    expect(read(field('n', 'Int', '@delta(low: 0)'))).toThrow("Wallet.n: @delta has no bound 'low'; the bounds are min and max");
    expect(read(field('n', 'Int', '@delta(min: zero)'))).toThrow("Wallet.n: @delta min must be a decimal number such as 0 or -12.5, got 'zero'");
    expect(read(field('n', 'Int', '@delta(min: 0.5)'))).toThrow('Wallet.n: @delta min is 0.5, but the field is Int; use a whole number');
    expect(read(field('n', 'Int', '@delta(min: 5, max: 1)'))).toThrow('Wallet.n: @delta min (5) is greater than max (1)');
    expect(read(field('n', 'Int', '@delta(min: 0, min: 1)'))).toThrow("Wallet.n: @delta gives 'min' twice");
    expect(read(field('n', 'Int', '@delta(min: 0'))).toThrow('Wallet.n: @delta( has no closing parenthesis');
    expect(read(field('n', 'Int', '@delta()'))).toThrow('Wallet.n: @delta() has empty parentheses');
    expect(read(field('s', 'String', '@delta'))).toThrow('Wallet.s: is marked @delta but is String; a delta is an Int, BigInt, Float or Decimal');
    expect(read(field('n', 'Int', '@delta', { isRequired: false }))).toThrow('Wallet.n: is marked @delta but is optional');
    expect(read(field('n', 'Int', '@delta', { isId: true }))).toThrow('Wallet.n: is marked @delta but is the primary key');
    expect(read(field('v', 'Int', '@delta'), 'v')).toThrow('Wallet.v: is marked @delta but is the version field');
  });

  it('the metadata carries the declarations (test schema: Counter, Tally)', () => {
    const counter = sqlite.models['Counter']!.fields;
    expect(Object.fromEntries(counter.filter((f) => f.delta).map((f) => [f.name, f.delta]))).toEqual({
      hits: {},
      stock: { min: '0', max: '1000' },
      big: { min: '-5' },
      ratio: { max: '100.5' },
      amount: { min: '0' },
    });
    expect(counter.find((f) => f.name === 'label')!.delta).toBeUndefined();
  });

  it('prisma generate fails with the message', async () => {
    const failed = await generateCase('bad-delta', { models: 'model Wallet {\n  id Int @id\n  /// @delta(min: -)\n  balance Int\n}', uow: { uow: '' } });
    expect(failed.error).toContain("Wallet.balance: @delta min must be a decimal number such as 0 or -12.5, got '-'");
  });
});
