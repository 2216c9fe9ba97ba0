import type { Micros } from '../../../kernel/time.js';
import type { BftConfig, CpuConfig } from '../../../scenario/schema.js';
import type { NodeId, TxSet } from '../../types.js';
import { ENVELOPE_BYTES, HASH_BYTES } from '../../bft/messages.js';
import type { GenMsg, GenTimer } from '../../bft/reconfig.js';
import type { CommitteeCache } from '../../bft/tree.js';
import type { SamplingMode } from './sampling.js';
import type { PobParams } from './score.js';

/**
 * Messages, block metadata, configuration and local notes of Proof-of-Believability (whitepaper
 * "Proof-of-Believability"; DESIGN §6.6). Cryptography is bytes and CPU time, never computed.
 */

/** A believable validator's optimistically validated block (a group of one; whitepaper PoB, first phase). */
export interface OptimisticBlock {
  readonly signer: NodeId;
  /** The signer's own sequence number in this epoch; (signer, seq) identifies the block. */
  readonly seq: number;
  readonly txs: TxSet;
  /**
   * Ground truth, not on the wire: the invalid transactions in it (empty from an honest validator). The
   * simulator uses it to decide what a sample finds, so nobody computes validity twice.
   */
  readonly bad: TxSet;
  /** The leader re-validated it in full (its signer is slashed): its bad transactions are already out. */
  readonly rechecked?: boolean;
}

/** BlockRef.meta of a normal-league block: the merged optimistic blocks and the one-league transactions. */
export interface PobBlockMeta {
  readonly parts: readonly OptimisticBlock[];
  /** Transactions sent straight to the leader (one-league fallback); validated in full by every member. */
  readonly direct: TxSet;
  /** Signers a fraud proof convicted in this block's prepare round (BlockValidator.amend). */
  readonly detected: readonly NodeId[];
  /** Bytes of foreign records the block carries (Atomix commit records, MergeSource.carry). */
  readonly carriedBytes?: number;
  /** A micro state block header (../msb): the block carries only it (MergeSource.queueHeader). */
  readonly msb?: MsbHeaderItem;
}

/** What PoB needs of an MSB header block (../msb MsbHeaderBlock has these fields and more). */
export interface MsbHeaderItem {
  readonly kind: 'msb';
  readonly shard: number;
  readonly epoch: number;
  readonly extraBytes: number;
  readonly txCount: number;
  readonly bodyBytes: number;
}

export type PobOwnMsg =
  /** Believable validator → normal-league leader: header + signature + transactions. */
  | { readonly type: 'optimistic'; readonly block: OptimisticBlock }
  /** A normal member that is not the leader tells a believable validator whom it follows. */
  | { readonly type: 'leaderHint'; readonly gen: number; readonly view: number; readonly leader: NodeId }
  /** Leader → believable league after each final block: what was finalised, who was slashed. */
  | {
      readonly type: 'finalNotice';
      readonly gen: number;
      readonly view: number;
      readonly height: number;
      /** (signer, seq) pairs of the optimistic blocks this block finalised, flattened. */
      readonly acks: readonly number[];
      readonly slashed: readonly NodeId[];
    }
  /** An expelled validator's unsealed transactions, to the leader (stands for clients resubmitting them). */
  | { readonly type: 'handoff'; readonly txs: TxSet };

/** Everything a PoB node sends: the normal league's BFT (tagged with its committee generation) and PoB's own. */
export type PobMsg = GenMsg | PobOwnMsg;
export type PobTimer = GenTimer | { readonly kind: 'seal'; readonly seq: number };

export type LeagueMode = 'two-league' | 'one-league';

