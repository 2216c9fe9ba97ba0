import { describe, expect, it } from 'vitest';
import { RngRoot } from '../kernel/rng.js';
import { Workload as WorkloadSchema, type WorkloadConfig } from '../scenario/schema.js';
import { Workload, type WorkloadBatch, type WorkloadOptions } from './workload.js';

function config(over: Partial<WorkloadConfig> = {}): WorkloadConfig {
  return WorkloadSchema.parse(over);
}

/** Run `intervals` intervals and return every batch. */
function run(w: Workload, intervals: number): WorkloadBatch[] {
  const out: WorkloadBatch[] = [];
  for (let i = 1; i <= intervals; i++) out.push(...w.batchesEndingAt(i * w.intervalUs));
  return out;
}

function crossFraction(batches: WorkloadBatch[]): { p: number; n: number } {
  let cross = 0;
  let n = 0;
  for (const b of batches) {
    n += b.count;
    if (b.cross) cross += b.count;
  }
  return { p: cross / n, n };
}

describe('Workload: cross-shard fraction', () => {
  // 10^6 transactions in 10 one-second intervals; the route counts are independent Poisson, so given the
  // total the cross-shard count is binomial and its standard error is √(p(1−p)/n).
  const cases: [number, number, WorkloadOptions][] = [
    [4, 2, {}],
    [16, 2, {}],
    [4, 3, {}],
    [4, 3, { enumerateLimit: 0 }], // the per-transaction sampler
  ];
  for (const [m, u, opts] of cases) {
    it(`hash mapping, uniform popularity, m = ${m}, u = ${u}${opts.enumerateLimit === 0 ? ' (per-tx)' : ''}: 1 − (1/m)^(u−1) within 4 SE`, () => {
      const cfg = config({ offeredTps: opts.enumerateLimit === 0 ? 30_000 : 100_000, batchIntervalMs: 1000, zipfExponent: 0, accountsPerTx: u });
      const w = new Workload(cfg, m, new RngRoot(1), opts);
      const { p, n } = crossFraction(run(w, 10));
      const want = 1 - (1 / m) ** (u - 1);
      expect(Math.abs(p - want), `p=${p} want=${want} n=${n}`).toBeLessThan(4 * Math.sqrt((want * (1 - want)) / n));
      // The exact expectation with this seed's account hashing differs from the formula by O(1/accounts).
      expect(Math.abs(w.expectedCrossFraction - want)).toBeLessThan(1e-3);
    });
  }

  it('locality mapping with Zipf popularity: (1 − L)(1 − Σw²) within 4 SE', () => {
    const L = 0.6;
    const cfg = config({ offeredTps: 100_000, batchIntervalMs: 1000, zipfExponent: 1, accounts: 1000, shardMapping: 'locality', locality: L });
    const w = new Workload(cfg, 8, new RngRoot(3));
    const sumSq = w.shardWeights.reduce((a, x) => a + x * x, 0);
    const want = (1 - L) * (1 - sumSq);
    expect(w.expectedCrossFraction).toBeCloseTo(want, 12);
    expect(sumSq).toBeGreaterThan(1 / 8 + 0.005); // the weights really are uneven, so Σw² matters
    const { p, n } = crossFraction(run(w, 10));
    expect(Math.abs(p - want), `p=${p} want=${want}`).toBeLessThan(4 * Math.sqrt((want * (1 - want)) / n));
  });

  it('one shard: every transaction is intra-shard 0', () => {
    const w = new Workload(config({ offeredTps: 5000, batchIntervalMs: 100 }), 1, new RngRoot(1));
    const batches = run(w, 20);
    expect(batches.length).toBe(20);
    expect(batches.every((b) => !b.cross && b.inputShard === 0 && b.shards.length === 1 && b.shards[0] === 0)).toBe(true);
  });
});

