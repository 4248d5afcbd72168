/**
 * The chart of a run as a standalone SVG: one panel per database and scenario, bars grouped by N,
 * one bar per system (median ms), logarithmic time axis. Skipped measurements show as an "×".
 *
 * @example
 * ```ts
 * await writeFile('bench/results/latest.svg', renderSvg(results));
 * ```
 *
 * @module
 */
import type { RunResults } from './results-model.js';

export const COLORS = ['#222222', '#d62728', '#ff7f0e', '#2ca02c', '#1f77b4', '#9467bd', '#8c564b', '#e377c2'];

const PANEL_W = 420;
const PANEL_H = 280;
const MARGIN = { left: 64, right: 16, top: 40, bottom: 40 };
const LEGEND_H = 56;

export function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The chart as SVG text. */
export function renderSvg(results: RunResults): string {
  const scenarios = [...new Map(results.databases.flatMap((d) => d.flush.map((r) => [r.scenario, r.scenarioTitle] as const))).entries()];
  const systems = [...new Map(results.databases.flatMap((d) => d.flush.map((r) => [r.system, r.label] as const))).entries()];
  const medians = results.databases.flatMap((d) => d.flush.flatMap((r) => (r.measurement.summary ? [r.measurement.summary.median] : [])));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(1e-3, Math.min(...medians)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...medians))));
  const width = scenarios.length * PANEL_W;
  const height = LEGEND_H + results.databases.length * PANEL_H;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">prisma-uow flush benchmark: median ms per commit (log scale), ${esc(results.startedAt.toISOString().slice(0, 10))}, ${esc(results.machine.cpu)} ×${results.machine.cores}, Node ${esc(results.machine.node)}</text>`,
  ];
  systems.forEach(([, label], i) => {
    const x = 8 + (i % 4) * 210;
    const y = 30 + Math.floor(i / 4) * 16;
    out.push(`<rect x="${x}" y="${y}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 14}" y="${y + 9}">${esc(label)}</text>`);
  });
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const yOf = (v: number): number => MARGIN.top + plotH * (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
  results.databases.forEach((db, row) => {
    scenarios.forEach(([scenario, title], col) => {
      const ox = col * PANEL_W;
      const oy = LEGEND_H + row * PANEL_H;
      out.push(`<g transform="translate(${ox},${oy})">`);
      out.push(`<text x="${MARGIN.left}" y="20" font-weight="bold">${esc(db.version.split(' (')[0] ?? db.name)}: ${esc(title)}</text>`);
      for (let d = lo; d <= hi * 1.0001; d *= 10) {
        const y = yOf(d).toFixed(1);
        out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
        out.push(`<text x="${MARGIN.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle">${d >= 1 ? d.toFixed(0) : d.toString()} ms</text>`);
      }
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
      const groupW = plotW / results.ns.length;
      const barW = (groupW * 0.8) / systems.length;
      results.ns.forEach((n, g) => {
        const gx = MARGIN.left + g * groupW + groupW * 0.1;
        out.push(`<text x="${(gx + groupW * 0.4).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">N = ${n.toLocaleString('en-US')}</text>`);
        systems.forEach(([system, label], i) => {
          const r = db.flush.find((f) => f.scenario === scenario && f.n === n && f.system === system);
          if (!r) return;
          const x = gx + i * barW;
          const s = r.measurement.summary;
          if (!s) {
            out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${MARGIN.top + plotH - 4}" text-anchor="middle" fill="${COLORS[i % COLORS.length]}">×<title>${esc(label)}: skipped (${esc(r.measurement.skipped ?? '')})</title></text>`);
            return;
          }
          const y = yOf(Math.max(lo, s.median));
          out.push(
            `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${(MARGIN.top + plotH - y).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(label)}, N=${n}: ${s.median.toFixed(2)} ms${r.ratio === undefined ? '' : ` (${r.ratio.toFixed(2)}× baseline)`}</title></rect>`,
          );
        });
      });
      out.push('</g>');
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
