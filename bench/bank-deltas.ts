/**
 * The bank schema's declared deltas (prisma/schema.prisma: `Account.balance` `/// @delta(min: 0)`,
 * `User.loyaltyPoints` `/// @delta`) on the metadata of the test schema, which the benchmarks
 * run on (test/prisma/prepare.ts composes the demo models without their delta markers, so the
 * test suites keep testing plain columns). The Prisma Client is the same either way: a delta is
 * a doc-comment marker, not a column change.
 *
 * @example
 * ```ts
 * const units = createUnits({ prisma, schema: withBankDeltas(schema), ...bank });
 * ```
 *
 * @module
 */
import type { SchemaMetadata } from '../src/index.js';
import { schema as bankSchema } from '../src/generated/uow/index.js';

/** `schema` with the delta declarations of the bank schema on the bank models' fields. */
export function withBankDeltas<S extends SchemaMetadata>(schema: S): S {
  const models = { ...schema.models };
  for (const [name, bankModel] of Object.entries(bankSchema.models)) {
    const model = models[name];
    if (!model) continue;
    const deltas = new Map(bankModel.fields.filter((f) => f.delta).map((f) => [f.name, f.delta!]));
    models[name] = { ...model, fields: model.fields.map((f) => (deltas.has(f.name) ? { ...f, delta: deltas.get(f.name)! } : f)) };
  }
  return Object.freeze({ ...schema, models }) as S;
}
