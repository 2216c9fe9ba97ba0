import { describe, expect, it } from 'vitest';
import type { RunRecord, LatencyQuantiles } from '../execute.js';
import { CDF_STEPS } from '../execute.js';
import { aggregate, compareMetrics } from '../metrics.js';
import { bucketSeries, finalizedRateFrom, windowedRate } from '../series.js';
import { cdfAt, latencyCdfFigure, pooledCdfAt } from '../figures/latency-cdf.js';
import { throughputFigure } from '../figures/throughput.js';
import { scalingFigure } from '../figures/scaling.js';
import { styleOf } from '../figures/svg.js';

/** Quantile grid of the uniform law on [lo, hi] ms. */
function uniform(lo: number, hi: number, count: number): LatencyQuantiles {
  return { count, ms: Array.from({ length: CDF_STEPS + 1 }, (_, i) => lo + ((hi - lo) * i) / CDF_STEPS) };
}

const bucket = (b: number, finalized: number) => ({
  t: b * 1_000_000, type: 'metrics.bucket', bucket: b, lengthUs: 1_000_000, offered: 10, confirmed: 10, finalized, aborted: 0,
  confirmP50Ms: -1, confirmP99Ms: -1, finalP50Ms: -1, finalP99Ms: -1,
});

/** A run record with 30 one-second buckets, built by hand (no simulation). */
function record(protocol: string, seed: number, shards: number, tps: number, opts: { epochs?: number[]; idle?: [number, number] } = {}): RunRecord {
  const events = Array.from({ length: 30 }, (_, b) => bucket(b, tps));
  return {
    protocol, shards, seed, relDir: `${protocol}/seed-${seed}`,
    summary: {
      throughputTps: tps, latencyMs: { confirm: null, final: null }, crossShard: null, finalityLagBlocks: null, decentralization: null,
      tx: { offered: 300, committed: tps * 30, aborted: 0, pending: 0 }, simulatedSeconds: 30, events: 1, wallSeconds: 0,
    } as unknown as RunRecord['summary'],
    extras: { steadyFinalTps: tps, confirmedTps: tps, epochs: 0, idleSecondsPerEpoch: 0, messagesPerNode: 1, bytesPerNode: 1 } as unknown as RunRecord['extras'],
    series: bucketSeries(events),
    epochs: (opts.epochs ?? []).map((s, index) => ({ index, startUs: s * 1e6, readyUs: s * 1e6 + 2e6, moved: 0, abandoned: 0, leader: -1 })),
    idle: opts.idle ? [{ shard: -1, epoch: 0, reason: 'pow', startUs: opts.idle[0] * 1e6, endUs: opts.idle[1] * 1e6 }] : [],
    latency: { confirm: uniform(100, 1100, 240), final: seed === 1 ? uniform(1000, 3000, 300) : null, crossShard: null },
    endUs: 30_000_000,
    files: [],
  };
}

describe('bucket series for the figures', () => {
  it('windowed rates average whole buckets; the steady-state rate skips the warm-up', () => {
    const s = bucketSeries([bucket(0, 0), bucket(1, 10), bucket(2, 20), bucket(3, 30), bucket(4, 40), bucket(5, 50), bucket(6, 60)]);
    expect(windowedRate(s, s.finalized, 5_000_000)).toEqual({ t: [0, 5_000_000], perSecond: [20, 55] });
    expect(finalizedRateFrom(s, 5_000_000, 7_000_000)).toBe(55);
    // A bucket at the end time itself (a commit at exactly the end) counts, but adds no length.
    expect(finalizedRateFrom(s, 5_000_000, 6_000_000)).toBe(110);
    expect(finalizedRateFrom(s, 9_000_000, 9_000_000)).toBeNull();
  });
});

