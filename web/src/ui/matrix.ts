import * as d3 from 'd3';
import { crossAt, type RunModel } from '../model/run.js';
import { fmtInt, hideTooltip, panel, showTooltip } from './style.js';

/**
 * Cross-shard transactions up to the replay time, as a from-shard × to-shard matrix: the colour is the
 * number committed (Atomix unlock-to-commit reached the output shard), the small figure below it the
 * number aborted. Single-shard protocols get a note instead.
 */
interface Cell {
  from: number;
  to: number;
  committed: number;
  aborted: number;
}

const MARGIN = { top: 30, right: 70, bottom: 12, left: 64 };

export class CrossMatrix {
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined> | null = null;
  private size = 0;
  private colour = d3.scaleSequential(d3.interpolateBlues);

  constructor(
    parent: HTMLElement,
    private readonly run: RunModel,
  ) {
    const p = panel(parent, 'Cross-shard transactions', 'committed / aborted, cumulative');
    p.root.classList.add('cross-matrix');
    const m = run.header.shards;
    const none = run.crossTotal.committed + run.crossTotal.aborted === 0;
    if (m < 2 || none) {
      const note = document.createElement('p');
      note.className = 'caption';
      note.textContent = m < 2 ? 'One chain: no cross-shard traffic.' : 'No crossshard.batch in this trace: each transaction stays in one shard.';
      p.body.append(note);
      return;
    }
    this.svg = d3.select(p.body).append('svg').attr('class', 'chart');
    const total = run.crossTotal;
    p.caption.textContent = `Rows: input (from) shard; columns: output (to) shard. Whole run: ${fmtInt(total.committed)} committed, ${fmtInt(total.aborted)} aborted.`;
    let max = 1;
    for (let f = 0; f < m; f++) for (let t = 0; t < m; t++) max = Math.max(max, crossAt(run, f, t, Infinity).committed);
    this.colour = d3.scaleSequential((k) => d3.interpolateBlues(0.08 + 0.85 * k)).domain([0, max]);
  }

  resize(width: number): void {
    if (!this.svg) return;
    const m = this.run.header.shards;
    const inner = Math.min(width - MARGIN.left - MARGIN.right, 250);
    this.size = Math.max(20, inner / m);
    const W = MARGIN.left + this.size * m + MARGIN.right;
    const H = MARGIN.top + this.size * m + MARGIN.bottom;
    const svg = this.svg.attr('width', W).attr('height', H).attr('viewBox', `0 0 ${W} ${H}`);
    svg.selectAll('*').remove();
    const g = svg.append('g').attr('class', 'cells').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    const idx = d3.range(m);
    g.selectAll('text.col')
      .data(idx)
      .join('text')
      .attr('class', 'axis-label')
      .attr('x', (i) => (i + 0.5) * this.size)
      .attr('y', -6)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .text((i) => `${i}`);
    g.selectAll('text.row')
      .data(idx)
      .join('text')
      .attr('x', -6)
      .attr('y', (i) => (i + 0.5) * this.size + 4)
      .attr('text-anchor', 'end')
      .attr('font-size', 11)
      .text((i) => `${i}`);
    svg.append('text').attr('class', 'label').attr('x', MARGIN.left + (this.size * m) / 2).attr('y', 11).attr('text-anchor', 'middle').text('to shard');
    svg
      .append('text')
      .attr('class', 'label')
      .attr('transform', `translate(${MARGIN.left - 30},${MARGIN.top + (this.size * m) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('from shard');
    // Colour bar.
    const barH = this.size * m;
    const bar = svg.append('g').attr('transform', `translate(${MARGIN.left + this.size * m + 14},${MARGIN.top})`);
    const steps = 24;
    const [, max] = this.colour.domain() as [number, number];
    bar
      .selectAll('rect')
      .data(d3.range(steps))
      .join('rect')
      .attr('y', (i) => (barH * (steps - 1 - i)) / steps)
      .attr('width', 10)
      .attr('height', barH / steps + 0.5)
      .attr('fill', (i) => this.colour((max * i) / (steps - 1)));
    bar.append('g').attr('class', 'axis').attr('transform', 'translate(10,0)').call(d3.axisRight(d3.scaleLinear().domain([0, max]).range([barH, 0])).ticks(4, '~s'));
  }

  update(tUs: number): void {
    if (!this.svg || this.size === 0) return;
    const m = this.run.header.shards;
    const cells: Cell[] = [];
    for (let f = 0; f < m; f++) for (let t = 0; t < m; t++) cells.push({ from: f, to: t, ...crossAt(this.run, f, t, tUs) });
    const s = this.size;
    const dark = (c: Cell) => this.colour(c.committed) && c.committed > (this.colour.domain()[1] as number) * 0.55;
    const cell = this.svg
      .select('g.cells')
      .selectAll<SVGGElement, Cell>('g.cell')
      .data(cells)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'cell');
        e.append('rect').attr('stroke', '#fff').attr('stroke-width', 2);
        e.append('text').attr('class', 'c').attr('text-anchor', 'middle').attr('font-size', Math.min(13, s / 4)).attr('font-weight', 600);
        e.append('text').attr('class', 'a').attr('text-anchor', 'middle').attr('font-size', Math.min(10.5, s / 5));
        e.on('mousemove', (ev: MouseEvent, c) =>
          showTooltip(ev.clientX, ev.clientY, `shard ${c.from} → shard ${c.to}`, [`committed ${fmtInt(c.committed)}`, `aborted ${fmtInt(c.aborted)}`]),
        ).on('mouseleave', hideTooltip);
        return e;
      })
      .attr('transform', (c) => `translate(${c.to * s},${c.from * s})`);
    cell
      .select('rect')
      .attr('width', s)
      .attr('height', s)
      .attr('fill', (c) => (c.from === c.to ? '#f1f2f5' : this.colour(c.committed)));
    cell
      .select('text.c')
      .attr('x', s / 2)
      .attr('y', s / 2)
      .attr('fill', (c) => (dark(c) ? '#fff' : '#1d2330'))
      .text((c) => (c.from === c.to ? '' : d3.format('~s')(c.committed)));
    cell
      .select('text.a')
      .attr('x', s / 2)
      .attr('y', s / 2 + Math.min(14, s / 4))
      .attr('fill', (c) => (dark(c) ? '#ffd9d2' : '#b03a2e'))
      .text((c) => (c.from === c.to || c.aborted === 0 ? '' : `✗ ${d3.format('~s')(c.aborted)}`));
  }
}
