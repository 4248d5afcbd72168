/**
 * The markdown report of a transfer benchmark run: the run's conditions (machine, load average,
 * settings), then per database a summary (committed/s · p50/p99 per system and load) and one
 * detailed table per contention level, SQLite's with the fairness figures; then every failure
 * and broken invariant, loudly.
 *
 * @example
 * ```ts
 * await writeFile('bench/results/transfer-latest.md', renderTransferMarkdown(results));
 * ```
 *
 * @module
 */
import type { Point, TransferResults } from './results.js';
import { ACCOUNTS, type Contention, type Provider } from './types.js';

const num = (v: number | undefined, digits = 0): string => (v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ms = (v: number | undefined): string => (v === undefined ? '–' : v >= 100 ? num(v) : v >= 10 ? num(v, 1) : num(v, 2));
const LOAD: Readonly<Record<Contention, string>> = { low: 'LOW', high: 'HIGH' };

function pointsOf(results: TransferResults, provider: Provider): Point[] {
  return results.points.filter((p) => p.provider === provider);
}

function invariantCell(p: Point): string {
  if (p.rounds === 0) return '**RUN FAILED**';
  return p.invariantsHold ? 'hold' : '**BROKEN**';
}

function summaryTable(points: readonly Point[]): string {
  const columns = [...new Map(points.map((p) => [`${p.contention}/${p.concurrency}`, p] as const)).values()];
  const systems = [...new Map(points.map((p) => [p.system, p.label] as const))];
  const lines = [
    `| system | ${columns.map((c) => `${LOAD[c.contention]} C=${c.concurrency}`).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
  ];
  for (const [system, label] of systems) {
    const cells = columns.map((c) => {
      const p = points.find((x) => x.system === system && x.contention === c.contention && x.concurrency === c.concurrency);
      if (!p) return '';
      if (p.committedPerSecond === undefined) return invariantCell(p);
      const starving = p.provider === 'sqlite' && p.concurrency > 1 && p.fairness !== undefined && p.fairness < 0.8;
      const flag = p.invariantsHold && p.failed === 0 && !starving ? '' : ' ⚠';
      return `${num(p.committedPerSecond)} · ${ms(p.p50Ms)}/${ms(p.p99Ms)}${flag}`;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function detailTable(points: readonly Point[], sqlite: boolean): string {
  const head = ['C', 'system', 'committed/s', 'p50 ms', 'p99 ms', 'retries/transfer', 'statements/transfer (BEGIN/COMMIT)', 'CPU ms/transfer'];
  if (!sqlite) head.push('server CPU ms/transfer');
  head.push('refused', 'failed', 'invariants');
  if (sqlite) head.push('throughput × mean latency ÷ C', 'commits per loop (min–max)', 'longest event-loop stall ms');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 1 ? '---' : '---:')).join('|')}|`];
  for (const p of points) {
    const row = [
      String(p.concurrency),
      p.label,
      num(p.committedPerSecond),
      ms(p.p50Ms),
      ms(p.p99Ms),
      num(p.retriesPerTransfer, 2),
      `${num(p.statementsPerTransfer, 1)} (${num(p.transactionStatementsPerTransfer, 1)})`,
      num(p.cpuMsPerTransfer, 2),
      ...(sqlite ? [] : [num(p.serverCpuMsPerTransfer, 2)]),
      num(p.refused),
      p.failed > 0 ? `**${p.failed}**` : '0',
      invariantCell(p),
    ];
    if (sqlite) {
      const fair = p.fairness === undefined ? '–' : p.fairness < 0.8 && p.concurrency > 1 ? `**${num(p.fairness, 2)}**` : num(p.fairness, 2);
      row.push(fair, p.loopMin === undefined ? '–' : `${num(p.loopMin)}–${num(p.loopMax)}`, num(p.eventLoopMaxMs));
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

function problems(results: TransferResults): string {
  const lines: string[] = [];
  for (const p of results.points) {
    const where = `${p.provider}, ${LOAD[p.contention]}, C=${p.concurrency}, ${p.label}`;
    for (const problem of p.problems) lines.push(`- **${where}**: ${problem}`);
    // Failures grouped by error name, with one message as an example.
    const byName = new Map<string, { count: number; example: string }>();
    for (const [failure, count] of Object.entries(p.failures)) {
      const name = failure.split(':')[0]!;
      const seen = byName.get(name);
      byName.set(name, { count: (seen?.count ?? 0) + count, example: seen?.example ?? failure });
    }
    for (const { count, example } of byName.values()) lines.push(`- ${where}: ${count} transfers failed, e.g. \`${example}\``);
  }
  return lines.length === 0 ? 'None: every run finished, no transfer failed, every invariant held after every run.' : lines.join('\n');
}

/** The report as markdown. */
export function renderTransferMarkdown(results: TransferResults): string {
  const { machine: m, settings: s, load } = results;
  const loadText = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(', ');
  const out = [
    '# Transfer workload benchmark',
    '',
    `Run ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, \`${results.command}\`, ${(results.durationMs / 60_000).toFixed(1)} min. ` +
      `${m.cpu} ×${m.cores}, ${m.memoryGiB.toFixed(0)} GiB, ${m.os}, Node ${m.node}, Prisma ${m.prisma}; ` +
      `${Object.values(results.versions).join(', ')}. Load average (1, 5, 15 min) at the start ${loadText(load.start)}, at the end ${loadText(load.end)}: the machine is shared.`,
    '',
    `The bank example's transfer (two accounts, a ledger entry, +10 loyalty points for the sender's owner), run by one Node ` +
      `process per system with C transfers in flight (C loops, each starting the next transfer when one ends) for ${s.seconds} s after ` +
      `${s.warmupSeconds} s of warm-up, on a fresh database per run; LOW contention = ${ACCOUNTS.low.toLocaleString('en-US')} accounts, ` +
      `HIGH = ${ACCOUNTS.high}. Median of ${s.rounds} round(s), systems in alternating order. Latency is per transfer, retries ` +
      'included; statements (BEGIN/COMMIT included), retries and client CPU (the process, the SQLite engine included) are per ' +
      'finished transfer (committed or refused); on PostgreSQL and MariaDB, server CPU is that of every local `postgres` / `mariadbd` process over the window ' +
      '(bench/transfer/server-cpu.ts: client and server share the machine\'s cores). Invariants are checked after every run. ' +
      'Method: bench/transfer/ (TSDoc of main.ts, loops.ts, results.ts).',
  ];
  for (const provider of ['postgresql', 'sqlite', 'mariadb'] as const) {
    const points = pointsOf(results, provider);
    if (points.length === 0) continue;
    out.push('', `## ${results.versions[provider] ?? provider}`, '', 'Committed transfers/s · p50/p99 ms (⚠: failed transfers, broken invariants or, on SQLite, starving loops; see below):', '', summaryTable(points));
    for (const contention of ['low', 'high'] as const) {
      const here = points.filter((p) => p.contention === contention);
      if (here.length === 0) continue;
      out.push('', `### ${LOAD[contention]} contention (${ACCOUNTS[contention].toLocaleString('en-US')} accounts)`, '', detailTable(here, provider === 'sqlite'));
    }
    if (provider === 'sqlite') {
      out.push(
        '',
        'Fairness: throughput × mean latency ÷ C over the transfers that ended inside the window is ≈ 1 when every in-flight transfer progresses ' +
          "(Little's law); below 0.8 (bold) some loops starve. The longest event-loop stall is how long timers (retry backoff) and I/O of the " +
          'process waited for a turn inside the window: with better-sqlite3 every call completes synchronously, so a system that never waits on ' +
          'a timer or I/O keeps the event loop busy for the whole window.',
      );
    }
  }
  out.push('', '## Failures and broken invariants', '', problems(results), '');
  return out.join('\n');
}
