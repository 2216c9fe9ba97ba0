import type { RngRoot, RngStream } from '../kernel/rng.js';
import { msToUs, type Micros } from '../kernel/time.js';
import type { NetworkConfig } from '../scenario/schema.js';

/** The stream per-message latency draws come from (DESIGN §3). */
export const LATENCY_STREAM = 'net:latency';

export type LatencyModelName = NetworkConfig['latencyModel'];
export type LatencyConfig = Pick<NetworkConfig, 'latencyMs' | 'latencyModel' | 'paretoShape'>;

/** Above this many nodes the per-link cache is a Map instead of a dense n² array (8 MB at 1024 nodes). */
const DENSE_LINK_CACHE_MAX_NODES = 1024;

const PARETO_PER_MESSAGE = 0;
const FIXED_PER_LINK = 1;
const CONSTANT = 2;
const SIMBLOCK = 3;

/**
 * SimBlock's own parametrisation (dsg-titech/simblock, Network.getLatency): shape = 0.2·mean and
 * scale = mean − 5 ms, so the mean is the table mean and the spread a few ms ("20% variance").
 * A mean ≤ 5 ms would give shape ≤ 1 (no finite mean) or a negative scale: such pairs use the mean.
 */
export function simblockPareto(meanMs: number): { scaleMs: number; shape: number } | null {
  const shape = 0.2 * meanMs;
  const scaleMs = meanMs - 5;
  return shape > 1 && scaleMs > 0 ? { scaleMs, shape } : null;
}

/**
 * Pareto scale x_m that gives the mean `meanMs` for shape α > 1: mean = α·x_m / (α − 1), so
 * x_m = mean · (α − 1) / α. Every draw is ≥ x_m: with α = 5 a 124 ms link is never faster than 99.2 ms.
 */
export function paretoScale(meanMs: number, shape: number): number {
  return (meanMs * (shape - 1)) / shape;
}

/**
 * Propagation delay between two nodes, from the region-pair mean of the scenario's `latencyMs` table
 * (SimBlock's LATENCY_2019, after Gervais et al. CCS'16), in one of three models:
 *
 * - `simblock` (default): SimBlock's draw per message, Pareto with shape 0.2·mean and scale mean − 5 ms
 *   (simblockPareto), by inverse transform from the 'net:latency' stream.
 * - `pareto-per-message`: every message draws its own latency, Pareto(x_m, α) with α = paretoShape and
 *   x_m = mean·(α−1)/α, by inverse transform latency = x_m / U^(1/α), U uniform on (0, 1] from the
 *   'net:latency' stream. The mean is the table mean; the coefficient of variation is 1/√(α(α−2))
 *   (26 % at α = 5) and the tail is heavy (P[latency > 2·mean] = (x_m / 2·mean)^α ≈ 1 % at α = 5).
 *   This is the parametrisation of JABS (hyajam/jabs, LANNetwork.getLatency: shape 5, scale (α−1)/α·mean),
 *   SimBlock's descendant. SimBlock itself (dsg-titech/simblock, Network.getLatency) uses a shape of
 *   0.2·mean and scale mean − 5 ms, which has the same mean but a spread of only a few ms.
 * - `fixed-per-link`: one such Pareto draw per ordered node pair, kept for the whole run, as Gervais et
 *   al. model a link; U comes from rng.keyedUniform(`link:${from}:${to}`), so a link's latency depends on
 *   the seed and the pair only, never on the order in which links are first used.
 * - `constant`: exactly the table mean.
 *
 * Results are rounded to integer µs (msToUs). A mean of 0 gives 0 in every model.
 */
export class LatencyModel {
  readonly name: LatencyModelName;
  private readonly kind: number;
  private readonly regionCount: number;
  /** Per region pair (row = sender): mean and Pareto scale, ms; constant delays, µs. */
  private readonly meanUs: Float64Array;
  private readonly scaleMs: Float64Array;
  /** Per region pair 1/shape; 0 marks a pair drawn as its constant mean. */
  private readonly invShapeOf: Float64Array;
  private readonly invShape: number;
  private readonly stream: RngStream;
  private readonly denseLinks: Float64Array | undefined;
  private readonly sparseLinks: Map<number, number> | undefined;

