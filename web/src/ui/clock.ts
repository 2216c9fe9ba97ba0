import * as d3 from 'd3';
import type { RunModel } from '../model/run.js';
import { fmtSeconds } from './style.js';

/**
 * One simulated clock for every open run (the compare view's synchronisation): play, pause, speed in
 * simulated seconds per wall second, a scrubber with each run's epoch transitions and idle windows on
 * its own lane, jumps to the previous / next epoch change of any run, and the keyboard.
 */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

const LANE_H = 7;
const AXIS_H = 16;

export class Clock {
  tUs = 0;
  playing = false;
  speed = 10;
  private endUs = 0;
  private marks: number[] = [];
  private runs: readonly RunModel[] = [];
  private colours: readonly string[] = [];
  private lastWall: number | null = null;
  private x = d3.scaleLinear();
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly playBtn: HTMLButtonElement;
  private readonly speedSel: HTMLSelectElement;
  private readonly timeOut: HTMLOutputElement;

  constructor(private readonly onTime: (tUs: number) => void) {
    this.svg = d3.select(document.getElementById('scrubber') as unknown as SVGSVGElement);
    this.playBtn = document.getElementById('play') as HTMLButtonElement;
    this.speedSel = document.getElementById('speed') as HTMLSelectElement;
    this.timeOut = document.getElementById('sim-time') as HTMLOutputElement;
    // Controls give the focus back after use, so space and the arrows always drive the clock (a focused
    // button would also take space as a click and toggle twice).
    const act = (el: HTMLElement, ev: string, f: () => void) =>
      el.addEventListener(ev, () => {
        f();
        el.blur();
      });
    act(this.playBtn, 'click', () => this.toggle());
    act(document.getElementById('prev-mark')!, 'click', () => this.jump(-1));
    act(document.getElementById('next-mark')!, 'click', () => this.jump(1));
    act(this.speedSel, 'change', () => this.setSpeed(Number(this.speedSel.value)));
    const drag = (ev: PointerEvent) => {
      const node = this.svg.node()!;
      const [mx] = d3.pointer(ev, node);
      this.seek(this.x.invert(mx) * 1e6);
    };
    const node = this.svg.node()!;
    node.addEventListener('pointerdown', (ev) => {
      node.setPointerCapture(ev.pointerId);
      drag(ev);
      node.addEventListener('pointermove', drag);
    });
    node.addEventListener('pointerup', () => node.removeEventListener('pointermove', drag));
    window.addEventListener('keydown', (ev) => this.key(ev));
    window.addEventListener('resize', () => this.drawScrubber());
  }

  setRuns(runs: readonly RunModel[], colours: readonly string[]): void {
    this.runs = runs;
    this.colours = colours;
    this.endUs = d3.max(runs, (r) => r.endUs) ?? 0;
    this.marks = [...new Set(runs.flatMap((r) => r.marks))].sort((a, b) => a - b);
    this.pause();
    this.tUs = 0;
    this.drawScrubber();
    this.emit();
  }

