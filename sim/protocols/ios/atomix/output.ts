import type { CpuConfig } from '../../../scenario/schema.js';
import type { Micros } from '../../../kernel/time.js';
import type { TxSet } from '../../types.js';
import { pushRange, txSetOf } from '../../types.js';
import type { CrossShardFacts, FactSegment } from './facts.js';
import { isCrossShard } from './facts.js';
import type { AtomixEffect, AtomixMsg, AtomixSizes, ProofRef } from './messages.js';
import type { AtomixBook, AtomixObserver } from './observer.js';
import { IntervalSet, countOf, intersectSorted, normalize } from '../../../workload/ranges.js';
import { RouteSets } from './route-sets.js';

/**
 * The output-shard side of Atomix (OmniLedger §IV-D step 3, unlock to commit; IOS whitepaper steps 3–4).
 * An unlock-to-commit is checked — every id must be covered by a proof of acceptance, signed by a quorum,
 * from EVERY input shard of its route, and this shard must be one of its output shards — and queued. The
 * composite puts queued commits in this shard's next block (`takeForBlock`) and, when that block is final,
 * calls `onBlockFinal`: the outputs are credited and the transactions reported final. Ids already committed
 * or queued here are ignored, so duplicate unlock messages and blocks reported twice are harmless.
 */

export interface AtomixOutputShardConfig {
  readonly shard: number;
  readonly facts: CrossShardFacts;
  readonly sizes: AtomixSizes;
  readonly cpu: CpuConfig;
  readonly observer?: AtomixObserver;
  readonly initialBalance?: number;
  /**
   * Where the shard keeps which ids are queued and committed: sets shared by every output shard of a run
   * (IosAtomix's), as they are kept per route position (route-sets.ts). Default: sets of its own.
   */
  readonly sets?: AtomixOutputSets;
  /** TEST ONLY — a broken shard that commits without checking the proofs (must be caught). */
  readonly unsafeSkipProofCheck?: boolean;
}

/** The output shards' id sets, per shard (RouteSets over output shards). */
export interface AtomixOutputSets {
  readonly queued: RouteSets;
  readonly committed: RouteSets;
}

export function newAtomixOutputSets(): AtomixOutputSets {
  return { queued: new RouteSets('outputShards'), committed: new RouteSets('outputShards') };
}

/** Commits a block carries: ids and the bytes they add to the block (the unlock records with their proofs). */
export interface AtomixCommitPart {
  readonly shard: number;
  readonly txs: TxSet;
  readonly sizeBytes: number;
}

export interface AtomixOutputStats {
  committed: number;
  /** Ids of unlock-to-commit messages refused: a proof was missing, short of a quorum, or this is not an output shard. */
  refused: number;
  /** Ids that arrived again while queued or after their commit. */
  duplicates: number;
}

interface Queued {
  readonly ranges: number[];
  readonly sizeBytes: number;
}

/** Signers a ByzCoin/CoSi proof needs: ⌈(n + f + 1)/2⌉ with f = ⌊(n − 1)/3⌋ (bft/tree.ts Committee.quorum). */
export function quorumOf(members: number): number {
  const f = Math.floor((members - 1) / 3);
  return Math.ceil((members + f + 1) / 2);
}

export class AtomixOutputShard {
  readonly shard: number;
  readonly book: AtomixBook;
  readonly stats: AtomixOutputStats = { committed: 0, refused: 0, duplicates: 0 };
  private readonly queue: Queued[] = [];
  private readonly queuedTx: RouteSets;
  private readonly committedTx: RouteSets;
  private queued = 0;

  constructor(private readonly cfg: AtomixOutputShardConfig) {
    this.shard = cfg.shard;
    this.book = { balance: cfg.initialBalance ?? 0, locked: 0 };
    const sets = cfg.sets ?? newAtomixOutputSets();
    this.queuedTx = sets.queued;
    this.committedTx = sets.committed;
  }

  /** Ids waiting for a block. */
  get queuedCount(): number {
    return this.queued;
  }

  /** Verify the proofs (one aggregate signature check each), queue what they justify. */
  onUnlockCommit(_now: Micros, msg: Extract<AtomixMsg, { type: 'unlockCommit' }>): AtomixEffect[] {
    const out: AtomixEffect[] = [{ kind: 'cpu', us: this.cfg.cpu.verifyUs * msg.proofs.length }];
    // Per input shard, what its quorum proofs accept: the one proof itself (its ranges are normalised:
    // sorted and disjoint), or the union of several as a set.
    const accepted = new Map<number, Accepted>();
    for (const p of msg.proofs) {
      if (p.signers < quorumOf(p.members)) continue;
      const had = accepted.get(p.shard);
      if (had === undefined) accepted.set(p.shard, p);
      else {
        const set = had instanceof IntervalSet ? had : IntervalSet.of(had.accepted);
        set.addRanges(p.accepted);
        accepted.set(p.shard, set);
      }
    }
    const valid: number[] = [];
    const take = (seg: FactSegment) => {
      const before = valid.length;
      if (this.cfg.unsafeSkipProofCheck) valid.push(seg.start, seg.end);
      else this.justifyInto(seg, accepted, valid);
      let n = 0;
      for (let k = before; k < valid.length; k += 2) {
        n += valid[k + 1]! - valid[k]!;
        this.queued += this.queuedTx.add(this.shard, seg, valid[k]!, valid[k + 1]!);
      }
      this.stats.refused += seg.end - seg.start - n;
    };
    // Segment by segment: the ids neither committed nor queued here yet.
    const fresh = (seg: FactSegment) => {
      const a = seg.start;
      const b = seg.end;
      if (this.committedTx.countIn(this.shard, seg, a, b) === 0 && this.queuedTx.countIn(this.shard, seg, a, b) === 0) {
        take(seg); // all fresh: the common case
        return;
      }
      const ids: number[] = [];
      const notCommitted = this.committedTx.subtract(this.shard, seg, a, b, []);
      for (let j = 0; j < notCommitted.length; j += 2) this.queuedTx.subtract(this.shard, seg, notCommitted[j]!, notCommitted[j + 1]!, ids);
      this.stats.duplicates += b - a - countOf(ids);
      for (let j = 0; j < ids.length; j += 2) this.cfg.facts.forEachSegment(ids[j]!, ids[j + 1]!, take);
    };
    const r = msg.txs.ranges;
    for (let i = 0; i < r.length; i += 2) if (r[i]! < r[i + 1]!) this.cfg.facts.forEachSegment(r[i]!, r[i + 1]!, fresh);
    if (valid.length > 0) {
      const ranges = normalize(valid);
      this.queue.push({ ranges, sizeBytes: this.cfg.sizes.summaryBytes(ranges) + proofBytes(this.cfg.sizes, msg.proofs) });
    }
    return out;
  }