describe('Workload: arrivals', () => {
  function totals(w: Workload, intervals: number): number[] {
    return Array.from({ length: intervals }, (_, i) => w.batchesEndingAt((i + 1) * w.intervalUs).reduce((a, b) => a + b.count, 0));
  }

  // λ per interval: 10 with one route, 200 over 16 routes of 4 shards (per-route Poisson), 20 over 256
  // routes of 16 shards (Poisson total split by alias draws).
  const cases: [string, number, number, number][] = [
    ['one shard', 1000, 1, 10],
    ['per-route Poisson', 20_000, 4, 200],
    ['Poisson total split', 2000, 16, 20],
  ];
  for (const [name, tps, m, lambda] of cases) {
    it(`${name}: counts per interval have Poisson mean and variance λ = ${lambda}`, () => {
      const w = new Workload(config({ offeredTps: tps, batchIntervalMs: 10 }), m, new RngRoot(5));
      const n = 20_000;
      const xs = totals(w, n);
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
    });
  }

  it('each batch is one segment of the book, with the interval as its window, ids contiguous', () => {
    const w = new Workload(config({ offeredTps: 50_000, batchIntervalMs: 20 }), 4, new RngRoot(2));
    const batches = run(w, 50);
    let next = 0;
    for (const b of batches) {
      expect(b.txs.ranges).toEqual([next, next + b.count]);
      expect(w.book.startOf(b.segment)).toBe(next);
      expect(w.book.routeIndexOf(b.segment)).toBe(b.route);
      const win = w.book.windowOf(b.segment);
      expect(win.t1Us - win.t0Us).toBe(20_000);
      expect(win.t1Us % 20_000).toBe(0);
      next += b.count;
    }
    expect(w.book.count).toBe(next);
    expect(w.book.segments).toBe(batches.length);
  });

  it('bursts multiply the rate, integrated exactly across a window edge', () => {
    const w = new Workload(
      config({ offeredTps: 100, bursts: [{ startSeconds: 1.5, endSeconds: 3, rateMultiplier: 4 }] }),
      1,
      new RngRoot(1),
    );
    expect([w.rateAt(1_000_000), w.rateAt(1_500_000), w.rateAt(3_000_000)]).toEqual([100, 400, 100]);
    expect(w.expectedArrivals(1_000_000, 2_000_000)).toBeCloseTo(50 + 200, 9);
    expect(w.expectedArrivals(0, 4_000_000)).toBeCloseTo(100 * 2.5 + 400 * 1.5, 9);
  });
});

describe('Workload: invalid and double-spend transactions', () => {
  it('fractions within sampling error; the book tells them apart per id', () => {
    const cfg = config({ offeredTps: 100_000, batchIntervalMs: 100, invalidFraction: 0.03, doubleSpendFraction: 0.01 });
    const w = new Workload(cfg, 4, new RngRoot(9));
    const batches = run(w, 20);
    const n = w.book.count;
    const inv = batches.reduce((a, b) => a + b.invalid, 0);
    const ds = batches.reduce((a, b) => a + b.doubleSpends, 0);
    expect(Math.abs(inv / n - 0.03)).toBeLessThan(4 * Math.sqrt((0.03 * 0.97) / n));
    expect(Math.abs(ds / n - 0.01)).toBeLessThan(4 * Math.sqrt((0.01 * 0.99) / n));
    // Per id, on a few segments: the first `invalid` ids, then the double spends, never both.
    for (const b of batches.slice(0, 30)) {
      const start = b.txs.ranges[0]!;
      let i = 0;
      let d = 0;
      for (let id = start; id < start + b.count; id++) {
        const isInv = w.book.isInvalid(id);
        const isDs = w.book.isDoubleSpend(id);
        expect(isInv && isDs).toBe(false);
        if (isInv) i++;
        if (isDs) d++;
      }
      expect([i, d]).toEqual([b.invalid, b.doubleSpends]);
    }
  });
});

describe('Workload: determinism', () => {
  function segments(w: Workload): number[] {
    const out: number[] = [];
    for (let s = 0; s < w.book.segments; s++) {
      out.push(w.book.startOf(s), w.book.countOf(s), w.book.routeIndexOf(s), w.book.invalidCountOf(s), w.book.t0Of(s));
    }
    return out;
  }

  it('same seed ⇒ same segments, even when other streams are drawn in between; another seed differs', () => {
    const cfg = config({ offeredTps: 3000, batchIntervalMs: 50, invalidFraction: 0.1, zipfExponent: 1 });
    const a = new Workload(cfg, 16, new RngRoot(42));
    run(a, 100);
    const rngB = new RngRoot(42);
    const b = new Workload(cfg, 16, rngB);
    for (let i = 1; i <= 100; i++) {
      rngB.stream('net').next();
      rngB.stream('workload:other').next();
      b.batchesEndingAt(i * b.intervalUs);
    }
    expect(segments(b)).toEqual(segments(a));
    const c = new Workload(cfg, 16, new RngRoot(43));
    run(c, 100);
    expect(segments(c)).not.toEqual(segments(a));
  });
});
