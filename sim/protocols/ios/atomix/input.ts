import type { CpuConfig } from '../../../scenario/schema.js';
import type { Micros } from '../../../kernel/time.js';
import type { NodeId, TxSet } from '../../types.js';
import { txSetOf } from '../../types.js';
import type { CrossShardFacts, FactSegment } from './facts.js';
import { forEachCoinRun, isCrossShard } from './facts.js';
import type { AtomixEffect, AtomixMsg, AtomixSizes, ProofRef } from './messages.js';
import type { AtomixBook, AtomixObserver } from './observer.js';
import { IntervalSet, RangeMap, countOf, normalize } from '../../../workload/ranges.js';
import { RouteSets } from './route-sets.js';

/**
 * The input-shard side of Atomix (OmniLedger §IV-D steps 2–3; IOS whitepaper "Inter-Shard Transactions"
 * steps 1–2): when a block of this shard is final, each cross-shard transaction in it for which this shard
 * holds inputs is either LOCKED (its coins are marked spent into escrow; the block's collective signature
 * is the proof of acceptance) or REJECTED (invalid, or a coin already locked or spent: a double spend; the
 * same signature is the proof of rejection). An unlock-to-abort releases the locks and is final: ids it
 * names can never be locked here afterwards.
 *
 * One object per shard: every correct member holds the same ledger, so the composite keeps one copy and
 * calls it from whichever node finalised the block. State (README "State and memory"):
 *   coins      coins consumed here (locked or spent); a coin is the input of transaction x (or, for a
 *              double spend, of its victim — facts.ts)
 *   lockedTx   transactions whose inputs are locked here (kept after a commit: a spent input stays spent)
 *   rejectedTx transactions refused here, or released by an unlock-to-abort
 *   abortedTx  transactions an unlock-to-abort named (tombstones)
 *   drivers    who drives each undecided range (from lock requests), so a decision goes to its driver
 */

export interface AtomixInputShardConfig {
  readonly shard: number;
  readonly facts: CrossShardFacts;
  readonly sizes: AtomixSizes;
  readonly cpu: CpuConfig;
  readonly observer?: AtomixObserver;
  /** Driver of a decided id that no lock request registered (e.g. the composite admitted it itself); -1: none. */
  readonly defaultDriver?: (txId: number) => NodeId;
  /** Free value in the shard's book at the start (only the sum matters to the conservation check). */
  readonly initialBalance?: number;
  /**
   * Where the shard keeps which ids are locked, rejected and tombstoned: sets shared by every input shard of
   * a run (IosAtomix's), as they are kept per route position (route-sets.ts). Default: sets of its own.
   */
  readonly sets?: AtomixInputSets;
  /** TEST ONLY — a broken shard that locks coins without checking they are free (must be caught). */
  readonly unsafeSkipDoubleSpendCheck?: boolean;
}

/** The input shards' id sets, per shard (RouteSets over input shards). */
export interface AtomixInputSets {
  readonly locked: RouteSets;
  readonly rejected: RouteSets;
  readonly aborted: RouteSets;
}

export function newAtomixInputSets(): AtomixInputSets {
  return { locked: new RouteSets('inputShards'), rejected: new RouteSets('inputShards'), aborted: new RouteSets('inputShards') };
}

/** The certificate of a finalised block: its collective signature is the proof. */
export interface BlockCert {
  readonly height: number;
  readonly signers: number;
  readonly members: number;
}

export interface AtomixInputStats {
  locked: number;
  rejected: number;
  released: number;
  /** Ids named by an unlock-to-abort before this shard had decided them. */
  tombstonedUndecided: number;
  /** Abort requests refused: no proof of rejection covered them (and not a timeout). */
  refusedAborts: number;
  /** Decided ids with no driver to tell. */
  orphanDecisions: number;
  proofsSent: number;
}

interface Decisions {
  acc: number[];
  rej: number[];
}

export class AtomixInputShard {
  readonly shard: number;
  readonly book: AtomixBook;
  readonly stats: AtomixInputStats = {
    locked: 0,
    rejected: 0,
    released: 0,
    tombstonedUndecided: 0,
    refusedAborts: 0,
    orphanDecisions: 0,
    proofsSent: 0,
  };
  private readonly coins = new IntervalSet();
  private readonly lockedTx: RouteSets;
  private readonly rejectedTx: RouteSets;
  private readonly abortedTx: RouteSets;
  private readonly drivers = new RangeMap<NodeId>();
  private locked = 0;

