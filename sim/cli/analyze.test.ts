import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AnalyzeInputError,
  analyzeShardFailure,
  failureThreshold,
  logBinomialTail,
  logHypergeometricTail,
  shardFailureCommand,
  wilson,
} from './analyze.js';

function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** Exact ratio of two big integers as a double. */
function ratio(num: bigint, den: bigint): number {
  const scale = 10n ** 30n;
  return Number((num * scale) / den) / 1e30;
}

describe('shard failure: exact tails', () => {
  it('hypergeometric tail equals an exact (BigInt) sum for small N', () => {
    for (const N of [12, 30, 61]) {
      for (const K of [0, 3, Math.floor(N / 4), Math.floor(N / 3), N - 1]) {
        for (const S of [1, 5, 10, 12]) {
          if (S > N) continue;
          for (let t = 0; t <= S + 1; t++) {
            let num = 0n;
            for (let x = t; x <= S; x++) num += choose(K, x) * choose(N - K, S - x);
            const exact = ratio(num, choose(N, S));
            const got = Math.exp(logHypergeometricTail(N, K, S, t));
            expect(Math.abs(got - exact)).toBeLessThanOrEqual(1e-12 + 1e-9 * exact);
          }
        }
      }
    }
  });

  it('hypergeometric tail equals brute-force enumeration of every shard for N = 10', () => {
    const N = 10;
    const K = 3;
    const S = 4;
    let fail = 0;
    let total = 0;
    for (let mask = 0; mask < 1 << N; mask++) {
      let size = 0;
      let bad = 0;
      for (let v = 0; v < N; v++) {
        if ((mask & (1 << v)) === 0) continue;
        size++;
        if (v < K) bad++;
      }
      if (size !== S) continue;
      total++;
      if (bad >= failureThreshold(S)) fail++;
    }
    expect(total).toBe(210);
    expect(Math.exp(logHypergeometricTail(N, K, S, failureThreshold(S)))).toBeCloseTo(fail / total, 14);
  });

  it('binomial tail equals a direct sum for small S', () => {
    for (const S of [1, 4, 10, 25]) {
      for (const F of [0, 0.05, 0.25, 0.3333, 0.9]) {
        for (let t = 0; t <= S; t++) {
          let direct = 0;
          for (let y = t; y <= S; y++) direct += Number(choose(S, y)) * F ** y * (1 - F) ** (S - y);
          expect(Math.exp(logBinomialTail(S, F, t))).toBeCloseTo(direct, 12);
        }
      }
    }
  });

  it('stays finite and sane for N = 10,000 and 100,000', () => {
    for (const [N, S] of [[10_000, 400], [100_000, 600], [100_000, 4000]] as const) {
      const r = analyzeShardFailure({ nodes: N, shardSize: S, adversary: 0.25, trials: 0, seed: 1 });
      for (const m of [r.hypergeometric, r.binomial]) {
        expect(Number.isFinite(m.shardLog10)).toBe(true);
        expect(m.shard).toBeGreaterThanOrEqual(0);
        expect(m.shard).toBeLessThan(1);
        expect(m.epochIndependence).toBeLessThanOrEqual(m.epochUnion * (1 + 1e-12));
      }
      // Sampling without replacement is more concentrated: the hypergeometric tail is the smaller one.
      expect(r.hypergeometric.shardLog10).toBeLessThan(r.binomial.shardLog10);
      expect(r.monteCarlo).toBeNull();
    }
    // Threshold ⌈S/3⌉ = f + 1 for committees of 3f+1, 3f+2, 3f+3.
    expect([100, 101, 102, 30].map(failureThreshold)).toEqual([34, 34, 34, 10]);
  });
});

