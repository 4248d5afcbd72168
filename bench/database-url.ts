/**
 * The PostgreSQL database the benchmark runs in: its own database (`prisma_uow_bench` on the test
 * server, created when missing), not the tests' `test` database, so that test suites running at
 * the same time (some terminate idle-in-transaction sessions of their database) cannot disturb
 * it. Sets `TEST_POSTGRES_URL` for `test/support/databases.ts`, which reads it when first
 * imported: call this before importing `./setup.js`.
 *
 * Override with `BENCH_POSTGRES_URL`.
 *
 * @example
 * ```ts
 * await useBenchPostgres();
 * const { openBenchDatabase } = await import('./setup.js');
 * ```
 *
 * @module
 */
import pg from 'pg';

const DATABASE = 'prisma_uow_bench';

/** Creates the benchmark database if needed and points `TEST_POSTGRES_URL` at it; returns its URL. */
export async function useBenchPostgres(): Promise<string> {
  const explicit = process.env['BENCH_POSTGRES_URL'];
  if (explicit) {
    process.env['TEST_POSTGRES_URL'] = explicit;
    return explicit;
  }
  const base = new URL(process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test');
  const admin = new pg.Client({ connectionString: base.toString(), connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } catch {
    return base.toString(); // no server: databases.ts reports it
  } finally {
    await admin.end().catch(() => {});
  }
  base.pathname = `/${DATABASE}`;
  process.env['TEST_POSTGRES_URL'] = base.toString();
  return base.toString();
}