  constructor(
    cfg: LatencyConfig,
    private readonly regionOf: Int32Array,
    private readonly rng: RngRoot,
  ) {
    const r = cfg.latencyMs.length;
    if (cfg.latencyMs.some((row) => row.length !== r)) {
      throw new RangeError(`latencyMs must be a square matrix, got ${r} rows of lengths ${cfg.latencyMs.map((x) => x.length)}`);
    }
    if (!(cfg.paretoShape > 1)) throw new RangeError(`paretoShape must be > 1 (finite mean), got ${cfg.paretoShape}`);
    this.name = cfg.latencyModel;
    this.kind =
      cfg.latencyModel === 'constant'
        ? CONSTANT
        : cfg.latencyModel === 'fixed-per-link'
          ? FIXED_PER_LINK
          : cfg.latencyModel === 'simblock'
            ? SIMBLOCK
            : PARETO_PER_MESSAGE;
    this.regionCount = r;
    this.meanUs = new Float64Array(r * r);
    this.scaleMs = new Float64Array(r * r);
    this.invShapeOf = new Float64Array(r * r);
    this.invShape = 1 / cfg.paretoShape;
    cfg.latencyMs.forEach((row, i) =>
      row.forEach((mean, j) => {
        this.meanUs[i * r + j] = msToUs(mean);
        if (this.kind === SIMBLOCK) {
          const p = simblockPareto(mean);
          this.scaleMs[i * r + j] = p ? p.scaleMs : mean;
          this.invShapeOf[i * r + j] = p ? 1 / p.shape : 0;
        } else {
          this.scaleMs[i * r + j] = paretoScale(mean, cfg.paretoShape);
          this.invShapeOf[i * r + j] = this.invShape;
        }
      }),
    );
    for (let i = 0; i < regionOf.length; i++) {
      const reg = regionOf[i]!;
      if (reg < 0 || reg >= r) throw new RangeError(`node ${i} is in region ${reg}, but latencyMs has ${r} regions`);
    }
    this.stream = rng.stream(LATENCY_STREAM);
    const n = regionOf.length;
    if (this.kind === FIXED_PER_LINK && n <= DENSE_LINK_CACHE_MAX_NODES) {
      this.denseLinks = new Float64Array(n * n).fill(-1);
    } else if (this.kind === FIXED_PER_LINK) {
      this.sparseLinks = new Map();
    }
  }

  /** Mean latency from region `a` to region `b`, integer µs. */
  meanBetweenRegionsUs(a: number, b: number): Micros {
    return this.meanUs[a * this.regionCount + b]!;
  }

  /** Pareto scale (the minimum latency) from region `a` to region `b`, ms. */
  scaleBetweenRegionsMs(a: number, b: number): number {
    return this.scaleMs[a * this.regionCount + b]!;
  }

  /** Propagation delay of one message from node `from` to node `to`, integer µs. Hot path: no allocation. */
  delayUs(from: number, to: number): Micros {
    // 1 − U is in (0, 1], so the power is never 0 and the draw is finite. The draw is taken even for a
    // constant pair, so a pair's parameters never shift other pairs' draws.
    return this.kind === PARETO_PER_MESSAGE || this.kind === SIMBLOCK ? this.delayForUs(from, to, 1 - this.stream.next()) : this.delayForUs(from, to, 1);
  }

  /**
   * delayUs with the message's uniform `u` in (0, 1] given instead of drawn from 'net:latency' (a keyed draw:
   * Network.sendBurst). Models without a per-message draw ignore it.
   */
  delayForUs(from: number, to: number, u: number): Micros {
    const pair = this.regionOf[from]! * this.regionCount + this.regionOf[to]!;
    if (this.kind === PARETO_PER_MESSAGE || this.kind === SIMBLOCK) {
      const inv = this.invShapeOf[pair]!;
      return inv === 0 ? this.meanUs[pair]! : msToUs(this.scaleMs[pair]! / Math.pow(u, inv));
    }
    if (this.kind === CONSTANT) return this.meanUs[pair]!;
    return this.linkUs(from, to, pair);
  }

  private linkUs(from: number, to: number, pair: number): Micros {
    const n = this.regionOf.length;
    const dense = this.denseLinks;
    if (dense !== undefined) {
      const cached = dense[from * n + to]!;
      if (cached >= 0) return cached;
      return (dense[from * n + to] = this.drawLink(from, to, pair));
    }
    const key = from * n + to; // < 2^53 for any node count the schema allows (≤ 10^6)
    const cached = this.sparseLinks!.get(key);
    if (cached !== undefined) return cached;
    const us = this.drawLink(from, to, pair);
    this.sparseLinks!.set(key, us);
    return us;
  }

  private drawLink(from: number, to: number, pair: number): Micros {
    const u = this.rng.keyedUniform(`link:${from}:${to}`);
    return msToUs(this.scaleMs[pair]! / Math.pow(1 - u, this.invShape));
  }
}
