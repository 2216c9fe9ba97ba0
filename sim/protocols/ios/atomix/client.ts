import type { CpuConfig } from '../../../scenario/schema.js';
import type { Micros } from '../../../kernel/time.js';
import type { Input, NodeId, ProtocolNode, TxSet } from '../../types.js';
import { NO_EFFECTS, txSetOf } from '../../types.js';
import type { CrossShardFacts } from './facts.js';
import { isCrossShard } from './facts.js';
import type { AtomixEffect, AtomixMsg, AtomixSizes, AtomixTimer, ProofRef } from './messages.js';
import type { AtomixObserver } from './observer.js';
import { IntervalSet, RangeMap, countOf, normalize, subtractSorted } from '../../../workload/ranges.js';

/**
 * The Atomix driver (OmniLedger §IV-D: "client-driven"; the IOS whitepaper lets any party drive the
 * unlock). The composite makes some node the driver of a client batch (e.g. the validator that took it) and
 * hands it the batch as a `txs` input. The driver:
 *   Initialize  sends each input shard a lock request for the transactions it holds inputs of;
 *   Lock        collects every input shard's proof (messages `proof`);
 *   Unlock      as soon as every input shard accepted an id, sends unlock-to-commit with all the proofs of
 *               acceptance to the output shard(s); as soon as one input shard rejected an id, sends
 *               unlock-to-abort with the proof of rejection to the other input shards (those that accepted
 *               release; those that have not decided keep a tombstone) and reports the id aborted.
 *   Timeout     lockTimeoutMs after the batch arrived, ids still undecided are aborted the same way
 *               (no proof of rejection: a `timeout` abort). README "Timeout" explains why this is safe.
 * A proof of acceptance for an id already aborted (a late lock) is answered with another unlock-to-abort
 * to that shard, so late locks are released too.
 *
 * State is per PIECE: a contiguous id range with one route within one batch (a segment of the facts).
 */

export interface AtomixClientConfig {
  readonly self: NodeId;
  readonly facts: CrossShardFacts;
  readonly sizes: AtomixSizes;
  readonly cpu: CpuConfig;
  readonly lockTimeoutUs: Micros;
  /** The node that takes Atomix messages for `shard` at `now`; -1 when none is reachable (the message is not sent). */
  readonly contactOf: (shard: number, now: Micros) => NodeId;
  /** Send lock requests (default true); false when the composite gives the transactions to their input shards itself. */
  readonly sendLockRequests?: boolean;
  readonly observer?: AtomixObserver;
  /** TEST ONLY — a broken driver that sends unlock-to-commit on the first proof of acceptance (must be caught). */
  readonly unsafeCommitOnFirstProof?: boolean;
}

/** A note for the composite: deliver `msg` to this node's own handler for `shard` (the contact is this node). */
export interface AtomixDeliver {
  readonly type: 'atomix.deliver';
  readonly shard: number;
  readonly msg: AtomixMsg;
}

export interface AtomixClientStats {
  offered: number;
  committed: number;
  aborted: number;
  /** Ids aborted because lockTimeoutMs passed without every proof. */
  timedOut: number;
  /** Proofs of acceptance that came after their ids were aborted (each answered with an unlock-to-abort). */
  lateAcceptances: number;
  proofs: number;
}

/**
 * Pieces are pooled (AtomixClient.freePieces): a piece lives as long as its transactions wait for their proofs
 * (~80 s at paper scale, past several young-generation collections), so each new piece object was copied
 * twice on its way to the old generation (a sixth of a paper-scale run's promoted bytes). A piece goes back
 * to the pool when its ticket is resolved, and only `initialize` takes one out.
 */
interface Piece {
  ticket: number;
  start: number;
  end: number;
  inputShards: readonly number[];
  outputShards: readonly number[];
  /**
   * Per input shard: accepted and rejected ids, and the proofs of acceptance; with the proofs of rejection,
   * shared empty arrays (this client's `noneOf(k)`, NO_PROOFS) until a proof names the piece, as most
   * pieces of a paper-scale run see one proof each and four small arrays per piece were 4% of its allocations.
   */
  acc: IntervalSet[];
  rej: IntervalSet[];
  accProofs: ProofRef[][];
  rejProofs: ProofRef[];
  /** NONE until the first ids resolve, ALL when the whole piece resolved at once (the common case). */
  resolved: IntervalSet;
  /** The proof (AtomixClient.proofStamp) that last touched this piece: dedupes onProof's list without a Set. */
  stamp: number;
}

