/**
 * Costs of tracking, separate from flushing: loading rows through a unit versus a plain
 * `findMany`, committing a unit that holds many clean objects, and heap memory per tracked
 * object (measured with a forced GC: `global.gc` when node runs with `--expose-gc`, else exposed
 * at run time through `v8.setFlagsFromString`).
 *
 * @example
 * ```ts
 * await seedAccounts(bench, 100_000);
 * const load = await measureLoad(bench, 10_000, 7);
 * load.unit.median / load.plain.median; // overhead of tracking while loading
 * ```
 *
 * @module
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Decimal } from '@prisma/client/runtime/client';
import { measure, median, summarize, timeOnce, type Measurement, type Summary } from './measure.js';
import { resetAccounts } from './scenarios.js';
import type { BenchDatabase } from './setup.js';

/** Loading the same rows through a unit and through `findMany`. */
export interface LoadResult {
  readonly rows: number;
  readonly unit: Summary;
  readonly plain: Summary;
}

/** Times `uow.account.find()` and `prisma.account.findMany()` of the first `n` accounts, interleaved. */
export async function measureLoad(bench: BenchDatabase, n: number, runs: number): Promise<LoadResult> {
  const where = { id: { lte: n } };
  const unitTimes: number[] = [];
  const plainTimes: number[] = [];
  let rows = 0;
  for (let i = 0; i <= runs; i++) {
    const unit = await timeOnce(async () => {
      const uow = bench.units.begin();
      rows = (await uow.account.find({ where })).length;
      uow.$rollback();
    });
    const plain = await timeOnce(() => bench.db.prisma.account.findMany({ where }));
    if (i === 0) continue; // warm-up
    unitTimes.push(unit);
    plainTimes.push(plain);
  }
  return { rows, unit: summarize(unitTimes), plain: summarize(plainTimes) };
}

/** `$commit()` of a unit holding every account, `changed` of them modified. */
export async function measureCommitOfLoaded(bench: BenchDatabase, changed: number, runs: number): Promise<Measurement & { loaded: number }> {
  let loaded = 0;
  const result = await measure({
    runs,
    counter: bench,
    async prepare() {
      await resetAccounts(bench);
      const uow = bench.units.begin();
      const accounts = await uow.account.find();
      loaded = accounts.length;
      for (const account of accounts.slice(0, changed)) account.balance = new Decimal(account.balance).plus(1);
      return () => uow.$commit();
    },
  });
  return { ...result, loaded };
}

/** A function that forces a full garbage collection. */
export function forceGc(): { gc: () => void; how: string } {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return { gc: exposed, how: 'global.gc (node --expose-gc)' };
  v8.setFlagsFromString('--expose_gc');
  return { gc: vm.runInNewContext('gc') as () => void, how: "v8.setFlagsFromString('--expose_gc')" };
}

/** Heap bytes per loaded row, through a unit and through `findMany`. */
export interface MemoryResult {
  readonly rows: number;
  readonly unitBytesPerRow: number;
  readonly plainBytesPerRow: number;
  readonly gc: string;
}

/** Holds what is being measured; cleared explicitly (locals of async frames outlive their use). */
const holder: { value: unknown } = { value: undefined };

async function heapDelta(gc: () => void, load: () => Promise<unknown[]>): Promise<{ bytes: number; rows: number }> {
  holder.value = undefined;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  holder.value = await load();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const rows = (holder.value as unknown[]).length;
  holder.value = undefined;
  return { bytes: after - before, rows };
}

/** Median over `runs` of the heap growth (after GC) per row, while the loaded rows are still referenced. */
export async function measureMemory(bench: BenchDatabase, runs: number): Promise<MemoryResult> {
  const { gc, how } = forceGc();
  const unit: number[] = [];
  const plain: number[] = [];
  let rows = 0;
  for (let i = 0; i <= runs; i++) {
    const p = await heapDelta(gc, () => bench.db.prisma.account.findMany());
    // The unit is reachable from its objects (and only from them) until they are dropped.
    const u = await heapDelta(gc, () => bench.units.begin().account.find());
    rows = u.rows;
    if (i === 0) continue; // warm-up: the first loads also compile and cache code
    unit.push(u.bytes / u.rows);
    plain.push(p.bytes / p.rows);
  }
  return { rows, unitBytesPerRow: median(unit), plainBytesPerRow: median(plain), gc: how };
}
