import * as d3 from 'd3';
import { layoutMap, type MapLayout } from '../model/layout.js';
import { nodePlace, type ReplayState } from '../model/replay.js';
import { phaseAt, transitionWords, type RunModel } from '../model/run.js';
import { REGION_COLOURS, fmtInt, hideTooltip, panel, roleColour, showTooltip } from './style.js';

/**
 * The shard map: every node a dot in its group's disc, coloured by region or by league/role. Believable
 * validators and scheduled producers are diamonds, the current block proposer of each shard has a dark
 * ring, a node that is changing shard travels from its old slot to its new one while it bootstraps (drawn
 * hollow), crashed nodes are grey, and during a PoW window nodes still mining are hollow. Up to
 * SVG_LIMIT nodes each dot is an SVG path (inspectable, testable); above it one canvas.
 */
export const SVG_LIMIT = 1500;
/** A strip under the discs for what is happening (TransEpoch, PoW window), px. */
const BANNER_H = 20;

export type ColourBy = 'region' | 'league';

interface Mark {
  x: number;
  y: number;
  r: number;
  diamond: boolean;
  fill: string;
  stroke: string | null;
  strokeWidth: number;
  group: number;
  moving: boolean;
}

const CRASHED = '#c9c9c9';
const LEADER_RING = '#111';
const ease = d3.easeCubicInOut;

export class ShardMap {
  private readonly box: HTMLDivElement;
  private readonly bg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly nodesSvg: d3.Selection<SVGSVGElement, unknown, null, undefined> | null = null;
  private readonly canvas: HTMLCanvasElement | null = null;
  private readonly overlay: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly legend: HTMLDivElement;
  private layout: MapLayout | null = null;
  private width = 0;
  private height = 0;
  private marks: Mark[] = [];
  private lastT = 0;
  private readonly hasMoves: boolean;
  private readonly hasCrashes: boolean;
  private readonly hasPow: boolean;
  private readonly hasSchedule: boolean;

  constructor(
    parent: HTMLElement,
    private readonly run: RunModel,
    private readonly colourBy: () => ColourBy,
  ) {
    const kinds = new Set(run.timeline.events.map((e) => e.kind));
    this.hasMoves = kinds.has('moveStart');
    this.hasCrashes = kinds.has('crash');
    this.hasPow = kinds.has('pow');
    this.hasSchedule = kinds.has('schedule');
    const p = panel(parent, 'Shard map', `${fmtInt(run.header.nodes)} nodes`);
    p.root.classList.add('shard-map');
    this.box = document.createElement('div');
    this.box.className = 'map-box';
    p.body.append(this.box);
    this.bg = d3.select(this.box).append('svg').attr('class', 'map-bg');
    if (run.header.nodes <= SVG_LIMIT) {
      this.nodesSvg = d3.select(this.box).append('svg').attr('class', 'map-nodes').style('position', 'absolute').style('left', '0').style('top', '0');
    } else {
      this.canvas = document.createElement('canvas');
      this.canvas.className = 'map-nodes';
      Object.assign(this.canvas.style, { position: 'absolute', left: '0', top: '0' });
      this.box.append(this.canvas);
    }
    this.overlay = d3.select(this.box).append('svg').attr('class', 'map-overlay').style('position', 'absolute').style('left', '0').style('top', '0');
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    p.body.append(this.legend);
    p.caption.textContent = this.caption();
    this.box.addEventListener('mousemove', (ev) => this.hover(ev));
    this.box.addEventListener('mouseleave', hideTooltip);
  }

  private caption(): string {
    const parts = ['Each dot is a node, grouped by where it is at this moment.'];
    if (this.hasMoves) parts.push('TransEpoch movers travel to their new shard batch by batch, hollow while they bootstrap.');
    if (this.hasPow) parts.push('In a PoW window, hollow nodes are still mining.');
    return parts.join(' ');
  }

