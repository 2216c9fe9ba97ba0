import { line, max, scaleLinear } from 'd3';
import type { CompareGroup } from '../metrics.js';
import { GREY, bottomAxis, esc, leftAxis, legendRow, lineSwatch, markerPath, px, styleOf, svgDocument, type Frame } from './svg.js';

/**
 * Throughput against shard count at a fixed shard size: per protocol the mean over seeds with its 95%
 * Student-t interval as an error bar (protocols dodged a few pixels apart), and the offered load as a grey dashed reference (offered load grows
 * with the shard count, so a protocol that keeps up follows it: linear scaling).
 */

const WIDTH = 560;
const HEIGHT = 380;
const LEFT = 70;
const RIGHT = 20;
const TOP = 58;
const BOTTOM = 52;

export interface ScalingPoint {
  readonly shards: number;
  readonly mean: number;
  readonly low: number | null;
  readonly high: number | null;
}

export function scalingFigure(
  groups: readonly CompareGroup[],
  metricKey: string,
  offeredByShards: ReadonlyMap<number, number>,
  title: string,
  yLabel: string,
): string {
  const protocols = [...new Set(groups.map((g) => g.protocol))];
  const shards = [...new Set(groups.map((g) => g.shards))].sort((a, b) => a - b);
  const series = protocols.map((p) => ({
    protocol: p,
    points: groups
      .filter((g) => g.protocol === p)
      .flatMap((g): ScalingPoint[] => {
        const st = g.metrics.find((a) => a.metric.key === metricKey)?.stats;
        return st ? [{ shards: g.shards, mean: st.mean, low: st.ci95?.low ?? null, high: st.ci95?.high ?? null }] : [];
      })
      .sort((a, b) => a.shards - b.shards),
  }));
  // The scale fits the means and the offered load; an interval reaching beyond it (a protocol that is
  // erratic at saturation) is clipped to the plot, and the table and summary.csv give it in full.
  const yMax = max([...series.flatMap((s) => s.points.map((p) => p.mean)), ...offeredByShards.values()]) ?? 1;
  const f: Frame = { left: LEFT, top: TOP, width: WIDTH - LEFT - RIGHT, height: HEIGHT - TOP - BOTTOM };
  const x = scaleLinear()
    .domain([0, Math.max(...shards) * 1.04])
    .range([f.left, f.left + f.width]);
  const y = scaleLinear().domain([0, yMax * 1.12]).nice().range([f.top + f.height, f.top]);
  const body: string[] = [
    `<defs><clipPath id="plot"><rect x="${px(f.left)}" y="${px(f.top)}" width="${px(f.width)}" height="${px(f.height)}"/></clipPath></defs>`,
  ];
  body.push(
    ...legendRow(
      [
        ...series.map((s, i) => ({
          swatch: `${lineSwatch(styleOf(s.protocol, i).colour, styleOf(s.protocol, i).dash, 2)}<path transform="translate(12,0)" d="${markerPath(s.protocol, i)}" fill="${styleOf(s.protocol, i).colour}"/>`,
          text: s.protocol,
        })),
        ...(offeredByShards.size > 0 ? [{ swatch: lineSwatch(GREY, '4 3', 1.5), text: 'offered load' }] : []),
      ],
      LEFT - 10,
      16,
    ),
  );
  body.push(`<text class="note" x="${px(WIDTH - RIGHT)}" y="36" text-anchor="end">${esc('mean over seeds; bars: 95% Student-t interval')}</text>`);
  body.push(...leftAxis(f, y, { label: yLabel, ticks: 6 }));
  body.push(...bottomAxis(f, x, { label: 'shards (fixed shard size)', ticks: shards, format: (v) => String(v) }));
  if (offeredByShards.size > 0) {
    const pts: [number, number][] = shards.filter((m) => offeredByShards.has(m)).map((m) => [x(m), y(offeredByShards.get(m)!)]);
    body.push(`<path d="${line().digits(2)(pts) ?? ''}" fill="none" stroke="${GREY}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
  }
  // Protocols are dodged sideways a few pixels so that their markers and bars do not hide each other.
  const dodge = (i: number) => (i - (series.length - 1) / 2) * 7;
  series.forEach((s, i) => {
    const st = styleOf(s.protocol, i);
    const xi = (m: number) => x(m) + dodge(i);
    const pts: [number, number][] = s.points.map((p) => [xi(p.shards), y(p.mean)]);
    body.push(`<path d="${line().digits(2)(pts) ?? ''}" fill="none" stroke="${st.colour}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
    for (const p of s.points) {
      if (p.low !== null && p.high !== null) {
        const cx = px(xi(p.shards));
        body.push(
          `<path d="M${cx},${px(y(p.low))}V${px(y(p.high))}M${px(xi(p.shards) - 4)},${px(y(p.low))}h8M${px(xi(p.shards) - 4)},${px(y(p.high))}h8" stroke="${st.colour}" stroke-width="1.3" fill="none" clip-path="url(#plot)"/>`,
        );
      }
      body.push(`<path transform="translate(${px(xi(p.shards))},${px(y(p.mean))})" d="${markerPath(s.protocol, i)}" fill="${st.colour}" stroke="#fff" stroke-width="0.8"/>`);
    }
  });
  return svgDocument(WIDTH, HEIGHT, title, body);
}
