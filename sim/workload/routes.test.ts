import { describe, expect, it } from 'vitest';
import { RngRoot } from '../kernel/rng.js';
import { RouteTable, TxRouteSampler, enumerateRoutes, expectedCrossFraction, type RouteSpec } from './routes.js';

const w4 = new Float64Array([0.4, 0.3, 0.2, 0.1]);

function spec(over: Partial<RouteSpec> = {}): RouteSpec {
  return { weights: w4, accountsPerTx: 2, inputsPerTx: 1, mapping: 'hash', locality: 0.9, ...over };
}

describe('RouteTable', () => {
  it('interns routes by their distinct sorted shard sets', () => {
    const t = new RouteTable();
    const a = t.intern([2], [0, 0]);
    expect(t.intern([2], [0])).toBe(a);
    const r = t.get(a);
    expect([r.inputs, r.outputs, r.shards, r.cross]).toEqual([[2], [0], [0, 2], true]);
    const b = t.intern([1], [1]);
    expect(t.get(b).cross).toBe(false);
    expect(t.size).toBe(2);
    expect(() => t.get(5)).toThrow(RangeError);
  });
});

describe('enumerateRoutes', () => {
  it('hash, u = 2: P(in = a, out = b) = w_a · w_b exactly', () => {
    const t = new RouteTable();
    const p = enumerateRoutes(spec(), t, 1 << 16)!;
    expect(p).toHaveLength(16);
    for (let r = 0; r < t.size; r++) {
      const route = t.get(r);
      expect(p[r]).toBeCloseTo(w4[route.inputs[0]!]! * w4[route.outputs[0]!]!, 15);
    }
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('the cross-shard mass of the enumeration equals the closed form, for hash and locality, u = 2…4', () => {
    for (const mapping of ['hash', 'locality'] as const) {
      for (const u of [2, 3, 4]) {
        for (const inputs of [1, 2]) {
          const s = spec({ mapping, accountsPerTx: u, inputsPerTx: inputs, locality: 0.65 });
          const t = new RouteTable();
          const p = enumerateRoutes(s, t, 1 << 16)!;
          let cross = 0;
          for (let r = 0; r < t.size; r++) if (t.get(r).cross) cross += p[r]!;
          expect(cross, `${mapping} u=${u} k=${inputs}`).toBeCloseTo(expectedCrossFraction(s), 12);
        }
      }
    }
  });

  it('locality, u = 2: P(cross) = (1 − L)(1 − Σw²)', () => {
    const L = 0.7;
    const sumSq = w4.reduce((a, w) => a + w * w, 0);
    expect(expectedCrossFraction(spec({ mapping: 'locality', locality: L }))).toBeCloseTo((1 - L) * (1 - sumSq), 14);
  });

  it('equal weights: P(cross) = 1 − (1/m)^(u−1)', () => {
    for (const [m, u] of [[4, 2], [16, 2], [4, 3]] as const) {
      const s = spec({ weights: new Float64Array(m).fill(1 / m), accountsPerTx: u });
      expect(expectedCrossFraction(s)).toBeCloseTo(1 - (1 / m) ** (u - 1), 12);
    }
  });

  it('returns null above the limit', () => {
    expect(enumerateRoutes(spec({ accountsPerTx: 3 }), new RouteTable(), 63)).toBeNull();
  });
});

describe('TxRouteSampler', () => {
  it('per-transaction draws give the enumerated route probabilities (chi-square)', () => {
    const s = spec({ accountsPerTx: 3, mapping: 'locality', locality: 0.5 });
    const exactTable = new RouteTable();
    const p = enumerateRoutes(s, exactTable, 1 << 16)!;
    const t = new RouteTable();
    const sampler = new TxRouteSampler(s, t);
    const rng = new RngRoot(6).stream('test:routes');
    const n = 100_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const r = t.get(sampler.sample(rng));
      const key = `${r.inputs}|${r.outputs}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let chi2 = 0;
    let cells = 0;
    for (let r = 0; r < exactTable.size; r++) {
      const route = exactTable.get(r);
      const e = n * p[r]!;
      if (e < 5) continue; // chi-square needs expected counts ≥ 5
      cells++;
      chi2 += ((counts.get(`${route.inputs}|${route.outputs}`) ?? 0) - e) ** 2 / e;
    }
    // Mean of χ² with k−1 dof is k−1, sd √(2(k−1)); 6 sd above is beyond any seed's luck.
    expect(chi2).toBeLessThan(cells - 1 + 6 * Math.sqrt(2 * (cells - 1)));
  });
});
