import * as d3 from 'd3';
import { phaseAt, type RunModel } from '../model/run.js';
import { fmtInt, fmtTps, panel } from './style.js';

/**
 * The protocol's own clock beside the matrix: the epoch table (IOS, Zilliqa) with the current epoch
 * highlighted, or the producer schedule (DPoS, IOST mainnet) with the producer of the latest block marked.
 * Numbers come from the shared derivations (deriveEpochs), the same as the CLI summary's `epochs`.
 */
export class SidePanel {
  private readonly body: HTMLElement;
  private readonly mode: 'epochs' | 'schedule' | 'none';
  private lastKey = '';

  constructor(
    parent: HTMLElement,
    private readonly run: RunModel,
  ) {
    const hasSchedule = run.timeline.events.some((e) => e.kind === 'schedule');
    this.mode = run.epochs.length > 0 ? 'epochs' : hasSchedule ? 'schedule' : run.header.shards === 1 ? 'schedule' : 'none';
    const p = panel(parent, this.mode === 'epochs' ? 'Epochs' : 'Producers', this.mode === 'epochs' ? 's, tx/s' : undefined);
    p.root.classList.add('side-panel');
    this.body = p.body;
    if (this.mode === 'epochs') {
      p.caption.textContent = 'As summary.json: start = epoch.start; transition = until epoch.ready (every mover voting in its new shard; Zilliqa: shards formed); min = lowest finalised tx/s in it; abandoned = moves given up for the node\'s next one.';
      this.buildEpochTable();
    } else if (this.mode === 'schedule') {
      p.caption.textContent = hasSchedule ? 'Producers in slot order; the one that proposed the latest block is dark.' : 'No schedule.change in this trace: the latest proposers are listed.';
    }
  }

  private buildEpochTable(): void {
    const table = d3.select(this.body).append('table').attr('class', 'table');
    table
      .append('thead')
      .append('tr')
      .selectAll('th')
      .data(['epoch', 'start', 'transition', 'moved', 'min tx/s'])
      .join('th')
      .text((d) => d);
    const rows = this.run.epochs.map((e) => {
      const tr = this.run.transitions.find((x) => x.epoch === e.index);
      return {
        index: e.index,
        cells: [
          String(e.index),
          (e.startUs / 1e6).toFixed(1),
          tr ? `${(tr.startUs / 1e6).toFixed(1)}–${(tr.endUs / 1e6).toFixed(1)}` : e.readyUs !== null ? `ready ${(e.readyUs / 1e6).toFixed(1)}` : '–',
          fmtInt(tr?.moved ?? e.moved) + (e.abandoned > 0 ? ` (+${fmtInt(e.abandoned)} abandoned)` : ''),
          e.minTpsDuringTransition === null ? '–' : fmtTps(e.minTpsDuringTransition),
        ],
      };
    });
    table
      .append('tbody')
      .selectAll('tr')
      .data(rows)
      .join('tr')
      .attr('data-epoch', (r) => r.index)
      .selectAll('td')
      .data((r) => r.cells)
      .join('td')
      .text((d) => d);
  }

  update(tUs: number): void {
    const s = this.run.replayer.seek(tUs);
    if (this.mode === 'epochs') {
      // Every epoch whose transition is under way (two overlap when movers are still bootstrapping), else the current one.
      const under = phaseAt(this.run, tUs).transitions.map((tr) => tr.epoch);
      const current = under.length > 0 ? under : [s.epoch];
      const key = current.join(',');
      if (key === this.lastKey) return;
      this.lastKey = key;
      d3.select(this.body)
        .selectAll<HTMLTableRowElement, unknown>('tbody tr')
        .classed('current', function () {
          return current.includes(Number(this.dataset['epoch']));
        });
    } else if (this.mode === 'schedule') {
      const producers = s.schedule?.producers ?? [];
      const current = s.leader[0] ?? -1;
      const key = `${s.schedule?.version ?? -1}:${current}`;
      if (key === this.lastKey) return;
      this.lastKey = key;
      const list = producers.length > 0 ? producers : current >= 0 ? [current] : [];
      const sel = d3.select(this.body);
      sel.selectAll('*').remove();
      if (s.schedule) sel.append('p').attr('class', 'caption').text(`schedule version ${s.schedule.version}, ${producers.length} producers`);
      const box = sel.append('div').attr('class', 'producers');
      box
        .selectAll('span')
        .data(list)
        .join('span')
        .classed('current', (v) => v === current)
        .text((v) => `#${v}`);
    }
  }
}