interface Ticket {
  readonly id: number;
  readonly startedUs: Micros;
  readonly pieces: Piece[];
  unresolved: number;
}

/** Messages to send at the end of a step, grouped by destination shard. */
class Outbox {
  readonly commits = new Map<number, { ranges: number[]; proofs: Set<ProofRef> }>();
  readonly aborts = new Map<number, { ranges: number[]; proofs: Set<ProofRef>; timeout: boolean }>();
  /** Ids this step aborted, per (first input shard, first output shard), for one abort effect and trace each. */
  readonly aborted = new Map<number, { from: number; to: number; ranges: number[] }>();

  commit(shard: number, ranges: readonly number[], proofs: readonly ProofRef[]): void {
    let e = this.commits.get(shard);
    if (!e) this.commits.set(shard, (e = { ranges: [], proofs: new Set() }));
    for (let i = 0; i < ranges.length; i++) e.ranges.push(ranges[i]!);
    for (let i = 0; i < proofs.length; i++) e.proofs.add(proofs[i]!);
  }

  abort(shard: number, ranges: readonly number[], proofs: readonly ProofRef[], timeout: boolean): void {
    let e = this.aborts.get(shard);
    if (!e) this.aborts.set(shard, (e = { ranges: [], proofs: new Set(), timeout }));
    for (let i = 0; i < ranges.length; i++) e.ranges.push(ranges[i]!);
    for (let i = 0; i < proofs.length; i++) e.proofs.add(proofs[i]!);
    e.timeout ||= timeout;
  }
}

export class AtomixClient implements ProtocolNode<AtomixMsg, AtomixTimer> {
  readonly stats: AtomixClientStats = { offered: 0, committed: 0, aborted: 0, timedOut: 0, lateAcceptances: 0, proofs: 0 };
  private readonly tickets = new Map<number, Ticket>();
  /** Ids of the open tickets not yet resolved (`pending`, asked at every client batch the node gets). */
  private unresolved = 0;
  private readonly pieces = new RangeMap<Piece>();
  /** Every id this driver took in (a batch handed over twice is driven once). */
  private readonly seen = new IntervalSet();
  private readonly abortedIds = new IntervalSet();
  /** Per input-shard count k: the shared arrays of k NONE sets and of k NO_PROOFS lists (never written). */
  private readonly noneArrays: IntervalSet[][] = [];
  private readonly noProofArrays: ProofRef[][][] = [];
  /** Pieces of resolved tickets, reset, for `initialize` to reuse (Piece says why). */
  private readonly freePieces: Piece[] = [];
  /** Tickets resolved during this step: their pieces go to the pool when the step is done (releaseDone). */
  private readonly doneTickets: Ticket[] = [];
  private nextTicket = 0;
  /** Counts onProof calls (Piece.stamp). */
  private proofStamp = 0;

  constructor(private readonly cfg: AtomixClientConfig) {}

  /** Ids taken in and not yet committed or aborted by this driver. */
  get pending(): number {
    return this.unresolved;
  }

  step(now: Micros, input: Input<AtomixMsg, AtomixTimer>): readonly AtomixEffect[] {
    switch (input.kind) {
      case 'txs':
        return this.initialize(now, input.txs);
      case 'message':
        return input.msg.type === 'proof' ? this.onProof(now, input.msg.proof) : NO_EFFECTS;
      case 'timer':
        return this.onLockTimeout(now, input.timer.ticket);
      case 'recover': {
        // Timers died with the crash; the batches did not.
        const out: AtomixEffect[] = [];
        for (const t of this.tickets.values()) {
          out.push({ kind: 'timer', afterUs: Math.max(0, t.startedUs + this.cfg.lockTimeoutUs - now), timer: { kind: 'lockTimeout', ticket: t.id } });
        }
        return out;
      }
      case 'start':
        return NO_EFFECTS;
    }
  }

