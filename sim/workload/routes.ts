import type { RngStream } from '../kernel/rng.js';
import { AliasTable } from './sampling.js';

/**
 * Routes: which shards a transaction touches (DESIGN §6.7 Atomix, §8).
 *
 * A transaction touches u accounts; the first `inputsPerTx` are inputs (spent), the rest outputs. Its route
 * is the set of shards holding its inputs and the set holding its outputs. It is cross-shard when it
 * touches more than one shard. The accounts' shards are drawn as follows, with w_s the shard weights:
 *
 * - hash: every account independently by popularity, so P(shards = (s1..su)) = Π w_sj. For u = 2,
 *   P(in = a, out = b) = w_a·w_b, and P(cross) = 1 − Σ w_s^u; with equal weights 1 − (1/m)^(u−1).
 * - locality: the first account by popularity; each other account is in the first one's shard with
 *   probability L = `locality`, else drawn by popularity (possibly landing there too). Then
 *   P(intra) = Σ_a w_a (L + (1−L) w_a)^(u−1); for u = 2, P(cross) = (1−L)(1 − Σ w²).
 */

export type ShardMapping = 'hash' | 'locality';

export interface RouteSpec {
  /** w_s, summing to 1. */
  readonly weights: Float64Array;
  readonly accountsPerTx: number;
  readonly inputsPerTx: number;
  readonly mapping: ShardMapping;
  /** P[another account is in the first one's shard], used with mapping 'locality'. */
  readonly locality: number;
}

export interface Route {
  readonly index: number;
  /** Shards holding an input account, distinct, ascending. */
  readonly inputs: readonly number[];
  /** Shards holding an output account, distinct, ascending (may share shards with `inputs`). */
  readonly outputs: readonly number[];
  /** Every shard touched, distinct, ascending. */
  readonly shards: readonly number[];
  /** Touches more than one shard. */
  readonly cross: boolean;
}

function distinctSorted(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** The routes seen so far, interned: a route index is small and stable for the run. */
export class RouteTable {
  private readonly list: Route[] = [];
  private readonly byKey = new Map<string, number>();

  get size(): number {
    return this.list.length;
  }

  get(index: number): Route {
    const r = this.list[index];
    if (r === undefined) throw new RangeError(`RouteTable: no route ${index}`);
    return r;
  }

  /** The index of the route with these input and output shards (any order, repeats allowed). */
  intern(inputShards: readonly number[], outputShards: readonly number[]): number {
    const inputs = distinctSorted(inputShards);
    const outputs = distinctSorted(outputShards);
    const key = `${inputs.join(',')}|${outputs.join(',')}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const shards = distinctSorted([...inputs, ...outputs]);
    const index = this.list.length;
    this.list.push({ index, inputs, outputs, shards, cross: shards.length > 1 });
    this.byKey.set(key, index);
    return index;
  }
}

function checkSpec(spec: RouteSpec): void {
  const { accountsPerTx: u, inputsPerTx: k, locality } = spec;
  if (!Number.isSafeInteger(u) || u < 1) throw new RangeError(`routes: accountsPerTx must be ≥ 1, got ${u}`);
  if (!Number.isSafeInteger(k) || k < 1 || k > u) throw new RangeError(`routes: inputsPerTx must be in [1, ${u}], got ${k}`);
  if (!(locality >= 0 && locality <= 1)) throw new RangeError(`routes: locality must be in [0, 1], got ${locality}`);
}

/** L of the model: the locality for 'locality', 0 for 'hash' (independent draws). */
function stickiness(spec: RouteSpec): number {
  return spec.mapping === 'locality' ? spec.locality : 0;
}

/** Exact P(cross-shard) of the model: 1 − Σ_a w_a (L + (1−L) w_a)^(u−1), L = 0 for hash. */
export function expectedCrossFraction(spec: RouteSpec): number {
  checkSpec(spec);
  const L = stickiness(spec);
  let intra = 0;
  for (const w of spec.weights) intra += w * Math.pow(L + (1 - L) * w, spec.accountsPerTx - 1);
  return Math.max(0, 1 - intra);
}

/**
 * Every route with its exact probability, by walking all m^u shard tuples (an odometer): cost m^u·u once
 * per run, e.g. 256 tuples for 16 shards and u = 2, 4,096 for u = 3. Returns null when m^u exceeds `limit`;
 * then routes are drawn per transaction (TxRouteSampler). Routes are interned in tuple order, so their
 * indices are the same in every run.
 */
export function enumerateRoutes(spec: RouteSpec, table: RouteTable, limit: number): Float64Array | null {
  checkSpec(spec);
  const m = spec.weights.length;
  const u = spec.accountsPerTx;
  if (Math.pow(m, u) > limit) return null;
  const L = stickiness(spec);
  const w = spec.weights;
  const probs: number[] = [];
  const digits = new Array<number>(u).fill(0);
  for (;;) {
    const first = digits[0]!;
    let p = w[first]!;
    for (let j = 1; j < u && p > 0; j++) {
      const d = digits[j]!;
      p *= (d === first ? L : 0) + (1 - L) * w[d]!;
    }
    if (p > 0) {
      const r = table.intern(digits.slice(0, spec.inputsPerTx), digits.slice(spec.inputsPerTx));
      probs[r] = (probs[r] ?? 0) + p;
    }
    let j = u - 1;
    while (j >= 0 && digits[j] === m - 1) digits[j--] = 0;
    if (j < 0) break;
    digits[j]!++;
  }
  const out = new Float64Array(table.size);
  for (let r = 0; r < out.length; r++) out[r] = probs[r] ?? 0;
  return out;
}

/**
 * Draws one transaction's route: u alias draws over the m shards (plus one uniform per extra account with
 * locality), then the route of that shard tuple, cached by the tuple's base-m number when it fits in 2^53
 * (else a route-table lookup by string key). About 0.3 µs per transaction, so 100,000 tx/s for an hour
 * costs ~2 minutes: only for configurations too large to enumerate.
 */
export class TxRouteSampler {
  private readonly alias: AliasTable;
  private readonly L: number;
  private readonly digits: number[];
  private readonly byTuple = new Map<number, number>();
  private readonly cacheable: boolean;

  constructor(
    private readonly spec: RouteSpec,
    private readonly table: RouteTable,
  ) {
    checkSpec(spec);
    this.alias = new AliasTable(spec.weights);
    this.L = stickiness(spec);
    this.digits = new Array<number>(spec.accountsPerTx).fill(0);
    this.cacheable = Math.pow(spec.weights.length, spec.accountsPerTx) <= Number.MAX_SAFE_INTEGER;
  }

  sample(rng: RngStream): number {
    const d = this.digits;
    const m = this.spec.weights.length;
    d[0] = this.alias.pick(rng.next());
    let key = d[0];
    for (let j = 1; j < d.length; j++) {
      d[j] = this.L > 0 && rng.next() < this.L ? d[0]! : this.alias.pick(rng.next());
      key = key * m + d[j]!;
    }
    if (!this.cacheable) return this.table.intern(d.slice(0, this.spec.inputsPerTx), d.slice(this.spec.inputsPerTx));
    let r = this.byTuple.get(key);
    if (r === undefined) {
      r = this.table.intern(d.slice(0, this.spec.inputsPerTx), d.slice(this.spec.inputsPerTx));
      this.byTuple.set(key, r);
    }
    return r;
  }
}