  /** Lay out for `width`; `minHeight` lets runs side by side share one map height, so their charts line up. */
  resize(width: number, minHeight = 0): void {
    this.width = Math.max(240, Math.floor(width));
    const groups = this.run.timeline.groups.length;
    const perRow = groups <= 4 ? groups : Math.ceil(groups / 2);
    const rows = Math.ceil(groups / Math.max(1, perRow));
    // Discs at most ~360 px across: one big disc (a single chain) would crowd out the figures below.
    const perDisc = Math.min(360, this.width / Math.max(1, perRow));
    const discsH = Math.max(Math.round(Math.max(220, perDisc * rows * 0.9 + 40)), minHeight - BANNER_H);
    this.height = discsH + BANNER_H;
    this.layout = layoutMap(this.run.timeline.groups, this.run.slotsUsed, this.width, discsH);
    for (const s of [this.bg, this.overlay, this.nodesSvg]) s?.attr('width', this.width).attr('height', this.height).attr('viewBox', `0 0 ${this.width} ${this.height}`);
    this.box.style.height = `${this.height}px`;
    if (this.canvas) {
      const dpr = window.devicePixelRatio || 1;
      this.canvas.width = Math.round(this.width * dpr);
      this.canvas.height = Math.round(this.height * dpr);
      this.canvas.style.width = `${this.width}px`;
      this.canvas.style.height = `${this.height}px`;
    }
    this.drawBackground();
    this.drawLegend();
  }

  private drawBackground(): void {
    const layout = this.layout!;
    const data = this.run.timeline.groups.map((g, i) => ({ g, d: layout.discs[i]! }));
    this.bg.selectAll('*').remove();
    const gs = this.bg.selectAll('g.group').data(data).join('g').attr('class', 'group');
    gs.append('circle')
      .attr('cx', (x) => x.d.cx)
      .attr('cy', (x) => x.d.cy)
      .attr('r', (x) => x.d.r + 4)
      .attr('fill', (x) => (x.g.kind === 'shard' ? '#f4f6fa' : '#faf5fa'))
      .attr('stroke', '#d4d9e2');
    gs.append('text')
      .attr('class', 'group-label')
      .attr('x', (x) => x.d.cx)
      .attr('y', (x) => x.d.cy - x.d.r - 10)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('font-weight', 600)
      .attr('fill', '#1d2330')
      .text((x) => x.g.label);
  }

  private colourOf(v: number, s: ReplayState): string {
    if (this.colourBy() === 'region') return REGION_COLOURS[this.run.header.nodeRegion[v] ?? 0] ?? '#888';
    const r = s.role[v]!;
    if (r === 0) return this.hasSchedule ? REGION_COLOURS[0]! : '#9aa2b1';
    return roleColour(this.run.timeline.roles[r - 1]!, r - 1);
  }

  /** Draw the network at tUs. */
  update(tUs: number): void {
    if (!this.layout) return;
    this.lastT = tUs;
    const s = this.run.replayer.seek(tUs);
    const layout = this.layout;
    const n = this.run.header.nodes;
    const believable = this.run.timeline.roles.indexOf('believable') + 1;
    const producers = new Set(s.schedule?.producers ?? []);
    const leaders = new Set([...Array.from(s.leader), s.systemLeader].filter((v) => v >= 0));
    const ds = this.run.timeline.roles.indexOf('ds') + 1;
    const powOpen = s.idle.find((w) => w.reason === 'pow');
    const marks: Mark[] = new Array(n);
    for (let v = 0; v < n; v++) {
      const place = nodePlace(s, v, tUs);
      if (place.group < 0) {
        marks[v] = { x: -10, y: -10, r: 0, diamond: false, fill: 'none', stroke: null, strokeWidth: 0, group: -1, moving: false };
        continue;
      }
      let [x, y] = layout.slotXY(place.group, s.slot[v]!);
      const moving = place.fromGroup >= 0;
      if (moving) {
        const [x0, y0] = layout.slotXY(place.fromGroup, s.fromSlot[v]!);
        const k = ease(place.progress);
        x = x0 + (x - x0) * k;
        y = y0 + (y - y0) * k;
      }
      const colour = this.colourOf(v, s);
      const crashed = s.crashed[v] === 1;
      // The DS committee does not mine (it receives the solutions).
      const mining = powOpen !== undefined && s.powEpoch[v] !== powOpen.epoch + 1 && !(ds > 0 && s.role[v] === ds);
      const hollow = !crashed && (moving || mining);
      const leader = leaders.has(v);
      const diamond = (believable > 0 && s.role[v] === believable) || producers.has(v);
      marks[v] = {
        x,
        y,
        r: layout.dotR * (leader ? 1.8 : 1) * (diamond ? 1.25 : 1),
        diamond,
        fill: crashed ? CRASHED : hollow ? '#ffffff' : colour,
        stroke: leader ? LEADER_RING : hollow ? colour : null,
        strokeWidth: leader ? 1.8 : 1.2,
        group: place.group,
        moving,
      };
    }
    this.marks = marks;
    if (this.nodesSvg) this.drawSvg(marks);
    else this.drawCanvas(marks);
    this.drawOverlay(tUs, s);
  }

