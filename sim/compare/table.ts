import type { CompareGroup, CompareMetric, MetricAggregate } from './metrics.js';

/**
 * The comparison table: one row per metric, one column per protocol, each cell "mean ± h" where h is
 * the half-width of the 95% Student-t interval over the seeds. The half-width is shown to two significant
 * digits and the mean to the same decimal place, as a paper would print it. "–" means the protocol has
 * no such notion; "(n=1)" that one seed gives no interval; "[k/n]" that only k of n seeds had a value.
 */

/** Decimals that show `halfWidth` to two significant digits (0 to 6). */
function decimalsFor(halfWidth: number, fallback: number): number {
  if (!(halfWidth > 0)) return fallback;
  return Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(halfWidth))));
}

/** The table text of one aggregate, in the metric's table unit. */
export function formatCell(a: MetricAggregate): string {
  const st = a.stats;
  if (!st) return '–';
  const k = a.metric.tableScale;
  const partial = st.n < a.runs ? ` [${st.n}/${a.runs}]` : '';
  if (!st.ci95) return `${(st.mean * k).toFixed(a.metric.decimals)} (n=1)${partial}`;
  // Seeds that agree up to rounding give a half-width of a few ulps: show it as the exact 0 it means.
  const hw = st.ci95.halfWidth <= 1e-9 * Math.abs(st.mean) ? 0 : st.ci95.halfWidth * k;
  const d = decimalsFor(hw, a.metric.decimals);
  return `${(st.mean * k).toFixed(d)} ± ${hw.toFixed(d)}${partial}`;
}

function rowLabel(m: CompareMetric): string {
  return m.tableUnit === '1' ? m.label : `${m.label} (${m.tableUnit})`;
}

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Metrics × protocols for the groups of one shard count, in the groups' order. */
export function compareTable(groups: readonly CompareGroup[]): Table {
  const header = ['metric', ...groups.map((g) => g.protocol)];
  const metrics = groups[0]?.metrics.map((a) => a.metric) ?? [];
  const rows = metrics.map((m, i) => [rowLabel(m), ...groups.map((g) => formatCell(g.metrics[i]!))]);
  return { header, rows };
}

/** Shard counts × protocols, one metric (the scaling sweep's final throughput). */
export function scalingTable(groups: readonly CompareGroup[], metricKey: string): Table {
  const protocols = [...new Set(groups.map((g) => g.protocol))];
  const shards = [...new Set(groups.map((g) => g.shards))];
  const first = groups[0]?.metrics.find((a) => a.metric.key === metricKey)?.metric;
  const header = [`shards${first ? ` · ${rowLabel(first)}` : ''}`, ...protocols];
  const rows = shards.map((m) => [
    String(m),
    ...protocols.map((p) => {
      const a = groups.find((g) => g.protocol === p && g.shards === m)?.metrics.find((x) => x.metric.key === metricKey);
      return a ? formatCell(a) : '–';
    }),
  ]);
  return { header, rows };
}

/** Plain text with aligned columns (labels left, numbers right), for the terminal. */
export function tableText(t: Table): string {
  const all = [t.header, ...t.rows];
  const widths = t.header.map((_, c) => Math.max(...all.map((r) => [...r[c]!].length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(t.header), rule, ...t.rows.map(line)].join('\n') + '\n';
}

/** A GitHub-flavoured Markdown table (numbers right-aligned), for table.md and the README. */
export function tableMarkdown(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = `| ${t.header.map(esc).join(' | ')} |`;
  const align = `|${t.header.map((_, c) => (c === 0 ? '---' : '---:')).join('|')}|`;
  return [head, align, ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n') + '\n';
}
