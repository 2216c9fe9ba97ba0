import type { ComparePlan } from './plan.js';
import type { RunRecord } from './execute.js';
import type { CompareGroup } from './metrics.js';
import { summaryCsv } from './csv.js';
import { compareTable, scalingTable, tableMarkdown, tableText } from './table.js';
import { throughputFigure } from './figures/throughput.js';
import { latencyCdfFigure } from './figures/latency-cdf.js';
import { scalingFigure } from './figures/scaling.js';

/**
 * The files of a compare directory besides the runs' own: summary.csv, table.md, compare.json and the
 * figures, as (relative path → contents). Pure: the same records give the same bytes, except the
 * wall-clock keys of compare.json (wallSeconds, eventsPerSecond), as in summary.json.
 */

export interface CompareReport {
  readonly files: Readonly<Record<string, string>>;
  /** The table(s) for the terminal. */
  readonly text: string;
  readonly performance: readonly ProtocolPerformance[];
}

export interface ProtocolPerformance {
  readonly protocol: string;
  readonly runs: number;
  readonly events: number;
  readonly wallSeconds: number;
  readonly eventsPerSecond: number;
}

/** Throughput metric of the scaling figure: steady state after the warm-up when one is set. */
export function scalingMetricKey(plan: ComparePlan): string {
  return plan.warmupSeconds > 0 ? 'throughput_final_after_warmup_tps' : 'throughput_final_tps';
}

function describe(plan: ComparePlan, records: readonly RunRecord[], shards: number): string {
  const r = records.find((x) => x.shards === shards);
  const sc = r?.summary;
  const offered = sc ? sc.tx.offered / Math.max(sc.simulatedSeconds, 1e-9) : 0;
  return (
    `${plan.name}: ${sc?.nodes ?? '?'} nodes, ${shards} shard${shards === 1 ? '' : 's'}, ${sc?.simulatedSeconds ?? '?'} s simulated, ` +
    `~${offered.toFixed(0)} tx/s offered; mean ± 95% CI half-width (Student t) over ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} (${plan.seeds.join(', ')})`
  );
}

export function buildReport(plan: ComparePlan, records: readonly RunRecord[], groups: readonly CompareGroup[]): CompareReport {
  const files: Record<string, string> = {};
  const shardCounts = plan.scaling ? [...plan.scaling.shards] : [records[0]?.shards ?? 1];
  const texts: string[] = [];
  const md: string[] = [`# ${plan.name}\n`];
  for (const m of shardCounts) {
    const gs = groups.filter((g) => g.shards === m);
    const table = compareTable(gs);
    const heading = describe(plan, records, m);
    texts.push(`${heading}\n\n${tableText(table)}`);
    md.push(`${heading}\n\n${tableMarkdown(table)}`);
    const byProtocol = gs.map((g) => ({ protocol: g.protocol, records: g.records }));
    const suffix = plan.scaling ? `-shards-${m}` : '';
    files[`figures/throughput-over-time${suffix}.svg`] = throughputFigure(byProtocol, plan.throughputWindowSeconds, `Throughput over time: ${heading}`);
    files[`figures/latency-cdf${suffix}.svg`] = latencyCdfFigure(byProtocol, `Latency CDFs: ${heading}`);
  }
  if (plan.scaling) {
    const key = scalingMetricKey(plan);
    const st = scalingTable(groups, key);
    const heading =
      `${plan.name}: shards of ${plan.scaling.nodesPerShard} nodes; mean ± 95% CI half-width (Student t) over ` +
      `${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} (${plan.seeds.join(', ')})`;
    texts.unshift(`${heading}\n\n${tableText(st)}`);
    md.splice(1, 0, `${heading}\n\n${tableMarkdown(st)}`);
    const offered = new Map<number, number>();
    for (const m of plan.scaling.shards) {
      const r = records.find((x) => x.shards === m);
      if (r) offered.set(m, r.summary.tx.offered / Math.max(r.summary.simulatedSeconds, 1e-9));
    }
    const label = key === 'throughput_final_tps' ? 'final throughput (tx/s)' : `final throughput after ${plan.warmupSeconds} s warm-up (tx/s)`;
    files['figures/tps-vs-shards.svg'] = scalingFigure(groups, key, offered, `Throughput vs shards: ${heading}`, label);
  }
  files['summary.csv'] = summaryCsv(groups);
  files['table.md'] = md.join('\n');
  const performance = perProtocol(plan, records);
  files['compare.json'] = compareJson(plan, records, groups, performance);
  return { files, text: texts.join('\n'), performance };
}

function perProtocol(plan: ComparePlan, records: readonly RunRecord[]): ProtocolPerformance[] {
  return plan.protocols.map((p) => {
    const rs = records.filter((r) => r.protocol === p);
    const events = rs.reduce((a, r) => a + r.summary.events, 0);
    const wallSeconds = rs.reduce((a, r) => a + r.summary.wallSeconds, 0);
    return { protocol: p, runs: rs.length, events, wallSeconds: Math.round(wallSeconds * 1000) / 1000, eventsPerSecond: wallSeconds > 0 ? Math.round(events / wallSeconds) : 0 };
  });
}

/** compare.json: the plan, each run's identity and hashes, every aggregate, and per-protocol speed (wall-clock keys). */
function compareJson(plan: ComparePlan, records: readonly RunRecord[], groups: readonly CompareGroup[], performance: readonly ProtocolPerformance[]): string {
  return (
    JSON.stringify(
      {
        format: 'shardsim-compare',
        version: 1,
        scenario: plan.name,
        protocols: plan.protocols,
        seeds: plan.seeds,
        scaling: plan.scaling,
        warmupSeconds: plan.warmupSeconds,
        throughputWindowSeconds: plan.throughputWindowSeconds,
        runs: records.map((r) => ({
          protocol: r.protocol,
          shards: r.shards,
          seed: r.seed,
          dir: r.relDir,
          scenarioHash: r.summary.scenarioHash,
          traceHash: r.summary.traceHash,
          events: r.summary.events,
          wallSeconds: r.summary.wallSeconds,
          eventsPerSecond: r.summary.eventsPerSecond,
        })),
        aggregates: groups.flatMap((g) =>
          g.metrics.map((a) => ({
            protocol: g.protocol,
            shards: g.shards,
            metric: a.metric.key,
            unit: a.metric.unit,
            runs: a.runs,
            n: a.stats?.n ?? 0,
            mean: a.stats?.mean ?? null,
            sd: a.stats?.sd ?? null,
            ci95Low: a.stats?.ci95?.low ?? null,
            ci95High: a.stats?.ci95?.high ?? null,
          })),
        ),
        performance,
      },
      null,
      2,
    ) + '\n'
  );
}
