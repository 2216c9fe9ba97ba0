import type { CrossShardFacts, FactSegment } from './facts.js';
import { forEachAlwaysRejected, forEachCoinRun, hasAlwaysRejected } from './facts.js';
import type { AtomixBook, AtomixObserver } from './observer.js';
import { creditPerTx } from './output.js';
import { IntervalSet, countOf, subtractSorted } from '../../../workload/ranges.js';
import { SegmentSet } from '../../../workload/segment-set.js';
import { RouteSets } from './route-sets.js';

/**
 * The Atomix invariants (DESIGN §6.7), checked as the state machines report their transitions
 * (AtomixObserver), independently of them: the checker keeps its own id-range view of every shard and
 * recomputes coins and credits from the facts.
 *
 *   atomicity     a transaction is never committed in an output shard while an input shard of its route
 *                 has not locked it (rejected, released, undecided), never released after a commit, and
 *                 the driver never decides both ways;
 *   double spend  a coin is never locked twice in a shard (and no transaction is locked twice), an output
 *                 is never credited twice, invalid transactions are never locked;
 *   conservation  Σ over shards of (balance + locked) − value of locks spent by commits = initial total,
 *                 with balances and locks from the shards' own books (checkConservation);
 *   never lost    at the end, every offered transaction is committed (in all its output shards), aborted,
 *                 or pending — and pending is broken down by stage (finish).
 *
 * `checked` counts assertions evaluated (one per reported range per rule); `violations` counts failures,
 * each with a message in `log` (the first `maxLog`).
 */

export type InvariantName = 'atomicity' | 'double-spend' | 'validity' | 'conservation' | 'lost';

export interface Violation {
  readonly atUs: number;
  readonly invariant: InvariantName;
  readonly message: string;
}

export interface AtomixOutcome {
  offered: number;
  committed: number;
  aborted: number;
  pending: number;
  /** Pending, by stage: no decision by the driver yet. */
  awaitingProofs: number;
  /** Pending: the driver sent unlock-to-commit, some output shard has not committed yet. */
  committing: number;
  /** Aborted transactions whose inputs are still locked in some shard (the unlock-to-abort did not arrive). */
  abortedStillLocked: number;
}

export class AtomixInvariants implements AtomixObserver {
  checked = 0;
  violations = 0;
  readonly log: Violation[] = [];
  // Every id set below is kept per book segment (workload/segment-set.ts): at paper scale each holds one
  // interval per segment, millions, and as interval sets they were most of the checker's time.
  private readonly offeredSet = new SegmentSet();
  private readonly clientCommit = new SegmentSet();
  private readonly clientAbort = new SegmentSet();
  /** Per input shard: locks live (not released), and among them those a commit has spent. */
  private readonly lockedLive = new RouteSets('inputShards');
  private readonly spent = new RouteSets('inputShards');
  private readonly coins = new Map<number, IntervalSet>();
  /** Per output shard: ids committed (credited) there. */
  private readonly committedAt = new RouteSets('outputShards');
  private readonly committedAny = new SegmentSet();
  /** Value of locks that commits moved to output shards. */
  private spentValue = 0;

  constructor(
    private readonly facts: CrossShardFacts,
    private readonly maxLog = 1000,
  ) {}

  /** Ids offered to a driver; ids the facts do not know are ignored (the checks name them as never offered). */
  offered(_now: number, ranges: readonly number[]): void {
    this.eachSegment(ranges, (seg) => void this.offeredSet.add(seg.seg, seg.segStart, seg.segEnd, seg.start, seg.end));
  }

