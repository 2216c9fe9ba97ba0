import type { RngRoot } from '../../../kernel/rng.js';
import { serialisationUs, type Micros } from '../../../kernel/time.js';
import type { CpuConfig, IosConfig } from '../../../scenario/schema.js';
import type { NodeId } from '../../types.js';
import { EdsSizes } from './messages.js';

/** Configuration of one EdsNode (node.ts); README.md explains the timeouts. */
export interface EdsConfig {
  readonly self: NodeId;
  /** The validator set, node ids; every node must be given the same list (order does not matter). */
  readonly validators: readonly NodeId[];
  /** Δ, the synchrony bound. */
  readonly deltaUs: Micros;
  readonly drp: IosConfig['drp'];
  readonly cpu: CpuConfig;
  /** For the keyed lotteries and rnd_e. */
  readonly rng: RngRoot;
  /** A Byzantine validator: gossips its lottery, but as a client never starts DRP and as a server stays silent. */
  readonly adversary?: boolean;
  /** Size of the node-id space (default: largest validator id + 1). */
  readonly nodeCount?: number;
  /**
   * Gossip only lotteries below c/n (expected c gossipers per view), Algorand-style, instead of all n; a view
   * in which nobody qualifies is rerun as v+1 (probability e^-c). Default: everyone gossips (the paper).
   */
  readonly lotteryCandidates?: number;
  /**
   * The upload bandwidth (Mbit/s) the run deadline assumes for a client's broadcasts: the slowest region's, as
   * a synchrony bound must hold whoever is elected. Omitted: broadcasts are not counted.
   */
  readonly clientUploadMbps?: number;
  /** Completion bound of one run, from its start; default 5Δ + the client's CPU and upload bounds (README). */
  readonly runTimeoutUs?: Micros;
  /**
   * Round fidelity (the leagues' `fidelity: round`): the lottery and rnd_e floods are computed in one pass and
   * each validator gets its first copy only (flood.ts); default false, every copy an event.
   */
  readonly computedGossip?: boolean;
  /** Who writes the `eds.randomness` trace event: the DRP client only (default, one per epoch) or every validator. */
  readonly traceEpochStart?: 'leader' | 'all';
}

export interface EdsStats {
  lotteriesGossiped: number;
  lotteriesVerified: number;
  runsLed: number;
  runsFailed: number;
  views: number;
}

/**
 * The completion bound of one DRP run, from its start (our choice; the whitepaper gives only Δ): four phases
 * each bounded by Δ at the client (shares, CoSi, reveal; then the gossip of rnd_e), one Δ of slack, plus the
 * client's worst-case CPU (verify every encrypted and every decrypted share, aggregate n signature shares),
 * one server's (create and decrypt its group's shares), and the time the client's uplink needs for its three
 * broadcasts (grouping, CoSi announcement, sign-off: n − 1 copies each; its phase windows open when they
 * have left, drp.ts) at `clientUploadMbps`.
 */
export function defaultRunTimeoutUs(cfg: EdsConfig): Micros {
  const n = cfg.validators.length;
  const c = Math.min(cfg.drp.groupSize, n);
  const clientCpuUs = n * (2 * c * cfg.cpu.verifyUs + cfg.cpu.aggregateUsPerSigner) + 3 * cfg.cpu.signUs + cfg.cpu.verifyUs;
  const serverCpuUs = 2 * c * cfg.cpu.signUs + 2 * cfg.cpu.verifyUs;
  const sizes = new EdsSizes(n, cfg.drp.shareBytes, cfg.drp.commitBytes);
  const broadcastBytes = (n - 1) * (sizes.grouping() + sizes.cosiAnnounce() + sizes.revealRequest());
  const uploadUs = cfg.clientUploadMbps === undefined ? 0 : serialisationUs(broadcastBytes, cfg.clientUploadMbps);
  return Math.ceil(5 * cfg.deltaUs + clientCpuUs + serverCpuUs + uploadUs);
}
