import type { Effect, NodeId } from '../../types.js';

/**
 * Messages, timers and local notes of EDS: the leader election with back-up (whitepaper "Efficient
 * Distributed Sharding", "Algorithm - Leader Election with Back-up Protocol") and the DRP it elects a
 * client for (whitepaper "Distributed Randomness Protocol": RandHound, Syta et al., "Scalable
 * Bias-Resistant Distributed Randomness", S&P 2017). Cryptography is modelled by size and CPU only
 * (DESIGN §4); the lottery and rnd_e, which decide outcomes, come from keyed hashes.
 */

/** One DRP run: the leader (attempt 0) or a backup (1, 2) of view `view` in epoch `epoch`. */
export interface RunKey {
  readonly epoch: number;
  readonly view: number;
  readonly attempt: number;
  /** The run's client (the elected validator). */
  readonly leader: NodeId;
}

/** The balanced grouping of a run, shared by reference between the messages of the run. */
export interface Grouping {
  /** Group of each node id (-1 for non-validators). */
  readonly groupOf: Int32Array;
  /** Members per group. */
  readonly sizes: Int32Array;
}

export type EdsMsg =
  /** Self-input from the composite: start the election of `epoch` (same as calling EdsNode.begin). */
  | { readonly type: 'beginEpoch'; readonly epoch: number }
  /** Step 1–2: a validator's VRF lottery for (epoch, view), gossiped to all validators. */
  | { readonly type: 'lottery'; readonly epoch: number; readonly view: number; readonly node: NodeId; readonly value: number }
  /** DRP: the client's session start with its balanced grouping (sent as the seed it derives from). */
  | { readonly type: 'grouping'; readonly run: RunKey; readonly grouping: Grouping }
  /** DRP phase 1: a server's PVSS-encrypted shares for its group members, with commitments and NIZKs. */
  | { readonly type: 'shares'; readonly run: RunKey }
  /** DRP: CoSi announcement of the fixed per-group input subsets. */
  | { readonly type: 'cosiAnnounce'; readonly run: RunKey; readonly chosenPerGroup: Int32Array }
  /** DRP: a server's signature share on the fixed subsets. */
  | { readonly type: 'cosiResponse'; readonly run: RunKey }
  /** DRP phase 2: the collective sign-off, asking servers to reveal (decrypt) their shares. */
  | { readonly type: 'revealRequest'; readonly run: RunKey; readonly chosenPerGroup: Int32Array; readonly signers: number }
  /** DRP phase 2: a server's decrypted shares (with DLEQ proofs) of its group's chosen inputs. */
  | { readonly type: 'reveal'; readonly run: RunKey }
  /** Step 5: rnd_e with its proof (CoSi signature and signer bitmap), gossiped to all validators. */
  | { readonly type: 'randomness'; readonly run: RunKey; readonly rnd: number; readonly signers: number };

export type DrpPhase = 'shares' | 'cosi' | 'reveal';

export type EdsTimer =
  /** Step 3: Δ after the lottery of (epoch, view) was gossiped, fix the leader and the two backups. */
  | { readonly kind: 'fixLeader'; readonly epoch: number; readonly view: number }
  /** Step 7: Δ after a run should have started, fail it if its client has not started DRP. */
  | { readonly kind: 'startCheck'; readonly epoch: number; readonly view: number; readonly attempt: number }
  /** Step 7 (completion bound, ours): fail the run if rnd_e has not arrived by then. */
  | { readonly kind: 'runDeadline'; readonly epoch: number; readonly view: number; readonly attempt: number }
  /** The client's wait for a DRP phase (shares, CoSi responses, reveals) ends. */
  | { readonly kind: 'drp'; readonly run: RunKey; readonly phase: DrpPhase }
  /** The client reports its own rnd_e once the CPU work before it is done (a zero timer after the `cpu` effects). */
  | { readonly kind: 'combined'; readonly msg: Extract<EdsMsg, { type: 'randomness' }> };

/** What EdsNode tells its composite parent (a `local` effect). */
export type EdsLocalEvent =
  /** rnd_e is known at this validator: the composite assigns shards from it (permutationAssignment). */
  | {
      readonly type: 'randomness';
      readonly epoch: number;
      readonly rnd: number;
      readonly leader: NodeId;
      readonly view: number;
      readonly attempt: number;
    }
  /** This validator marked a run failed and excluded its client for the rest of the epoch (step 7). */
  | { readonly type: 'leaderFailed'; readonly epoch: number; readonly view: number; readonly attempt: number; readonly leader: NodeId };

export type Out = Effect<EdsMsg, EdsTimer>[];
export type MsgOf<T extends EdsMsg['type']> = Extract<EdsMsg, { type: T }>;
export type TimerOf<K extends EdsTimer['kind']> = Extract<EdsTimer, { kind: K }>;

/** Type tag, epoch, view, attempt and the sender, packed. */
export const HEADER_BYTES = 16;
/** VRF output (a hash) and an ECVRF-EDWARDS25519 proof (RFC 9381: 80 bytes). */
export const VRF_OUTPUT_BYTES = 32;
export const VRF_PROOF_BYTES = 80;
/** A Schnorr signature, and a signature share of CoSi. */
export const SIGNATURE_BYTES = 64;
/** A decrypted PVSS share with its DLEQ proof (a point and a proof scalar pair). */
export const DECRYPTED_SHARE_BYTES = 64;
export const HASH_BYTES = 32;

/** Sizes on the wire for one validator set; see README.md for the table. */
export class EdsSizes {
  readonly bitmapBytes: number;

  constructor(
    validators: number,
    readonly shareBytes: number,
    readonly commitBytes: number,
  ) {
    this.bitmapBytes = Math.ceil(validators / 8);
  }

  lottery(): number {
    return VRF_OUTPUT_BYTES + VRF_PROOF_BYTES + 8;
  }
  /** The grouping is a deterministic function of a seed (RandHound derives it from public randomness). */
  grouping(): number {
    return HEADER_BYTES + HASH_BYTES + SIGNATURE_BYTES;
  }
  /** groupSize encrypted shares (each with its NIZK) and groupSize polynomial commitments. */
  shares(groupSize: number): number {
    return HEADER_BYTES + groupSize * (this.shareBytes + this.commitBytes);
  }
  /** Hash of the chosen inputs and their bitmap. */
  cosiAnnounce(): number {
    return HEADER_BYTES + HASH_BYTES + this.bitmapBytes;
  }
  cosiResponse(): number {
    return HEADER_BYTES + SIGNATURE_BYTES;
  }
  /** The collective signature and its signer bitmap. */
  revealRequest(): number {
    return HEADER_BYTES + SIGNATURE_BYTES + this.bitmapBytes;
  }
  /** One decrypted share per chosen input of the server's group. */
  reveal(chosenInGroup: number): number {
    return HEADER_BYTES + chosenInGroup * DECRYPTED_SHARE_BYTES;
  }
  /** rnd_e and its proof: the CoSi signature with its signer bitmap. */
  randomness(): number {
    return HEADER_BYTES + HASH_BYTES + SIGNATURE_BYTES + this.bitmapBytes;
  }
}

/** Same run? */
export function sameRun(a: RunKey, b: RunKey): boolean {
  return a.epoch === b.epoch && a.view === b.view && a.attempt === b.attempt && a.leader === b.leader;
}