  private drawSvg(marks: Mark[]): void {
    const diamond = d3.symbol(d3.symbolDiamond);
    const circle = d3.symbol(d3.symbolCircle);
    this.nodesSvg!
      .selectAll<SVGPathElement, Mark>('path.node')
      .data(marks)
      .join('path')
      .attr('class', 'node')
      .attr('data-node', (_, i) => i)
      .attr('data-group', (m) => m.group)
      .attr('data-moving', (m) => (m.moving ? 1 : 0))
      .attr('transform', (m) => `translate(${m.x.toFixed(1)},${m.y.toFixed(1)})`)
      .attr('d', (m) => (m.diamond ? diamond.size(2 * m.r * m.r)() : circle.size(Math.PI * m.r * m.r)()))
      .attr('fill', (m) => m.fill)
      .attr('stroke', (m) => m.stroke ?? 'none')
      .attr('stroke-width', (m) => m.strokeWidth);
  }

  private drawCanvas(marks: Mark[]): void {
    const c = this.canvas!;
    const ctx = c.getContext('2d')!;
    const dpr = c.width / this.width;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    // Non-leaders first, so rings stay on top.
    for (const pass of [false, true]) {
      for (const m of marks) {
        if (m.r === 0 || (m.stroke === LEADER_RING) !== pass) continue;
        ctx.beginPath();
        if (m.diamond) {
          ctx.moveTo(m.x, m.y - m.r);
          ctx.lineTo(m.x + m.r, m.y);
          ctx.lineTo(m.x, m.y + m.r);
          ctx.lineTo(m.x - m.r, m.y);
          ctx.closePath();
        } else ctx.arc(m.x, m.y, m.r, 0, Math.PI * 2);
        ctx.fillStyle = m.fill;
        ctx.fill();
        if (m.stroke) {
          ctx.lineWidth = m.strokeWidth;
          ctx.strokeStyle = m.stroke;
          ctx.stroke();
        }
      }
    }
    const counts = this.run.timeline.groups.map(() => 0);
    for (const m of marks) if (m.group >= 0) counts[m.group]!++;
    c.dataset['marks'] = String(marks.filter((m) => m.r > 0).length);
    c.dataset['groups'] = counts.join(',');
  }