/** What every PoB node of one shard in one epoch is built with (shard.ts fills it from the scenario). */
export interface PobShardContext {
  readonly shard: number;
  readonly epoch: number;
  readonly pob: PobParams;
  /** The normal league's BFT parameters (`ios.league` with type 'bft'). */
  readonly league: BftConfig;
  readonly cpu: CpuConfig;
  readonly txSizeBytes: number;
  /**
   * Bytes a transaction adds to a normal-league block on the wire: txSizeBytes, or pob.shortIdBytes with
   * pob.announce 'short-ids' (README "Announcement"). Also what the block cap counts.
   */
  readonly blockTxBytes: number;
  /** A keyed uniform of the run's seed (RngRoot.keyedUniform): sampling and routing outcomes. */
  readonly keyed: (key: string) => number;
  /** The workload's verdict on a transaction (invalid or double spend). */
  readonly isBad: (tx: number) => boolean;
  /** isBad over a whole set at once, by segments (the composite's book); optional, same result as id by id. */
  readonly partitionBad?: (txs: TxSet) => { yes: TxSet; no: TxSet };
  readonly sampling: SamplingMode;
  /** What sealing an optimistic block does to the sealer's Servi when it becomes final (README). */
  readonly sealerServi: 'issue' | 'clear';
  /** A believable validator unheard for this long counts as down for the fallback. */
  readonly livenessTimeoutUs: Micros;
  /** A believable validator resends blocks not finalised after this long. */
  readonly ackTimeoutUs: Micros;
  /** The leagues at the start of the epoch (league.ts). */
  readonly believable: readonly NodeId[];
  readonly normal: readonly NodeId[];
  readonly mode: LeagueMode;
  /** Committee objects shared by the shard's normal-league replicas (bft/tree.ts CommitteeCache; memory only). */
  readonly committees?: CommitteeCache;
}

/** `local` notes PoB nodes emit for their composite. */
export type PobLocal =
  /** A believable validator was convicted: all stake and Servi gone, expelled from the league. */
  | { readonly type: 'slashed'; readonly node: NodeId; readonly shard: number; readonly epoch: number }
  /** The leader re-checked a slashed validator's earlier transactions of this epoch. */
  | {
      readonly type: 'pobRecheck';
      readonly shard: number;
      readonly signer: NodeId;
      readonly rechecked: number;
      /** Invalid transactions of it that had already become final (users to compensate). */
      readonly finalisedBad: number;
      /** Invalid transactions still pending that the re-check aborted. */
      readonly aborted: number;
    }
  /** The leader's view of the leagues changed (fallback to one league or back). */
  | { readonly type: 'leagueMode'; readonly shard: number; readonly mode: LeagueMode; readonly liveBelievable: number };

/** Wire sizes (bytes) of PoB's own messages and additions to normal-league blocks. */
export class PobSizes {
  constructor(
    readonly headerBytes: number,
    readonly signatureBytes: number,
    readonly txSizeBytes: number,
  ) {}

  /** An optimistic block: its header, the believable validator's signature, its transactions. */
  optimistic(txCount: number): number {
    return this.headerBytes + this.signatureBytes + txCount * this.txSizeBytes;
  }
  /** What one merged optimistic block adds to a normal-league block besides its transactions. */
  get partOverhead(): number {
    return HASH_BYTES + this.signatureBytes;
  }
  /** A fraud proof: the invalid transaction, the signed optimistic header, its Merkle path. */
  fraudProof(partTxs: number): number {
    return this.txSizeBytes + this.headerBytes + this.signatureBytes + HASH_BYTES * Math.ceil(Math.log2(Math.max(2, partTxs)));
  }
  notice(acks: number, slashed: number): number {
    return ENVELOPE_BYTES + this.headerBytes + this.signatureBytes + HASH_BYTES * acks + 4 * slashed;
  }
  get hint(): number {
    return ENVELOPE_BYTES + this.signatureBytes;
  }
  handoff(txCount: number): number {
    return ENVELOPE_BYTES + this.signatureBytes + txCount * this.txSizeBytes;
  }
}

export function partKey(signer: NodeId, seq: number): string {
  return `${signer}:${seq}`;
}
