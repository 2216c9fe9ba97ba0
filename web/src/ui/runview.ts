import * as d3 from 'd3';
import { phaseAt, transitionWords, type RunModel } from '../model/run.js';
import { SeriesChart } from './charts.js';
import { CrossMatrix } from './matrix.js';
import { ShardMap, type ColourBy } from './shardmap.js';
import { SidePanel } from './sidepanel.js';
import { SERIES_COLOURS, fmtInt, fmtMs, fmtTps, protocolTitle } from './style.js';

/** One run's column: title, what is happening now, shard map, throughput, latency, matrix and epochs. */
export class RunView {
  readonly root: HTMLElement;
  private readonly now: HTMLElement;
  private readonly map: ShardMap;
  private readonly charts: SeriesChart[];
  private readonly matrix: CrossMatrix;
  private readonly side: SidePanel;
  private readonly row: HTMLElement;
  private lastNow = '';
  private readonly hasMoves: boolean;

  constructor(
    parent: HTMLElement,
    readonly run: RunModel,
    colour: string,
    colourBy: () => ColourBy,
    xMaxUs: () => number,
  ) {
    const h = run.header;
    this.hasMoves = run.timeline.events.some((e) => e.kind === 'moveStart');
    this.root = document.createElement('article');
    this.root.className = 'run';
    this.root.dataset['protocol'] = h.protocol;
    this.root.style.setProperty('--run-colour', colour);
    parent.append(this.root);
    const head = d3.select(this.root).append('div').attr('class', 'run-head');
    head.append('h2').text(`${protocolTitle(h.protocol)} · ${h.scenarioName}`);
    head
      .append('div')
      .attr('class', 'sub')
      .text(
        `seed ${h.seed} · ${fmtInt(h.nodes)} nodes · ${h.shards} shard${h.shards === 1 ? '' : 's'} · ${(run.endUs / 1e6).toFixed(0)} s simulated · ${fmtInt(run.eventCount)} trace events · ${run.source}`,
      );
    this.now = head.append('div').attr('class', 'now').node()!;
    this.map = new ShardMap(this.root, run, colourBy);
    this.charts = [
      new SeriesChart(
        this.root,
        run,
        {
          title: 'Throughput',
          unit: 'tx/s',
          yLabel: 'transactions per second',
          format: (v) => `${fmtTps(v)} tx/s`,
          series: [
            { key: 'offered', label: 'offered', colour: SERIES_COLOURS.offered, dash: '4 3', value: (p) => p.offeredTps },
            { key: 'confirmed', label: 'confirmed (soft)', colour: SERIES_COLOURS.confirmed, smooth: true, value: (p) => p.confirmedTps },
            { key: 'finalized', label: 'finalised', colour: SERIES_COLOURS.finalized, smooth: true, value: (p) => p.finalizedTps },
          ],
        },
        xMaxUs,
      ),
      new SeriesChart(
        this.root,
        run,
        {
          title: 'Latency',
          unit: 'ms, log scale',
          yLabel: 'latency (ms)',
          log: true,
          points: true,
          format: fmtMs,
          series: [
            { key: 'c50', label: 'confirm p50', colour: SERIES_COLOURS.confirmed, value: (p) => p.confirmP50Ms },
            { key: 'f50', label: 'final p50', colour: SERIES_COLOURS.finalized, value: (p) => p.finalP50Ms },
            { key: 'f99', label: 'final p99', colour: SERIES_COLOURS.finalized, dash: '4 3', value: (p) => p.finalP99Ms },
          ],
        },
        xMaxUs,
      ),
    ];
    this.row = document.createElement('div');
    this.row.className = 'row';
    this.root.append(this.row);
    this.matrix = new CrossMatrix(this.row, run);
    this.side = new SidePanel(this.row, run);
  }

  /** Lay out at the column's width; `mapHeight` (from the other runs) aligns the figures across columns. */
  resize(mapHeight = 0): void {
    const w = this.root.clientWidth - 26;
    this.map.resize(w, mapHeight);
    for (const c of this.charts) c.resize(w);
    this.matrix.resize(this.row.clientWidth / 2 - 26);
  }

  get mapHeight(): number {
    return this.map.mapHeight;
  }

  recolour(): void {
    this.map.recolour();
  }

  update(tUs: number): void {
    this.map.update(tUs);
    for (const c of this.charts) c.update(tUs);
    this.matrix.update(tUs);
    this.side.update(tUs);
    this.updateNow(tUs);
  }

  private updateNow(tUs: number): void {
    const s = this.run.replayer.seek(tUs);
    const { transition, transitions, idle } = phaseAt(this.run, tUs);
    const chips: { cls: string; text: string }[] = [];
    const leaderName = this.run.header.protocol === 'ios' ? 'EDS leader' : this.run.header.protocol === 'zilliqa' ? 'DS leader' : 'leader';
    if (this.run.epochs.length > 0) chips.push({ cls: '', text: `epoch ${s.epoch}${s.edsLeader >= 0 ? ` · ${leaderName} #${s.edsLeader}` : ''}` });
    for (const text of transitionWords(transitions, s.movingByEpoch, this.hasMoves, fmtInt)) chips.push({ cls: 'transition', text });
    for (const w of idle) chips.push({ cls: 'idle', text: w.reason === 'pow' ? `PoW window (epoch ${w.epoch}): idle` : `idle: ${w.reason}` });
    if (s.schedule) chips.push({ cls: '', text: `schedule v${s.schedule.version}` });
    const bucket = this.run.series.find((b) => b.startUs <= tUs && tUs < b.startUs + b.lengthUs);
    if (bucket) chips.push({ cls: 'ok', text: `${fmtTps(bucket.finalizedTps)} tx/s finalised` });
    if (!transition && idle.length === 0 && this.run.header.shards > 1) chips.push({ cls: 'ok', text: 'steady' });
    const key = chips.map((c) => c.text).join('|');
    if (key === this.lastNow) return;
    this.lastNow = key;
    d3.select(this.now)
      .selectAll('span')
      .data(chips)
      .join('span')
      .attr('class', (c) => `chip ${c.cls}`)
      .text((c) => c.text);
  }
}
