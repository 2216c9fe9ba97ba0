import * as d3 from 'd3';

/** Colours and number formats shared by the panels: Paul Tol's colour-blind-safe "bright" scheme. */
export const REGION_COLOURS = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB', '#332288'];

/** Roles the protocols write in shard.member; an unknown role gets the next spare colour. */
const ROLE_COLOURS: Record<string, string> = {
  believable: '#E69F00',
  normal: '#4477AA',
  ds: '#AA3377',
  shard: '#228833',
  none: '#BBBBBB',
  slashed: '#CC3311',
};
const SPARE = ['#66CCEE', '#332288', '#997700', '#EE99AA'];

export function roleColour(role: string, index: number): string {
  return ROLE_COLOURS[role] ?? SPARE[index % SPARE.length]!;
}

export const RUN_COLOURS = ['#2f5fb3', '#c0392b', '#228833', '#8e44ad'];

export const SERIES_COLOURS = { offered: '#9aa2b1', confirmed: '#E69F00', finalized: '#2f5fb3', aborted: '#CC3311' };

export const fmtInt = d3.format(',d');
export const fmtTps = (v: number) => (v >= 100 ? d3.format(',.0f')(v) : d3.format(',.1f')(v));
export const fmtMs = (v: number) => (v >= 1000 ? `${d3.format(',.0f')(v)} ms` : `${d3.format('.3~g')(v)} ms`);

/** Simulated µs as seconds with millisecond precision. */
export function fmtSeconds(us: number): string {
  return `${(us / 1e6).toFixed(3)} s`;
}

export function protocolTitle(protocol: string): string {
  const names: Record<string, string> = {
    ios: 'IOS',
    zilliqa: 'Zilliqa',
    dpos: 'EOS DPoS',
    'iost-mainnet': 'IOST mainnet PoB',
    bft: 'ByzCoin committee',
  };
  return names[protocol] ?? protocol;
}

/** The shared tooltip: lines of text (never HTML, so trace strings cannot inject markup). */
export function showTooltip(x: number, y: number, title: string, lines: readonly string[]): void {
  const tip = document.getElementById('tooltip')!;
  const sel = d3.select(tip);
  sel.selectAll('*').remove();
  sel.append('div').attr('class', 't-title').text(title);
  for (const l of lines) sel.append('div').text(l);
  tip.hidden = false;
  const w = tip.offsetWidth;
  const h = tip.offsetHeight;
  tip.style.left = `${Math.min(window.innerWidth - w - 8, x + 14)}px`;
  tip.style.top = `${Math.max(8, Math.min(window.innerHeight - h - 8, y + 14))}px`;
}

export function hideTooltip(): void {
  document.getElementById('tooltip')!.hidden = true;
}

/** A panel: a titled box with an optional unit and caption; returns its body element. */
export function panel(parent: HTMLElement, title: string, unit?: string): { root: HTMLElement; body: HTMLElement; caption: HTMLElement } {
  const root = document.createElement('section');
  root.className = 'panel';
  const h = document.createElement('h3');
  h.textContent = title;
  if (unit) {
    const u = document.createElement('span');
    u.className = 'unit';
    u.textContent = ` (${unit})`;
    h.append(u);
  }
  const body = document.createElement('div');
  const caption = document.createElement('p');
  caption.className = 'caption';
  root.append(h, body, caption);
  parent.append(root);
  return { root, body, caption };
}
