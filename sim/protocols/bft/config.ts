import type { BftConfig, CpuConfig } from '../../scenario/schema.js';
import type { NodeId } from '../types.js';
import type { BlockSource, BlockValidator } from './extensions.js';
import type { Topology } from './messages.js';
import type { CommitteeCache } from './tree.js';

/** How a BftReplica is built. Everything after `txSizeBytes` is an optional hook (extensions.ts). */
export interface BftReplicaConfig {
  readonly self: NodeId;
  /** The committee, node ids in the global node space; the leader of view v is members[v % n]. */
  readonly members: readonly NodeId[];
  readonly shard: number;
  readonly params: BftConfig;
  readonly cpu: CpuConfig;
  readonly txSizeBytes: number;
  /** Where the leader takes blocks from; default the FIFO mempool fed by `txs` inputs (MempoolSource). */
  readonly source?: BlockSource;
  /** Prepare-round validation (cost and evidence); default: every transaction at txValidateUs. */
  readonly validator?: BlockValidator;
  /** Emit a `local` BftCommitted note at the leader and at every member on a Decide. Default false. */
  readonly emitLocal?: boolean;
  /**
   * Emit `commit` effects (confirm and final) at the leader. Default true; an owner that decides what a
   * block finalises (PoB excludes detected transactions) turns it off and reads `bftCommitted` instead.
   */
  readonly emitCommits?: boolean;
  /** Decided height and view to start from (a committee that continues a chain: continueWith). Default 0. */
  readonly startHeight?: number;
  readonly startView?: number;
  /** Share Committee objects with the other replicas built with this cache (memory only; see CommitteeCache). */
  readonly committees?: CommitteeCache;
}

/** A block this replica committed as leader, with its CoSi signer counts. */
export interface CommittedBlock {
  readonly height: number;
  readonly view: number;
  readonly txCount: number;
  readonly prepareSigners: number;
  readonly commitSigners: number;
  readonly topology: Topology;
}

export interface BftStats {
  proposed: number;
  committed: number;
  /** Tree rounds that ended below quorum and were retried on the star. */
  starFallbacks: number;
  /** Blocks abandoned after the star attempt also missed quorum. */
  givenUp: number;
  /** Views this replica installed as the new leader. */
  viewsLed: number;
  heartbeats: number;
}
