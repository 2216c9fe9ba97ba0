import type { Effect, NodeId, TxSet } from '../types.js';
import type { Evidence } from './extensions.js';

/**
 * Messages and timers of the leader-based BFT committee (ByzCoin, Kokoris-Kogias et al., USENIX Security
 * 2016, §3–4), and their sizes on the wire. Cryptography is modelled by size only: a Schnorr commitment or
 * response is one 32-byte group element/scalar, an aggregate signature is `signatureBytes` plus the signer
 * bitmap (CoSi's exception list, Syta et al., S&P 2016 §IV), a hash is 32 bytes.
 */

/** ByzCoin's two PBFT-like phases, each one CoSi round (§3). */
export type Phase = 'prepare' | 'commit';
/** CoSi communication graph: a leader-rooted tree, or the flat star ByzCoin falls back to (§4). */
export type Topology = 'tree' | 'star';

/** A block as the simulator carries it: transactions by id range, size on the wire when sent in full. */
export interface BlockRef {
  readonly height: number;
  /** View in which this block was proposed (a re-proposed block keeps its transactions, not its view). */
  readonly view: number;
  readonly proposer: NodeId;
  readonly txs: TxSet;
  /** headerBytes + txCount · txSizeBytes (+ extraBytes + the reconfiguration's member keys). */
  readonly sizeBytes: number;
  /** Owner metadata from a BlockSource (extensions.ts); absent in the plain protocol. */
  readonly meta?: unknown;
  /** Bytes the source added (kept so a given-up block goes back to its source unchanged). */
  readonly extraBytes?: number;
  /** The committee from the next height on (reconfig.ts); absent when the block changes nothing. */
  readonly reconfig?: readonly NodeId[];
}

/**
 * One CoSi round: the leader creates the object once and every message of the round refers to it.
 * Rounds are totally ordered by (view, height, phase, topology) so a replica can tell stale from new.
 */
export interface RoundKey {
  readonly view: number;
  readonly height: number;
  readonly phase: Phase;
  readonly topology: Topology;
}

export type BftMsg =
  /** CoSi Announcement, leader → tree; in the prepare phase it carries the whole block. */
  | { readonly type: 'announce'; readonly round: RoundKey; readonly block: BlockRef }
  /**
   * CoSi Commitment, aggregated bottom-up: `signers` commitments are folded into one. `evidence` (only with
   * a BlockValidator) is the union of what the subtree found against the block.
   */
  | { readonly type: 'commitment'; readonly round: RoundKey; readonly signers: number; readonly evidence?: readonly Evidence[] }
  /** CoSi Challenge, top-down, only to children whose commitment was included; with the evidence it amends. */
  | { readonly type: 'challenge'; readonly round: RoundKey; readonly evidence?: readonly Evidence[] }
  /** CoSi Response, aggregated bottom-up. */
  | { readonly type: 'response'; readonly round: RoundKey; readonly signers: number }
  /** The committed block's header and collective signature, down the same topology as the commit round. */
  | {
      readonly type: 'decide';
      readonly view: number;
      readonly topology: Topology;
      readonly block: BlockRef;
      readonly signers: number;
      /** Round fidelity: the host relayed it down the tree already (tree-round.ts); members do not relay. */
      readonly cast?: true;
    }
  /** PBFT-style vote to replace the leader; carries the voter's last decided height and prepared block. */
  | {
      readonly type: 'viewChange';
      readonly toView: number;
      readonly decidedHeight: number;
      readonly prepared: BlockRef | null;
    }
  /** The new leader's proof of 2f+1 votes (an aggregate signature), to every member. */
  | { readonly type: 'newView'; readonly view: number; readonly decidedHeight: number }
  /** An idle leader's liveness signal (our addition, see replica.ts): keeps view-change timers quiet. */
  | { readonly type: 'heartbeat'; readonly view: number; readonly decidedHeight: number };

export type BftTimer =
  /** A node stops waiting for its children's commitments or responses and forwards what it has. */
  | { readonly kind: 'cosi'; readonly round: RoundKey; readonly step: 'commitment' | 'response' }
  /** Continuation after this node's own validation and commitment CPU work has finished. */
  | { readonly kind: 'ownCommitment'; readonly round: RoundKey }
  /** Round fidelity: the host computed a CoSi round (tree-round.ts); its aggregate is at the root now. */
  | { readonly kind: 'cosiRound'; readonly round: RoundKey; readonly step: 'commitments' | 'responses' }
  /** The leader's block-interval clock; `seq` makes every earlier propose timer stale. */
  | { readonly kind: 'propose'; readonly view: number; readonly seq: number }
  /** Checks for leader silence; `seq` makes every earlier one stale. */
  | { readonly kind: 'viewChange'; readonly seq: number };

/** The effect list a handler appends to. */
export type Out = Effect<BftMsg, BftTimer>[];
export type MsgOf<T extends BftMsg['type']> = Extract<BftMsg, { type: T }>;
export type TimerOf<K extends BftTimer['kind']> = Extract<BftTimer, { kind: K }>;

const PHASE_ORDER: Record<Phase, number> = { prepare: 0, commit: 1 };
const TOPOLOGY_ORDER: Record<Topology, number> = { tree: 0, star: 1 };

/** Negative if round a is older than b, 0 if the same round, positive if newer. */
export function compareRounds(a: RoundKey, b: RoundKey): number {
  return (
    a.view - b.view ||
    a.height - b.height ||
    PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] ||
    TOPOLOGY_ORDER[a.topology] - TOPOLOGY_ORDER[b.topology]
  );
}

/** A Schnorr commitment/response (Ed25519 point or scalar) and a SHA-256 hash. */
export const POINT_BYTES = 32;
export const HASH_BYTES = 32;
/** View and height numbers and a message tag. */
export const ENVELOPE_BYTES = 32;

/** Sizes of every message, for one committee. */
export class WireSizes {
  /** The signer bitmap (one bit per member). */
  readonly bitmapBytes: number;

  constructor(
    committeeSize: number,
    readonly headerBytes: number,
    readonly signatureBytes: number,
    readonly txSizeBytes: number,
  ) {
    this.bitmapBytes = Math.ceil(committeeSize / 8);
  }

  /** Header plus transactions: what the prepare Announcement carries. */
  blockBytes(txCount: number): number {
    return this.headerBytes + txCount * this.txSizeBytes;
  }

  of(msg: BftMsg): number {
    switch (msg.type) {
      case 'announce':
        return msg.round.phase === 'prepare' ? msg.block.sizeBytes : this.headerBytes;
      case 'commitment':
        return POINT_BYTES + this.bitmapBytes + evidenceBytes(msg.evidence);
      case 'response':
        return POINT_BYTES + this.bitmapBytes;
      case 'challenge':
        return POINT_BYTES + HASH_BYTES + evidenceBytes(msg.evidence);
      case 'decide':
        return this.headerBytes + this.signatureBytes + this.bitmapBytes;
      case 'viewChange':
        return (
          ENVELOPE_BYTES +
          this.signatureBytes +
          (msg.prepared ? this.headerBytes + this.signatureBytes + this.bitmapBytes : 0)
        );
      case 'newView':
        return ENVELOPE_BYTES + this.signatureBytes + this.bitmapBytes;
      case 'heartbeat':
        return ENVELOPE_BYTES + this.signatureBytes;
    }
  }
}

function evidenceBytes(evidence: readonly Evidence[] | undefined): number {
  let b = 0;
  if (evidence) for (const e of evidence) b += e.sizeBytes;
  return b;
}
