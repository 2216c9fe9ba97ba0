import { line, max, min, scaleLinear, scaleLog } from 'd3';
import { CDF_STEPS, type LatencyLevel, type LatencyQuantiles, type RunRecord } from '../execute.js';
import { bottomAxis, esc, leftAxis, legendRow, lineSwatch, logTicks, px, styleOf, svgDocument, type Frame } from './svg.js';

/**
 * Latency CDFs, one panel per confirmation level (soft, final), one curve per protocol on a log time
 * axis, over the transactions that reached the level within the run (each panel states what share of the
 * offered transactions that is). A protocol's curve pools its seeds: the CDF of the mixture, F(x) = Σ nᵢ Fᵢ(x) / Σ nᵢ, where Fᵢ is
 * run i's CDF read off its quantile grid (latency-cdf.csv) and nᵢ its sample count.
 */

const WIDTH = 680;
const LEFT = 64;
const RIGHT = 18;
const TOP = 64;
const HEIGHT = 350;
const BOTTOM = 72;
const GAP = 40;
const POINTS = 240;

/** Fᵢ(x) from a nondecreasing quantile grid: the fraction of the grid at or below x, interpolated. */
export function cdfAt(q: LatencyQuantiles, x: number): number {
  const ms = q.ms;
  if (x < ms[0]!) return 0;
  if (x >= ms[ms.length - 1]!) return 1;
  let lo = 0;
  let hi = ms.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ms[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const span = ms[hi]! - ms[lo]!;
  const frac = span > 0 ? (x - ms[lo]!) / span : 0;
  return (lo + frac) / CDF_STEPS;
}

/** The pooled CDF of several runs at x (null when none has samples). */
export function pooledCdfAt(runs: readonly (LatencyQuantiles | null)[], x: number): number | null {
  let n = 0;
  let acc = 0;
  for (const q of runs) {
    if (!q || q.count <= 0) continue;
    n += q.count;
    acc += q.count * cdfAt(q, x);
  }
  return n > 0 ? acc / n : null;
}

const PANELS: readonly { level: LatencyLevel; title: string }[] = [
  { level: 'confirm', title: 'first (soft) confirmation' },
  { level: 'final', title: 'final confirmation' },
];

export function latencyCdfFigure(byProtocol: readonly { protocol: string; records: readonly RunRecord[] }[], title: string): string {
  const all = byProtocol.flatMap((g) => g.records.flatMap((r) => PANELS.map((p) => r.latency[p.level]).filter((q): q is LatencyQuantiles => q !== null)));
  // Seconds on a log axis, from the 0.1% quantile (the minimum of a uniform spread starting near zero
  // would stretch the axis for nothing) to the largest latency seen, whole decades, at least 10 ms.
  const lo = Math.max(0.01, (min(all, (q) => q.ms[1]!) ?? 10) / 1000);
  const hi = Math.max(lo * 10, (max(all, (q) => q.ms[q.ms.length - 1]!) ?? 1000) / 1000);
  const domain: [number, number] = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
  const panelW = (WIDTH - LEFT - RIGHT - GAP) / 2;
  const body: string[] = [];
  body.push(
    ...legendRow(
      byProtocol.map((g, i) => ({ swatch: lineSwatch(styleOf(g.protocol, i).colour, styleOf(g.protocol, i).dash, 2), text: g.protocol })),
      LEFT,
      16,
    ),
  );
  const seeds = byProtocol[0]?.records.length ?? 0;
  body.push(`<text class="note" x="${px(WIDTH - RIGHT)}" y="16" text-anchor="end">${esc(`each curve pools ${seeds} seed${seeds === 1 ? '' : 's'}`)}</text>`);
  PANELS.forEach((panel, pi) => {
    const f: Frame = { left: LEFT + pi * (panelW + GAP), top: TOP, width: panelW, height: HEIGHT - TOP - BOTTOM };
    const x = scaleLog().domain(domain).range([f.left, f.left + f.width]);
    const y = scaleLinear().domain([0, 1]).range([f.top + f.height, f.top]);
    const ticks = logTicks(x);
    body.push(...bottomAxis(f, x, { label: 'latency (s, log scale)', ticks: ticks.major, minor: ticks.minor, grid: true }));
    body.push(
      ...leftAxis(f, y, {
        ...(pi === 0 ? { label: 'fraction of confirmed transactions' } : {}),
        ticks: 5,
        format: (v) => v.toFixed(1),
      }),
    );
    body.push(`<text class="panel-title" x="${px(f.left)}" y="${px(f.top - 10)}">${esc(panel.title)}</text>`);
    // A CDF over confirmed transactions hides those never confirmed within the run: say how many it covers.
    const covered = byProtocol.map((g) => {
      const offered = g.records.reduce((a, r) => a + r.summary.tx.offered, 0);
      const n = g.records.reduce((a, r) => a + (r.latency[panel.level]?.count ?? 0), 0);
      return `${g.protocol} ${offered > 0 ? Math.round((100 * n) / offered) : 0}%`;
    });
    const cx = px(f.left + f.width / 2);
    body.push(
      `<text class="note" x="${cx}" y="${px(f.top + f.height + 48)}" text-anchor="middle">${esc('share of offered transactions confirmed:')}</text>`,
      `<text class="note" x="${cx}" y="${px(f.top + f.height + 60)}" text-anchor="middle">${esc(covered.join(', '))}</text>`,
    );
    const step = Math.log(domain[1] / domain[0]) / POINTS;
    byProtocol.forEach((g, i) => {
      const runs = g.records.map((r) => r.latency[panel.level]);
      const pts: [number, number][] = [];
      for (let k = 0; k <= POINTS; k++) {
        const s = domain[0] * Math.exp(step * k);
        const F = pooledCdfAt(runs, s * 1000);
        if (F !== null) pts.push([x(s), y(F)]);
      }
      if (pts.length === 0) return;
      const st = styleOf(g.protocol, i);
      body.push(
        `<path d="${line().digits(2)(pts) ?? ''}" fill="none" stroke="${st.colour}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      );
    });
  });
  return svgDocument(WIDTH, HEIGHT, title, body);
}