  /** Queued commits for the next block, oldest first, up to `maxBytes` (at least one record if any). */
  takeForBlock(maxBytes = Infinity): AtomixCommitPart | null {
    if (this.queue.length === 0) return null;
    const ranges: number[] = [];
    let sizeBytes = 0;
    while (this.queue.length > 0 && (ranges.length === 0 || sizeBytes + this.queue[0]!.sizeBytes <= maxBytes)) {
      const q = this.queue.shift()!;
      ranges.push(...q.ranges);
      sizeBytes += q.sizeBytes;
    }
    return { shard: this.shard, txs: txSetOf(normalize(ranges)), sizeBytes };
  }

  /** A part taken for a block that was given up goes back to the front of the queue. */
  requeue(part: AtomixCommitPart): void {
    this.queue.unshift({ ranges: part.txs.ranges.slice(), sizeBytes: part.sizeBytes });
  }

  /** The block carrying `part` is final: credit the outputs, report the transactions final. */
  onBlockFinal(now: Micros, part: AtomixCommitPart): AtomixEffect[] {
    const fresh: number[] = [];
    const perRoute = new Map<number, number>();
    const r = part.txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      this.cfg.facts.forEachSegment(r[i]!, r[i + 1]!, (seg) => {
        const ids = this.committedTx.subtract(this.shard, seg, seg.start, seg.end, this.scratch);
        for (let j = 0; j < ids.length; j += 2) {
          const a = ids[j]!;
          const b = ids[j + 1]!;
          pushRange(fresh, a, b);
          this.queued -= this.queuedTx.remove(this.shard, seg, a, b);
          this.committedTx.add(this.shard, seg, a, b);
          this.book.balance += creditPerTx(seg, this.shard) * (b - a);
          const from = seg.inputShards[0]!;
          perRoute.set(from, (perRoute.get(from) ?? 0) + b - a);
        }
        ids.length = 0;
      });
    }
    if (fresh.length === 0) return [];
    const n = countOf(fresh);
    this.stats.committed += n;
    this.cfg.observer?.committed(now, this.shard, fresh);
    const out: AtomixEffect[] = [{ kind: 'commit', level: 'final', txs: txSetOf(fresh), shard: this.shard }];
    for (const [from, count] of perRoute) {
      out.push({ kind: 'trace', event: { type: 'crossshard.batch', fromShard: from, toShard: this.shard, committed: count, aborted: 0 } });
    }
    return out;
  }

  private readonly scratch: number[] = [];

  /** Appends to `out` the ids of seg that this shard outputs and that every input shard's proofs accept. */
  private justifyInto(seg: FactSegment, accepted: ReadonlyMap<number, Accepted>, out: number[]): void {
    if (!isCrossShard(seg) || !seg.outputShards.includes(this.shard)) return;
    const ins = seg.inputShards;
    if (ins.length === 1) {
      // One input shard (the common case): its acceptances, straight into `out`.
      const a = accepted.get(ins[0]!);
      if (a) intersectAccepted(a, seg.start, seg.end, out);
      return;
    }
    let ok = [seg.start, seg.end];
    for (const s of ins) {
      const a = accepted.get(s);
      if (!a) return;
      const next: number[] = [];
      for (let j = 0; j < ok.length; j += 2) intersectAccepted(a, ok[j]!, ok[j + 1]!, next);
      ok = next;
    }
    for (const x of ok) out.push(x);
  }
}

/** An input shard's acceptances in one unlock-to-commit: its one proof, or the union of its several. */
type Accepted = ProofRef | IntervalSet;

function intersectAccepted(a: Accepted, s: number, e: number, out: number[]): void {
  if (a instanceof IntervalSet) a.intersect(s, e, out);
  else intersectSorted(a.accepted, s, e, out);
}

/**
 * Value this output shard receives per transaction of seg: the inputs' total (valuePerInput × inputs)
 * split evenly over the output shards, the remainder to the first ones, so the credits sum to the total.
 */
export function creditPerTx(seg: FactSegment, shard: number): number {
  const total = seg.valuePerInput * seg.inputShards.length;
  const n = seg.outputShards.length;
  const i = seg.outputShards.indexOf(shard);
  if (i < 0) return 0;
  return Math.floor(total / n) + (i < total % n ? 1 : 0);
}

function proofBytes(sizes: AtomixSizes, proofs: readonly ProofRef[]): number {
  let n = 0;
  for (const p of proofs) n += sizes.proofBytes(p.members);
  return n;
}

