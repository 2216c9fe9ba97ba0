import * as d3 from 'd3';
import type { ThroughputPoint } from '../model/series.js';
import type { RunModel } from '../model/run.js';
import { hideTooltip, panel, showTooltip } from './style.js';

/**
 * A time-series panel drawn like a paper figure: labelled axes with units, a legend, epoch transitions
 * shaded orange and idle windows hatched grey, and a red cursor at the replay time (the future is faded).
 * Hovering shows the values of the bucket under the pointer.
 */
export interface SeriesSpec {
  readonly key: string;
  readonly label: string;
  readonly colour: string;
  readonly dash?: string;
  /** Also draw a centred moving mean over SMOOTH_SECONDS (bold), the raw buckets thin beneath it. */
  readonly smooth?: boolean;
  readonly value: (p: ThroughputPoint) => number | null;
}

/** Window of the moving mean drawn over bursty series (final blocks seconds apart make 1 s buckets spiky). */
export const SMOOTH_SECONDS = 10;

/** Centred moving mean over `k` buckets (missing values skipped; null where the window has none). */
export function movingMean(values: readonly (number | null)[], k: number): (number | null)[] {
  const half = Math.floor(k / 2);
  return values.map((_, i) => {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
      const v = values[j];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n > 0 ? sum / n : null;
  });
}

export interface ChartSpec {
  readonly title: string;
  readonly unit: string;
  readonly yLabel: string;
  readonly log?: boolean;
  /** Mark every bucket's value with a dot too: sparse series (a final block every few buckets) have no line. */
  readonly points?: boolean;
  readonly series: readonly SeriesSpec[];
  readonly format: (v: number) => string;
}

const MARGIN = { top: 12, right: 16, bottom: 38, left: 62 };

let hatchCounter = 0;

export class SeriesChart {
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private x: d3.ScaleLinear<number, number> = d3.scaleLinear();
  private width = 0;
  private readonly height = 210;
  private readonly hatchId = `idle-hatch-${hatchCounter++}`;

  constructor(
    parent: HTMLElement,
    private readonly run: RunModel,
    private readonly spec: ChartSpec,
    /** The common time axis end, so runs side by side line up. */
    private readonly xMaxUs: () => number,
  ) {
    const p = panel(parent, spec.title, spec.unit);
    p.root.classList.add('chart-panel');
    this.svg = d3.select(p.body).append('svg').attr('class', 'chart');
    const bands: string[] = [];
    if (run.transitions.length > 0) bands.push('orange: epoch transitions (epoch.start to epoch.ready)');
    if (run.idle.length > 0) bands.push('hatched: idle windows (no transaction processed)');
    const per = spec.series.some((s) => s.smooth)
      ? `Thin lines: per ${this.bucketSeconds()} s bucket of simulated time (spikes above the axis are cut); bold: ${SMOOTH_SECONDS} s centred mean.`
      : `Per ${this.bucketSeconds()} s bucket of simulated time.`;
    p.caption.textContent = `${per}${bands.length ? ' Shaded ' + bands.join('; ') + '.' : ''}`;
  }

  private bucketSeconds(): string {
    const first = this.run.series[0];
    return first ? d3.format('~g')(first.lengthUs / 1e6) : '1';
  }

  resize(width: number): void {
    this.width = Math.max(260, Math.floor(width));
    this.draw();
  }

  private draw(): void {
    const { spec, run } = this;
    const W = this.width;
    const H = this.height;
    const iw = W - MARGIN.left - MARGIN.right;
    const ih = H - MARGIN.top - MARGIN.bottom;
    const svg = this.svg.attr('width', W).attr('height', H).attr('viewBox', `0 0 ${W} ${H}`);
    svg.selectAll('*').remove();
    const defs = svg.append('defs');
    const hatch = defs.append('pattern').attr('id', this.hatchId).attr('patternUnits', 'userSpaceOnUse').attr('width', 6).attr('height', 6).attr('patternTransform', 'rotate(45)');
    hatch.append('rect').attr('width', 6).attr('height', 6).attr('fill', 'rgba(120,120,120,0.10)');
    hatch.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 6).attr('stroke', 'rgba(90,90,90,0.45)').attr('stroke-width', 2);

