import type { DMMF } from '@prisma/generator-helper';
import type { DeltaMetadata } from '../types.js';

/**
 * Declared deltas: a numeric field marked `/// @delta` in its doc comment is a counter that
 * commits write as `col = col + Δ`. Optional bounds follow in parentheses, each a decimal
 * literal: `/// @delta(min: 0)`, `/// @delta(min: -100, max: 1000.5)`.
 *
 * @module
 */

const NUMERIC = new Set(['Int', 'BigInt', 'Float', 'Decimal']);
const NUMBER = /^-?\d+(\.\d+)?$/;
const MARKER = /(^|\s)@delta(?=$|[\s(])/;

function fail(model: DMMF.Model, field: DMMF.Field, problem: string): never {
  throw new Error(`prisma-uow generator: ${model.name}.${field.name}: ${problem}`);
}

function parseBounds(model: DMMF.Model, field: DMMF.Field, text: string): DeltaMetadata {
  const bounds: { min?: string; max?: string } = {};
  const usage = 'write the bounds as `/// @delta(min: 0)` or `/// @delta(min: 0, max: 1000)`';
  if (text.trim() === '') fail(model, field, `@delta() has empty parentheses; ${usage}, or drop the parentheses`);
  for (const part of text.split(',')) {
    const match = /^\s*(\w+)\s*:\s*(\S+)\s*$/.exec(part);
    if (!match) fail(model, field, `cannot read '${part.trim()}' in @delta(${text}); ${usage}`);
    const [, name, value] = match;
    if (name !== 'min' && name !== 'max') fail(model, field, `@delta has no bound '${name}'; the bounds are min and max`);
    if (bounds[name] !== undefined) fail(model, field, `@delta gives '${name}' twice`);
    if (!NUMBER.test(value!)) fail(model, field, `@delta ${name} must be a decimal number such as 0 or -12.5, got '${value}'`);
    if ((field.type === 'Int' || field.type === 'BigInt') && value!.includes('.')) {
      fail(model, field, `@delta ${name} is ${value}, but the field is ${field.type}; use a whole number`);
    }
    bounds[name] = value!;
  }
  if (bounds.min !== undefined && bounds.max !== undefined && Number(bounds.min) > Number(bounds.max)) {
    fail(model, field, `@delta min (${bounds.min}) is greater than max (${bounds.max})`);
  }
  return bounds;
}

/**
 * The delta declaration of `field`, or `undefined` when it has none. Throws, naming model and
 * field, when the marker is malformed or the field cannot be a counter (not a required scalar
 * `Int`/`BigInt`/`Float`/`Decimal`, or a key, version, foreign-key or `@updatedAt` field).
 *
 * @example
 * ```ts
 * deltaOf(accountModel, balanceField, 'version'); // { min: '0' } for `/// @delta(min: 0)`
 * ```
 */
export function deltaOf(model: DMMF.Model, field: DMMF.Field, version: string | undefined): DeltaMetadata | undefined {
  const doc = field.documentation;
  if (doc === undefined || !MARKER.test(doc)) return undefined;
  const at = doc.search(MARKER);
  const rest = doc.slice(doc.indexOf('@delta', at) + '@delta'.length);
  let bounds: DeltaMetadata = {};
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    if (close < 0) fail(model, field, '@delta( has no closing parenthesis; write `/// @delta(min: 0)`');
    bounds = parseBounds(model, field, rest.slice(1, close));
  }
  if ((doc.match(/(^|\s)@delta(?=$|[\s(])/g) ?? []).length > 1) fail(model, field, 'is marked @delta more than once; keep one marker');
  if (!NUMERIC.has(field.type) || field.kind !== 'scalar') fail(model, field, `is marked @delta but is ${field.type}; a delta is an Int, BigInt, Float or Decimal`);
  if (field.isList || !field.isRequired) fail(model, field, `is marked @delta but is ${field.isList ? 'a list' : 'optional'}; make it required, e.g. \`${field.name} ${field.type} @default(0)\``);
  if (field.isId) fail(model, field, 'is marked @delta but is the primary key; a key cannot be a counter');
  if (field.name === version) fail(model, field, 'is marked @delta but is the version field; the version already counts itself');
  if (field.isUpdatedAt) fail(model, field, 'is marked @delta but is @updatedAt');
  const foreignKey = model.fields.some((f) => f.kind === 'object' && (f.relationFromFields ?? []).includes(field.name));
  if (foreignKey) fail(model, field, 'is marked @delta but is a foreign key; a reference cannot be a counter');
  return Object.freeze(bounds);
}