  /** §IV-D step 1: take the batch in, ask every input shard to lock. */
  private initialize(now: Micros, txs: TxSet): AtomixEffect[] {
    const ticket: Ticket = { id: this.nextTicket++, startedUs: now, pieces: [], unresolved: 0 };
    const perShard = new Map<number, number[]>();
    const offered: number[] = [];
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      this.cfg.facts.forEachSegment(r[i]!, r[i + 1]!, (seg) => {
        if (!isCrossShard(seg)) return;
        // Not taken in before (the common case): no intermediate ranges.
        const fresh = this.seen.countIn(seg.start, seg.end) === 0 ? [seg.start, seg.end] : this.seen.subtract(seg.start, seg.end, []);
        for (let j = 0; j < fresh.length; j += 2) {
          const a = fresh[j]!;
          const b = fresh[j + 1]!;
          const k = seg.inputShards.length;
          const piece = this.freePieces.pop() ?? newPiece();
          piece.ticket = ticket.id;
          piece.start = a;
          piece.end = b;
          piece.inputShards = seg.inputShards;
          piece.outputShards = seg.outputShards;
          piece.acc = this.noneOf(k);
          piece.rej = this.noneOf(k);
          piece.accProofs = this.noProofsOf(k);
          this.seen.add(a, b);
          this.pieces.set(a, b, piece);
          ticket.pieces.push(piece);
          ticket.unresolved += b - a;
          offered.push(a, b);
          for (const s of seg.inputShards) {
            let list = perShard.get(s);
            if (!list) perShard.set(s, (list = []));
            list.push(a, b);
          }
        }
      });
    }
    if (ticket.pieces.length === 0) return [];
    this.tickets.set(ticket.id, ticket);
    this.unresolved += ticket.unresolved;
    this.stats.offered += ticket.unresolved;
    this.cfg.observer?.offered(now, normalize(offered));
    const out: AtomixEffect[] = [{ kind: 'timer', afterUs: this.cfg.lockTimeoutUs, timer: { kind: 'lockTimeout', ticket: ticket.id } }];
    if (this.cfg.sendLockRequests ?? true) {
      for (const [shard, ranges] of perShard) {
        this.sendTo(shard, { type: 'lockRequest', txs: txSetOf(normalize(ranges)), driver: this.cfg.self }, now, out);
      }
    }
    return out;
  }

  /** §IV-D step 2: an input shard's decisions, certified by one of its blocks. */
  private onProof(now: Micros, proof: ProofRef): AtomixEffect[] {
    this.stats.proofs++;
    const out: AtomixEffect[] = [{ kind: 'cpu', us: this.cfg.cpu.verifyUs }];
    // In the order the proof first names them, so pieces resolve in that order (a stamp per piece, not a Set).
    const touched: Piece[] = [];
    const stamp = ++this.proofStamp;
    const late: number[] = [];
    const noneOfOne = this.noneOf(1);
    /** [[proof]], shared by the pieces this proof accepts whole (built at the first). */
    let onlyThis: ProofRef[][] | null = null;
    const record = (ranges: readonly number[], accepted: boolean) => {
      for (let i = 0; i < ranges.length; i += 2) {
        const a = ranges[i]!;
        const b = ranges[i + 1]!;
        this.pieces.forEachOverlap(a, b, (x, y, p) => {
          const k = p.inputShards.indexOf(proof.shard);
          if (k < 0) return;
          if (p.stamp !== stamp) {
            p.stamp = stamp;
            touched.push(p);
          }
          if (accepted && p.acc === noneOfOne && x === p.start && y === p.end) {
            // The common case: the piece's one input shard accepts all of it at once. Shared arrays, no set.
            p.acc = ALL_OF_ONE;
            p.accProofs = onlyThis ??= Object.freeze([Object.freeze([proof]) as ProofRef[]]) as ProofRef[][];
            return;
          }
          let sets = accepted ? p.acc : p.rej;
          let set = sets[k]!;
          if (set === NONE) {
            if (sets === this.noneOf(sets.length)) sets = sets.slice(); // the shared array: this piece's own copy
            if (accepted) p.acc = sets;
            else p.rej = sets;
            sets[k] = set = new IntervalSet();
          }
          if (set !== ALL) set.add(x, y); // ALL: accepted whole already
          let list: ProofRef[];
          if (accepted) {
            // Shared arrays (NO_PROOFS lists, or a proof's [[proof]]) are frozen: this piece's own copies first.
            if (Object.isFrozen(p.accProofs)) p.accProofs = p.accProofs.slice();
            list = p.accProofs[k]!;
            if (list === NO_PROOFS) p.accProofs[k] = list = [];
            else if (Object.isFrozen(list)) p.accProofs[k] = list = list.slice();
          } else {
            list = p.rejProofs;
            if (list === NO_PROOFS) p.rejProofs = list = [];
          }
          if (!list.includes(proof)) list.push(proof);
        });
        // Accepted after this driver aborted: the shard locked late and must release.
        if (accepted) this.abortedIds.intersect(a, b, late);
      }
    };
    record(proof.accepted, true);
    record(proof.rejected, false);
    const box = new Outbox();
    if (late.length > 0) {
      this.stats.lateAcceptances += countOf(late);
      box.abort(proof.shard, late, [], true);
    }
    for (let i = 0; i < touched.length; i++) this.resolve(now, touched[i]!, box);
    this.flush(now, box, out);
    this.releaseDone();
    return out;
  }

  /** [start, end) of the piece being resolved whole (every reader copies it: Outbox.commit, settle, the observer). */
  private readonly piecePair = [0, 0];

  private noneOf(k: number): IntervalSet[] {
    return (this.noneArrays[k] ??= Object.freeze(new Array<IntervalSet>(k).fill(NONE)) as IntervalSet[]);
  }

  private noProofsOf(k: number): ProofRef[][] {
    return (this.noProofArrays[k] ??= Object.freeze(new Array<ProofRef[]>(k).fill(NO_PROOFS)) as ProofRef[][]);
  }

  /** Commit what every input shard accepted; abort what one rejected. */
  private resolve(now: Micros, p: Piece, box: Outbox): void {
    const acc0 = p.acc[0]!;
    if (p.acc.length === 1 && p.rej[0] === NONE && p.resolved === NONE && (acc0 === ALL || acc0.size === p.end - p.start) && !this.cfg.unsafeCommitOnFirstProof) {
      // The common case, what the general path below gives for it without its intermediate ranges: the one
      // input shard accepted the whole piece (its sets hold only ids of the piece, or are ALL).
      const commit = this.piecePair;
      commit[0] = p.start;
      commit[1] = p.end;
      this.commitIds(now, p, commit, p.accProofs[0]!, box);
      return;
    }
    if (p.acc.length === 1 && p.resolved === NONE && !this.cfg.unsafeCommitOnFirstProof) {
      // One input shard and nothing resolved yet (a third of a paper-scale run's pieces: their bad first ids
      // are rejected, the rest accepted): what the general path below gives, without its copies and sets. Its
      // sets hold only ids of the piece (or are ALL, the whole piece), so nothing needs clipping; the shard
      // rejected the aborted ids itself, so no unlock-to-abort goes anywhere.
      const acc0 = p.acc[0]!;
      const rej0 = p.rej[0]!;
      const abort = rej0 === NONE ? [] : rej0.toRanges();
      let commit = acc0 === ALL ? [p.start, p.end] : acc0.toRanges();
      if (abort.length > 0 && commit.length > 0) commit = subtractSorted(commit, abort);
      if (commit.length > 0) this.commitIds(now, p, commit, p.accProofs[0]!, box);
      if (abort.length > 0) this.abortIds(now, p, abort, box);
      return;
    }
    // Nothing rejected: no sets to merge.
    const rejecting: IntervalSet[] = [];
    for (const rej of p.rej) if (rej !== NONE) rejecting.push(rej);
    let abort: number[] = [];
    if (rejecting.length === 1) abort = this.unresolvedOf(p, rejecting[0]!.toRanges());
    else if (rejecting.length > 1) {
      const rejectedAny = new IntervalSet();
      for (const rej of rejecting) rejectedAny.addRanges(rej.toRanges());
      abort = this.unresolvedOf(p, rejectedAny.toRanges());
    }
    let commit: number[];
    if (this.cfg.unsafeCommitOnFirstProof) {
      const acceptedAny = new IntervalSet();
      for (const acc of p.acc) acceptedAny.addRanges(acc.toRanges());
      commit = this.unresolvedOf(p, acceptedAny.toRanges());
    } else {
      let all = p.acc[0]!.toRanges();
      for (let k = 1; k < p.acc.length; k++) {
        const next: number[] = [];
        for (let i = 0; i < all.length; i += 2) p.acc[k]!.intersect(all[i]!, all[i + 1]!, next);
        all = next;
      }
      commit = this.unresolvedOf(p, all);
    }
    if (abort.length > 0 && commit.length > 0) commit = subtractSet(commit, IntervalSet.of(abort));
    if (commit.length > 0) this.commitIds(now, p, commit, p.accProofs.flat(), box);
    if (abort.length > 0) {
      p.inputShards.forEach((s, k) => {
        const notRejectedHere = subtractSet(abort, p.rej[k]!);
        if (notRejectedHere.length > 0) box.abort(s, notRejectedHere, p.rejProofs, false);
      });
      this.abortIds(now, p, abort, box);
    }
  }

  /** lockTimeoutMs after the batch: abort whatever is still undecided. */
  private onLockTimeout(now: Micros, ticketId: number): readonly AtomixEffect[] {
    const t = this.tickets.get(ticketId);
    if (!t) return NO_EFFECTS; // stale: resolved already
    const out: AtomixEffect[] = [];
    const box = new Outbox();
    for (let i = 0; i < t.pieces.length; i++) {
      const p = t.pieces[i]!;
      const open = p.resolved === NONE ? [p.start, p.end] : p.resolved.subtract(p.start, p.end, []);
      if (open.length === 0) continue;
      for (let k = 0; k < p.inputShards.length; k++) {
        const rej = p.rej[k]!;
        const notRejectedHere = rej === NONE ? open : subtractSet(open, rej);
        if (notRejectedHere.length > 0) box.abort(p.inputShards[k]!, notRejectedHere, p.rejProofs, true);
      }
      this.stats.timedOut += countOf(open);
      this.abortIds(now, p, open, box);
    }
    this.flush(now, box, out);
    this.releaseDone();
    return out;
  }

  /** Unlock-to-commit for `ranges` of p to each of its output shards, with `proofs` (every input shard's acceptance). */
  private commitIds(now: Micros, p: Piece, ranges: readonly number[], proofs: readonly ProofRef[], box: Outbox): void {
    const outs = p.outputShards;
    for (let i = 0; i < outs.length; i++) box.commit(outs[i]!, ranges, proofs);
    this.settle(p, ranges);
    this.stats.committed += countOf(ranges);
    this.cfg.observer?.clientCommitted(now, ranges);
  }

  private abortIds(now: Micros, p: Piece, ranges: number[], box: Outbox): void {
    this.settle(p, ranges);
    this.abortedIds.addRanges(ranges);
    this.stats.aborted += countOf(ranges);
    this.cfg.observer?.clientAborted(now, ranges);
    const from = p.inputShards[0]!;
    const to = p.outputShards[0] ?? from;
    const key = from * 2 ** 20 + to; // (shard numbers are far below 2^20)
    let e = box.aborted.get(key);
    if (!e) box.aborted.set(key, (e = { from, to, ranges: [] }));
    for (let i = 0; i < ranges.length; i++) e.ranges.push(ranges[i]!);
  }

  /** Marks ids of p resolved; forgets the piece and its batch when nothing is left. */
  private settle(p: Piece, ranges: readonly number[]): void {
    const n = countOf(ranges);
    // `ranges` lies in p and is unresolved (unresolvedOf), so n = its size means all of p at once.
    if (p.resolved === NONE) p.resolved = n === p.end - p.start ? ALL : IntervalSet.of(ranges);
    else if (p.resolved !== ALL) p.resolved.addRanges(ranges);
    const t = this.tickets.get(p.ticket)!;
    t.unresolved -= n;
    this.unresolved -= n;
    if (p.resolved === ALL || p.resolved.size === p.end - p.start) this.pieces.delete(p.start, p.end);
    if (t.unresolved === 0) {
      this.tickets.delete(t.id);
      this.doneTickets.push(t);
    }
  }

  /**
   * The pieces of the tickets this step resolved, back to the pool. Not in `settle`: the step may still walk
   * them (onLockTimeout goes on through the ticket's pieces; onProof through the pieces it touched), and a
   * reset piece reads as unresolved. Nothing else holds them: each left `pieces` when it resolved whole.
   */
  private releaseDone(): void {
    const done = this.doneTickets;
    for (let k = 0; k < done.length; k++) {
      const pieces = done[k]!.pieces;
      for (let i = 0; i < pieces.length; i++) this.freePieces.push(resetPiece(pieces[i]!));
    }
    done.length = 0;
  }

  /** The ids of `ranges` inside p and not yet resolved. */
  private unresolvedOf(p: Piece, ranges: readonly number[]): number[] {
    const out: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      const a = Math.max(p.start, ranges[i]!);
      const b = Math.min(p.end, ranges[i + 1]!);
      if (a < b) p.resolved.subtract(a, b, out);
    }
    return out;
  }

  private flush(now: Micros, box: Outbox, out: AtomixEffect[]): void {
    for (const e of box.aborted.values()) {
      const ranges = normalize(e.ranges);
      out.push({ kind: 'abort', txs: txSetOf(ranges), shard: e.from });
      out.push({ kind: 'trace', event: { type: 'crossshard.batch', fromShard: e.from, toShard: e.to, committed: 0, aborted: countOf(ranges) } });
    }
    for (const [shard, e] of box.commits) {
      out.push({ kind: 'cpu', us: this.cfg.cpu.signUs });
      this.sendTo(shard, { type: 'unlockCommit', txs: txSetOf(normalize(e.ranges)), proofs: [...e.proofs] }, now, out);
    }
    for (const [shard, e] of box.aborts) {
      out.push({ kind: 'cpu', us: this.cfg.cpu.signUs });
      this.sendTo(shard, { type: 'unlockAbort', txs: txSetOf(normalize(e.ranges)), proofs: [...e.proofs], timeout: e.timeout }, now, out);
    }
  }

  private sendTo(shard: number, msg: AtomixMsg, now: Micros, out: AtomixEffect[]): void {
    const to = this.cfg.contactOf(shard, now);
    if (to < 0) return;
    if (to === this.cfg.self) {
      const event: AtomixDeliver = { type: 'atomix.deliver', shard, msg };
      out.push({ kind: 'local', event });
    } else {
      out.push({ kind: 'send', to, msg, sizeBytes: this.cfg.sizes.of(msg) });
    }
  }
}

