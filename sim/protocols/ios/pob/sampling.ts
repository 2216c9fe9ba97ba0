/**
 * The normal league's sampling re-validation (whitepaper "Proof-of-Believability": "we specify a sampling
 * probability p that normal validators will sample transactions and detect inconsistencies"), as numbers:
 * the detection probability a test compares against, and the binomial draws the replicas make from a
 * keyed hash so that every outcome is reproducible (DESIGN §4).
 */

/**
 * Who draws the sample. The whitepaper leaves it open:
 * - `independent`: every normal validator samples each transaction with probability p on its own, so an
 *   optimistic block with k bad transactions is caught by R sampling validators with 1 − (1 − p)^(k·R);
 * - `shared`: the leader draws one sample that every validator re-validates: 1 − (1 − p)^k.
 */
export type SamplingMode = 'independent' | 'shared';

/** P[an optimistic block with `bad` invalid transactions is caught] with `replicas` sampling validators. */
export function detectionProbability(bad: number, p: number, replicas: number, mode: SamplingMode): number {
  if (bad <= 0 || p <= 0) return 0;
  const draws = mode === 'independent' ? bad * Math.max(0, replicas) : bad;
  return 1 - Math.pow(1 - p, draws);
}

/**
 * Binomial(n, p) by inversion of a uniform u ∈ [0, 1): exact (summing the pmf) when the variance is at most
 * 100, so P[result = 0] = (1 − p)^n holds to rounding; a normal approximation (Acklam's inverse CDF) above.
 * For p > 1/2 it uses the mirror n − Binomial(n, 1 − p) so (1 − p)^n never underflows.
 */
export function binomialFromUniform(n: number, p: number, u: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialFromUniform(n, 1 - p, 1 - u);
  const variance = n * p * (1 - p);
  if (variance > 100) {
    const k = Math.round(n * p + Math.sqrt(variance) * inverseNormal(Math.min(Math.max(u, 1e-12), 1 - 1e-12)));
    return Math.min(n, Math.max(0, k));
  }
  const ratio = p / (1 - p);
  let pmf = Math.pow(1 - p, n);
  let cdf = pmf;
  let k = 0;
  while (u >= cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * ratio;
    k++;
    cdf += pmf;
  }
  return k;
}

// Acklam's rational approximation of the standard normal quantile (relative error < 1.15e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

export function inverseNormal(u: number): number {
  const lo = 0.02425;
  if (u < lo) {
    const q = Math.sqrt(-2 * Math.log(u));
    return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  if (u > 1 - lo) return -inverseNormal(1 - u);
  const q = u - 0.5;
  const r = q * q;
  return ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}
