import type { Micros } from '../../kernel/time.js';
import type { NodeId, TxSet } from '../types.js';
import type { BlockRef } from './messages.js';
import { POINT_BYTES } from './messages.js';
import type { Mempool } from './mempool.js';

/**
 * Hooks that let an owner embed BftReplica in a larger protocol (IOS's normal league, DESIGN §6.6) without
 * changing what the plain `bft` protocol does: every hook is optional and its default is the behaviour
 * README.md describes. None of them is needed by `protocol.type = "bft"`.
 */

/** What a block source hands the leader: transactions, bytes they add to the block, and opaque metadata. */
export interface SourceBlock {
  readonly txs: TxSet;
  /** Bytes beyond header + txCount·txSizeBytes (e.g. the headers and signatures of merged sub-blocks). */
  readonly extraBytes: number;
  /** Travels with the block (BlockRef.meta) to every member and back to the owner in `bftCommitted`. */
  readonly meta?: unknown;
}

/**
 * Where the leader takes its next block from. The default is the FIFO mempool fed by `txs` inputs
 * (MempoolSource). `take` is called whenever the leader may propose (the previous block is decided and
 * blockIntervalMs has passed); null means nothing to propose.
 */
export interface BlockSource {
  take(maxTxs: number, now: Micros): SourceBlock | null;
  /** A block given up in its prepare round (nobody prepared it) comes back. Without it, it is dropped. */
  putBack?(block: SourceBlock): void;
  /** Client transactions handed to this replica (`txs` input). A source without it rejects such inputs. */
  add?(txs: TxSet): void;
  /** Crash recovery: what the source held in memory is lost (default mempool) or kept (a source's choice). */
  clear?(): void;
  /**
   * Everything pending, as plain transactions, for a leader that leaves its committee (reconfig.ts sends
   * them to the new leader). Without it they stay behind.
   */
  drain?(): TxSet | null;
  /** Pending transactions, for `BftReplica.pendingTxs`. */
  readonly size?: number;
}

/** The default source: the leader's FIFO mempool (README "Mempool at the leader"). */
export class MempoolSource implements BlockSource {
  constructor(readonly mempool: Mempool) {}
  take(maxTxs: number): SourceBlock | null {
    const txs = this.mempool.take(maxTxs);
    return txs ? { txs, extraBytes: 0 } : null;
  }
  putBack(block: SourceBlock): void {
    this.mempool.putBack(block.txs);
  }
  add(txs: TxSet): void {
    this.mempool.add(txs);
  }
  clear(): void {
    this.mempool.clear();
  }
  drain(): TxSet | null {
    return this.mempool.take(this.mempool.size);
  }
  get size(): number {
    return this.mempool.size;
  }
}

/** A proof against a block found while validating it (e.g. PoB's fraud proof); `key` deduplicates. */
export interface Evidence {
  readonly key: string;
  readonly sizeBytes: number;
}

/**
 * Prepare-round validation at a member, replacing "validate every transaction at txValidateUs".
 * Evidence rides up the CoSi tree with the commitments (deduplicated by key); when the leader's round
 * has a quorum and any evidence, it amends the block's metadata (`amend`) and sends the evidence down with
 * the Challenge, so the collective signature covers the amended block. CoSi allows this: commitments do
 * not depend on the message, the challenge c = H(V ‖ statement) fixes it (Syta et al. §IV-A).
 */
export interface BlockValidator {
  /** CPU µs this member spends validating `block`, and what it found against it. */
  inspect(block: BlockRef): { readonly cpuUs: number; readonly evidence: readonly Evidence[] };
  /** Leader: fold the evidence into the block's metadata; idempotent (a star retry may amend again). */
  amend(block: BlockRef, evidence: readonly Evidence[]): { readonly meta: unknown; readonly cpuUs: number };
  /**
   * Round fidelity (the leader computes every member's inspection): what member `member` would find and
   * spend. Optional with `differs`: without them every member is taken to inspect as this one does.
   */
  inspectAs?(member: NodeId, block: BlockRef): { readonly cpuUs: number; readonly evidence: readonly Evidence[] };
  /** Whether members may inspect `block` differently (false: inspectAs would give every member the same). */
  differs?(block: BlockRef): boolean;
}

/**
 * The `local` note a replica emits (with `emitLocal: true`) when a block is decided: at the leader when the
 * commit round reaches quorum (`leader: true`), at every other member when it receives the Decide.
 * A member that skipped a height (catch-up from a later announcement) gets no note for it.
 */
export interface BftCommitted {
  readonly type: 'bftCommitted';
  readonly shard: number;
  readonly height: number;
  readonly view: number;
  readonly proposer: NodeId;
  readonly txs: TxSet;
  readonly meta: unknown;
  /** The next committee, when this block carries a reconfiguration (see reconfig.ts). */
  readonly reconfig: readonly NodeId[] | null;
  readonly leader: boolean;
}

export function committedEvent(shard: number, block: BlockRef, view: number, leader: boolean): BftCommitted {
  return {
    type: 'bftCommitted',
    shard,
    height: block.height,
    view,
    proposer: block.proposer,
    txs: block.txs,
    meta: block.meta,
    reconfig: block.reconfig ?? null,
    leader,
  };
}

/** Bytes a member list adds to a block: one public key per member. */
export function reconfigBytes(members: readonly NodeId[]): number {
  return members.length * POINT_BYTES;
}

/**
 * The member list a leader writes into a reconfiguration block: rotated so that the proposer, when it stays,
 * is the new committee's leader in the current view (members[view mod n]), so the switch changes no leader.
 */
export function rotateToLead(members: readonly NodeId[], view: number, self: NodeId): NodeId[] {
  const n = members.length;
  const i = members.indexOf(self);
  if (i < 0 || n === 0) return [...members];
  const shift = (((i - (view % n)) % n) + n) % n; // rotated[(view + k) mod n] = members[i + k]
  return Array.from({ length: n }, (_, k) => members[(k + shift) % n]!);
}