    this.x = d3.scaleLinear().domain([0, this.xMaxUs() / 1e6]).range([0, iw]);
    const bucketUs = run.series[0]?.lengthUs ?? 1e6;
    const k = Math.max(1, Math.round((SMOOTH_SECONDS * 1e6) / bucketUs));
    const ok = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v) && (!spec.log || v > 0);
    const lines = spec.series.map((s) => {
      const raw = run.series.map((p) => s.value(p));
      return { s, raw, mean: s.smooth && k > 1 ? movingMean(raw, k) : null };
    });
    // The axis fits what is read (the means where there are means): raw spikes above it are clipped.
    const values = lines.flatMap((l) => (l.mean ?? l.raw).filter(ok));
    const maxV = d3.max(values) ?? 1;
    const y = spec.log
      ? d3.scaleLog().domain([Math.max(1e-3, (d3.min(values) ?? 1) / 1.5), maxV * 1.5]).range([ih, 0]).nice()
      : d3.scaleLinear().domain([0, maxV * 1.25 || 1]).range([ih, 0]).nice();
    const g = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    defs.append('clipPath').attr('id', `${this.hatchId}-clip`).append('rect').attr('width', iw).attr('height', ih);
    const plot = g.append('g').attr('clip-path', `url(#${this.hatchId}-clip)`);

    // Bands under everything.
    const sec = (us: number) => this.x(us / 1e6);
    g.append('g')
      .selectAll('rect')
      .data(run.transitions)
      .join('rect')
      .attr('class', 'band-transition')
      .attr('x', (d) => sec(d.startUs))
      .attr('width', (d) => Math.max(1, sec(d.endUs) - sec(d.startUs)))
      .attr('y', 0)
      .attr('height', ih);
    g.append('g')
      .selectAll('rect')
      .data(run.idle)
      .join('rect')
      .attr('fill', `url(#${this.hatchId})`)
      .attr('x', (d) => sec(d.startUs))
      .attr('width', (d) => Math.max(1, sec(d.endUs) - sec(d.startUs)))
      .attr('y', 0)
      .attr('height', ih);

    const yAxis = spec.log ? d3.axisLeft(y).ticks(5, '~s') : d3.axisLeft(y).ticks(5).tickFormat((v) => d3.format('~s')(v as number));
    g.append('g').attr('class', 'grid').call(d3.axisLeft(y).ticks(5).tickSize(-iw).tickFormat(() => ''));
    g.append('g').attr('class', 'axis').call(yAxis);
    g.append('g').attr('class', 'axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(this.x).ticks(Math.max(3, Math.floor(iw / 70))));
    g.append('text').attr('class', 'label').attr('x', iw / 2).attr('y', ih + 32).attr('text-anchor', 'middle').text('simulated time (s)');
    g.append('text')
      .attr('class', 'label')
      .attr('transform', `translate(${-48},${ih / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(spec.yLabel);

    const mid = run.series.map((p) => sec(p.startUs + p.lengthUs / 2));
    const draw = (vals: readonly (number | null)[], colour: string, width: number, opacity: number, dash?: string) => {
      const line = d3
        .line<number>()
        .defined((i) => ok(vals[i]!))
        .x((i) => mid[i]!)
        .y((i) => y(vals[i]!))
        .curve(d3.curveMonotoneX);
      plot
        .append('path')
        .datum(d3.range(vals.length))
        .attr('class', 'series')
        .attr('fill', 'none')
        .attr('stroke', colour)
        .attr('stroke-width', width)
        .attr('stroke-opacity', opacity)
        .attr('stroke-dasharray', dash ?? null)
        .attr('d', line);
      if (!spec.points) return;
      plot
        .append('g')
        .selectAll('circle')
        .data(d3.range(vals.length).filter((i) => ok(vals[i]!)))
        .join('circle')
        .attr('cx', (i) => mid[i]!)
        .attr('cy', (i) => y(vals[i]!))
        .attr('r', 1.9)
        .attr('fill', colour)
        .attr('fill-opacity', opacity);
    };
    for (const l of lines) {
      if (l.mean) {
        draw(l.raw, l.s.colour, 0.9, 0.22, l.s.dash);
        draw(l.mean, l.s.colour, 2.2, 1, l.s.dash);
      } else draw(l.raw, l.s.colour, 1.8, 1, l.s.dash);
    }

    // Legend, top right, in a white box so it reads over the lines.
    const lg = g.append('g').attr('class', 'legend-box');
    const entries: { label: string; draw: (sel: d3.Selection<SVGGElement, unknown, null, undefined>) => void }[] = spec.series.map((s) => ({
      label: s.smooth && k > 1 ? `${s.label} (${SMOOTH_SECONDS} s mean)` : s.label,
      draw: (sel) => sel.append('line').attr('x1', 0).attr('x2', 18).attr('y1', 0).attr('y2', 0).attr('stroke', s.colour).attr('stroke-width', 2).attr('stroke-dasharray', s.dash ?? null),
    }));
    if (run.transitions.length) entries.push({ label: 'epoch transition', draw: (sel) => sel.append('rect').attr('class', 'band-transition').attr('y', -5).attr('width', 18).attr('height', 10) });
    if (run.idle.length) entries.push({ label: 'idle window', draw: (sel) => sel.append('rect').attr('fill', `url(#${this.hatchId})`).attr('y', -5).attr('width', 18).attr('height', 10) });
    const rowH = 15;
    const texts: d3.Selection<SVGTextElement, unknown, null, undefined>[] = [];
    entries.forEach((e, i) => {
      const row = lg.append('g').attr('transform', `translate(8,${10 + i * rowH})`);
      e.draw(row);
      texts.push(row.append('text').attr('x', 24).attr('y', 4).attr('font-size', 11).text(e.label));
    });
    const textW = d3.max(texts, (t) => t.node()!.getComputedTextLength()) ?? 80;
    const boxW = 24 + textW + 16;
    lg.insert('rect', ':first-child').attr('width', boxW).attr('height', entries.length * rowH + 6).attr('fill', 'rgba(255,255,255,0.88)').attr('stroke', '#e1e4ea');
    lg.attr('transform', `translate(${iw - boxW - 4},2)`);

    g.append('rect').attr('class', 'future').attr('y', 0).attr('height', ih);
    g.append('line').attr('class', 'cursor').attr('y1', 0).attr('y2', ih);
    g.append('line').attr('class', 'hover-line').attr('y1', 0).attr('y2', ih).attr('visibility', 'hidden');
    g.append('rect')
      .attr('width', iw)
      .attr('height', ih)
      .attr('fill', 'transparent')
      .on('mousemove', (ev: MouseEvent) => this.hover(ev, g, ih))
      .on('mouseleave', () => {
        g.select('.hover-line').attr('visibility', 'hidden');
        hideTooltip();
      });
  }

  update(tUs: number): void {
    const xs = this.x(tUs / 1e6);
    const [, end] = this.x.range();
    this.svg.select('.cursor').attr('x1', xs).attr('x2', xs);
    this.svg.select('.future').attr('x', xs).attr('width', Math.max(0, end! - xs));
  }

  private hover(ev: MouseEvent, g: d3.Selection<SVGGElement, unknown, null, undefined>, _ih: number): void {
    const [mx] = d3.pointer(ev, g.node());
    const tUs = this.x.invert(mx) * 1e6;
    const p = this.run.series.find((b) => b.startUs <= tUs && tUs < b.startUs + b.lengthUs);
    if (!p) return hideTooltip();
    g.select('.hover-line').attr('visibility', 'visible').attr('x1', mx).attr('x2', mx);
    const lines = this.spec.series.map((s) => {
      const v = s.value(p);
      return `${s.label}: ${v === null ? 'no sample' : this.spec.format(v)}`;
    });
    const tr = this.run.transitions.find((w) => w.startUs <= tUs && tUs < w.endUs);
    if (tr) lines.push(`epoch ${tr.epoch} transition (${tr.moved} moves)`);
    const idle = this.run.idle.find((w) => w.startUs <= tUs && tUs < w.endUs);
    if (idle) lines.push(`idle window: ${idle.reason}`);
    showTooltip(ev.clientX, ev.clientY, `${(p.startUs / 1e6).toFixed(0)}–${((p.startUs + p.lengthUs) / 1e6).toFixed(0)} s`, lines);
  }
}
