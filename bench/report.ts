/**
 * The markdown report of a run: machine, one flush table per database (median, range, IQR,
 * statements, ratio to the SQL baseline of the same run), the tracking costs, and the issue's
 * targets checked against the measured numbers at the largest N on PostgreSQL.
 *
 * @example
 * ```ts
 * const md = renderMarkdown(results);
 * await writeFile('bench/results/latest.md', md);
 * ```
 *
 * @module
 */
import type { DatabaseResults, FlushResult, RunResults } from './results-model.js';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const times = (v: number): string => `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`;

function flushTable(db: DatabaseResults): string {
  const lines = [
    '| Scenario | N | System | Runs | Median ms | Min–max ms | IQR ms | Statements besides BEGIN/COMMIT | BEGIN/COMMIT | Ratio to SQL baseline |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of db.flush) {
    const m = r.measurement;
    const st = m.statements;
    const stmts = st ? String(st.other) : '–';
    const tx = st ? String(st.transaction) : '–';
    if (!m.summary) {
      lines.push(`| ${r.scenario} | ${r.n} | ${r.label} | ${m.samples.length} | ${m.skipped?.startsWith('failed') ? 'failed' : 'skipped'} | ${m.skipped ?? ''} | | ${stmts} | ${tx} | |`);
      continue;
    }
    const s = m.summary;
    lines.push(
      `| ${r.scenario} | ${r.n} | ${r.label} | ${s.runs} | ${ms(s.median)} | ${ms(s.min)}–${ms(s.max)} | ${ms(s.q1)}–${ms(s.q3)} | ${stmts} | ${tx} | ${r.ratio === undefined ? '' : times(r.ratio)} |`,
    );
  }
  return lines.join('\n');
}

function trackingTable(db: DatabaseResults): string {
  const lines = ['| Measurement | Median | Min–max | Notes |', '|---|---:|---:|---|'];
  if (db.load) {
    const { unit, plain, rows } = db.load;
    lines.push(`| load ${rows} rows: \`uow.account.find()\` | ${ms(unit.median)} ms | ${ms(unit.min)}–${ms(unit.max)} ms | ${times(unit.median / plain.median)} of findMany |`);
    lines.push(`| load ${rows} rows: \`prisma.account.findMany()\` | ${ms(plain.median)} ms | ${ms(plain.min)}–${ms(plain.max)} ms | |`);
  }
  for (const c of db.commits ?? []) {
    const s = c.measurement.summary;
    const st = c.measurement.statements;
    const sent = st ? `${st.other} statements + ${st.transaction} BEGIN/COMMIT` : '';
    lines.push(`| \`$commit()\` with ${c.loaded} loaded, ${c.changed} changed | ${s ? `${ms(s.median)} ms` : 'skipped'} | ${s ? `${ms(s.min)}–${ms(s.max)} ms` : ''} | ${sent} |`);
  }
  if (db.memory) {
    const m = db.memory;
    lines.push(`| heap per tracked entity (${m.rows} loaded through a unit) | ${m.unitBytesPerRow.toFixed(0)} B | | GC via ${m.gc} |`);
    lines.push(`| heap per plain findMany row (${m.rows} rows) | ${m.plainBytesPerRow.toFixed(0)} B | | tracking adds ${(m.unitBytesPerRow - m.plainBytesPerRow).toFixed(0)} B/row |`);
  }
  return lines.join('\n');
}

function find(db: DatabaseResults, scenario: FlushResult['scenario'], n: number, system: string): FlushResult | undefined {
  return db.flush.find((r) => r.scenario === scenario && r.n === n && r.system === system);
}

