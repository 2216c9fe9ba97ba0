import type { NodeId, TxSet } from '../types.js';
import type { BftMsg, BftTimer, GenMsg, GenTimer } from '../bft/index.js';
import { ENVELOPE_BYTES } from '../bft/messages.js';
import type { EpochPlan } from './sharding.js';

/**
 * A Zilliqa node is a composite (node.ts): its DS committee replica (bft's ReconfigurableReplica, layer
 * `ds`), its shard replica for the current DS epoch (a BftReplica, layer `shard`, tagged with the DS epoch
 * and shard so a stale one is dropped), and its own messages (layer `zil`).
 */
export type ZilEnvelope =
  | { readonly layer: 'ds'; readonly type: string; readonly inner: GenMsg }
  | { readonly layer: 'shard'; readonly type: string; readonly epoch: number; readonly shard: number; readonly inner: BftMsg }
  | { readonly layer: 'zil'; readonly type: string; readonly inner: ZilMsg };

export type ZilTimerEnvelope =
  | { readonly layer: 'ds'; readonly inner: GenTimer }
  | { readonly layer: 'shard'; readonly epoch: number; readonly shard: number; readonly inner: BftTimer }
  | { readonly layer: 'zil'; readonly inner: ZilTimer };

export type ZilMsg =
  /** A PoW solution for DS epoch `epoch`; `ds` when it met the DS difficulty. */
  | { readonly type: 'powSubmission'; readonly epoch: number; readonly ds: boolean }
  /** DS block `epoch` with its sharding structure, forwarded by the DS committee to every other node. */
  | { readonly type: 'dsBlock'; readonly epoch: number; readonly plan: EpochPlan }
  /** Final block `k` of DS epoch `epoch` (header and microblock infos), forwarded like the DS block. */
  | { readonly type: 'finalBlock'; readonly epoch: number; readonly k: number; readonly last: boolean }
  /** The transactions of shard `shard`'s microblock `k`, pushed down the shard's sharing tree from `root`. */
  | { readonly type: 'txPacket'; readonly epoch: number; readonly shard: number; readonly k: number; readonly root: NodeId; readonly txs: TxSet }
  /** A decided microblock, from the shard's leader to every DS member. */
  | {
      readonly type: 'microblock';
      readonly epoch: number;
      readonly shard: number;
      readonly k: number;
      readonly height: number;
      readonly txs: TxSet;
    }
  /** Pooled client transactions handed to the leader of their shard (after a new DS block). */
  | { readonly type: 'txForward'; readonly txs: TxSet };

export type ZilTimer =
  /** This node found a PoW solution for DS epoch `epoch` (`ds`: one that meets the DS difficulty). */
  | { readonly kind: 'pow'; readonly epoch: number; readonly ds: boolean }
  /** A shard leader cuts TX epoch k's packet from its pool; the microblock may be proposed from `readyAtUs`. */
  | { readonly kind: 'cutPacket'; readonly epoch: number; readonly shard: number; readonly k: number; readonly readyAtUs: number };

/** Byte sizes of the composite's own messages (README "Sizes"). */
export class ZilSizes {
  constructor(
    private readonly headerBytes: number,
    private readonly signatureBytes: number,
    private readonly txSizeBytes: number,
    private readonly txHashBytes: number,
    private readonly shardingBytesPerNode: number,
    private readonly microblockInfoBytes: number,
    private readonly submissionBytes: number,
  ) {}

  powSubmission(): number {
    return this.submissionBytes;
  }

  /** Header, the new members' keys and peers, one sharding entry per shard node, the collective signature. */
  dsBlock(plan: EpochPlan): number {
    let sharded = 0;
    for (const s of plan.shards) sharded += s.length;
    return this.headerBytes + this.signatureBytes + this.shardingBytesPerNode * (sharded + plan.dsJoined.length);
  }

  finalBlock(microblocks: number): number {
    return this.headerBytes + this.signatureBytes + this.microblockInfoBytes * microblocks;
  }

  /** Microblock header, transaction hashes, collective signature and the committee's signer bitmap. */
  microblock(txCount: number, committeeSize: number): number {
    return this.headerBytes + this.txHashBytes * txCount + this.signatureBytes + Math.ceil(committeeSize / 8);
  }

  txPacket(txCount: number): number {
    return ENVELOPE_BYTES + this.txSizeBytes * txCount;
  }

  txForward(txCount: number): number {
    return ENVELOPE_BYTES + this.txSizeBytes * txCount;
  }
}

export function zil(inner: ZilMsg): ZilEnvelope {
  return { layer: 'zil', type: `zil.${inner.type}`, inner };
}
