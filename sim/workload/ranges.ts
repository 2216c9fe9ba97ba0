/**
 * Id-range arithmetic for Atomix. Transactions travel as flat half-open ranges [s0, e0, s1, e1, …]
 * (types.ts TxSet), so every Atomix state — locks, coins, tombstones, decisions — is a set of ranges too,
 * and each operation costs O(ranges touched + log ranges), never O(transactions).
 */

/**
 * A set of integer ids as sorted, disjoint, non-adjacent half-open intervals, held in chunks of at most
 * `chunkIntervals` intervals each (flat [s0, e0, s1, e1, …] arrays; their concatenation is the set). Appending
 * after the last interval (the common case: ids grow with time) is O(1). Anything else is two binary
 * searches and a splice inside one chunk, so it costs O(log n + chunkIntervals), not O(n): the Atomix
 * checker's sets of every id ever decided fragment into about one interval per book segment (committed and
 * aborted ids interleave), millions in a paper-scale hour, where one flat array made each out-of-order
 * insertion a copy of the whole set.
 */
export class IntervalSet {
  private chunks: number[][] = [];
  private size_ = 0;
  private count_ = 0;
  private readonly cap: number;
  /** locate's answer (fields, not a tuple: it is on every operation's path). */
  private locC = 0;
  private locI = 0;

  constructor(chunkIntervals = 512) {
    if (!Number.isInteger(chunkIntervals) || chunkIntervals < 2) throw new RangeError(`IntervalSet: chunkIntervals must be an integer ≥ 2, got ${chunkIntervals}`);
    this.cap = 2 * chunkIntervals;
  }

  static of(ranges: readonly number[]): IntervalSet {
    const s = new IntervalSet();
    s.addRanges(ranges);
    return s;
  }

  /** Number of ids in the set. */
  get size(): number {
    return this.size_;
  }
  /** Number of maximal intervals (the memory the set holds). */
  get intervals(): number {
    return this.count_;
  }
  /** A copy of the intervals as flat ranges. */
  toRanges(): number[] {
    const out: number[] = [];
    for (const c of this.chunks) for (const x of c) out.push(x);
    return out;
  }

  has(id: number): boolean {
    this.locate(id, false);
    const r = this.chunks[this.locC];
    return r !== undefined && r[this.locI]! <= id;
  }

  add(s: number, e: number): void {
    if (s >= e) return;
    const last = this.chunks[this.chunks.length - 1];
    const end = last ? last[last.length - 1]! : -Infinity;
    if (!last || s > end) {
      if (!last || last.length >= this.cap) this.chunks.push([s, e]);
      else last.push(s, e);
      this.size_ += e - s;
      this.count_++;
      return;
    }
    if (s === end) {
      last[last.length - 1] = e;
      this.size_ += e - s;
      return;
    }
    // The intervals that touch [s, e] (end ≥ s and start ≤ e) merge with it into one. Loops, not closures
    // and tuples: these methods run millions of times in a paper-scale hour (they were 25% of its allocations).
    let lo = s;
    let hi = e;
    let removed = 0;
    this.locate(s, true);
    const ci = this.locC;
    const ii = this.locI;
    let n = 0;
    outer: for (let c = ci, i = ii; c < this.chunks.length; c++, i = 0) {
      const r = this.chunks[c]!;
      for (; i < r.length; i += 2) {
        const a = r[i]!;
        const b = r[i + 1]!;
        if (a > e) break outer;
        if (a < lo) lo = a;
        if (b > hi) hi = b;
        removed += b - a;
        n++;
      }
    }
    this.size_ += hi - lo - removed;
    // The two common cases in place, without replace's pair array and spread splice: [s, e) widens one
    // interval (its first is at (ci, ii): locate found an interval ending ≥ s there), or it fits in a gap.
    if (n === 1) {
      const r = this.chunks[ci]!;
      r[ii] = lo;
      r[ii + 1] = hi;
      return;
    }
    if (n === 0 && ci < this.chunks.length && this.chunks[ci]!.length < this.cap) {
      this.chunks[ci]!.splice(ii, 0, lo, hi); // a native move (a loop by hand was slower, copyWithin 3×)
      this.count_++;
      return;
    }
    this.replace(ci, ii, n, [lo, hi]);
  }

