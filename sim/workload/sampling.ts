import type { RngStream } from '../kernel/rng.js';

/**
 * Random variates the workload draws millions of times per simulated hour (DESIGN §8), each from a named
 * seeded stream so that the numbers depend only on the seed and the stream name.
 *
 * RngStream.poisson multiplies uniforms (about λ+1 draws per variate) and switches to a normal
 * approximation above 500. At the paper scale the workload draws ~9 M Poisson variates with means 10–300,
 * so here are exact and cheaper samplers: inversion with one uniform for small means, and Hörmann's PTRS
 * (transformed rejection, ~2.3 uniforms per variate) above; the same split NumPy uses.
 */

/** Below this mean Poisson variates are drawn by inversion (NumPy's threshold for PTRS is 10). */
const PTRS_MIN_MEAN = 10;

/**
 * Poisson(mean). Inversion by sequential search for mean < 10 (one uniform; a tiny mean costs one exp and
 * one comparison), else PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12 (1993), constants as in NumPy's random_poisson_ptrs.
 */
export function poisson(rng: RngStream, mean: number): number {
  return new PoissonSampler().draw(rng, mean);
}

/**
 * A Poisson sampler that keeps PTRS's set-up (a square root, two logarithms, two divisions) for the last
 * mean it saw: the workload draws each route's count with the same mean interval after interval.
 */
export class PoissonSampler {
  private mean = Number.NaN;
  private expNeg = 0;
  private loglam = 0;
  private a = 0;
  private b = 0;
  private logInvalpha = 0;
  private vr = 0;

  draw(rng: RngStream, mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean !== this.mean) this.setUp(mean);
    if (mean < PTRS_MIN_MEAN) {
      let p = this.expNeg;
      let u = rng.next();
      let k = 0;
      // u − F(k) falls below zero at the variate; the guard stops a floating-point tail running away.
      while (u > p && k < 1000) {
        u -= p;
        k++;
        p *= mean / k;
      }
      return k;
    }
    const { a, b, vr, loglam } = this;
    for (;;) {
      const U = rng.next() - 0.5;
      const V = rng.next();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + mean + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + this.logInvalpha - Math.log(a / (us * us) + b) <= -mean + k * loglam - logGamma(k + 1)) return k;
    }
  }

  private setUp(mean: number): void {
    this.mean = mean;
    if (mean < PTRS_MIN_MEAN) {
      this.expNeg = Math.exp(-mean);
      return;
    }
    this.loglam = Math.log(mean);
    this.b = 0.931 + 2.53 * Math.sqrt(mean);
    this.a = -0.059 + 0.02483 * this.b;
    this.logInvalpha = Math.log(1.1239 + 1.1328 / (this.b - 3.4));
    this.vr = 0.9277 - 3.6224 / (this.b - 2);
  }
}

const LG_COEFF = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
  -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];

/** ln Γ(x) for x > 0: Stirling's series at x + n ≥ 7, then the recurrence down (NumPy's random_loggam). */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let gl0 = LG_COEFF[9]!;
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + LG_COEFF[k]!;
  let gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

/** Above this mean a binomial variate is drawn from its normal approximation. */
const BINOMIAL_NORMAL_MEAN = 500;

/**
 * Binomial(n, p). Inversion by sequential search from 0 with one uniform (cost ∝ n·min(p, 1−p), and the
 * workload's invalid and double-spend fractions are small); when the smaller tail's mean exceeds 500 the
 * normal approximation N(np, np(1−p)), rounded and clamped to [0, n]: its error in any probability is
 * O(1/√(np(1−p))) < 5% of a standard deviation there (Berry–Esseen), far below what a run can resolve.
 * p > ½ is drawn as n − Binomial(n, 1−p) so the search always walks the short side.
 */
export function binomial(rng: RngStream, n: number, p: number): number {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const mean = n * p;
  if (mean > BINOMIAL_NORMAL_MEAN) {
    const x = Math.round(rng.normal(mean, Math.sqrt(mean * (1 - p))));
    return x < 0 ? 0 : x > n ? n : x;
  }
  const q = 1 - p;
  // q^n ≥ e^(−1.39·500) > 1e-302 here (p ≤ ½ and np ≤ 500), so it never underflows to 0.
  let f = Math.exp(n * Math.log1p(-p));
  const ratio = p / q;
  let u = rng.next();
  let k = 0;
  while (u > f && k < n) {
    u -= f;
    f *= (ratio * (n - k)) / (k + 1);
    k++;
  }
  return k;
}

/**
 * Walker's alias method in Vose's numerically stable form (M. D. Vose, IEEE TSE 17(9), 1991): O(n) set-up,
 * then an index with probability ∝ weight from one uniform in O(1).
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('AliasTable: no weights');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`AliasTable: weight ${i} is ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('AliasTable: weights sum to 0');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // What is left is 1 up to rounding.
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** An index drawn by weight, from the uniform `u` in [0, 1). */
  pick(u: number): number {
    const x = u * this.size;
    const i = Math.floor(x);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}
