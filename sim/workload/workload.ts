import type { RngRoot, RngStream } from '../kernel/rng.js';
import { msToUs, secondsToUs, type Micros } from '../kernel/time.js';
import type { WorkloadConfig } from '../scenario/schema.js';
import type { TxSet } from '../protocols/types.js';
import { TxBook } from './book.js';
import { RouteTable, TxRouteSampler, enumerateRoutes, expectedCrossFraction, type RouteSpec } from './routes.js';
import { AliasTable, PoissonSampler, binomial } from './sampling.js';
import { shardWeights } from './shards.js';

/**
 * The offered load (DESIGN §8): a Poisson process of client transactions at `offeredTps` (times the
 * multipliers of active bursts), handed over every `batchIntervalMs` as one batch per route.
 *
 * Per interval the route counts are independent Poisson(Λ·P(route)), Λ the expected arrivals in the
 * window: splitting a Poisson process by independent marks gives independent Poisson processes (Kingman,
 * Poisson Processes, 1993, §5.1 "colouring"), so this is exact, not an approximation. When the window's
 * Λ is small next to the number of routes, the same law is drawn more cheaply as a Poisson total split
 * multinomially (one alias draw per transaction). Configurations with too many shard tuples to enumerate
 * (m^u > enumerateLimit) draw every transaction's route (TxRouteSampler, ~0.3 µs per transaction).
 *
 * Cost: one book segment (24 bytes) per route that got transactions per interval, about min(Λ, routes).
 * With 16 shards and u = 2 (256 routes) at 100,000 tx/s in 100 ms batches that is 9.2 M segments an hour
 * (220 MB, ~3 s to draw). With u = 3 there are 2,176 routes: keep Λ per interval large next to that, or
 * the book holds ~one segment per transaction's route (e.g. 1 s batches at 100,000 tx/s, not 100 ms).
 *
 * Streams: 'workload:counts' (Poisson counts), 'workload:routes' (per-transaction route draws),
 * 'workload:faults' (invalid and double-spend counts); the account→shard map is a keyed hash. Other
 * parts of the simulator drawing from their own streams never change the workload.
 */

export interface WorkloadBatch {
  /** The batch's ids: exactly one segment of the book. */
  readonly txs: TxSet;
  readonly segment: number;
  readonly count: number;
  readonly route: number;
  /** The lowest input shard (the only one when inputsPerTx = 1). */
  readonly inputShard: number;
  readonly inputShards: readonly number[];
  readonly outputShards: readonly number[];
  readonly shards: readonly number[];
  readonly cross: boolean;
  /** The first `invalid` ids of the batch are invalid, the next `doubleSpends` double-spend (TxBook). */
  readonly invalid: number;
  readonly doubleSpends: number;
}

export interface WorkloadOptions {
  /** Enumerate routes exactly when shards^accountsPerTx ≤ this; default 65,536. */
  readonly enumerateLimit?: number;
}

const DEFAULT_ENUMERATE_LIMIT = 1 << 16;

export class Workload {
  readonly book: TxBook;
  readonly intervalUs: Micros;
  readonly shards: number;
  /** Per-shard popularity weights w_s (sum 1). */
  readonly shardWeights: Float64Array;
  /** Exact probability per route index, or null when routes are drawn per transaction. */
  readonly routeProbabilities: Float64Array | null;
  /** Exact expected fraction of cross-shard transactions under this configuration. */
  readonly expectedCrossFraction: number;
  private readonly bursts: { startUs: Micros; endUs: Micros; multiplier: number }[];
  private readonly counts: RngStream;
  private readonly routeDraws: RngStream;
  private readonly faults: RngStream;
  private readonly routeAlias: AliasTable | null;
  private readonly sampler: TxRouteSampler | null;
  private tally = new Int32Array(0);
  /** One per route (the per-route means repeat every interval), plus one for the total at [routes]. */
  private readonly samplers: PoissonSampler[] = [];

  constructor(
    private readonly cfg: WorkloadConfig,
    shards: number,
    rng: RngRoot,
    opts: WorkloadOptions = {},
  ) {
    if (!Number.isSafeInteger(shards) || shards < 1) throw new RangeError(`Workload: shards must be ≥ 1, got ${shards}`);
    this.shards = shards;
    this.intervalUs = Math.max(1, msToUs(cfg.batchIntervalMs));
    this.bursts = cfg.bursts.map((b) => ({ startUs: secondsToUs(b.startSeconds), endUs: secondsToUs(b.endSeconds), multiplier: b.rateMultiplier }));
    this.counts = rng.stream('workload:counts');
    this.routeDraws = rng.stream('workload:routes');
    this.faults = rng.stream('workload:faults');
    this.shardWeights = shardWeights(cfg.accounts, cfg.zipfExponent, shards, rng).weights;
    const spec: RouteSpec = {
      weights: this.shardWeights,
      accountsPerTx: cfg.accountsPerTx,
      inputsPerTx: cfg.inputsPerTx,
      mapping: cfg.shardMapping,
      locality: cfg.locality,
    };
    const routes = new RouteTable();
    this.book = new TxBook(routes);
    this.expectedCrossFraction = expectedCrossFraction(spec);
    this.routeProbabilities = enumerateRoutes(spec, routes, opts.enumerateLimit ?? DEFAULT_ENUMERATE_LIMIT);
    this.routeAlias = this.routeProbabilities && new AliasTable(this.routeProbabilities);
    this.sampler = this.routeProbabilities ? null : new TxRouteSampler(spec, routes);
  }