  locked(now: number, shard: number, ranges: readonly number[]): void {
    const live = this.lockedLive;
    const coins = setOf(this.coins, shard);
    this.eachSegment(ranges, (seg) => {
      this.expectOffered(now, seg, 'locked', shard);
      if (!this.pass(live.countIn(shard, seg, seg.start, seg.end) === 0)) this.fail(now, 'double-spend', `tx ${span(live.intersect(shard, seg, seg.start, seg.end, []))} locked twice in shard ${shard}`);
      if (!this.pass(!hasAlwaysRejected(seg, seg.start, seg.end))) {
        const bad: number[] = [];
        forEachAlwaysRejected(seg, seg.start, seg.end, (a, b) => bad.push(a, b));
        this.fail(now, 'validity', `invalid or pre-spent tx ${span(bad)} locked in shard ${shard}`);
      }
      forEachCoinRun(seg, seg.start, seg.end, (a, b, delta) => {
        if (!this.pass(coins.countIn(a + delta, b + delta) === 0)) {
          const taken = coins.intersect(a + delta, b + delta, []);
          this.fail(now, 'double-spend', `coin ${span(taken)} of shard ${shard} spent twice (by tx ${span(shift(taken, -delta))})`);
        }
        coins.add(a + delta, b + delta);
      });
      live.add(shard, seg, seg.start, seg.end);
    });
  }

  rejected(): void {
    // A rejection alone breaks nothing; what it forbids (a commit) is checked at the commit.
  }

  released(now: number, shard: number, ranges: readonly number[]): void {
    const live = this.lockedLive;
    const spent = this.spent;
    const coins = setOf(this.coins, shard);
    this.eachSegment(ranges, (seg) => {
      if (!this.pass(spent.countIn(shard, seg, seg.start, seg.end) === 0)) {
        this.fail(now, 'atomicity', `tx ${span(spent.intersect(shard, seg, seg.start, seg.end, []))} released (aborted) in input shard ${shard} after its commit`);
      }
      if (!this.pass(live.covers(shard, seg, seg.start, seg.end))) {
        this.fail(now, 'atomicity', `tx ${span(live.subtract(shard, seg, seg.start, seg.end, []))} released in shard ${shard} without a live lock`);
      }
      const held = live.intersect(shard, seg, seg.start, seg.end, []);
      for (let i = 0; i < held.length; i += 2) {
        forEachCoinRun(seg, held[i]!, held[i + 1]!, (a, b, delta) => coins.remove(a + delta, b + delta));
      }
      live.remove(shard, seg, seg.start, seg.end);
    });
  }

  committed(now: number, shard: number, ranges: readonly number[]): void {
    const at = this.committedAt;
    this.eachSegment(ranges, (seg) => {
      const i = seg.seg;
      this.expectOffered(now, seg, 'committed', shard);
      if (!this.pass(seg.outputShards.includes(shard))) this.fail(now, 'atomicity', `tx ${seg.start}..${seg.end - 1} committed in shard ${shard}, not one of its output shards`);
      // Each assertion counts its ids without building them; the ranges are built for a failure's message.
      const twice = at.countIn(shard, seg, seg.start, seg.end) === 0 ? NO_RANGES : at.intersect(shard, seg, seg.start, seg.end, []);
      if (!this.pass(twice.length === 0)) this.fail(now, 'double-spend', `tx ${span(twice)} credited twice in output shard ${shard}`);
      if (!this.pass(this.clientAbort.countIn(i, seg.segStart, seg.start, seg.end) === 0)) {
        this.fail(now, 'atomicity', `tx ${span(this.clientAbort.intersect(i, seg.segStart, seg.start, seg.end, []))} committed in shard ${shard} after its driver aborted it`);
      }
      if (!this.pass(this.clientCommit.covers(i, seg.segStart, seg.start, seg.end))) {
        this.fail(now, 'atomicity', `tx ${span(this.clientCommit.subtract(i, seg.segStart, seg.start, seg.end, []))} committed in shard ${shard} without its driver's unlock-to-commit`);
      }
      // Backed: locked (live or already spent by another output's commit) in every input shard.
      let backed = [seg.start, seg.end];
      for (const s of seg.inputShards) {
        if (backed.length === 2 && this.lockedLive.covers(s, seg, backed[0]!, backed[1]!)) {
          this.pass(true); // the common case: all of it locked there, nothing missing
          continue;
        }
        const next: number[] = [];
        for (let k = 0; k < backed.length; k += 2) this.lockedLive.intersect(s, seg, backed[k]!, backed[k + 1]!, next);
        const missing = subtractSorted(backed, next);
        if (!this.pass(missing.length === 0)) this.fail(now, 'atomicity', `tx ${span(missing)} committed in output shard ${shard} while input shard ${s} has not locked it (rejected, released or undecided)`);
        backed = next;
      }
      if (twice.length > 0) backed = subtractSorted(backed, twice);
      for (const s of seg.inputShards) for (let k = 0; k < backed.length; k += 2) this.spent.add(s, seg, backed[k]!, backed[k + 1]!);
      this.spentValue += creditPerTx(seg, shard) * countOf(backed);
      at.add(shard, seg, seg.start, seg.end);
      this.committedAny.add(i, seg.segStart, seg.segEnd, seg.start, seg.end);
    });
  }

