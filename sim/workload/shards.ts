import { mix32 } from '../kernel/mix.js';
import type { RngRoot } from '../kernel/rng.js';

/**
 * Accounts, their popularity and their shards (DESIGN §8).
 *
 * Popularity is Zipf: the account of rank r (1-based) is picked with probability ∝ 1/r^s (Zipf 1949; s = 0
 * is uniform). Accounts map to shards by a keyed hash of the seed, so the assignment depends only on
 * (seed, account), never on the order anything was drawn in. A transaction draws its accounts
 * independently by popularity, so which shard it touches only depends on the per-shard weight
 * w_s = Σ popularity of the accounts in shard s. That is all the workload keeps: account identities matter
 * only through these m numbers (no per-account state, no hot-account contention).
 */

/** 2^32 as a float, to turn a 32-bit hash into a uniform in [0, 1). */
const TWO_32 = 4294967296;

/** Assigns accounts to shards by a keyed hash: the key comes from RngRoot.keyedUniform, so from the seed alone. */
export class AccountHasher {
  private readonly k1: number;
  private readonly k2: number;

  constructor(
    rng: RngRoot,
    readonly shards: number,
  ) {
    if (!Number.isSafeInteger(shards) || shards < 1) throw new RangeError(`AccountHasher: shards must be ≥ 1, got ${shards}`);
    this.k1 = Math.floor(rng.keyedUniform('workload:account-shard:k1') * TWO_32) >>> 0;
    this.k2 = Math.floor(rng.keyedUniform('workload:account-shard:k2') * TWO_32) >>> 0;
  }

  /** Uniform in [0, 1) decided by (seed, account) only; accounts up to 2^53 (two 32-bit halves). */
  uniformOf(account: number): number {
    const lo = account >>> 0;
    const hi = Math.floor(account / TWO_32) >>> 0;
    const h = mix32(mix32((lo ^ this.k1) >>> 0) ^ hi ^ this.k2);
    return h / TWO_32;
  }

  /** The shard of `account` (0-based index). */
  shardOf(account: number): number {
    return Math.floor(this.uniformOf(account) * this.shards);
  }
}

/** Zipf popularity of rank r = account + 1, unnormalised: 1/r^s. */
export function zipfWeight(account: number, exponent: number): number {
  return exponent === 0 ? 1 : Math.pow(account + 1, -exponent);
}

export interface ShardWeights {
  /** w_s, summing to 1. */
  readonly weights: Float64Array;
  /** Accounts hashed to each shard. */
  readonly accounts: Int32Array;
  /** Σ_s w_s², the probability that two independently drawn accounts share a shard. */
  readonly sumSquares: number;
}

/**
 * Per-shard popularity weights: one pass over the accounts, one hash and one power each (~10 ms at 10^6).
 * The sum runs in account order, so it is the same on every machine.
 */
export function shardWeights(accounts: number, zipfExponent: number, shards: number, rng: RngRoot): ShardWeights {
  if (!Number.isSafeInteger(accounts) || accounts < 1) throw new RangeError(`shardWeights: accounts must be ≥ 1, got ${accounts}`);
  if (!(zipfExponent >= 0)) throw new RangeError(`shardWeights: zipfExponent must be ≥ 0, got ${zipfExponent}`);
  const weights = new Float64Array(shards);
  const counts = new Int32Array(shards);
  if (shards === 1) {
    weights[0] = 1;
    counts[0] = accounts;
    return { weights, accounts: counts, sumSquares: 1 };
  }
  const hasher = new AccountHasher(rng, shards);
  let total = 0;
  for (let a = 0; a < accounts; a++) {
    const s = hasher.shardOf(a);
    const w = zipfWeight(a, zipfExponent);
    weights[s]! += w;
    counts[s]!++;
    total += w;
  }
  let sumSquares = 0;
  for (let s = 0; s < shards; s++) {
    weights[s]! /= total;
    sumSquares += weights[s]! * weights[s]!;
  }
  return { weights, accounts: counts, sumSquares };
}