interface Check {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/** The issue's targets, checked against the measured results at the largest N. */
export function targetChecks(db: DatabaseResults, n: number): Check[] {
  const checks: Check[] = [];
  for (const scenario of ['distinct', 'same'] as const) {
    const bulk = find(db, scenario, n, 'uow-bulk');
    const perRow = find(db, scenario, n, 'prisma-interactive');
    const b = bulk?.measurement.summary?.median;
    const p = perRow?.measurement.summary?.median;
    checks.push({ target: `${scenario}: bulk ≤ 1.5× SQL baseline`, measured: bulk?.ratio === undefined ? 'n/a' : times(bulk.ratio), met: bulk?.ratio === undefined ? undefined : bulk.ratio <= 1.5 });
    checks.push({
      target: `${scenario}: bulk ≥ 20× faster than Prisma per row ($transaction fn)`,
      measured: b === undefined || p === undefined ? 'n/a' : `${(p / b).toFixed(1)}× faster`,
      met: b === undefined || p === undefined ? undefined : p / b >= 20,
    });
    const st = bulk?.measurement.statements?.other;
    checks.push({ target: `${scenario}: bulk sends ≤ 3 statements besides BEGIN/COMMIT`, measured: st === undefined ? 'n/a' : String(st), met: st === undefined ? undefined : st <= 3 });
  }
  const mixed = find(db, 'mixed', n, 'uow-bulk');
  checks.push({ target: 'mixed: bulk ≤ 2× SQL baseline', measured: mixed?.ratio === undefined ? 'n/a' : times(mixed.ratio), met: mixed?.ratio === undefined ? undefined : mixed.ratio <= 2 });
  const mst = mixed?.measurement.statements?.other;
  checks.push({ target: 'mixed: bulk sends ≤ 3 statements besides BEGIN/COMMIT', measured: mst === undefined ? 'n/a' : String(mst), met: mst === undefined ? undefined : mst <= 3 });
  if (db.load) {
    const r = db.load.unit.median / db.load.plain.median;
    checks.push({ target: `load ${db.load.rows} rows through the unit ≤ 1.5× findMany`, measured: times(r), met: r <= 1.5 });
  }
  const clean = db.commits?.find((c) => c.changed === 0)?.measurement.summary;
  const loaded = db.commits?.find((c) => c.changed === 0)?.loaded;
  if (clean) checks.push({ target: `commit with ${loaded} clean entities ≤ 20 ms`, measured: `${ms(clean.median)} ms`, met: clean.median <= 20 });
  return checks;
}

function checksTable(checks: readonly Check[]): string {
  const lines = ['| Target | Measured | Met |', '|---|---:|:---:|'];
  for (const c of checks) lines.push(`| ${c.target} | ${c.measured} | ${c.met === undefined ? 'not measured' : c.met ? 'yes' : '**NO**'} |`);
  return lines.join('\n');
}

/** The whole report as markdown. */
export function renderMarkdown(results: RunResults): string {
  const m = results.machine;
  const largest = Math.max(...results.ns);
  const parts = [
    `# prisma-uow flush benchmark`,
    '',
    `Run ${results.startedAt.toISOString()} with \`${results.command}\`; took ${(results.durationMs / 1000).toFixed(0)} s.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB RAM, ${m.os}`,
    `- Node ${m.node}, Prisma ${m.prisma}`,
    ...results.databases.map((d) => `- ${d.version}`),
    `- Each flush measurement: warm-up (1 run, up to 3 while they take < 1 s in total), then the median of at least ${results.runs} runs (fast systems up to 21, while their runs take under 4 s in all; the table gives the count); each system runs in its own Node process (so no other system's garbage is collected in its timer), in turns with the SQL baseline, run by run, and its ratio is to the baseline runs of that pairing (a slow spell of the machine falls on both; the baseline row shows the median of all its runs); the data is reset (and PostgreSQL vacuumed) before every run, outside the timer. prisma-uow systems load and change the rows through the unit outside the timer; only \`uow.$commit()\` is timed.`,
    '- Every system writes the same thing with the same optimistic check: `balance` set, `version` checked and incremented. The SQL baseline is hand-written SQL sent by the driver (`pg` / `better-sqlite3`) in one transaction: one multi-row INSERT, one bulk UPDATE (PostgreSQL `unnest` arrays, SQLite `UPDATE ... FROM (VALUES ...)`), one `DELETE` by id list, each only when the scenario has such rows (SQLite splits at 32,766 bound parameters).',
    '- Statements are counted at the driver adapter (Prisma), the driver call (baseline) or MikroORM’s query logger, from the last timed run; BEGIN/COMMIT are counted separately.',
    '',
  ];
  for (const db of results.databases) {
    parts.push(`## ${db.version}`, '', '### Flush', '', flushTable(db), '');
    if (db.load || db.commits || db.memory) parts.push('### Tracking', '', trackingTable(db), '');
    parts.push(`### Targets (N = ${largest})`, '', checksTable(targetChecks(db, largest)), '');
  }
  return parts.join('\n');
}
