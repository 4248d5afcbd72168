/**
 * The flush scenarios: what data each one starts from (reset outside the timer), what it writes
 * (a {@link Work} list every system carries out its own way), and the check that the write
 * happened. All writes keep the unit's optimistic-concurrency semantics (`Account.version` is
 * checked and incremented), so every system does the same work.
 *
 * - `distinct`: N Account rows, each gets a different balance.
 * - `same`: N Account rows all get the same balance.
 * - `mixed`: N/10 LedgerEntry inserts, N/2 Account updates (distinct), N/10 LedgerEntry deletes
 *   (ledger entries are referenced by nothing).
 *
 * @example
 * ```ts
 * await seedAccounts(bench, 1000);
 * const work = await SCENARIOS[0].reset(bench, 1000);
 * ```
 *
 * @module
 */
import type { BenchDatabase } from './setup.js';

/** One Account update: key, loaded version, new balance (decimal string). */
export interface AccountUpdate {
  readonly id: number;
  readonly version: number;
  readonly balance: string;
}

/** One new LedgerEntry. */
export interface NewEntry {
  readonly fromId: number;
  readonly toId: number;
  readonly amount: string;
}

/** What one run of a scenario writes. */
export interface Work {
  readonly updates: readonly AccountUpdate[];
  /** Whether every update sets the same balance (systems may use that, as a human would). */
  readonly samePatch: boolean;
  readonly inserts: readonly NewEntry[];
  /** LedgerEntry ids. */
  readonly deletes: readonly number[];
}

/** A benchmark scenario. */
export interface Scenario {
  readonly id: 'distinct' | 'same' | 'mixed';
  readonly title: string;
  /** Untimed: restores the start state after {@link seedAccounts} and returns the work. */
  reset(bench: BenchDatabase, n: number): Promise<Work>;
  /** Untimed: throws when `work` was not written. */
  check(bench: BenchDatabase, work: Work): Promise<void>;
}

/** Empties the database and seeds N/10 users (at least one) and N accounts (balance = id, version 0). */
export async function seedAccounts(bench: BenchDatabase, n: number): Promise<void> {
  await bench.db.reset();
  const users = Math.max(1, Math.floor(n / 10));
  if (bench.name === 'postgresql') {
    await bench.raw.exec(`INSERT INTO "User" ("name") SELECT 'user ' || g FROM generate_series(1, $1::int) AS g`, [users]);
    await bench.raw.exec(
      `INSERT INTO "Account" ("ownerId", "balance", "version") SELECT ((g - 1) % $2::int) + 1, g, 0 FROM generate_series(1, $1::int) AS g`,
      [n, users],
    );
    await bench.raw.exec('VACUUM ANALYZE "User", "Account", "LedgerEntry"');
  } else if (bench.name === 'mariadb') {
    // MariaDB's sequence engine: seq_1_to_<n> is the table 1..n.
    await bench.raw.exec(`INSERT INTO "User" ("name") SELECT CONCAT('user ', seq) FROM seq_1_to_${users}`);
    await bench.raw.exec(`INSERT INTO "Account" ("ownerId", "balance", "version") SELECT ((seq - 1) % ?) + 1, seq, 0 FROM seq_1_to_${n}`, [users]);
    await bench.raw.exec('ANALYZE TABLE "User", "Account", "LedgerEntry"');
  } else {
    const series = 'WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?)';
    await bench.raw.exec(`INSERT INTO "User" ("name") ${series} SELECT 'user ' || x FROM g`, [users]);
    await bench.raw.exec(`INSERT INTO "Account" ("ownerId", "balance", "version") ${series} SELECT ((x - 1) % ?) + 1, x, 0 FROM g`, [n, users]);
  }
}

/** Restores every Account to balance = id, version 0. */
export async function resetAccounts(bench: BenchDatabase): Promise<void> {
  await bench.raw.exec('UPDATE "Account" SET "balance" = "id", "version" = 0 WHERE "version" <> 0 OR "balance" <> "id"');
}