describe('shard failure: Monte Carlo over permutationAssignment', () => {
  it("the 95% interval contains the exact hypergeometric value (N = 1000, S = 25, F = 0.25)", () => {
    const r = analyzeShardFailure({ nodes: 1000, shardSize: 25, adversary: 0.25, trials: 2000, seed: 1 });
    const mc = r.monteCarlo!;
    expect(mc.shardSamples).toBe(2000 * 40);
    expect(mc.exactShardMean).toBe(r.hypergeometric.shard);
    expect(mc.shard.lo).toBeLessThan(r.hypergeometric.shard);
    expect(mc.shard.hi).toBeGreaterThan(r.hypergeometric.shard);
    // The epoch estimate lies between the independence (lower) value and the union bound.
    expect(mc.epoch.hi).toBeGreaterThanOrEqual(r.hypergeometric.epochIndependence);
  });

  it('per-epoch bounds bracket the Monte Carlo when failures are rare per epoch', () => {
    const r = analyzeShardFailure({ nodes: 600, shardSize: 60, adversary: 0.2, trials: 3000, seed: 2 });
    const mc = r.monteCarlo!;
    expect(mc.epoch.hi).toBeGreaterThan(r.hypergeometric.epochIndependence);
    expect(mc.epoch.lo).toBeLessThan(r.hypergeometric.epochUnion);
  });

  it('uses the real bucket sizes when S does not divide N', () => {
    const r = analyzeShardFailure({ nodes: 1000, shardSize: 30, adversary: 0.25, trials: 10, seed: 1 });
    expect(r.shards).toBe(33);
    expect(r.bucketSizes).toEqual([{ size: 30, count: 23 }, { size: 31, count: 10 }]);
    expect(r.notes.some((n) => n.includes('not a multiple'))).toBe(true);
  });

  it('Wilson interval', () => {
    const w = wilson(10, 100);
    expect(w.estimate).toBe(0.1);
    expect(w.lo).toBeCloseTo(0.0552, 3);
    expect(w.hi).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 50).lo).toBe(0);
    // The bounds at 0 and n successes are exact, not rounding residues (3200 once gave 1.08e-19).
    expect(wilson(0, 3200).lo).toBe(0);
    expect(wilson(3200, 3200).hi).toBe(1);
  });
});

describe('shard failure: input errors and output', () => {
  afterEach(() => vi.restoreAllMocks());
  const base = { nodes: 100, shardSize: 10, adversary: 0.2, trials: 0, seed: 1 };

  it('names the offending flag', () => {
    const bad: [Partial<typeof base>, string][] = [
      [{ shardSize: 101 }, 'shard-size'],
      [{ shardSize: 0 }, 'shard-size'],
      [{ adversary: 1 }, 'adversary'],
      [{ adversary: -0.1 }, 'adversary'],
      [{ adversary: NaN }, 'adversary'],
      [{ nodes: 2.5 }, 'nodes'],
      [{ trials: -1 }, 'trials'],
    ];
    for (const [patch, flag] of bad) {
      try {
        analyzeShardFailure({ ...base, ...patch });
        expect.unreachable(`accepted ${JSON.stringify(patch)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(AnalyzeInputError);
        expect((e as AnalyzeInputError).flag).toBe(flag);
        expect((e as Error).message).toContain(`--${flag}`);
      }
    }
    expect(analyzeShardFailure({ ...base, adversary: 0.29 }).malicious).toBe(29);
  });

  type Handler = (argv: Record<string, unknown>) => void;
  const run = (args: Record<string, unknown>) => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    let code = 0;
    try {
      (shardFailureCommand.handler as unknown as Handler)({ trials: 200, seed: 1, json: false, ...args });
    } catch (e) {
      code = Number(/exit (\d+)/.exec(String(e))?.[1] ?? -1);
    }
    exit.mockRestore();
    return { out: out.join(''), err: err.join(''), code };
  };

  it('prints a table, or JSON with --json; bad input exits 2 naming the flag', () => {
    const table = run({ nodes: 300, 'shard-size': 30, adversary: 0.25 });
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/hypergeometric\s+0\.\d+/);
    expect(table.out).toMatch(/monte carlo/);
    const json = JSON.parse(run({ nodes: 300, 'shard-size': 30, adversary: 0.25, json: true }).out);
    expect(json).toMatchObject({ nodes: 300, shardSize: 30, shards: 10, malicious: 75, threshold: 10 });
    expect(json.monteCarlo.trials).toBe(200);
    const bad = run({ nodes: 10, 'shard-size': 11, adversary: 0.25 });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--shard-size');
  });
});
