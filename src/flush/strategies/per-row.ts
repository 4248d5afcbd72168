import type { ConflictingRow } from '../../errors.js';
import type { Row } from '../../tracking/entity.js';
import type { FlushStrategy, ModelDelegate } from '../strategy.js';

interface ReturningDelegate extends ModelDelegate {
  updateManyAndReturn(args: { where: Row; data: Row; select: Row }): Promise<Row[]>;
}
import { conflict, toPrismaData, updateData, updateWhere } from './prisma-values.js';

/**
 * `per-row`: one Prisma Client call per row: what hand-written Prisma code does. Slow, simple,
 * and the reference the other strategies are checked against.
 */
export const perRowStrategy: FlushStrategy = {
  name: 'per-row',
  describe(step, model) {
    const call = step.op === 'insert' ? 'create' : step.op === 'update' ? 'updateMany' : 'deleteMany';
    const what = step.op === 'update' ? ` (${step.fields.join(', ')})` : '';
    return step.rows.map(() => `prisma.${model.delegate}.${call}${what}`);
  },
  async insert(step, { model, delegate, session, tx }) {
    await session?.prepare(tx, true);
    const out: Row[] = [];
    for (const row of step.rows) out.push(await delegate.create({ data: toPrismaData(model, row.values) }));
    return out;
  },
  async update(step, { model, delegate, session, tx, schema }) {
    await session?.prepare(tx, true);
    // The mysql provider has no `updateManyAndReturn`: there the sums are read back by key.
    const returning = schema.provider !== 'mysql';
    const conflicts: ConflictingRow[] = [];
    const stored: Row[] = [];
    const select = Object.fromEntries([...model.primaryKey, ...step.deltas].map((name) => [name, true]));
    for (const row of step.rows) {
      const where = updateWhere(model, step.check, row, step.checked, step.deltas);
      const data = updateData(model, step.check, row.set, row.deltas);
      let count: number;
      if (step.deltas.length > 0 && !returning) {
        count = (await delegate.updateMany({ where, data })).count;
        // The row is locked by this transaction's UPDATE: the value read is the sum it stored.
        if (count > 0) for (const back of await delegate.findMany({ where: { ...row.key }, select })) stored.push(back);
      } else if (step.deltas.length > 0) {
        // Deltas: the sum is read back from the same statement (RETURNING).
        const written = await (delegate as ReturningDelegate).updateManyAndReturn({ where, data, select });
        for (const back of written) stored.push(back);
        count = written.length;
      } else {
        count = (await delegate.updateMany({ where, data })).count;
      }
      if (count === 0 && step.check !== 'none') conflicts.push(conflict(model, row.key, row.version));
    }
    return step.deltas.length > 0 ? { conflicts, stored } : { conflicts };
  },
  async delete(step, { model, delegate, session, tx }) {
    await session?.prepare(tx, true);
    const conflicts: ConflictingRow[] = [];
    for (const row of step.rows) {
      const where: Row = { ...row.key };
      if (step.check === 'version' && model.versionField !== undefined) where[model.versionField] = row.version;
      const { count } = await delegate.deleteMany({ where });
      if (count === 0) conflicts.push(conflict(model, row.key, row.version));
    }
    return conflicts;
  },
};