  private drawOverlay(tUs: number, s: ReplayState): void {
    const layout = this.layout!;
    const groups = this.run.timeline.groups;
    const counts = groups.map(() => 0);
    for (let v = 0; v < this.run.header.nodes; v++) if (s.group[v]! >= 0) counts[s.group[v]!]!++;
    const labels = groups.map((g, i) => ({ i, d: layout.discs[i]!, text: `${fmtInt(counts[i]!)} nodes` }));
    this.overlay
      .selectAll('text.count')
      .data(labels)
      .join('text')
      .attr('class', 'count')
      .attr('x', (x) => x.d.cx)
      .attr('y', (x) => x.d.cy + x.d.r + 15)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11.5)
      .attr('fill', '#5b6475')
      .text((x) => x.text);
    const phase = phaseAt(this.run, tUs);
    const banners: string[] = [];
    for (const w of phase.idle) banners.push(w.reason === 'pow' ? `PoW window (epoch ${w.epoch}): no transactions · ${fmtInt(s.powAccepted)} solutions in` : `idle: ${w.reason}`);
    if (this.hasMoves) {
      const words = transitionWords(phase.transitions, s.movingByEpoch, true, fmtInt);
      if (words.length > 0) banners.push(`${words.join(' · ')} in their new shard`);
    }
    this.overlay
      .selectAll('text.banner')
      .data(banners)
      .join('text')
      .attr('class', 'banner')
      .attr('x', (_, i) => 8 + i * (this.width / 2))
      .attr('y', this.height - 5)
      .attr('font-size', 12)
      .attr('font-weight', 600)
      .attr('fill', (d) => (d.startsWith('PoW') || d.startsWith('idle') ? '#555' : '#9a5800'))
      .text((d) => d);
  }

  private drawLegend(): void {
    const items: { label: string; fill: string; stroke?: string; diamond?: boolean; ring?: boolean }[] = [];
    if (this.colourBy() === 'region') {
      const used = new Set(this.run.header.nodeRegion);
      this.run.header.regions.forEach((name, i) => {
        if (used.has(i)) items.push({ label: name, fill: REGION_COLOURS[i] ?? '#888' });
      });
    } else {
      this.run.timeline.roles.forEach((role, i) => items.push({ label: role, fill: roleColour(role, i) }));
      if (this.run.timeline.roles.length === 0) items.push({ label: 'node', fill: '#9aa2b1' });
    }
    if (this.run.timeline.roles.includes('believable')) items.push({ label: 'believable league', fill: '#fff', stroke: '#333', diamond: true });
    if (this.hasSchedule) items.push({ label: 'scheduled producer', fill: '#fff', stroke: '#333', diamond: true });
    items.push({ label: this.run.header.shards > 1 ? 'shard leader (latest proposer)' : 'current producer', fill: '#fff', stroke: LEADER_RING, ring: true });
    if (this.hasMoves) items.push({ label: 'bootstrapping (changing shard)', fill: '#fff', stroke: '#4477AA' });
    if (this.hasPow) items.push({ label: 'mining (PoW not yet in)', fill: '#fff', stroke: '#228833' });
    if (this.hasCrashes) items.push({ label: 'crashed', fill: CRASHED });
    const sel = d3.select(this.legend);
    sel.selectAll('*').remove();
    for (const it of items) {
      const span = sel.append('span').attr('class', 'item');
      const svg = span.append('svg').attr('width', 14).attr('height', 14);
      const sym = d3.symbol(it.diamond ? d3.symbolDiamond : d3.symbolCircle, it.ring ? 110 : 70);
      svg
        .append('path')
        .attr('transform', 'translate(7,7)')
        .attr('d', sym())
        .attr('fill', it.fill)
        .attr('stroke', it.stroke ?? 'none')
        .attr('stroke-width', it.ring ? 2 : 1.3);
      span.append('span').text(it.label);
    }
  }

  get mapHeight(): number {
    return this.height;
  }

  /** Re-colour after the region/league toggle. */
  recolour(): void {
    this.drawLegend();
    this.update(this.lastT);
  }

  private hover(ev: MouseEvent): void {
    const rect = this.box.getBoundingClientRect();
    const x = ev.clientX - rect.left;
    const y = ev.clientY - rect.top;
    let best = -1;
    let bestD = 100;
    this.marks.forEach((m, v) => {
      const d = (m.x - x) ** 2 + (m.y - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = v;
      }
    });
    if (best < 0) return hideTooltip();
    const s = this.run.replayer.seek(this.lastT);
    const h = this.run.header;
    const place = nodePlace(s, best, this.lastT);
    const groups = this.run.timeline.groups;
    const lines = [`region ${h.regions[h.nodeRegion[best] ?? 0] ?? '?'}`];
    if (place.fromGroup >= 0) lines.push(`moving ${groups[place.fromGroup]!.label} → ${groups[place.group]!.label} (${Math.round(place.progress * 100)}%)`);
    else lines.push(groups[place.group]?.label ?? 'no group');
    const role = s.role[best]!;
    if (role > 0) lines.push(`role ${this.run.timeline.roles[role - 1]}`);
    if (Array.from(s.leader).includes(best)) lines.push('latest block proposer of its shard');
    if (s.crashed[best]) lines.push('crashed');
    showTooltip(ev.clientX, ev.clientY, `node ${best}`, lines);
  }
}