  /** Offered rate (tx/s) at time t, bursts applied (overlapping bursts multiply). */
  rateAt(tUs: Micros): number {
    let rate = this.cfg.offeredTps;
    for (const b of this.bursts) if (tUs >= b.startUs && tUs < b.endUs) rate *= b.multiplier;
    return rate;
  }

  /** Expected arrivals in [t0, t1): the rate integrated piecewise between burst edges. */
  expectedArrivals(t0Us: Micros, t1Us: Micros): number {
    const edges = [t0Us, t1Us];
    for (const b of this.bursts) for (const e of [b.startUs, b.endUs]) if (e > t0Us && e < t1Us) edges.push(e);
    edges.sort((a, b) => a - b);
    let total = 0;
    for (let i = 0; i + 1 < edges.length; i++) total += this.rateAt(edges[i]!) * (edges[i + 1]! - edges[i]!);
    return total / 1e6;
  }

  /**
   * The batches of transactions that arrived in [endUs − interval, endUs), one per route that got any, in
   * route order; none when nothing arrived. Call once per interval with increasing `endUs`.
   */
  batchesEndingAt(endUs: Micros): WorkloadBatch[] {
    const t0 = Math.max(0, endUs - this.intervalUs);
    if (!(endUs > t0)) return [];
    const mean = this.expectedArrivals(t0, endUs);
    const out: WorkloadBatch[] = [];
    const probs = this.routeProbabilities;
    if (probs && mean * 4 >= probs.length) {
      // Independent Poisson per route (splitting); a route with a tiny mean costs one exp and one uniform.
      for (let r = 0; r < probs.length; r++) {
        const c = this.samplerOf(r).draw(this.counts, mean * probs[r]!);
        if (c > 0) out.push(this.emit(t0, endUs, r, c));
      }
      return out;
    }
    // Poisson total, then each transaction's route: the same joint law as above (multinomial given the total).
    const n = this.samplerOf(probs ? probs.length : 0).draw(this.counts, mean);
    if (n === 0) return out;
    const touched: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.routeAlias ? this.routeAlias.pick(this.routeDraws.next()) : this.sampler!.sample(this.routeDraws);
      if (r >= this.tally.length) this.growTally(r);
      if (this.tally[r]!++ === 0) touched.push(r);
    }
    touched.sort((a, b) => a - b);
    for (const r of touched) {
      out.push(this.emit(t0, endUs, r, this.tally[r]!));
      this.tally[r] = 0;
    }
    return out;
  }

  /**
   * Append one segment. Invalid and double-spend counts are a multinomial split of the batch drawn as two
   * binomials: invalid ~ Bin(c, f_inv), then double spends ~ Bin(c − invalid, f_ds / (1 − f_inv)), so each
   * transaction is invalid with probability f_inv and a double spend with probability f_ds, never both.
   */
  private emit(t0: Micros, t1: Micros, route: number, count: number): WorkloadBatch {
    const fInv = this.cfg.invalidFraction;
    const fDs = this.cfg.doubleSpendFraction;
    const invalid = fInv > 0 ? binomial(this.faults, count, fInv) : 0;
    const dsProb = fDs > 0 && fInv < 1 ? Math.min(1, fDs / (1 - fInv)) : 0;
    const doubleSpends = dsProb > 0 ? binomial(this.faults, count - invalid, dsProb) : 0;
    const start = this.book.count;
    const segment = this.book.append(t0, t1, route, count, invalid, doubleSpends);
    const r = this.book.routes.get(route);
    return {
      txs: { ranges: [start, start + count], count },
      segment,
      count,
      route,
      inputShard: r.inputs[0]!,
      inputShards: r.inputs,
      outputShards: r.outputs,
      shards: r.shards,
      cross: r.cross,
      invalid,
      doubleSpends,
    };
  }

  private samplerOf(i: number): PoissonSampler {
    while (this.samplers.length <= i) this.samplers.push(new PoissonSampler());
    return this.samplers[i]!;
  }

  private growTally(r: number): void {
    const grown = new Int32Array(Math.max(64, 2 * (r + 1)));
    grown.set(this.tally);
    this.tally = grown;
  }
}