  get end(): number {
    return this.endUs;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.runs.length === 0) return;
    if (this.tUs >= this.endUs) this.tUs = 0;
    this.playing = true;
    this.lastWall = null;
    this.playBtn.dataset['playing'] = '1';
    this.playBtn.setAttribute('aria-label', 'Pause');
    requestAnimationFrame((w) => this.frame(w));
  }

  pause(): void {
    this.playing = false;
    this.playBtn.dataset['playing'] = '0';
    this.playBtn.setAttribute('aria-label', 'Play');
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.speedSel.value = String(speed);
  }

  seek(tUs: number): void {
    this.tUs = Math.max(0, Math.min(this.endUs, Math.round(tUs)));
    this.emit();
  }

  /** To the next (dir 1) or previous (dir -1) epoch change of any run. */
  jump(dir: 1 | -1): void {
    const eps = 1000; // 1 ms: step off a mark we are sitting on
    const next = dir > 0 ? this.marks.find((m) => m > this.tUs + eps) : [...this.marks].reverse().find((m) => m < this.tUs - eps);
    this.seek(next ?? (dir > 0 ? this.endUs : 0));
  }

  private frame(wall: number): void {
    if (!this.playing) return;
    if (this.lastWall !== null) {
      const dt = Math.min(0.25, (wall - this.lastWall) / 1000);
      this.tUs = Math.min(this.endUs, this.tUs + dt * this.speed * 1e6);
      this.emit();
      if (this.tUs >= this.endUs) return this.pause();
    }
    this.lastWall = wall;
    requestAnimationFrame((w) => this.frame(w));
  }

  private key(ev: KeyboardEvent): void {
    const target = ev.target as HTMLElement | null;
    if (target && (target.tagName === 'SELECT' || target.tagName === 'INPUT') && ev.key !== ' ') return;
    const i = SPEEDS.indexOf(this.speed);
    switch (ev.key) {
      case ' ':
        this.toggle();
        break;
      case 'ArrowRight':
        if (ev.shiftKey) this.seek(this.tUs + 1e6);
        else this.jump(1);
        break;
      case 'ArrowLeft':
        if (ev.shiftKey) this.seek(this.tUs - 1e6);
        else this.jump(-1);
        break;
      case 'ArrowUp':
        this.setSpeed(SPEEDS[Math.min(SPEEDS.length - 1, i + 1)]!);
        break;
      case 'ArrowDown':
        this.setSpeed(SPEEDS[Math.max(0, i - 1)]!);
        break;
      case 'Home':
        this.seek(0);
        break;
      case 'End':
        this.seek(this.endUs);
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  private emit(): void {
    this.timeOut.textContent = `t = ${fmtSeconds(this.tUs)}`;
    this.timeOut.dataset['us'] = String(Math.round(this.tUs));
    const node = this.svg.node()!;
    node.setAttribute('aria-valuemax', String(this.endUs / 1e6));
    node.setAttribute('aria-valuenow', String(this.tUs / 1e6));
    node.setAttribute('aria-valuetext', fmtSeconds(this.tUs));
    const xs = this.x(this.tUs / 1e6);
    this.svg.select('.handle').attr('transform', `translate(${xs},0)`);
    this.onTime(this.tUs);
  }

  drawScrubber(): void {
    const node = this.svg.node()!;
    const W = node.clientWidth || 800;
    const lanes = Math.max(1, this.runs.length);
    const H = AXIS_H + lanes * (LANE_H + 3) + 8;
    this.svg.attr('height', H).attr('viewBox', `0 0 ${W} ${H}`);
    this.svg.selectAll('*').remove();
    const left = 8;
    const right = W - 12;
    this.x = d3.scaleLinear().domain([0, Math.max(1, this.endUs / 1e6)]).range([left, right]);
    this.runs.forEach((r, i) => {
      const y = 4 + i * (LANE_H + 3);
      const lane = this.svg.append('g').attr('transform', `translate(0,${y})`);
      lane.append('rect').attr('x', left).attr('width', Math.max(0, this.x(r.endUs / 1e6) - left)).attr('height', LANE_H).attr('fill', '#eef1f6');
      lane.append('rect').attr('x', left - 6).attr('width', 4).attr('height', LANE_H).attr('fill', this.colours[i] ?? '#333');
      lane
        .selectAll('rect.tr')
        .data(r.transitions)
        .join('rect')
        .attr('class', 'tr')
        .attr('x', (d) => this.x(d.startUs / 1e6))
        .attr('width', (d) => Math.max(2, this.x(d.endUs / 1e6) - this.x(d.startUs / 1e6)))
        .attr('height', LANE_H)
        .attr('fill', '#EE9933');
      lane
        .selectAll('rect.idle')
        .data(r.idle)
        .join('rect')
        .attr('class', 'idle')
        .attr('x', (d) => this.x(d.startUs / 1e6))
        .attr('width', (d) => Math.max(2, this.x(d.endUs / 1e6) - this.x(d.startUs / 1e6)))
        .attr('height', LANE_H)
        .attr('fill', '#888');
      lane
        .selectAll('line.mark')
        .data(r.marks)
        .join('line')
        .attr('class', 'mark')
        .attr('x1', (m) => this.x(m / 1e6))
        .attr('x2', (m) => this.x(m / 1e6))
        .attr('y1', -1)
        .attr('y2', LANE_H + 1)
        .attr('stroke', '#1d2330')
        .attr('stroke-width', 1);
    });
    this.svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${H - AXIS_H})`)
      .call(d3.axisBottom(this.x).ticks(Math.max(4, Math.floor(W / 90))).tickFormat((v) => `${v} s`).tickSizeOuter(0))
      .call((g) => g.selectAll('text').attr('font-size', 10));
    const handle = this.svg.append('g').attr('class', 'handle');
    handle.append('line').attr('y1', 0).attr('y2', H - AXIS_H).attr('stroke', '#c0392b').attr('stroke-width', 2);
    handle.append('path').attr('d', 'M-6,0 L6,0 L0,7 Z').attr('fill', '#c0392b');
    handle.attr('transform', `translate(${this.x(this.tUs / 1e6)},0)`);
  }
}
