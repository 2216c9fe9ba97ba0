import { describe, expect, it } from 'vitest';
import { MetricsCollector, type MetricsTotals } from '../collector.js';
import { SummarySchema, WALL_CLOCK_KEYS, buildSummary, summaryJson, type SummaryInput } from '../summary.js';
import { txSetOf } from '../../protocols/types.js';
import { bookOf } from './books.js';

const S = 1_000_000;

function totals(): MetricsTotals {
  const c = new MetricsCollector({ bucketUs: S, book: bookOf([{ count: 100, t0: 0 }]), nodeCount: 4 });
  c.offered(100, 0);
  c.commit('confirm', txSetOf([0, 60]), 250_000);
  c.commit('final', txSetOf([0, 40]), 1_500_000);
  // Bucket 2 commits nothing while 60 wait: one idle second.
  c.commit('final', txSetOf([40, 60]), 3_200_000);
  c.abort(txSetOf([90, 100]), 3_300_000);
  for (const n of [0, 0, 0, 1]) c.blockProduced(n);
  return c.finish(4 * S, () => {});
}

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    protocol: 'bft',
    scenario: 'unit',
    scenarioHash: 'ab'.repeat(32),
    seed: 1,
    traceHash: 'cd'.repeat(32),
    simulatedSeconds: 4,
    wallSeconds: 0.123456,
    events: 1000,
    nodes: 4,
    shards: 1,
    totals: totals(),
    invariants: { checked: 3, violations: 0 },
    ...over,
  };
}

describe('buildSummary', () => {
  it('assembles DESIGN §9 from the collector totals', () => {
    const s = buildSummary(input());
    expect(SummarySchema.safeParse(s).success).toBe(true);
    expect(s.tx).toEqual({ offered: 100, committed: 60, aborted: 10, pending: 30 });
    expect(s.throughputTps).toBe(15);
    expect(s.latencyMs.confirm).toEqual({ p50: 250, p90: 250, p99: 250 });
    expect(s.latencyMs.final?.p50).toBeCloseTo(1500, -1);
    expect(s.latencyMs.final?.p99).toBeCloseTo(3200, -2);
    expect(s.wallSeconds).toBe(0.123);
    expect(s.eventsPerSecond).toBe(Math.round(1000 / 0.123456));
    expect(s.idleSeconds).toBe(1);
    expect(s.crossShard).toBeNull();
    expect(s.epochs).toBeNull();
    expect(s.finalityLagBlocks).toBeNull();
    // Blocks [3, 1, 0, 0]: node 0 alone holds more than a third.
    expect(s.decentralization).toEqual({ gini: 0.625, nakamoto: 1 });
  });

  it('crossShard: taken from the totals when omitted, null when the caller says the protocol has no shards', () => {
    const book = bookOf([
      { count: 30, t0: 0, cross: true },
      { count: 70, t0: 0 },
    ]);
    const c = new MetricsCollector({ bucketUs: S, book, crossShard: true });
    c.offered(100, 0, 30);
    c.commit('final', txSetOf([0, 20]), 2 * S);
    c.abort(txSetOf([20, 25]), 2 * S);
    const totals = c.finish(4 * S, () => {});
    const s = buildSummary(input({ totals, shards: 4 }));
    expect(s.crossShard).toEqual({ fraction: 0.3, committed: 20, aborted: 5, latencyMs: { p50: 2000, p90: 2000, p99: 2000 } });
    expect(buildSummary(input({ totals, crossShard: null })).crossShard).toBeNull();
  });

  it('percentiles are in ms with at most 3 decimals', () => {
    const s = buildSummary(input());
    for (const p of [s.latencyMs.confirm!, s.latencyMs.final!]) {
      for (const v of Object.values(p)) expect(Math.round(v * 1000) / 1000).toBe(v);
    }
  });

  it('epochs: transition length and the lowest tps over the buckets it overlaps (none for an instant genesis)', () => {
    const s = buildSummary(
      input({
        epochs: [
          { index: 0, startUs: 0, readyUs: 0, moved: 0, abandoned: 0 },
          { index: 1, startUs: 1_500_000, readyUs: 2_600_000, moved: 5, abandoned: 1 },
          { index: 2, startUs: 3_500_000, readyUs: null, moved: 2, abandoned: 0 },
        ],
      }),
    );
    expect(s.epochs).toEqual([
      { index: 0, startSeconds: 0, transitionSeconds: 0, moved: 0, abandoned: 0, minTpsDuringTransition: null },
      { index: 1, startSeconds: 1.5, transitionSeconds: 1.1, moved: 5, abandoned: 1, minTpsDuringTransition: 0 },
      { index: 2, startSeconds: 3.5, transitionSeconds: null, moved: 2, abandoned: 0, minTpsDuringTransition: 20 },
    ]);
  });

  it('no samples give null latencies, not NaN', () => {
    const c = new MetricsCollector({ bucketUs: S, book: bookOf([{ count: 5, t0: 0 }]) });
    c.offered(5, 0);
    const s = buildSummary(input({ totals: c.finish(S, () => {}) }));
    expect(s.latencyMs).toEqual({ confirm: null, final: null });
    expect(s.decentralization).toBeNull();
    expect(summaryJson(s)).not.toMatch(/NaN/);
  });
});

describe('SummarySchema and summaryJson', () => {
  it('rejects a summary with a missing key, an extra key or a wrong schema tag', () => {
    const s = buildSummary(input()) as Record<string, unknown>;
    const { idleSeconds: _drop, ...missing } = s;
    expect(SummarySchema.safeParse(missing).success).toBe(false);
    expect(SummarySchema.safeParse({ ...s, extra: 1 }).success).toBe(false);
    expect(SummarySchema.safeParse({ ...s, schema: 'shardsim-summary/2' }).success).toBe(false);
    const { pending: _p, ...tx } = s['tx'] as Record<string, unknown>;
    expect(SummarySchema.safeParse({ ...s, tx }).success).toBe(false);
  });

  it('has exactly the DESIGN §9 keys, in order, then our additions (issue 3: MSB storage)', () => {
    expect(Object.keys(SummarySchema.shape)).toEqual([
      'schema', 'protocol', 'scenario', 'scenarioHash', 'seed', 'traceHash', 'simulatedSeconds', 'wallSeconds',
      'events', 'eventsPerSecond', 'nodes', 'shards', 'tx', 'throughputTps', 'latencyMs', 'crossShard', 'epochs',
      'idleSeconds', 'finalityLagBlocks', 'decentralization', 'invariants', 'storage',
    ]);
  });

  it('writes keys in schema order, 2-space indented, newline-terminated, whatever the object order', () => {
    const s = buildSummary(input());
    const reversed = Object.fromEntries(Object.entries(s).reverse()) as typeof s;
    const text = summaryJson(reversed);
    expect(text).toBe(summaryJson(s));
    expect(text.startsWith('{\n  "schema": "shardsim-summary/1",\n  "protocol": "bft",')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('identical runs differ only in the wall-clock keys', () => {
    const a = JSON.parse(summaryJson(buildSummary(input()))) as Record<string, unknown>;
    const b = JSON.parse(summaryJson(buildSummary(input({ wallSeconds: 9 })))) as Record<string, unknown>;
    const differing = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    expect(differing).toEqual([...WALL_CLOCK_KEYS]);
  });
});
