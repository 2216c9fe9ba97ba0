import * as d3 from 'd3';
import type { ColumnarTrace } from '../../sim/trace/columnar.js';
import { LoadError, fetchTrace, traceFromFile, type Timings } from './load/trace.js';
import { defaultSelection, groupsOf, onePerProtocol, parseResultsIndex, resultsUrl, seedsOf, type ResultsIndex, type RunEntry } from './load/results-index.js';
import { buildRunModel, type RunModel } from './model/run.js';
import { Clock } from './ui/clock.js';
import { RunView } from './ui/runview.js';
import type { ColourBy } from './ui/shardmap.js';
import { RUN_COLOURS, fmtInt, protocolTitle } from './ui/style.js';

/**
 * The dashboard: lists the runs of results/index.json, opens one run or a comparison group (or trace
 * files picked or dropped), and replays them on one clock. Opening is all or nothing: every trace is
 * read, checked and modelled before the screen changes, so a bad file leaves the previous view intact and
 * says what is wrong.
 */

interface Source {
  readonly id: string;
  readonly label: string;
  load(timings: Timings): Promise<ColumnarTrace>;
}

const BASE = './';
let runsMain = document.getElementById('runs') as HTMLElement;
const select = document.getElementById('run-select') as HTMLSelectElement;
const status = document.getElementById('load-status') as HTMLElement;
const errorBox = document.getElementById('error') as HTMLElement;
const errorText = document.getElementById('error-text') as HTMLElement;
const empty = document.getElementById('empty') as HTMLElement;
let views: RunView[] = [];
let colourBy: ColourBy = 'region';
let index: ResultsIndex | null = null;
let selected = '';
let loading = 0;

const clock = new Clock((t) => {
  for (const v of views) v.update(t);
});

function showError(message: string): void {
  errorText.textContent = message;
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.hidden = true;
  errorText.textContent = '';
}

function entrySource(e: RunEntry): Source {
  return {
    id: e.id,
    label: `results/${e.trace ?? e.dir}`,
    load: async (timings) => {
      if (e.trace === null) throw new LoadError(e.id, 'the run was written without a trace (--trace none).');
      let url: string;
      try {
        url = resultsUrl(BASE, e.trace);
      } catch (err) {
        throw new LoadError(e.id, (err as Error).message);
      }
      return fetchTrace(url, `results/${e.trace}`, timings);
    },
  };
}

function fileSource(f: File): Source {
  return { id: f.name, label: f.name, load: (timings) => traceFromFile(f, timings) };
}

/** Size every column, then give all maps the tallest one's height so the figures below line up. */
function layout(list: readonly RunView[]): void {
  for (const v of list) v.resize();
  const h = Math.max(0, ...list.map((v) => v.mapHeight));
  if (list.length > 1) for (const v of list) v.resize(h);
}