  constructor(private readonly cfg: AtomixInputShardConfig) {
    this.shard = cfg.shard;
    this.book = { balance: cfg.initialBalance ?? 0, locked: 0 };
    const sets = cfg.sets ?? newAtomixInputSets();
    this.lockedTx = sets.locked;
    this.rejectedTx = sets.rejected;
    this.abortedTx = sets.aborted;
  }

  /** Ids whose inputs are locked here (not released; includes inputs a commit elsewhere has spent). */
  get lockedCount(): number {
    return this.locked;
  }

  /**
   * A driver's lock request reached this shard (as a message, or a `deliver` local note). Registers the
   * driver of every undecided cross-shard id this shard holds inputs of, and returns those ids: the
   * composite puts them in the shard's consensus (mempool). Ids already decided or aborted are not returned.
   */
  onLockRequest(_now: Micros, msg: Extract<AtomixMsg, { type: 'lockRequest' }>): TxSet {
    return this.expect(msg.txs, msg.driver);
  }

  /** Registers `driver` for the undecided ids of `txs` this shard holds inputs of, and returns them. */
  expect(txs: TxSet, driver: NodeId): TxSet {
    const admit: number[] = [];
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      this.cfg.facts.forEachSegment(r[i]!, r[i + 1]!, (seg) => {
        if (!this.holdsInputsOf(seg)) return;
        const und = this.undecided(seg, seg.start, seg.end);
        for (let u = 0; u < und.length; u += 2) {
          // Tombstoned ids were aborted already: no block space for them.
          const open =
            this.abortedTx.countIn(this.shard, seg, und[u]!, und[u + 1]!) === 0 ? this.scratchPair(und[u]!, und[u + 1]!) : this.abortedTx.subtract(this.shard, seg, und[u]!, und[u + 1]!, []);
          for (let j = 0; j < open.length; j += 2) {
            this.drivers.delete(open[j]!, open[j + 1]!);
            this.drivers.set(open[j]!, open[j + 1]!, driver);
            admit.push(open[j]!, open[j + 1]!);
          }
        }
      });
    }
    return txSetOf(admit);
  }

  /**
   * A block of this shard is final (the composite calls this once per finalised block, from the node that
   * finalised it). Decides every cross-shard id in it for which this shard holds inputs and sends each
   * driver one proof message (accepted and rejected ranges, certified by the block). Re-decided ids (a
   * block reported twice) repeat their first decision.
   */
  onBlockFinal(now: Micros, txs: TxSet, cert: BlockCert): AtomixEffect[] {
    const d: Decisions = { acc: [], rej: [] };
    const newlyLocked: number[] = [];
    const newlyRejected: number[] = [];
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      this.cfg.facts.forEachSegment(r[i]!, r[i + 1]!, (seg) => {
        if (this.holdsInputsOf(seg)) this.decideSegment(seg, d, newlyLocked, newlyRejected);
      });
    }
    const obs = this.cfg.observer;
    if (obs && newlyLocked.length > 0) obs.locked(now, this.shard, normalize(newlyLocked));
    if (obs && newlyRejected.length > 0) obs.rejected(now, this.shard, normalize(newlyRejected));
    return this.sendProofs(d, cert);
  }

  /**
   * Unlock to abort (§IV-D step 3): the driver shows a proof of rejection from an input shard (or, after
   * lockTimeoutMs, only its own signature — README: why atomicity holds). Locks on the named ids are
   * released and the ids are tombstoned: a block that includes them later rejects them.
   */
  onUnlockAbort(now: Micros, msg: Extract<AtomixMsg, { type: 'unlockAbort' }>): AtomixEffect[] {
    const out: AtomixEffect[] = [{ kind: 'cpu', us: this.cfg.cpu.verifyUs * Math.max(1, msg.proofs.length) }];
    const released: number[] = [];
    const r = msg.txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      this.cfg.facts.forEachSegment(r[i]!, r[i + 1]!, (seg) => {
        if (!this.holdsInputsOf(seg)) return;
        const justified = msg.timeout ? [seg.start, seg.end] : this.justified(seg, msg.proofs);
        for (let j = 0; j < justified.length; j += 2) this.abortRange(seg, justified[j]!, justified[j + 1]!, released);
      });
    }
    if (released.length > 0) this.cfg.observer?.released(now, this.shard, normalize(released));
    return out;
  }

  private holdsInputsOf(seg: FactSegment): boolean {
    return seg.inputShards.includes(this.shard) && isCrossShard(seg);
  }

  /**
   * The ids of [a, b) (inside seg) neither locked nor rejected here, as flat ranges in order. The answer is a scratch
   * array, valid until the next call (each caller reads it before it asks again): this ran for every
   * segment of every block and lock request, 6% of a paper-scale run's allocations.
   */
  private undecided(seg: FactSegment, a: number, b: number): number[] {
    // Nothing of [a, b) decided yet (a segment's first block): no intermediate ranges. Its own pair, as
    // callers call lockRun (scratchPair) while they read the answer.
    if (a < b && this.lockedTx.countIn(this.shard, seg, a, b) === 0 && this.rejectedTx.countIn(this.shard, seg, a, b) === 0) {
      const p = this.undecidedPair;
      p[0] = a;
      p[1] = b;
      return p;
    }
    const notLocked = this.lockedTx.subtract(this.shard, seg, a, b, this.scratchNotLocked);
    const out = this.scratchUndecided;
    out.length = 0;
    for (let i = 0; i < notLocked.length; i += 2) this.rejectedTx.subtract(this.shard, seg, notLocked[i]!, notLocked[i + 1]!, out);
    notLocked.length = 0;
    return out;
  }
  private readonly scratchNotLocked: number[] = [];
  private readonly undecidedPair = [0, 0];
  private readonly scratchUndecided: number[] = [];

  private decideSegment(seg: FactSegment, d: Decisions, newlyLocked: number[], newlyRejected: number[]): void {
    // A block reported twice repeats its decisions.
    this.lockedTx.intersect(this.shard, seg, seg.start, seg.end, d.acc);
    this.rejectedTx.intersect(this.shard, seg, seg.start, seg.end, d.rej);
    const und = this.undecided(seg, seg.start, seg.end);
    for (let u = 0; u < und.length; u += 2) {
      const a = und[u]!;
      const b = und[u + 1]!;
      if (this.abortedTx.countIn(this.shard, seg, a, b) === 0) {
        this.decideOpen(seg, a, b, d, newlyLocked, newlyRejected); // no tombstones: the common case
        continue;
      }
      // Tombstones first: an unlock-to-abort is final.
      const tomb = this.abortedTx.intersect(this.shard, seg, a, b, []);
      for (let j = 0; j < tomb.length; j += 2) this.reject(seg, tomb[j]!, tomb[j + 1]!, d, newlyRejected);
      const open = this.abortedTx.subtract(this.shard, seg, a, b, []);
      for (let j = 0; j < open.length; j += 2) this.decideOpen(seg, open[j]!, open[j + 1]!, d, newlyLocked, newlyRejected);
    }
  }

  /**
   * Decides ids [x, y) of seg, undecided and not tombstoned: what facts.ts names always rejected is rejected,
   * then each coin run is locked where its coins are free, in id order.
   */
  private decideOpen(seg: FactSegment, x: number, y: number, d: Decisions, newlyLocked: number[], newlyRejected: number[]): void {
    // facts.ts forEachAlwaysRejected, then forEachCoinRun, written out: no closures per segment of every block.
    const invalidEnd = Math.min(y, seg.invalidEnd);
    if (x < invalidEnd) this.reject(seg, x, invalidEnd, d, newlyRejected);
    const ds0 = Math.max(x, seg.invalidEnd);
    const ds1 = Math.min(y, seg.doubleSpendEnd);
    if (ds0 < ds1) {
      // A double spend of a coin spent before the run is always rejected; of an earlier transaction's coin, locked if that is free.
      if (seg.victimDelta === null) this.reject(seg, ds0, ds1, d, newlyRejected);
      else this.lockRun(seg, ds0, ds1, seg.victimDelta, d, newlyLocked, newlyRejected);
    }
    const v0 = Math.max(x, seg.doubleSpendEnd);
    if (v0 < y) this.lockRun(seg, v0, y, 0, d, newlyLocked, newlyRejected);
  }

  /**
   * Coins [s + delta, e + delta) for ids [s, e): a taken coin makes its spender a double spend (§IV-D: the
   * input is already spent or locked); the free ones are locked now, in id order.
   */
  private lockRun(seg: FactSegment, s: number, e: number, delta: number, d: Decisions, newlyLocked: number[], newlyRejected: number[]): void {
    const whole = this.cfg.unsafeSkipDoubleSpendCheck || this.coins.countIn(s + delta, e + delta) === 0;
    const free = whole ? this.scratchPair(s + delta, e + delta) : this.coins.subtract(s + delta, e + delta, []);
    const v = seg.valuePerInput;
    let cur = s;
    for (let k = 0; k < free.length; k += 2) {
      const ta = free[k]! - delta;
      const tb = free[k + 1]! - delta;
      this.reject(seg, cur, ta, d, newlyRejected);
      this.coins.add(ta + delta, tb + delta);
      this.locked += this.lockedTx.add(this.shard, seg, ta, tb);
      d.acc.push(ta, tb);
      newlyLocked.push(ta, tb);
      this.stats.locked += tb - ta;
      this.book.balance -= v * (tb - ta);
      this.book.locked += v * (tb - ta);
      cur = tb;
    }
    this.reject(seg, cur, e, d, newlyRejected);
  }

  private reject(seg: FactSegment, a: number, b: number, d: Decisions, newlyRejected: number[]): void {
    if (a >= b) return;
    this.rejectedTx.add(this.shard, seg, a, b);
    d.rej.push(a, b);
    newlyRejected.push(a, b);
    this.stats.rejected += b - a;
  }

  /** [a, b] in a scratch array (read before the next call). */
  private scratchPair(a: number, b: number): number[] {
    const p = this.pair;
    p[0] = a;
    p[1] = b;
    return p;
  }
  private readonly pair = [0, 0];

  /** One proof message per driver, in the order drivers first appear in the block. */
  private sendProofs(d: Decisions, cert: BlockCert): AtomixEffect[] {
    const perDriver = new Map<NodeId, Decisions>();
    // One set of callbacks per block, reading the range being routed from these variables.
    let key: 'acc' | 'rej' = 'acc';
    let cur = 0;
    const give = (x: number, y: number, driver: NodeId) => {
      if (driver < 0) {
        this.stats.orphanDecisions += y - x;
        return;
      }
      let entry = perDriver.get(driver);
      if (!entry) perDriver.set(driver, (entry = { acc: [], rej: [] }));
      entry[key].push(x, y);
    };
    const visit = (x: number, y: number, driver: NodeId) => {
      if (x > cur) give(cur, x, this.cfg.defaultDriver?.(cur) ?? -1);
      give(x, y, driver);
      cur = y;
    };
    const route = (ranges: number[], k: 'acc' | 'rej') => {
      key = k;
      for (let i = 0; i < ranges.length; i += 2) {
        const a = ranges[i]!;
        const b = ranges[i + 1]!;
        cur = a;
        this.drivers.forEachOverlap(a, b, visit);
        if (cur < b) give(cur, b, this.cfg.defaultDriver?.(cur) ?? -1);
      }
    };
    route(d.acc, 'acc');
    route(d.rej, 'rej');
    for (let i = 0; i < d.acc.length; i += 2) this.drivers.delete(d.acc[i]!, d.acc[i + 1]!);
    for (let i = 0; i < d.rej.length; i += 2) this.drivers.delete(d.rej[i]!, d.rej[i + 1]!);
    const out: AtomixEffect[] = [];
    for (const [driver, e] of perDriver) {
      const proof: ProofRef = {
        shard: this.shard,
        height: cert.height,
        signers: cert.signers,
        members: cert.members,
        accepted: normalize(e.acc),
        rejected: normalize(e.rej),
      };
      const msg: AtomixMsg = { type: 'proof', proof };
      out.push({ kind: 'send', to: driver, msg, sizeBytes: this.cfg.sizes.of(msg) });
      this.stats.proofsSent++;
    }
    return out;
  }

  /** The ids of seg that a proof of rejection from an input shard of its route covers. */
  private justified(seg: FactSegment, proofs: readonly ProofRef[]): number[] {
    const rejectedBy = new IntervalSet();
    for (const p of proofs) if (seg.inputShards.includes(p.shard)) rejectedBy.addRanges(p.rejected);
    const ok = rejectedBy.intersect(seg.start, seg.end, []);
    this.stats.refusedAborts += seg.end - seg.start - countOf(ok);
    return ok;
  }

  /** Tombstones [a, b) and releases what of it is locked here (a released id counts as rejected from now on). */
  private abortRange(seg: FactSegment, a: number, b: number, released: number[]): void {
    const und = this.undecided(seg, a, b);
    for (let u = 0; u < und.length; u += 2) this.stats.tombstonedUndecided += und[u + 1]! - und[u]! - this.abortedTx.countIn(this.shard, seg, und[u]!, und[u + 1]!);
    const live = this.lockedTx.intersect(this.shard, seg, a, b, []);
    for (let k = 0; k < live.length; k += 2) {
      const x = live[k]!;
      const y = live[k + 1]!;
      forEachCoinRun(seg, x, y, (s, e, delta) => this.coins.remove(s + delta, e + delta));
      this.locked -= this.lockedTx.remove(this.shard, seg, x, y);
      this.rejectedTx.add(this.shard, seg, x, y);
      this.book.balance += seg.valuePerInput * (y - x);
      this.book.locked -= seg.valuePerInput * (y - x);
      this.stats.released += y - x;
      released.push(x, y);
    }
    this.abortedTx.add(this.shard, seg, a, b);
  }
}
