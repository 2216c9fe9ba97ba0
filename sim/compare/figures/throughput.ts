import { curveStepAfter, line, max, scaleLinear } from 'd3';
import type { RunRecord } from '../execute.js';
import { windowedRate } from '../series.js';
import { GREY, bottomAxis, esc, leftAxis, legendRow, lineSwatch, px, styleOf, svgDocument, type Frame } from './svg.js';

/**
 * Throughput over time, one panel per protocol on a shared time axis, each with its own tx/s scale: finalised
 * tx/s (solid), soft-confirmed tx/s (dashed) and the offered load (grey dotted), each averaged over
 * consecutive windows and then over the seeds; epoch starts as dotted verticals and idle windows (e.g.
 * Zilliqa's PoW window) shaded, epoch transitions that ended within the run as a band along the top, all
 * from the first seed's trace.
 */

const WIDTH = 680;
const LEFT = 64;
const RIGHT = 18;
const TOP = 56;
const PANEL = 104;
const GAP = 24;
const BOTTOM = 50;

/** Per-window rates averaged over the seeds (the runs of one protocol share their bucket grid). */
function meanRates(records: readonly RunRecord[], pick: 'finalized' | 'confirmed' | 'offered', windowUs: number): { t: number[]; v: number[] } {
  const per = records.map((r) => windowedRate(r.series, r.series[pick], windowUs));
  // A commit at exactly the end time lands in a bucket that starts there; it is no window of the run.
  const endUs = Math.min(...records.map((r) => r.endUs));
  const t = (per[0]?.t ?? []).filter((w) => w < endUs);
  const v = t.map((_, i) => per.reduce((a, p) => a + (p.perSecond[i] ?? 0), 0) / per.length);
  return { t, v };
}

export function throughputFigure(
  byProtocol: readonly { protocol: string; records: readonly RunRecord[] }[],
  windowSeconds: number,
  title: string,
): string {
  const windowUs = Math.round(windowSeconds * 1_000_000);
  const endUs = max(byProtocol.flatMap((g) => g.records.map((r) => r.endUs))) ?? 1;
  const curves = byProtocol.map((g) => ({
    ...g,
    final: meanRates(g.records, 'finalized', windowUs),
    soft: meanRates(g.records, 'confirmed', windowUs),
    offered: meanRates(g.records, 'offered', windowUs),
  }));
  const height = TOP + curves.length * PANEL + (curves.length - 1) * GAP + BOTTOM;
  const plotW = WIDTH - LEFT - RIGHT;
  const x = scaleLinear().domain([0, endUs / 1e6]).range([LEFT, LEFT + plotW]);
  const body: string[] = [];
  const seeds = byProtocol[0]?.records.length ?? 0;
  body.push(
    ...legendRow(
      [
        { swatch: lineSwatch('#333', '', 2), text: 'final' },
        { swatch: lineSwatch('#333', '5 3', 1.3), text: 'soft-confirmed' },
        { swatch: lineSwatch(GREY, '2 3', 1.3), text: 'offered' },
        { swatch: lineSwatch('#333', '1 2', 1), text: 'epoch start' },
        { swatch: '<rect x="2" y="-3" width="20" height="5" fill="#333" fill-opacity="0.35"/>', text: 'epoch transition' },
        { swatch: '<rect x="4" y="-6" width="16" height="12" fill="#bdbdbd" fill-opacity="0.55"/>', text: 'idle window' },
      ],
      16,
      16,
    ),
    `<text class="note" x="${px(WIDTH - RIGHT)}" y="34" text-anchor="end">${esc(
      `tx/s averaged over ${windowSeconds} s windows and ${seeds} seed${seeds === 1 ? '' : 's'}; epochs, transitions and idle windows of the first seed`,
    )}</text>`,
  );
  curves.forEach((c, i) => {
    const f: Frame = { left: LEFT, top: TOP + i * (PANEL + GAP), width: plotW, height: PANEL };
    // Each panel its own scale: one protocol's catch-up burst (Zilliqa after a PoW window) would flatten the others.
    const yMax = max([...c.final.v, ...c.soft.v, ...c.offered.v]) ?? 1;
    const y = scaleLinear().domain([0, Math.max(1, yMax) * 1.08]).nice().range([f.top + f.height, f.top]);
    const st = styleOf(c.protocol, i);
    body.push(`<g>`);
    body.push(...leftAxis(f, y, { label: 'tx/s', ticks: 4 }));
    const first = c.records[0];
    if (first) {
      for (const w of first.idle) {
        const x0 = x(w.startUs / 1e6);
        const x1 = x(w.endUs / 1e6);
        const band = w.shard < 0 ? { y: f.top, h: f.height } : { y: f.top + f.height - 8, h: 8 };
        body.push(`<rect x="${px(x0)}" y="${px(band.y)}" width="${px(Math.max(0.5, x1 - x0))}" height="${px(band.h)}" fill="#bdbdbd" fill-opacity="0.55"/>`);
      }
      for (const { index: epoch, startUs, readyUs } of first.epochs) {
        if (startUs >= first.endUs) continue;
        // The transition (IOS: TransEpoch moves, epoch.start → epoch.ready) as a band along the panel top,
        // when it ended within the run.
        if (readyUs !== null && readyUs > startUs) {
          body.push(
            `<rect x="${px(x(startUs / 1e6))}" y="${px(f.top)}" width="${px(x(readyUs / 1e6) - x(startUs / 1e6))}" height="5" fill="${st.colour}" fill-opacity="0.35"/>`,
          );
        }
        if (startUs <= 0) continue;
        const ex = px(x(startUs / 1e6));
        body.push(`<line x1="${ex}" x2="${ex}" y1="${px(f.top)}" y2="${px(f.top + f.height)}" stroke="#333" stroke-width="1" stroke-dasharray="1 2"/>`);
        body.push(`<text class="note" x="${px(x(startUs / 1e6) + 3)}" y="${px(f.top + 15)}">e${epoch}</text>`);
      }
    }
    const path = (s: { t: number[]; v: number[] }) => {
      const pts: [number, number][] = s.t.map((t, k) => [x(t / 1e6), y(s.v[k]!)]);
      if (pts.length > 0) pts.push([x(endUs / 1e6), pts[pts.length - 1]![1]]);
      return (
        line()
          .curve(curveStepAfter)
          .digits(2)(pts) ?? ''
      );
    };
    body.push(`<path d="${path(c.offered)}" fill="none" stroke="${GREY}" stroke-width="1.3" stroke-dasharray="2 3"/>`);
    body.push(`<path d="${path(c.soft)}" fill="none" stroke="${st.colour}" stroke-width="1.3" stroke-dasharray="5 3"/>`);
    body.push(`<path d="${path(c.final)}" fill="none" stroke="${st.colour}" stroke-width="2"/>`);
    body.push(`<text class="panel-title" x="${px(f.left)}" y="${px(f.top - 7)}" style="fill:${st.colour}">${esc(c.protocol)}</text>`);
    const last = i === curves.length - 1;
    body.push(...bottomAxis(f, x, { ...(last ? { label: 'simulated time (s)' } : {}), showLabels: last }));
    body.push(`</g>`);
  });
  return svgDocument(WIDTH, height, title, body);
}
