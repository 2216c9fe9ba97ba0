/**
 * What Atomix needs to know about transactions, per SEGMENT: a contiguous id range with one route (its
 * input shards and output shards) and the bad ids at its start. This is the narrow interface Atomix reads;
 * the workload's book (sim/workload/book.ts) is expected to provide it, and `SegmentTable` below is a
 * small implementation for tests and for composites until then. Nothing is stored per transaction.
 *
 * Coins (the UTXO model of OmniLedger §IV-D and the IOS whitepaper): each input of a transaction is a
 * coin living in one input shard. A valid transaction x spends its own coin `x` in each of its input
 * shards. A double-spend id d instead spends the coin `d + victimDelta`, the coin of an earlier
 * transaction (victimDelta < 0), in the same input shards; `victimDelta = null` means the coin was spent
 * before the run, so every input shard rejects d. Whichever of d and its victim an input shard locks first
 * wins; the other is rejected ("an input already locked or spent is rejected").
 */

export interface FactSegment {
  /** The segment's index (the book's), for state kept per segment (workload/segment-set.ts). */
  readonly seg: number;
  /** The whole segment [segStart, segEnd). */
  readonly segStart: number;
  readonly segEnd: number;
  /** The piece [start, end) of the segment that was asked about (clipped). */
  readonly start: number;
  readonly end: number;
  readonly inputShards: readonly number[];
  readonly outputShards: readonly number[];
  /** Ids [start, invalidEnd) are invalid (bad signature, overspend): every input shard rejects them. */
  readonly invalidEnd: number;
  /** Ids [invalidEnd, doubleSpendEnd) are double spends; [doubleSpendEnd, end) are valid. */
  readonly doubleSpendEnd: number;
  /** A double spend d tries to spend coin d + victimDelta; null: a coin spent before the run. */
  readonly victimDelta: number | null;
  /** Value each input holds (and the transaction moves), in abstract units. */
  readonly valuePerInput: number;
}

export interface CrossShardFacts {
  /**
   * Calls fn for each segment piece covering [start, end), clipped to it, in id order. Unknown ids are
   * skipped. The piece is valid only during the call (an implementation may refill one object): copy what
   * you keep.
   */
  forEachSegment(start: number, end: number, fn: (seg: FactSegment) => void): void;
}

/** A route spans several shards: Atomix's business. */
export function isCrossShard(seg: Pick<FactSegment, 'inputShards' | 'outputShards'>): boolean {
  // Loops, not `some` with a closure: this runs at every Atomix step of every segment.
  const ins = seg.inputShards;
  const outs = seg.outputShards;
  const first = ins[0] ?? outs[0];
  for (let i = 0; i < ins.length; i++) if (ins[i] !== first) return true;
  for (let i = 0; i < outs.length; i++) if (outs[i] !== first) return true;
  return false;
}

/**
 * The coin ranges that ids [a, b) of `seg` try to spend (in each input shard), as
 * (txStart, txEnd, coinDelta) runs: tx id x spends coin x + coinDelta. Invalid ids and double spends of
 * pre-run coins yield no run (they are rejected before any coin is looked at).
 */
export function forEachCoinRun(seg: FactSegment, a: number, b: number, fn: (s: number, e: number, coinDelta: number) => void): void {
  const ds0 = Math.max(a, seg.invalidEnd);
  const ds1 = Math.min(b, seg.doubleSpendEnd);
  if (ds0 < ds1 && seg.victimDelta !== null) fn(ds0, ds1, seg.victimDelta);
  const v0 = Math.max(a, seg.doubleSpendEnd);
  if (v0 < b) fn(v0, b, 0);
}

/** Ids of [a, b) rejected by every input shard whatever its state: invalid ones and spends of pre-run coins. */
export function forEachAlwaysRejected(seg: FactSegment, a: number, b: number, fn: (s: number, e: number) => void): void {
  const i1 = Math.min(b, seg.invalidEnd);
  if (a < i1) fn(a, i1);
  if (seg.victimDelta === null) {
    const d0 = Math.max(a, seg.invalidEnd);
    const d1 = Math.min(b, seg.doubleSpendEnd);
    if (d0 < d1) fn(d0, d1);
  }
}

/** Whether forEachAlwaysRejected(seg, a, b, …) would call back at all (no callback, no allocation: a hot check). */
export function hasAlwaysRejected(seg: FactSegment, a: number, b: number): boolean {
  if (a < Math.min(b, seg.invalidEnd)) return true;
  return seg.victimDelta === null && Math.max(a, seg.invalidEnd) < Math.min(b, seg.doubleSpendEnd);
}

/** How a segment is declared: counts of invalid and double-spend ids at its start, as the book has them. */
export interface SegmentSpec {
  readonly start: number;
  readonly end: number;
  readonly inputShards: readonly number[];
  readonly outputShards: readonly number[];
  readonly invalid?: number;
  readonly doubleSpends?: number;
  /** See FactSegment.victimDelta; default null (pre-run coins). */
  readonly victimDelta?: number | null;
  readonly valuePerInput?: number;
}

/** An array-backed CrossShardFacts: segments appended in id order, looked up by binary search. */
export class SegmentTable implements CrossShardFacts {
  private readonly specs: SegmentSpec[] = [];

  constructor(specs: Iterable<SegmentSpec> = []) {
    for (const s of specs) this.push(s);
  }

  push(spec: SegmentSpec): void {
    const last = this.specs[this.specs.length - 1];
    if (spec.end <= spec.start) throw new Error(`SegmentTable: empty segment [${spec.start}, ${spec.end})`);
    if (last && spec.start < last.end) throw new Error(`SegmentTable: segment at ${spec.start} is not after ${last.end}`);
    if ((spec.invalid ?? 0) + (spec.doubleSpends ?? 0) > spec.end - spec.start) throw new Error('SegmentTable: more bad ids than ids');
    if (spec.victimDelta !== undefined && spec.victimDelta !== null && spec.victimDelta >= 0) {
      throw new Error('SegmentTable: a double spend spends the coin of an EARLIER transaction (victimDelta < 0)');
    }
    this.specs.push(spec);
  }

  forEachSegment(start: number, end: number, fn: (seg: FactSegment) => void): void {
    const specs = this.specs;
    let lo = 0;
    let hi = specs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (specs[mid]!.end > start) hi = mid;
      else lo = mid + 1;
    }
    for (let k = lo; k < specs.length && specs[k]!.start < end; k++) {
      const s = specs[k]!;
      const invalidEnd = s.start + (s.invalid ?? 0);
      const a = Math.max(start, s.start);
      const b = Math.min(end, s.end);
      fn({
        seg: k,
        segStart: s.start,
        segEnd: s.end,
        start: a,
        end: b,
        inputShards: s.inputShards,
        outputShards: s.outputShards,
        invalidEnd: Math.min(b, Math.max(a, invalidEnd)),
        doubleSpendEnd: Math.min(b, Math.max(a, invalidEnd + (s.doubleSpends ?? 0))),
        victimDelta: s.victimDelta ?? null,
        valuePerInput: s.valuePerInput ?? 1,
      });
    }
  }
}
