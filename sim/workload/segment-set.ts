import { IntervalSet } from './ranges.js';

/**
 * Per segment, a 16-bit word: NONE, ALL, SOME (the ids are in `some`), or any other value w for the one
 * interval [lo + (w & 0xff), lo + (w >>> 8)) of a segment starting at lo (w ≥ 256 as the end is ≥ 1).
 */
const NONE = 0;
const ALL = 1;
const SOME = 2;
/** Largest offset an interval word holds: a segment's first 255 ids. */
const MAX_OFFSET = 0xff;

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * A set of transaction ids held per book segment (TxBook, DESIGN §8): a 16-bit word per segment says that
 * none of its ids are in the set, all of them, one interval of them, or some other mix, and only the ids of
 * those last segments are kept as ranges. Every operation names the segment, the segment's bounds [lo, hi)
 * and a piece [s, e) inside them, as the callers walk their ids segment by segment anyway
 * (TxBook.forEachSegmentPart, Atomix's CrossShardFacts).
 *
 * Why: the sets that remember which ids were committed, aborted, locked or offered hold an interval or two
 * per segment (committed and aborted ids interleave segment by segment, and a segment's bad ids, its first
 * ones, are aborted while the rest commit), about 9 M segments at paper scale. As interval sets each
 * operation was a search in millions of intervals and each interval ~16 bytes of heap; here an operation
 * on a whole segment or on its prefix or suffix is a word read and written, and the set costs two bytes
 * per segment.
 */
export class SegmentSet {
  /** Per segment its word, in chunks allocated when first written. */
  private readonly chunks: (Uint16Array | undefined)[] = [];
  /** The ids of the SOME segments (and only theirs). */
  private readonly some = new IntervalSet();
  private size_ = 0;

  /** Number of ids in the set. */
  get size(): number {
    return this.size_;
  }

  /** Intervals kept as ranges (segments whose ids in the set are not one interval). */
  get partialIntervals(): number {
    return this.some.intervals;
  }

  /** Ids of [s, e) (inside segment `seg` starting at `lo`) in the set. */
  countIn(seg: number, lo: number, s: number, e: number): number {
    const w = this.wordOf(seg);
    if (w === NONE) return 0;
    if (w === ALL) return e - s;
    if (w === SOME) return this.some.countIn(s, e);
    const n = Math.min(e, lo + (w >>> 8)) - Math.max(s, lo + (w & MAX_OFFSET));
    return n > 0 ? n : 0;
  }

  /** Whether every id of [s, e) (inside segment `seg` starting at `lo`) is in the set. */
  covers(seg: number, lo: number, s: number, e: number): boolean {
    return this.countIn(seg, lo, s, e) === e - s;
  }

  /** Appends the ids of [s, e) (inside `seg` starting at `lo`) that are in the set to `out`, as ranges in order. */
  intersect(seg: number, lo: number, s: number, e: number, out: number[]): number[] {
    const w = this.wordOf(seg);
    if (w === ALL) out.push(s, e);
    else if (w === SOME) this.some.intersect(s, e, out);
    else if (w !== NONE) {
      const a = Math.max(s, lo + (w & MAX_OFFSET));
      const b = Math.min(e, lo + (w >>> 8));
      if (a < b) out.push(a, b);
    }
    return out;
  }

  /** Appends the ids of [s, e) (inside `seg` starting at `lo`) that are not in the set to `out`, as ranges in order. */
  subtract(seg: number, lo: number, s: number, e: number, out: number[]): number[] {
    const w = this.wordOf(seg);
    if (w === NONE) out.push(s, e);
    else if (w === SOME) this.some.subtract(s, e, out);
    else if (w !== ALL) {
      const a = lo + (w & MAX_OFFSET);
      const b = lo + (w >>> 8);
      if (s < Math.min(e, a)) out.push(s, Math.min(e, a));
      if (Math.max(s, b) < e) out.push(Math.max(s, b), e);
    }
    return out;
  }

  /** Adds [s, e) of segment `seg` = [lo, hi); returns how many of those ids were not in the set. */
  add(seg: number, lo: number, hi: number, s: number, e: number): number {
    if (s >= e) return 0;
    const w = this.wordOf(seg);
    if (w === ALL) return 0;
    if (w === NONE) {
      this.setInterval(seg, lo, hi, s, e);
      this.size_ += e - s;
      return e - s;
    }
    if (w === SOME) {
      const added = e - s - this.some.countIn(s, e);
      if (added === 0) return 0;
      this.some.add(s, e);
      this.size_ += added;
      if (this.some.countIn(lo, hi) === hi - lo) {
        this.some.remove(lo, hi);
        this.setWord(seg, ALL);
      }
      return added;
    }
    const a = lo + (w & MAX_OFFSET);
    const b = lo + (w >>> 8);
    const overlap = Math.min(e, b) - Math.max(s, a);
    const added = e - s - (overlap > 0 ? overlap : 0);
    if (added === 0) return 0;
    this.size_ += added;
    if (s <= b && e >= a) this.setInterval(seg, lo, hi, Math.min(s, a), Math.max(e, b)); // they touch: one interval
    else {
      this.some.add(a, b);
      this.some.add(s, e);
      this.setWord(seg, SOME);
    }
    return added;
  }

  /** Removes [s, e) of segment `seg` = [lo, hi); returns how many of those ids were in the set. */
  remove(seg: number, lo: number, hi: number, s: number, e: number): number {
    if (s >= e) return 0;
    const w = this.wordOf(seg);
    if (w === NONE) return 0;
    if (w === SOME) {
      const removed = this.some.countIn(s, e);
      if (removed === 0) return 0;
      this.some.remove(s, e);
      this.size_ -= removed;
      if (this.some.countIn(lo, hi) === 0) this.setWord(seg, NONE);
      return removed;
    }
    // ALL is the interval [lo, hi).
    const a = w === ALL ? lo : lo + (w & MAX_OFFSET);
    const b = w === ALL ? hi : lo + (w >>> 8);
    const removed = Math.min(e, b) - Math.max(s, a);
    if (removed <= 0) return 0;
    this.size_ -= removed;
    const left = s > a; // [a, s) stays
    const right = b > e; // [e, b) stays
    if (left && right) {
      this.some.add(a, s);
      this.some.add(e, b);
      this.setWord(seg, SOME);
    } else if (left) this.setInterval(seg, lo, hi, a, s);
    else if (right) this.setInterval(seg, lo, hi, e, b);
    else this.setWord(seg, NONE);
    return removed;
  }

  /** The segment's word: the interval [a, b) of [lo, hi) (nonempty) as ALL, a word, or SOME when it does not fit. */
  private setInterval(seg: number, lo: number, hi: number, a: number, b: number): void {
    if (a === lo && b === hi) this.setWord(seg, ALL);
    else if (b - lo <= MAX_OFFSET) this.setWord(seg, (a - lo) | ((b - lo) << 8));
    else {
      this.some.add(a, b);
      this.setWord(seg, SOME);
    }
  }

  private wordOf(seg: number): number {
    const c = this.chunks[seg >>> CHUNK_BITS];
    return c === undefined ? NONE : c[seg & MASK]!;
  }

  private setWord(seg: number, w: number): void {
    const k = seg >>> CHUNK_BITS;
    let c = this.chunks[k];
    if (c === undefined) {
      while (this.chunks.length < k) this.chunks.push(undefined);
      c = this.chunks[k] = new Uint16Array(CHUNK);
    }
    c[seg & MASK] = w;
  }
}