describe('latency CDF', () => {
  it('reads the CDF off a quantile grid and pools runs weighted by their sample counts', () => {
    const a = uniform(0, 1000, 100);
    expect(cdfAt(a, -1)).toBe(0);
    expect(cdfAt(a, 250)).toBeCloseTo(0.25, 12);
    expect(cdfAt(a, 1000)).toBe(1);
    const b = uniform(1000, 2000, 300);
    // At 1000 ms, run a is complete and run b has not started: F = 100/400.
    expect(pooledCdfAt([a, b, null], 1000)).toBeCloseTo(0.25, 12);
    expect(pooledCdfAt([a, b], 1500)).toBeCloseTo((100 + 300 * 0.5) / 400, 12);
    expect(pooledCdfAt([null], 5)).toBeNull();
  });

  it('draws one curve per protocol and level, states the share of offered transactions covered, and is deterministic', () => {
    const groups = [
      { protocol: 'ios', records: [record('ios', 1, 1, 10), record('ios', 2, 1, 12)] },
      { protocol: 'dpos', records: [record('dpos', 2, 1, 5)] },
    ];
    const svg = latencyCdfFigure(groups, 't');
    expect(svg).toBe(latencyCdfFigure(groups, 't'));
    const curves = (colour: string) => svg.split(`stroke="${colour}" stroke-width="2"`).length - 1;
    // Each protocol: one legend swatch, one soft curve; ios also a final curve.
    expect(curves(styleOf('ios', 0).colour)).toBe(3);
    expect(curves(styleOf('dpos', 1).colour)).toBe(2);
    // Shares of offered (300 per run): ios 240 + 240 soft of 600, dpos 240 of 300; final: ios 300 of 600, dpos none.
    expect(svg).toContain('>ios 80%, dpos 80%<');
    expect(svg).toContain('>ios 50%, dpos 0%<');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });
});

describe('throughput over time', () => {
  it('one panel per protocol, epoch starts after 0 as labelled dotted lines, a system-wide idle window shaded full height', () => {
    const groups = [
      { protocol: 'zilliqa', records: [record('zilliqa', 1, 1, 20, { epochs: [0, 10, 20], idle: [0, 6] }), record('zilliqa', 2, 1, 22)] },
      { protocol: 'ios', records: [record('ios', 1, 1, 30), record('ios', 2, 1, 30)] },
    ];
    const svg = throughputFigure(groups, 5, 'tp');
    expect(svg).toBe(throughputFigure(groups, 5, 'tp'));
    expect(svg.match(/stroke-dasharray="1 2"\/>/g)?.length).toBe(2 + 1); // two epoch lines + the legend swatch
    expect(svg.match(/height="5" fill="#CC79A7"/g)?.length).toBe(3); // zilliqa's three epoch transitions
    expect(svg).toContain('>e1</text>');
    expect(svg).toContain('>e2</text>');
    expect(svg).not.toContain('>e0</text>');
    // Panel 1's idle window: 0–6 s of 30 s over 598 px, full panel height (104 px).
    expect(svg).toMatch(/<rect x="64\.00" y="56\.00" width="119\.60" height="104\.00" fill="#bdbdbd"/);
    expect(svg).toContain('>zilliqa</text>');
    expect(svg).toContain('>ios</text>');
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});

describe('throughput against shards', () => {
  it('error bars where there are several seeds, none for one seed; the offered load as reference', () => {
    const records = [
      record('ios', 1, 1, 10), record('ios', 2, 1, 12), record('ios', 1, 4, 40), record('ios', 2, 4, 44),
      record('dpos', 1, 1, 9), record('dpos', 1, 4, 9),
    ];
    const groups = aggregate(records, compareMetrics(0));
    const svg = scalingFigure(groups, 'throughput_final_tps', new Map([[1, 10], [4, 40]]), 's', 'tx/s');
    expect(svg).toBe(scalingFigure(groups, 'throughput_final_tps', new Map([[1, 10], [4, 40]]), 's', 'tx/s'));
    const bars = svg.match(/<path d="M[\d.]+,-?[\d.]+V-?[\d.]+M/g) ?? [];
    expect(bars).toHaveLength(2); // ios at 1 and 4 shards
    // Bars are clipped to the plot; the axis fits the means and the offered load (40), not the interval tops.
    expect(svg.match(/clip-path="url\(#plot\)"/g)).toHaveLength(2);
    expect(svg).toContain('offered load');
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});
