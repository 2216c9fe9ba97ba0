import type { Effect, NodeId, TxSet } from '../../types.js';

/**
 * Atomix messages (OmniLedger, Kokoris-Kogias et al., S&P 2018, §IV-D; IOS whitepaper "Inter-Shard
 * Transactions"), at range granularity: every message carries id ranges, never per-transaction objects.
 * Cryptography is size only: a proof of acceptance or rejection is the collective signature of the input
 * shard's block that logged the decision (ByzCoin/CoSi: signatureBytes + a signer bitmap) with its header.
 */

/**
 * One input shard's decisions for one driver, certified by one finalised block. `accepted` ids are locked
 * (proof of acceptance), `rejected` ids are refused (proof of rejection); both as sorted flat ranges.
 */
export interface ProofRef {
  readonly shard: number;
  /** Height of the block whose collective signature is the proof. */
  readonly height: number;
  readonly signers: number;
  /** Committee size, for the signer bitmap and the quorum check. */
  readonly members: number;
  /** Ids accepted and rejected, as normalised flat ranges (sorted, disjoint: the input shard's `normalize`). */
  readonly accepted: readonly number[];
  readonly rejected: readonly number[];
}

export type AtomixMsg =
  /** Initialize (§IV-D step 1): the driver hands the transactions to an input shard for validation. */
  | { readonly type: 'lockRequest'; readonly txs: TxSet; readonly driver: NodeId }
  /** Lock (step 2): an input shard's proof of acceptance/rejection, to the driver. */
  | { readonly type: 'proof'; readonly proof: ProofRef }
  /** Unlock to commit (step 3): all proofs of acceptance, to an output shard. */
  | { readonly type: 'unlockCommit'; readonly txs: TxSet; readonly proofs: readonly ProofRef[] }
  /**
   * Unlock to abort (step 3): to the input shards that accepted (and those yet to decide), with the proofs
   * of rejection; `timeout` when the driver gave up waiting (lockTimeoutMs) and has no proof of rejection.
   */
  | { readonly type: 'unlockAbort'; readonly txs: TxSet; readonly proofs: readonly ProofRef[]; readonly timeout: boolean };

/** The driver stops waiting for the proofs of one client batch; stale once the batch is resolved. */
export interface AtomixTimer {
  readonly kind: 'lockTimeout';
  readonly ticket: number;
}

export type AtomixEffect = Effect<AtomixMsg, AtomixTimer>;

/** Message tag, sequence numbers and the count of ranges. */
export const ENVELOPE_BYTES = 8;
/** A range in a tx-id summary: its first id and length, plus a 24-byte digest of the ids (Merkle root). */
export const RANGE_BYTES = 32;

/** Wire sizes of Atomix messages. */
export class AtomixSizes {
  constructor(
    /** The block header a proof carries (bft headerBytes, 200 by default). */
    readonly headerBytes: number,
    /** The collective (CoSi) signature, without its bitmap (bft signatureBytes, 64 by default). */
    readonly signatureBytes: number,
    readonly txSizeBytes: number,
  ) {}

  /** A proof of acceptance or rejection: header + collective signature + ⌈members/8⌉ signer bitmap. */
  proofBytes(members: number): number {
    return this.headerBytes + this.signatureBytes + Math.ceil(members / 8);
  }

  /** A tx-id summary of `ranges` flat ranges. */
  summaryBytes(ranges: readonly number[]): number {
    return ENVELOPE_BYTES + RANGE_BYTES * (ranges.length >> 1);
  }

  of(msg: AtomixMsg): number {
    switch (msg.type) {
      case 'lockRequest':
        return this.summaryBytes(msg.txs.ranges) + msg.txs.count * this.txSizeBytes;
      case 'proof':
        return this.proofBytes(msg.proof.members) + ENVELOPE_BYTES + RANGE_BYTES * ((msg.proof.accepted.length + msg.proof.rejected.length) >> 1);
      case 'unlockCommit':
      case 'unlockAbort': {
        let n = this.summaryBytes(msg.txs.ranges);
        for (const p of msg.proofs) n += this.proofBytes(p.members);
        // A timeout abort carries the driver's own signature instead of a proof of rejection.
        if (msg.type === 'unlockAbort' && msg.timeout) n += this.signatureBytes;
        return n;
      }
    }
  }
}
