import type { ConflictingRow } from '../../errors.js';
import type { ModelMetadata } from '../../metadata/types.js';
import { valuesEqual } from '../../tracking/values.js';
import type { Row } from '../../tracking/entity.js';
import type { UpdateRow } from '../plan.js';
import { chunk, fieldOf } from '../dialects/dialect.js';
import type { FlushStrategy, ModelDelegate, StepContext } from '../strategy.js';
import { conflict, toPrismaData, updateData, updateWhere } from './prisma-values.js';

/**
 * `grouped`: Prisma Client calls, batched where Prisma can batch: one `createManyAndReturn` per
 * model, one `updateManyAndReturn` per group of rows given identical values, one `deleteMany`
 * per model.
 *
 * Prisma has no `createManyAndReturn`/`updateManyAndReturn` for the `mysql` provider: there rows
 * are inserted with one `create` each (the only call returning generated keys), and a group's
 * `updateMany` is checked by its count; when it is short, the group's rows are read back and
 * those holding the new values (and version + 1) are the written ones, or, when more rows look
 * written than were counted, every row of the group is named.
 */

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return v;
  });
}

interface DelegateWithReturn extends ModelDelegate {
  updateManyAndReturn(args: { where: Row; data: Row; select: Row }): Promise<Row[]>;
}

function keyId(model: ModelMetadata, row: Readonly<Row>): string {
  return stable(model.primaryKey.map((k) => row[k]));
}

function select(model: ModelMetadata, also: readonly string[] = []): Row {
  return Object.fromEntries([...model.primaryKey, ...also].map((k) => [k, true]));
}

/**
 * Most rows one Prisma call names in its `OR` list: Prisma binds every key and check value, and
 * long `OR` lists hit SQLite's parameter limit (P2029) and plan slowly on PostgreSQL.
 */
/**
 * Bound values per Prisma call at most. Prisma's SQLite engine refuses more than 999 (P2029);
 * PostgreSQL allows far more, but 900 per call keeps every call well inside every provider.
 */
const VALUES_PER_CALL = 900;

/** Rows per call when each row's `where` binds `perRow` values (key, version, originals). */
function rowsPerCall(perRow: number): number {
  return Math.max(1, Math.floor(VALUES_PER_CALL / Math.max(1, perRow)));
}

function whereValues(model: ModelMetadata, check: string, fields: number): number {
  return model.primaryKey.length + (check === 'version' && model.versionField !== undefined ? 1 : 0) + (check === 'original' ? fields : 0);
}

