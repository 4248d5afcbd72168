/**
 * The chart of a transfer benchmark run as a standalone SVG, in the flush chart's style
 * (bench/chart.ts): one panel per database and contention level, committed transfers/s (median,
 * logarithmic axis: the driver floor is 10–30× the rest on SQLite) against C, one line per
 * system. A point whose run failed or broke an invariant is drawn as "×".
 *
 * @example
 * ```ts
 * await writeFile('bench/results/transfer-latest.svg', renderTransferSvg(results));
 * ```
 *
 * @module
 */
import { COLORS, esc } from '../chart.js';
import type { TransferResults } from './results.js';

const PANEL_W = 420;
const PANEL_H = 280;
const MARGIN = { left: 64, right: 24, top: 40, bottom: 40 };
const LEGEND_H = 72;

/** The decades around `values` (at least one decade wide). */
function decades(values: readonly number[]): { lo: number; hi: number } {
  const positive = values.filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...positive, 10))));
  const hi = Math.pow(10, Math.max(Math.log10(lo) + 1, Math.ceil(Math.log10(Math.max(...positive, 1)))));
  return { lo, hi };
}

/** The chart as SVG text. */
export function renderTransferSvg(results: TransferResults): string {
  const systems = [...new Map(results.points.map((p) => [p.system, p.label] as const))];
  const panels = [...new Map(results.points.map((p) => [`${p.provider}/${p.contention}`, p] as const)).values()];
  const providers = [...new Set(panels.map((p) => p.provider))];
  const contentions = [...new Set(panels.map((p) => p.contention))];
  const width = Math.max(2, contentions.length) * PANEL_W;
  const height = LEGEND_H + providers.length * PANEL_H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">prisma-uow transfer workload: committed transfers/s vs in-flight transfers C, ${esc(results.startedAt.slice(0, 10))}, ${esc(results.machine.cpu)} ×${results.machine.cores}</text>`,
  ];
  systems.forEach(([, label], i) => {
    const x = 8 + (i % 2) * 420;
    const y = 28 + Math.floor(i / 2) * 16;
    out.push(`<rect x="${x}" y="${y}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 14}" y="${y + 9}">${esc(label)}</text>`);
  });
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  providers.forEach((provider, row) => {
    contentions.forEach((contention, col) => {
      const points = results.points.filter((p) => p.provider === provider && p.contention === contention);
      if (points.length === 0) return;
      const cs = [...new Set(points.map((p) => p.concurrency))].sort((a, b) => a - b);
      const { lo, hi } = decades(points.map((p) => p.committedPerSecond ?? 0));
      const xOf = (c: number) => MARGIN.left + (cs.length === 1 ? plotW / 2 : (plotW * cs.indexOf(c)) / (cs.length - 1));
      const yOf = (v: number) => MARGIN.top + plotH * (1 - (Math.log10(Math.max(lo, v)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
      out.push(`<g transform="translate(${col * PANEL_W},${LEGEND_H + row * PANEL_H})">`);
      out.push(`<text x="${MARGIN.left}" y="20" font-weight="bold">${esc((results.versions[provider] ?? provider).split(' (')[0]!)}, ${contention.toUpperCase()} contention</text>`);
      for (let d = lo; d <= hi * 1.0001; d *= 10) {
        for (const m of [1, 2, 5]) {
          if (d * m > hi * 1.0001) break;
          const y = yOf(d * m).toFixed(1);
          out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
          out.push(`<text x="${MARGIN.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle">${(d * m).toLocaleString('en-US')}/s</text>`);
        }
      }
      for (const c of cs) out.push(`<text x="${xOf(c).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">C = ${c}</text>`);
      systems.forEach(([system, label], i) => {
        const color = COLORS[i % COLORS.length];
        const mine = cs.flatMap((c) => points.filter((p) => p.system === system && p.concurrency === c));
        const drawn = mine.filter((p) => p.committedPerSecond !== undefined);
        if (drawn.length > 1) {
          const path = drawn.map((p, k) => `${k ? 'L' : 'M'}${xOf(p.concurrency).toFixed(1)},${yOf(p.committedPerSecond!).toFixed(1)}`).join(' ');
          out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
        }
        for (const p of mine) {
          const title = `<title>${esc(label)}, C=${p.concurrency}: ${(p.committedPerSecond ?? 0).toFixed(0)}/s, p50 ${p.p50Ms?.toFixed(1)} ms, p99 ${p.p99Ms?.toFixed(1)} ms</title>`;
          const [x, y] = [xOf(p.concurrency).toFixed(1), yOf(p.committedPerSecond ?? 0).toFixed(1)];
          out.push(
            p.invariantsHold && p.committedPerSecond !== undefined
              ? `<circle cx="${x}" cy="${y}" r="3" fill="${color}">${title}</circle>`
              : `<text x="${x}" y="${y}" text-anchor="middle" dominant-baseline="middle" fill="${color}" font-size="14">×${title}</text>`,
          );
        }
      });
      out.push('</g>');
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