  remove(s: number, e: number): void {
    if (s >= e || this.chunks.length === 0) return;
    this.locate(s, false);
    const ci = this.locC;
    const ii = this.locI;
    const keep: number[] = [];
    let n = 0;
    outer: for (let c = ci, i = ii; c < this.chunks.length; c++, i = 0) {
      const r = this.chunks[c]!;
      for (; i < r.length; i += 2) {
        const a = r[i]!;
        const b = r[i + 1]!;
        if (a >= e) break outer;
        if (a < s) keep.push(a, s);
        if (b > e) keep.push(e, b);
        this.size_ -= Math.min(b, e) - Math.max(a, s);
        n++;
      }
    }
    if (n > 0) this.replace(ci, ii, n, keep);
  }

  addRanges(ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) this.add(ranges[i]!, ranges[i + 1]!);
  }
  removeRanges(ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) this.remove(ranges[i]!, ranges[i + 1]!);
  }

  /** Appends the ids of [s, e) that are in the set to `out`, as ranges in order. */
  intersect(s: number, e: number, out: number[]): number[] {
    if (s >= e) return out; // an empty query has nothing in common (not even an empty range)
    this.locate(s, false);
    for (let c = this.locC, i = this.locI; c < this.chunks.length; c++, i = 0) {
      const r = this.chunks[c]!;
      for (; i < r.length; i += 2) {
        const a = r[i]!;
        if (a >= e) return out;
        const b = r[i + 1]!;
        out.push(a > s ? a : s, b < e ? b : e);
      }
    }
    return out;
  }

  /** Appends the ids of [s, e) that are not in the set to `out`, as ranges in order. */
  subtract(s: number, e: number, out: number[]): number[] {
    let cur = s;
    this.locate(s, false);
    outer: for (let c = this.locC, i = this.locI; c < this.chunks.length; c++, i = 0) {
      const r = this.chunks[c]!;
      for (; i < r.length; i += 2) {
        const a = r[i]!;
        if (a >= e) break outer;
        if (a > cur) out.push(cur, a);
        cur = r[i + 1]!;
      }
    }
    if (cur < e) out.push(cur, e);
    return out;
  }

  /** How many ids of [s, e) are in the set. */
  countIn(s: number, e: number): number {
    let n = 0;
    this.locate(s, false);
    for (let c = this.locC, i = this.locI; c < this.chunks.length; c++, i = 0) {
      const r = this.chunks[c]!;
      for (; i < r.length; i += 2) {
        const a = r[i]!;
        if (a >= e) return n;
        n += Math.min(e, r[i + 1]!) - Math.max(s, a);
      }
    }
    return n;
  }

  covers(s: number, e: number): boolean {
    return this.countIn(s, e) === e - s;
  }

  /**
   * Sets locC and locI to the chunk and flat index of the first interval whose end is > x (or ≥ x with
   * `atLeast`); the chunk count and 0 when there is none.
   */
  private locate(x: number, atLeast: boolean): void {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid]!;
      const end = c[c.length - 1]!;
      if (atLeast ? end >= x : end > x) hi = mid;
      else lo = mid + 1;
    }
    this.locC = lo;
    if (lo === chunks.length) {
      this.locI = 0;
      return;
    }
    const r = chunks[lo]!;
    let a = 0;
    let b = r.length >> 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      const end = r[2 * mid + 1]!;
      if (atLeast ? end >= x : end > x) b = mid;
      else a = mid + 1;
    }
    this.locI = 2 * a;
  }

  /** Replace `n` intervals from (chunk ci, flat index ii) on, across chunks, with `items` (flat ranges). */
  private replace(ci: number, ii: number, n: number, items: readonly number[]): void {
    this.count_ += (items.length >> 1) - n;
    if (ci === this.chunks.length) {
      if (items.length > 0) this.chunks.push([...items]);
      return;
    }
    // Cut the n intervals out: the rest of chunk ci first, then whole or leading parts of the next chunks.
    const first = this.chunks[ci]!;
    let left = n;
    const fromFirst = Math.min(left, (first.length - ii) >> 1);
    first.splice(ii, 2 * fromFirst, ...items);
    left -= fromFirst;
    let c = ci + 1;
    while (left > 0) {
      const r = this.chunks[c]!;
      const take = Math.min(left, r.length >> 1);
      r.splice(0, 2 * take);
      left -= take;
      if (r.length === 0) this.chunks.splice(c, 1);
      else c++;
    }
    if (first.length === 0) this.chunks.splice(ci, 1);
    else if (first.length > this.cap) this.chunks.splice(ci, 1, first.slice(0, first.length >> 2 << 1), first.slice(first.length >> 2 << 1));
  }
}