async function resetLedger(bench: BenchDatabase, n: number): Promise<void> {
  await bench.raw.exec('DELETE FROM "LedgerEntry"');
  const count = Math.max(1, Math.floor(n / 10));
  const data = Array.from({ length: count }, (_, i) => ({ fromId: (i % n) + 1, toId: ((i + 1) % n) + 1, amount: '1' }));
  await bench.db.other.ledgerEntry.createMany({ data });
}

async function vacuum(bench: BenchDatabase): Promise<void> {
  // Dead tuples of earlier runs would slow later ones: every run starts from a vacuumed table.
  if (bench.name === 'postgresql') await bench.raw.exec('VACUUM "Account", "LedgerEntry"');
}

async function accountKeys(bench: BenchDatabase, count: number): Promise<{ id: number; version: number }[]> {
  const rows = await bench.raw.rows<{ id: number; version: number }>('SELECT "id", "version" FROM "Account" ORDER BY "id" LIMIT ' + String(count));
  return rows.map((r) => ({ id: Number(r.id), version: Number(r.version) }));
}

/** A balance different for every id and different from the seeded one. */
function distinctBalance(id: number): string {
  return (id * 2 + 0.25).toFixed(2);
}

async function checkUpdates(bench: BenchDatabase, work: Work): Promise<void> {
  const [row] = await bench.raw.rows<{ c: unknown; s: unknown }>('SELECT count(*) AS c, sum("balance") AS s FROM "Account" WHERE "version" = 1');
  const expected = work.updates.reduce((sum, u) => sum + Number(u.balance), 0);
  const count = Number(row?.c);
  const sum = Number(row?.s ?? 0);
  if (count !== work.updates.length || Math.abs(sum - expected) > Math.max(1e-6, Math.abs(expected) * 1e-9)) {
    throw new Error(`bench check failed: ${count} accounts at version 1 with balance sum ${sum}; expected ${work.updates.length} and ${expected}`);
  }
}

/** A scenario that sets the balance of N accounts, with `balance(id)` giving each new value. */
function updateScenario(id: Scenario['id'], title: string, balance: (accountId: number) => string, samePatch: boolean): Scenario {
  return {
    id,
    title,
    async reset(bench, n) {
      await resetAccounts(bench);
      await vacuum(bench);
      const keys = await accountKeys(bench, n);
      return { updates: keys.map((k) => ({ ...k, balance: balance(k.id) })), samePatch, inserts: [], deletes: [] };
    },
    check: checkUpdates,
  };
}

/** The three flush scenarios. */
export const SCENARIOS: readonly Scenario[] = [
  updateScenario('distinct', 'distinct-value updates', distinctBalance, false),
  updateScenario('same', 'same patch on every row', () => '42.50', true),
  {
    id: 'mixed',
    title: 'mixed unit (N/10 inserts, N/2 updates, N/10 deletes)',
    async reset(bench, n) {
      await resetAccounts(bench);
      await resetLedger(bench, n);
      await vacuum(bench);
      const keys = await accountKeys(bench, Math.max(1, Math.floor(n / 2)));
      const entries = await bench.raw.rows<{ id: number }>('SELECT "id" FROM "LedgerEntry" ORDER BY "id"');
      const inserts = entries.map((_, i) => ({ fromId: ((i + 2) % n) + 1, toId: ((i + 3) % n) + 1, amount: '7.25' }));
      return {
        updates: keys.map((k) => ({ ...k, balance: distinctBalance(k.id) })),
        samePatch: false,
        inserts,
        deletes: entries.map((e) => Number(e.id)),
      };
    },
    async check(bench, work) {
      await checkUpdates(bench, work);
      const [row] = await bench.raw.rows<{ c: unknown; m: unknown }>('SELECT count(*) AS c, min("id") AS m FROM "LedgerEntry"');
      const lastDeleted = Math.max(...work.deletes);
      if (Number(row?.c) !== work.inserts.length || Number(row?.m) <= lastDeleted) {
        throw new Error(`bench check failed: ${String(row?.c)} ledger entries (lowest id ${String(row?.m)}); expected ${work.inserts.length}, all new`);
      }
    },
  },
];