/**
 * The empty set a piece holds for an input shard until that shard's first decision about it, and as its
 * resolved ids until the first resolve: most pieces hear only acceptances and resolve whole, and five interval
 * sets per piece were a tenth of a paper-scale run's allocations. Never written (replaced before adding).
 */
const NONE = new IntervalSet();

/** Every id (ids are ≥ 0): a piece resolved whole at once, without a set of its own. Never written. */
const ALL = IntervalSet.of([0, Number.MAX_SAFE_INTEGER]);

/**
 * The acceptances of a piece whose one input shard accepted all of it at once: ALL stands for the piece's
 * ids (every reader clips to the piece). Shared by those pieces, never written.
 */
const ALL_OF_ONE = Object.freeze([ALL]) as IntervalSet[];

/** A piece's acceptance proofs from an input shard before its first one. Never written (onProof replaces it). */
const NO_PROOFS = Object.freeze([]) as unknown as ProofRef[];

function newPiece(): Piece {
  return resetPiece({ ticket: -1, start: 0, end: 0, inputShards: NO_SHARDS, outputShards: NO_SHARDS, acc: NO_SETS, rej: NO_SETS, accProofs: NO_PROOF_LISTS, rejProofs: NO_PROOFS, resolved: NONE, stamp: -1 });
}

/** A piece back to its pooled state: no references kept to the proofs and sets of its last life. */
function resetPiece(p: Piece): Piece {
  p.ticket = -1;
  p.inputShards = NO_SHARDS;
  p.outputShards = NO_SHARDS;
  p.acc = NO_SETS;
  p.rej = NO_SETS;
  p.accProofs = NO_PROOF_LISTS;
  p.rejProofs = NO_PROOFS;
  p.resolved = NONE;
  p.stamp = -1;
  return p;
}

const NO_SHARDS: readonly number[] = Object.freeze([]);
const NO_SETS = Object.freeze([]) as unknown as IntervalSet[];
const NO_PROOF_LISTS = Object.freeze([]) as unknown as ProofRef[][];

/** `ranges` minus the ids in `set`. */
function subtractSet(ranges: readonly number[], set: IntervalSet): number[] {
  const out: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) set.subtract(ranges[i]!, ranges[i + 1]!, out);
  return out;
}