/** A RangeMap entry deleted whole but not yet cut out of the arrays. */
const DEAD: unique symbol = Symbol('dead');

/**
 * Values attached to disjoint id intervals (who drives a range, which client piece owns it). Entries are
 * kept sorted by start; overlapping entries are not merged, a new entry must not overlap a live one.
 *
 * Entries live at indices [head, length) of the arrays. Deleting whole entries only marks them dead: at the
 * front (the common case: ranges are resolved roughly in the order they were added) the head moves past
 * them; elsewhere (a shard that decides later than the others) they stay until the dead are the larger
 * part and one pass cuts them all out. So deletions cost O(log n) amortised instead of a splice of every
 * live entry, which at paper scale (millions of pending pieces) was the largest single cost of a run.
 * Only cutting an entry in part splices.
 */
export class RangeMap<V> {
  private starts: number[] = [];
  private ends: number[] = [];
  private vals: (V | typeof DEAD)[] = [];
  private head = 0;
  /** Dead entries at indices ≥ head. */
  private dead = 0;

  get length(): number {
    return this.starts.length - this.head - this.dead;
  }

  set(s: number, e: number, v: V): void {
    if (s >= e) return;
    const n = this.starts.length;
    if (n === this.head || s >= this.ends[n - 1]!) {
      this.starts.push(s);
      this.ends.push(e);
      this.vals.push(v);
      return;
    }
    const k = this.firstEndAbove(s);
    if (k < n && this.starts[k]! < e) {
      if (this.vals[k] !== DEAD) throw new Error(`RangeMap: [${s}, ${e}) overlaps [${this.starts[k]}, ${this.ends[k]})`);
      // It overlaps only entries deleted already: cut the dead out, then insert.
      this.compact();
      return this.set(s, e, v);
    }
    this.starts.splice(k, 0, s);
    this.ends.splice(k, 0, e);
    this.vals.splice(k, 0, v);
  }

  /** Calls fn for each entry overlapping [s, e), clipped to it, in order. */
  forEachOverlap(s: number, e: number, fn: (a: number, b: number, v: V) => void): void {
    for (let k = this.firstEndAbove(s); k < this.starts.length && this.starts[k]! < e; k++) {
      const v = this.vals[k]!;
      if (v !== DEAD) fn(Math.max(s, this.starts[k]!), Math.min(e, this.ends[k]!), v);
    }
  }

  /** Removes [s, e) from the map; entries partly inside are cut. */
  delete(s: number, e: number): void {
    const k = this.firstEndAbove(s);
    let j = k;
    let partial = false;
    for (; j < this.starts.length && this.starts[j]! < e; j++) {
      if (this.vals[j] !== DEAD && (this.starts[j]! < s || this.ends[j]! > e)) partial = true;
    }
    if (j === k) return;
    if (!partial) {
      for (let i = k; i < j; i++) {
        if (this.vals[i] === DEAD) continue;
        this.vals[i] = DEAD;
        this.dead++;
      }
      while (this.head < this.starts.length && this.vals[this.head] === DEAD) {
        this.head++;
        this.dead--;
      }
      if (this.head + this.dead >= 64 && 2 * (this.head + this.dead) >= this.starts.length) this.compact();
      return;
    }
    const ks: number[] = [];
    const ke: number[] = [];
    const kv: V[] = [];
    let deadHere = 0;
    for (let i = k; i < j; i++) {
      const a = this.starts[i]!;
      const b = this.ends[i]!;
      const v = this.vals[i]!;
      if (v === DEAD) {
        deadHere++;
        continue;
      }
      if (a < s) {
        ks.push(a);
        ke.push(s);
        kv.push(v);
      }
      if (b > e) {
        ks.push(e);
        ke.push(b);
        kv.push(v);
      }
    }
    this.dead -= deadHere;
    this.starts.splice(k, j - k, ...ks);
    this.ends.splice(k, j - k, ...ke);
    this.vals.splice(k, j - k, ...kv);
  }