/** Open `sources` side by side, replacing what is on screen only if every one of them loads. */
async function open(sources: Source[], selection: string): Promise<void> {
  if (sources.length === 0) return;
  const ticket = ++loading;
  const t0 = performance.now();
  status.textContent = `Opening ${sources.map((s) => s.label).join(', ')}…`;
  let models: RunModel[];
  const timings: Timings = {};
  try {
    const traces = await Promise.all(sources.map((s) => s.load(timings)));
    if (ticket !== loading) return; // a newer request superseded this one
    const tModel = performance.now();
    models = traces.map((tr, i) => {
      try {
        return buildRunModel(sources[i]!.id, sources[i]!.label, tr);
      } catch (e) {
        throw new LoadError(sources[i]!.label, `the trace is readable but could not be replayed (${e instanceof Error ? e.message : String(e)}).`);
      }
    });
    timings['model'] = performance.now() - tModel;
  } catch (e) {
    if (ticket !== loading) return;
    showError(e instanceof LoadError ? e.message : `Could not open the trace: ${e instanceof Error ? e.message : String(e)}`);
    status.textContent = views.length ? 'Kept the runs already open.' : '';
    select.value = selected;
    return;
  }
  // Build the new view off to the side; swap only when it is complete.
  const tDraw = performance.now();
  const next = document.createElement('main');
  next.className = 'runs';
  next.style.setProperty('--cols', String(models.length));
  runsMain.after(next);
  runsMain.hidden = true;
  try {
    const built = models.map((m, i) => new RunView(next, m, RUN_COLOURS[i % RUN_COLOURS.length]!, () => colourBy, () => clock.end));
    views = built;
    clock.setRuns(models, models.map((_, i) => RUN_COLOURS[i % RUN_COLOURS.length]!));
    layout(built);
    clock.seek(0);
  } catch (e) {
    next.remove();
    runsMain.hidden = false;
    showError(`Could not draw ${sources.map((s) => s.label).join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  runsMain.remove();
  runsMain = next;
  runsMain.id = 'runs';
  clearError();
  empty.hidden = true;
  selected = selection;
  select.value = selection;
  timings['draw'] = performance.now() - tDraw;
  const ms = performance.now() - t0;
  const events = models.reduce((a, m) => a + m.eventCount, 0);
  status.textContent = `${models.map((m) => protocolTitle(m.header.protocol)).join(' vs ')} · ${fmtInt(events)} events loaded in ${(ms / 1000).toFixed(2)} s`;
  status.dataset['loadMs'] = ms.toFixed(0);
  status.dataset['events'] = String(events);
  // Phases overlap when several runs load at once (they are summed per phase).
  status.title = Object.entries(timings)
    .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
    .join(' · ');
  status.dataset['phases'] = status.title;
  document.title = `shardsim · ${models.map((m) => `${protocolTitle(m.header.protocol)} ${m.header.scenarioName}`).join(' vs ')}`;
}

function openSelection(value: string, push: boolean): void {
  if (!index || value === '') return;
  const [kind, ...rest] = value.split(':');
  const name = rest.join(':');
  // `group:NAME` or `group:NAME@SEED`: one run per protocol (onePerProtocol), the lowest seed by default.
  const at = name.lastIndexOf('@');
  const groupName = kind === 'group' && at > 0 ? name.slice(0, at) : name;
  const seed = kind === 'group' && at > 0 ? Number(name.slice(at + 1)) : null;
  const runs =
    kind === 'group' ? onePerProtocol(index.runs.filter((r) => r.group === groupName), seed) : index.runs.filter((r) => r.id === name);
  if (push) {
    const url = new URL(location.href);
    url.searchParams.delete('group');
    url.searchParams.delete('run');
    url.searchParams.set(kind === 'group' ? 'group' : 'run', name);
    history.replaceState(null, '', url);
  }
  void open(runs.map(entrySource), value);
}

function fillSelect(idx: ResultsIndex): void {
  const sel = d3.select(select);
  sel.selectAll('*').remove();
  sel.append('option').attr('value', '').text(idx.runs.length ? 'Choose a run or a comparison…' : 'results/ has no runs yet');
  const groups = groupsOf(idx);
  const named = [...groups.entries()].filter(([g]) => g !== null) as [string, RunEntry[]][];
  if (named.length) {
    const og = sel.append('optgroup').attr('label', 'Comparisons');
    for (const [g, runs] of named) {
      const title = `${g} — ${onePerProtocol(runs).map((r) => protocolTitle(r.protocol)).join(' vs ')}`;
      const seeds = seedsOf(runs);
      og.append('option').attr('value', `group:${g}`).text(seeds.length > 1 ? `${title} (seed ${seeds[0]})` : title);
      for (const sd of seeds.slice(1)) og.append('option').attr('value', `group:${g}@${sd}`).text(`${title} (seed ${sd})`);
    }
  }
  const og = sel.append('optgroup').attr('label', 'Runs');
  for (const r of idx.runs) og.append('option').attr('value', `run:${r.id}`).text(`${protocolTitle(r.protocol)} · ${r.scenario} · seed ${r.seed}${r.group ? ` (${r.group})` : ''}`);
}

async function loadIndex(): Promise<void> {
  const params = new URLSearchParams(location.search);
  let raw: unknown;
  try {
    const res = await fetch(`${BASE}results/index.json`, { cache: 'no-store' });
    if (res.status === 404) {
      d3.select(select).selectAll('*').remove();
      d3.select(select).append('option').attr('value', '').text('no results/index.json yet');
      empty.hidden = false;
      return;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status} for results/index.json`);
    raw = await res.json();
  } catch (e) {
    showError(`Could not read results/index.json: ${e instanceof Error ? e.message : String(e)}`);
    empty.hidden = false;
    return;
  }
  try {
    index = parseResultsIndex(raw);
  } catch (e) {
    showError((e as Error).message);
    empty.hidden = false;
    return;
  }
  fillSelect(index);
  const wantRun = params.get('run');
  if (wantRun && index.runs.some((r) => r.id === wantRun)) return openSelection(`run:${wantRun}`, false);
  const pick = defaultSelection(index, params.get('group'));
  if (!pick) {
    empty.hidden = false;
    return;
  }
  openSelection('group' in pick ? `group:${pick.group}` : `run:${pick.run}`, false);
}

function openFiles(files: FileList | null): void {
  if (!files || files.length === 0) return;
  void open([...files].map(fileSource), '');
}

function wire(): void {
  select.addEventListener('change', () => openSelection(select.value, true));
  const input = document.getElementById('file-input') as HTMLInputElement;
  input.addEventListener('change', () => {
    openFiles(input.files);
    input.value = '';
  });
  document.getElementById('error-close')!.addEventListener('click', clearError);
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="colour"]')) {
    radio.addEventListener('change', () => {
      colourBy = radio.value === 'league' ? 'league' : 'region';
      for (const v of views) v.recolour();
    });
  }
  const overlay = document.getElementById('drop-overlay')!;
  let depth = 0;
  window.addEventListener('dragenter', (ev) => {
    if (!ev.dataTransfer?.types.includes('Files')) return;
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => {
    ev.preventDefault();
    depth = 0;
    overlay.hidden = true;
    openFiles(ev.dataTransfer?.files ?? null);
  });
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      layout(views);
      for (const v of views) v.update(clock.tUs);
    }, 120);
  });
}

wire();
void loadIndex();
