import { createHash } from 'node:crypto';

/**
 * The sortition option of shard assignment (DESIGN §6.4): Algorand-style stake-weighted cryptographic
 * sortition (Gilad et al., "Algorand: Scaling Byzantine Agreements for Cryptocurrencies", SOSP 2017, §5),
 * which the whitepaper names as the source of its leader election ("Efficient Distributed Sharding": "we
 * propose a solution that uses Algorand [9] and Omniledger [8]").
 *
 * Model (ours, simpler than running one sortition per shard):
 * - Each unit of stake (one IOST; stakes are integers, see stakes.ts) is selected independently with
 *   p = τ_total / W, where W is the total stake and τ_total = τ_perShard · m, so a validator with w units is
 *   selected j ~ Binomial(w, p) times (Algorand's sub-users). If τ_total > W, p is capped at 1.
 * - j is drawn by inverse CDF from the validator's keyed uniform u = H(rnd ‖ node) (the VRF output in
 *   Algorand; here sha256 decides it, so every node computes every other's outcome).
 * - A validator with j ≥ 1 joins shard H'(rnd ‖ node) mod m (a second, independent part of the same
 *   digest) with voting weight j; j = 0 means it sits this epoch out.
 * So the expected total weight of each shard is τ_perShard (exactly, when p < 1); its number of distinct
 * members is smaller when stakes are concentrated (a whale holds many selections).
 */

export interface SortitionResult {
  /** Shard of each node id (-1: not selected this epoch). */
  readonly shardOf: Int32Array;
  /** Number of selections (voting weight) of each node id. */
  readonly weight: Int32Array;
  /** Per-unit selection probability actually used (τ_total / W, capped at 1). */
  readonly p: number;
  /** Total weight per shard. */
  readonly shardWeight: Int32Array;
  /** Distinct members per shard. */
  readonly shardMembers: Int32Array;
}

const TWO52 = 4503599627370496;

/** Two independent uniforms in [0, 1) from sha256(label ‖ rnd ‖ node): bytes 0–6 and 8–14. */
function keyedPair(rnd: string | number, node: number): [number, number] {
  const d = createHash('sha256').update(`sortition\u0000${String(rnd)}\u0000${node}`).digest();
  const a = ((d.readUInt32BE(0) >>> 12) * 4294967296 + d.readUInt32BE(4)) / TWO52;
  const b = ((d.readUInt32BE(8) >>> 12) * 4294967296 + d.readUInt32BE(12)) / TWO52;
  return [a, b];
}

/** ln Γ(x+1) = ln x!, by summation below 64 and Stirling's series above (error < 1e-15 relative). */
function logFactorial(x: number): number {
  if (x < 64) {
    let s = 0;
    for (let i = 2; i <= x; i++) s += Math.log(i);
    return s;
  }
  const x2 = x * x;
  return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2);
}

/**
 * The smallest j with P[Binomial(n, p) ≤ j] > u: the inverse CDF, summed upward from j = 0 in log space
 * (terms below e^-745 underflow to 0 and do not matter). Stops at n, or once the terms past the mean have
 * fallen 40 nats below the largest, where the remaining mass is negligible.
 */
export function binomialInverse(u: number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const logOdds = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  let cdf = 0;
  let peak = -Infinity;
  const mean = n * p;
  for (let j = 0; j < n; j++) {
    cdf += Math.exp(logPmf);
    if (cdf > u) return j;
    if (logPmf > peak) peak = logPmf;
    if (j > mean && logPmf < peak - 40) return j;
    logPmf += Math.log((n - j) / (j + 1)) + logOdds;
  }
  return n;
}

/** P[Binomial(n, p) = j], for tests. */
export function binomialPmf(j: number, n: number, p: number): number {
  if (j < 0 || j > n) return 0;
  if (p <= 0) return j === 0 ? 1 : 0;
  if (p >= 1) return j === n ? 1 : 0;
  return Math.exp(logFactorial(n) - logFactorial(j) - logFactorial(n - j) + j * Math.log(p) + (n - j) * Math.log1p(-p));
}

/**
 * Stake-weighted sortition of the validators into m shards with τ_perShard expected weight per shard.
 * `stakeUnits` is indexed by node id (non-validators hold 0); values are floored to whole units.
 */
export function sortitionAssignment(
  stakeUnits: ArrayLike<number>,
  rnd: string | number,
  m: number,
  tauPerShard: number,
): SortitionResult {
  if (!Number.isInteger(m) || m < 1) throw new Error(`sortitionAssignment: m must be a positive integer, got ${m}`);
  if (!(tauPerShard > 0)) throw new Error(`sortitionAssignment: τ per shard must be positive, got ${tauPerShard}`);
  const n = stakeUnits.length;
  let w = 0;
  for (let i = 0; i < n; i++) w += Math.max(0, Math.floor(stakeUnits[i]!));
  const p = w > 0 ? Math.min(1, (tauPerShard * m) / w) : 0;
  const shardOf = new Int32Array(n).fill(-1);
  const weight = new Int32Array(n);
  const shardWeight = new Int32Array(m);
  const shardMembers = new Int32Array(m);
  for (let v = 0; v < n; v++) {
    const units = Math.max(0, Math.floor(stakeUnits[v]!));
    if (units === 0) continue;
    const [u, s] = keyedPair(rnd, v);
    const j = binomialInverse(u, units, p);
    if (j === 0) continue;
    const shard = Math.floor(s * m);
    shardOf[v] = shard;
    weight[v] = j;
    shardWeight[shard]! += j;
    shardMembers[shard]!++;
  }
  return { shardOf, weight, p, shardWeight, shardMembers };
}