  /** Cut the dead entries and the released front out of the arrays. */
  private compact(): void {
    let w = 0;
    for (let i = this.head; i < this.starts.length; i++) {
      const v = this.vals[i]!;
      if (v === DEAD) continue;
      this.starts[w] = this.starts[i]!;
      this.ends[w] = this.ends[i]!;
      this.vals[w] = v;
      w++;
    }
    this.starts.length = w;
    this.ends.length = w;
    this.vals.length = w;
    this.head = 0;
    this.dead = 0;
  }

  private firstEndAbove(x: number): number {
    let lo = this.head;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Number of ids in flat ranges. */
export function countOf(ranges: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < ranges.length; i += 2) n += ranges[i + 1]! - ranges[i]!;
  return n;
}

/**
 * The ids of `ranges` not in `remove`, as flat ranges in order, by one merge of the two lists (no
 * IntervalSet built: the Atomix checker calls this for every committed segment). Both lists must be sorted
 * and each disjoint within itself, as IntervalSet's answers are.
 */
export function subtractSorted(ranges: readonly number[], remove: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    let cur = ranges[i]!;
    const end = ranges[i + 1]!;
    while (j < remove.length && remove[j + 1]! <= cur) j += 2; // removals wholly before this range
    for (let k = j; k < remove.length && remove[k]! < end && cur < end; k += 2) {
      if (remove[k]! > cur) out.push(cur, remove[k]!);
      if (remove[k + 1]! > cur) cur = remove[k + 1]!;
    }
    if (cur < end) out.push(cur, end);
  }
  return out;
}

/**
 * Appends the parts of sorted, disjoint flat `ranges` that lie in [s, e) to `out`, in order: a binary search
 * for the first range ending after s, then a walk. What IntervalSet.of(ranges).intersect(s, e, out) gives
 * (up to adjacent pieces it would merge), without building the set: an output shard asks this of each
 * proof it is shown, for every segment of every unlock-to-commit.
 */
export function intersectSorted(ranges: readonly number[], s: number, e: number, out: number[]): number[] {
  if (s >= e) return out;
  let lo = 0;
  let hi = ranges.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[2 * mid + 1]! > s) hi = mid;
    else lo = mid + 1;
  }
  for (let i = 2 * lo; i < ranges.length; i += 2) {
    const a = ranges[i]!;
    if (a >= e) break;
    const b = ranges[i + 1]!;
    out.push(a > s ? a : s, b < e ? b : e);
  }
  return out;
}

/** Sorted, merged copy of flat ranges (TxSets built by others need not be sorted). */
export function normalize(ranges: readonly number[]): number[] {
  // Ranges in order of their starts (most callers build them in id order) merge in one pass. A list out
  // of order (a block's records, queued oldest first) is put in order of starts first: a native sort, where
  // inserting each range into a set shifted a chunk of it per range.
  const out: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    if (!mergeInto(out, ranges[i]!, ranges[i + 1]!)) return normalizeUnsorted(ranges);
  }
  return out;
}

/** normalize for a list out of order: the ranges by start, then the same merging pass. */
function normalizeUnsorted(ranges: readonly number[]): number[] {
  const order = new Array<number>(ranges.length >> 1);
  for (let k = 0; k < order.length; k++) order[k] = 2 * k;
  order.sort((x, y) => ranges[x]! - ranges[y]!);
  const out: number[] = [];
  for (const i of order) mergeInto(out, ranges[i]!, ranges[i + 1]!);
  return out;
}

/**
 * Appends [a, b) to sorted, merged `out`, merging it with the last range if they touch; empty ranges are
 * dropped, as IntervalSet.add does. False (and nothing done) when a starts before the last range.
 */
function mergeInto(out: number[], a: number, b: number): boolean {
  if (a >= b) return true;
  const n = out.length;
  if (n === 0 || a > out[n - 1]!) out.push(a, b);
  else if (a >= out[n - 2]!) {
    if (b > out[n - 1]!) out[n - 1] = b;
  } else return false;
  return true;
}
