import { format, symbol, symbolCircle, symbolDiamond, symbolSquare, symbolTriangle, symbolTriangle2, type ScaleLinear, type ScaleLogarithmic } from 'd3';

/**
 * Pieces of standalone SVG figures, as strings (no DOM): a document with embedded style, axes with ticks
 * and labels, legends, and each protocol's colour, dash and marker. Colours are the Okabe–Ito palette
 * (safe for the common colour-vision deficiencies), and every protocol also has its own dash pattern and
 * marker, so the figures survive greyscale printing. Coordinates are written with two decimals, so the
 * same data always gives the same bytes.
 */

export const FONT = "Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif";

interface ProtocolStyle {
  readonly colour: string;
  readonly dash: string;
  readonly marker: typeof symbolCircle;
}

const STYLES: Readonly<Record<string, ProtocolStyle>> = {
  ios: { colour: '#0072B2', dash: '', marker: symbolCircle },
  dpos: { colour: '#D55E00', dash: '7 3', marker: symbolSquare },
  'iost-mainnet': { colour: '#009E73', dash: '2 2', marker: symbolTriangle },
  zilliqa: { colour: '#CC79A7', dash: '9 3 2 3', marker: symbolDiamond },
  bft: { colour: '#E69F00', dash: '4 2 1 2', marker: symbolTriangle2 },
};
const FALLBACK: readonly ProtocolStyle[] = [
  { colour: '#56B4E9', dash: '5 5', marker: symbolCircle },
  { colour: '#000000', dash: '1 3', marker: symbolSquare },
];

export function styleOf(protocol: string, index: number): ProtocolStyle {
  return STYLES[protocol] ?? FALLBACK[index % FALLBACK.length]!;
}

/** A marker path centred on (0, 0), about `size` px² in area. */
export function markerPath(protocol: string, index: number, size = 42): string {
  return symbol().type(styleOf(protocol, index).marker).size(size)() ?? '';
}

export const GREY = '#6b6b6b';
export const GRID = '#e6e6e6';

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate with two decimals ("-0.00" never appears). */
export function px(v: number): string {
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT)}" font-size="11">`,
    `<title>${esc(title)}</title>`,
    '<style>text{fill:#1a1a1a}.tick{font-size:10px}.axis-label{font-size:11px}.panel-title{font-size:11px;font-weight:bold}.note{font-size:9px;fill:#555}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export interface Frame {
  /** Plot area in px. */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

type Linear = ScaleLinear<number, number>;
type Log = ScaleLogarithmic<number, number>;

/**
 * Labelled ticks of a log axis at 10^k, plus 2 and 5 × 10^k when the domain spans at most three decades
 * (more would crowd the labels); minor ticks at the other integers.
 */
export function logTicks(scale: Log): { major: number[]; minor: number[] } {
  const [lo, hi] = scale.domain() as [number, number];
  const dense = Math.log10(hi / lo) <= 3.01;
  const major: number[] = [];
  const minor: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (let d = 1; d <= 9; d++) {
      const v = Number((d * 10 ** k).toPrecision(12));
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      (d === 1 || (dense && (d === 2 || d === 5)) ? major : minor).push(v);
    }
  }
  return { major, minor };
}

/** Bottom axis: line, ticks, labels, optional vertical grid lines, and the axis label below. */
export function bottomAxis(
  f: Frame,
  scale: Linear | Log,
  opts: { label?: string; ticks?: number[]; minor?: number[]; format?: (v: number) => string; grid?: boolean; showLabels?: boolean },
): string[] {
  const ticks = opts.ticks ?? (scale as Linear).ticks(6);
  const fmt = opts.format ?? format('~g');
  const y = f.top + f.height;
  const out: string[] = [];
  if (opts.grid) for (const t of ticks) out.push(`<line x1="${px(scale(t))}" x2="${px(scale(t))}" y1="${px(f.top)}" y2="${px(y)}" stroke="${GRID}"/>`);
  out.push(`<line x1="${px(f.left)}" x2="${px(f.left + f.width)}" y1="${px(y)}" y2="${px(y)}" stroke="#333"/>`);
  for (const t of opts.minor ?? []) out.push(`<line x1="${px(scale(t))}" x2="${px(scale(t))}" y1="${px(y)}" y2="${px(y + 3)}" stroke="#333"/>`);
  for (const t of ticks) {
    out.push(`<line x1="${px(scale(t))}" x2="${px(scale(t))}" y1="${px(y)}" y2="${px(y + 5)}" stroke="#333"/>`);
    if (opts.showLabels !== false) out.push(`<text class="tick" x="${px(scale(t))}" y="${px(y + 16)}" text-anchor="middle">${esc(fmt(t))}</text>`);
  }
  if (opts.label) {
    out.push(`<text class="axis-label" x="${px(f.left + f.width / 2)}" y="${px(y + 32)}" text-anchor="middle">${esc(opts.label)}</text>`);
  }
  return out;
}

/** Left axis: line, ticks, labels, horizontal grid lines, and the rotated axis label. */
export function leftAxis(f: Frame, scale: Linear, opts: { label?: string; ticks?: number; format?: (v: number) => string; grid?: boolean }): string[] {
  const ticks = scale.ticks(opts.ticks ?? 5);
  const fmt = opts.format ?? format(',~g');
  const out: string[] = [];
  if (opts.grid !== false) {
    for (const t of ticks) out.push(`<line x1="${px(f.left)}" x2="${px(f.left + f.width)}" y1="${px(scale(t))}" y2="${px(scale(t))}" stroke="${GRID}"/>`);
  }
  out.push(`<line x1="${px(f.left)}" x2="${px(f.left)}" y1="${px(f.top)}" y2="${px(f.top + f.height)}" stroke="#333"/>`);
  for (const t of ticks) {
    out.push(`<line x1="${px(f.left - 5)}" x2="${px(f.left)}" y1="${px(scale(t))}" y2="${px(scale(t))}" stroke="#333"/>`);
    out.push(`<text class="tick" x="${px(f.left - 8)}" y="${px(scale(t) + 3.5)}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  if (opts.label) {
    const x = f.left - 42;
    const y = f.top + f.height / 2;
    out.push(`<text class="axis-label" transform="translate(${px(x)},${px(y)}) rotate(-90)" text-anchor="middle">${esc(opts.label)}</text>`);
  }
  return out;
}

/** One legend entry: a swatch (line sample, marker or box) drawn by the caller at (0, 0)–(24, 0), and its text. */
export interface LegendItem {
  readonly swatch: string;
  readonly text: string;
}

/** Legend entries in one row from (x, y), spaced by their text length (~5.9 px per character at 11 px). */
export function legendRow(items: readonly LegendItem[], x: number, y: number): string[] {
  const out: string[] = [];
  let cx = x;
  for (const it of items) {
    out.push(`<g transform="translate(${px(cx)},${px(y)})">${it.swatch}<text x="29" y="4">${esc(it.text)}</text></g>`);
    cx += 29 + it.text.length * 5.9 + 14;
  }
  return out;
}

/** A line sample for a legend swatch. */
export function lineSwatch(colour: string, dash: string, width = 2): string {
  return `<line x1="0" x2="24" y1="0" y2="0" stroke="${colour}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}