function groups(rows: readonly UpdateRow[], perCall: number): UpdateRow[][] {
  const out = new Map<string, UpdateRow[]>();
  for (const row of rows) {
    // Rows with deltas share a call when they add the same Δ (their `set` holds each row's own sum).
    const k = row.deltas ? stable({ ...row.set, ...row.deltas }) : stable(row.set);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return [...out.values()].flatMap((group) => chunk(group, perCall));
}

/** Whether Prisma has the `*AndReturn` calls for the schema's provider (not for `mysql`). */
function andReturn(ctx: Pick<StepContext, 'schema'>): boolean {
  return ctx.schema.provider !== 'mysql';
}

/**
 * Without `updateManyAndReturn`: the rows of a group `updateMany` wrote, read back by key. Exact
 * when as many rows look written as were counted; `undefined` (name them all) otherwise.
 */
async function writtenByCount(model: ModelMetadata, delegate: ModelDelegate, check: string, rows: readonly UpdateRow[], count: number): Promise<Set<string> | undefined> {
  // Delta fields hold sums a concurrent unit may have moved: only absolute writes are compared.
  const fields = Object.keys(rows[0]!.set).filter((name) => rows[0]!.deltas?.[name] === undefined);
  const versioned = check === 'version' && model.versionField !== undefined;
  const names = [...model.primaryKey, ...fields, ...(versioned ? [model.versionField!] : [])];
  const current = await delegate.findMany({ where: { OR: rows.map((r) => ({ ...r.key })) }, select: Object.fromEntries(names.map((n) => [n, true])) });
  const byKey = new Map(current.map((r) => [keyId(model, r), r]));
  const looks = rows.filter((row) => {
    const now = byKey.get(keyId(model, row.key));
    if (!now) return false;
    if (versioned && Number(now[model.versionField!]) !== Number(row.version) + 1) return false;
    return fields.every((name) => valuesEqual(fieldOf(model, name), now[name], row.set[name]));
  });
  return looks.length === count ? new Set(looks.map((r) => keyId(model, r.key))) : undefined;
}

export const groupedStrategy: FlushStrategy = {
  name: 'grouped',
  describe(step, model) {
    if (step.op === 'insert') return [`prisma.${model.delegate}.createManyAndReturn (${step.rows.length} rows)`];
    // (For the mysql provider: one `create` per row and `updateMany` per group, see above.)
    if (step.op === 'delete') return chunk(step.rows, rowsPerCall(whereValues(model, step.check, 0))).map((rows) => `prisma.${model.delegate}.deleteMany (${rows.length} rows)`);
    return groups(step.rows, rowsPerCall(whereValues(model, step.check, step.checked.length))).map((g) => `prisma.${model.delegate}.updateManyAndReturn (${g.length} rows: ${step.fields.join(', ')})`);
  },
  async insert(step, ctx) {
    const { model, delegate, session, tx } = ctx;
    await session?.prepare(tx, true);
    if (!andReturn(ctx)) {
      const out: Row[] = [];
      for (const row of step.rows) out.push(await delegate.create({ data: toPrismaData(model, row.values) }));
      return out;
    }
    return delegate.createManyAndReturn({ data: step.rows.map((r) => toPrismaData(model, r.values)) });
  },
  async update(step, ctx) {
    const { model, delegate, session, tx } = ctx;
    await session?.prepare(tx, true);
    const conflicts: ConflictingRow[] = [];
    const stored: Row[] = [];
    const where = (r: UpdateRow) => updateWhere(model, step.check, r, step.checked, step.deltas);
    for (const rows of groups(step.rows, rowsPerCall(whereValues(model, step.check, step.checked.length + step.deltas.length)))) {
      const filter = rows.length === 1 ? where(rows[0]!) : { OR: rows.map(where) };
      const data = updateData(model, step.check, rows[0]!.set, rows[0]!.deltas);
      if (!andReturn(ctx)) {
        const { count } = await delegate.updateMany({ where: filter, data });
        if (count !== rows.length && step.check !== 'none') {
          const done = await writtenByCount(model, delegate, step.check, rows, count);
          for (const row of rows) if (!done?.has(keyId(model, row.key))) conflicts.push(conflict(model, row.key, row.version));
        }
        // No RETURNING here: the stored sums of the delta fields are read back in the transaction.
        if (step.deltas.length > 0) for (const row of await delegate.findMany({ where: { OR: rows.map((r) => ({ ...r.key })) }, select: select(model, step.deltas) })) stored.push(row);
        continue;
      }
      const written = await (delegate as DelegateWithReturn).updateManyAndReturn({
        where: filter,
        data,
        select: select(model, step.deltas),
      });
      if (step.deltas.length > 0) for (const row of written) stored.push(row);
      if (written.length === rows.length || step.check === 'none') continue;
      const done = new Set(written.map((r) => keyId(model, r)));
      for (const row of rows) if (!done.has(keyId(model, row.key))) conflicts.push(conflict(model, row.key, row.version));
    }
    return step.deltas.length > 0 ? { conflicts, stored } : { conflicts };
  },
  async delete(step, { model, delegate, session, tx }) {
    await session?.prepare(tx, true);
    const versioned = step.check === 'version' && model.versionField !== undefined;
    const where = (row: (typeof step.rows)[number]): Row =>
      versioned ? { ...row.key, [model.versionField!]: row.version } : { ...row.key };
    const conflicts: ConflictingRow[] = [];
    for (const rows of chunk(step.rows, rowsPerCall(whereValues(model, step.check, 0)))) {
      const { count } = await delegate.deleteMany({ where: { OR: rows.map(where) } });
      if (count === rows.length) continue;
      // Rows still present failed their version check; if that does not account for every miss,
      // some were already deleted elsewhere and cannot be told apart from ours: name them all.
      const left = await delegate.findMany({ where: { OR: rows.map((r) => ({ ...r.key })) }, select: select(model) });
      const leftIds = new Set(left.map((r) => keyId(model, r)));
      const suspects = count + left.length === rows.length ? rows.filter((r) => leftIds.has(keyId(model, r.key))) : rows;
      for (const r of suspects) conflicts.push(conflict(model, r.key, r.version));
    }
    return conflicts;
  },
};