  clientCommitted(now: number, ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) {
      if (!this.pass(this.countRange(this.clientAbort, ranges[i]!, ranges[i + 1]!) === 0)) {
        this.fail(now, 'atomicity', `driver committed tx ${span(this.intersectRange(this.clientAbort, ranges[i]!, ranges[i + 1]!))} after aborting it`);
      }
    }
    this.addRanges(this.clientCommit, ranges);
  }

  clientAborted(now: number, ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) {
      if (!this.pass(this.countRange(this.committedAny, ranges[i]!, ranges[i + 1]!) === 0)) {
        this.fail(now, 'atomicity', `driver aborted tx ${span(this.intersectRange(this.committedAny, ranges[i]!, ranges[i + 1]!))} already committed in an output shard`);
      }
      if (!this.pass(this.countRange(this.clientCommit, ranges[i]!, ranges[i + 1]!) === 0)) {
        this.fail(now, 'atomicity', `driver aborted tx ${span(this.intersectRange(this.clientCommit, ranges[i]!, ranges[i + 1]!))} after committing it`);
      }
    }
    this.addRanges(this.clientAbort, ranges);
  }

  /**
   * Conservation of value over the shards' own books: Σ (balance + locked) − value spent by commits must
   * equal the initial total (Σ initialBalance). Call it whenever no step is half done (e.g. every block).
   */
  checkConservation(now: number, books: Iterable<AtomixBook>, initialTotal = 0): boolean {
    let sum = 0;
    for (const b of books) sum += b.balance + b.locked;
    sum -= this.spentValue;
    return this.check(now, 'conservation', sum === initialTotal, () => `value ${sum} in the shards' books (locks spent by commits removed) ≠ initial total ${initialTotal}`);
  }

  /** At the end of a run: outcome counts, and every offered transaction accounted for. */
  finish(now: number, books?: Iterable<AtomixBook>, initialTotal = 0): AtomixOutcome {
    if (books) this.checkConservation(now, books, initialTotal);
    const o: AtomixOutcome = { offered: this.offeredSet.size, committed: 0, aborted: 0, pending: 0, awaitingProofs: 0, committing: 0, abortedStillLocked: 0 };
    // Every offered piece: each segment's offered ids, range by range.
    this.facts.forEachSegment(0, Number.MAX_SAFE_INTEGER, (seg) => {
      const i = seg.seg;
      const offered = this.offeredSet.intersect(i, seg.segStart, seg.start, seg.end, []);
      for (let r = 0; r < offered.length; r += 2) {
        const s0 = offered[r]!;
        const e0 = offered[r + 1]!;
        // Committed = committed in every output shard of the route.
        let all = [s0, e0];
        for (const s of seg.outputShards) {
          const next: number[] = [];
          for (let k = 0; k < all.length; k += 2) this.committedAt.intersect(s, seg, all[k]!, all[k + 1]!, next);
          all = next;
        }
        const aborted = this.clientAbort.intersect(i, seg.segStart, s0, e0, []);
        const notAborted: number[] = [];
        for (let k = 0; k < all.length; k += 2) this.clientAbort.subtract(i, seg.segStart, all[k]!, all[k + 1]!, notAborted);
        const both = subtractSorted(all, notAborted);
        this.check(now, 'atomicity', both.length === 0, () => `tx ${span(both)} both committed and aborted`);
        const pending = subtractSorted(subtractSorted([s0, e0], all), aborted);
        const uncommitted: number[] = [];
        for (let k = 0; k < pending.length; k += 2) this.clientCommit.subtract(i, seg.segStart, pending[k]!, pending[k + 1]!, uncommitted);
        const committing = countOf(subtractSorted(pending, uncommitted));
        o.committed += countOf(all);
        o.aborted += countOf(aborted) - countOf(both);
        o.pending += countOf(pending);
        o.committing += committing;
        o.awaitingProofs += countOf(pending) - committing;
        for (const s of seg.inputShards) {
          for (let k = 0; k < aborted.length; k += 2) o.abortedStillLocked += this.lockedLive.countIn(s, seg, aborted[k]!, aborted[k + 1]!);
        }
      }
    });
    this.check(now, 'lost', o.committed + o.aborted + o.pending === o.offered, () => `offered ${o.offered} ≠ committed ${o.committed} + aborted ${o.aborted} + pending ${o.pending}`);
    return o;
  }

  /** The assertions, for the composite's summary.invariants. */
  summary(): { checked: number; violations: number } {
    return { checked: this.checked, violations: this.violations };
  }

  private expectOffered(now: number, seg: FactSegment, what: 'locked' | 'committed', shard: number): void {
    if (!this.pass(this.offeredSet.covers(seg.seg, seg.segStart, seg.start, seg.end))) {
      this.fail(now, 'lost', `tx ${span(this.offeredSet.subtract(seg.seg, seg.segStart, seg.start, seg.end, []))} ${what} in shard ${shard} but never offered to a driver`);
    }
  }

  /** Ids of [a, b) in `set` (a range of any length: summed segment by segment). */
  private countRange(set: SegmentSet, a: number, b: number): number {
    let n = 0;
    this.facts.forEachSegment(a, b, (seg) => (n += set.countIn(seg.seg, seg.segStart, seg.start, seg.end)));
    return n;
  }

  private intersectRange(set: SegmentSet, a: number, b: number): number[] {
    const out: number[] = [];
    this.facts.forEachSegment(a, b, (seg) => set.intersect(seg.seg, seg.segStart, seg.start, seg.end, out));
    return out;
  }

  private addRanges(set: SegmentSet, ranges: readonly number[]): void {
    this.eachSegment(ranges, (seg) => void set.add(seg.seg, seg.segStart, seg.segEnd, seg.start, seg.end));
  }

  private eachSegment(ranges: readonly number[], fn: (seg: FactSegment) => void): void {
    for (let i = 0; i < ranges.length; i += 2) this.facts.forEachSegment(ranges[i]!, ranges[i + 1]!, fn);
  }

  /**
   * Count one assertion; whether it holds. The hot paths (locked, released, committed, the drivers'
   * decisions: every segment of every block) call `pass` and build their message only on a failure: a message closure per assertion
   * was an allocation per assertion, ~10^9 in a paper-scale hour.
   */
  private pass(ok: boolean): boolean {
    this.checked++;
    return ok;
  }

  private fail(now: number, invariant: InvariantName, message: string): void {
    this.violations++;
    if (this.log.length < this.maxLog) this.log.push({ atUs: now, invariant, message: `${invariant}: ${message}` });
  }

  /** pass + fail for the colder assertions, with the message built on a failure. */
  private check(now: number, invariant: InvariantName, ok: boolean, message: () => string): boolean {
    if (this.pass(ok)) return true;
    this.fail(now, invariant, message());
    return false;
  }
}

/** Shared empty ranges (never written). */
const NO_RANGES: readonly number[] = Object.freeze([]);

function setOf(map: Map<number, IntervalSet>, shard: number): IntervalSet {
  let s = map.get(shard);
  if (!s) map.set(shard, (s = new IntervalSet()));
  return s;
}

function shift(ranges: readonly number[], by: number): number[] {
  return ranges.map((x) => x + by);
}

/** A short human form of flat ranges: "5..9, 12" (at most three ranges). */
function span(ranges: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranges.length && i < 6; i += 2) {
    parts.push(ranges[i + 1]! - ranges[i]! === 1 ? `${ranges[i]}` : `${ranges[i]}..${ranges[i + 1]! - 1}`);
  }
  return parts.join(', ') + (ranges.length > 6 ? ', …' : '');
}
