/**
 * Id-range arithmetic for Atomix. Transactions travel as flat half-open ranges [s0, e0, s1, e1, …]
 * (types.ts TxSet), so every Atomix state — locks, coins, tombstones, decisions — is a set of ranges too,
 * and each operation costs O(ranges touched + log ranges), never O(transactions).
 */

/**
 * A set of integer ids as sorted, disjoint, non-adjacent half-open intervals in one flat array. Appending
 * after the last interval (the common case: ids grow with time) is O(1); anything else is a binary search
 * and one splice.
 */
export class IntervalSet {
  private r: number[] = [];
  private size_ = 0;

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
    return this.r.length >> 1;
  }
  /** A copy of the intervals as flat ranges. */
  toRanges(): number[] {
    return this.r.slice();
  }

  has(id: number): boolean {
    const k = this.firstEndAbove(id);
    return k < this.r.length >> 1 && this.r[2 * k]! <= id;
  }

  add(s: number, e: number): void {
    if (s >= e) return;
    const r = this.r;
    const n = r.length;
    if (n === 0 || s > r[n - 1]!) {
      r.push(s, e);
      this.size_ += e - s;
      return;
    }
    if (s === r[n - 1]!) {
      r[n - 1] = e;
      this.size_ += e - s;
      return;
    }
    // First interval that ends at or after s (touching intervals merge), then all that start at or before e.
    const k = this.firstEndAtLeast(s);
    let j = k;
    let lo = s;
    let hi = e;
    let removed = 0;
    while (2 * j < r.length && r[2 * j]! <= e) {
      lo = Math.min(lo, r[2 * j]!);
      hi = Math.max(hi, r[2 * j + 1]!);
      removed += r[2 * j + 1]! - r[2 * j]!;
      j++;
    }
    r.splice(2 * k, 2 * (j - k), lo, hi);
    this.size_ += hi - lo - removed;
  }

  remove(s: number, e: number): void {
    if (s >= e || this.r.length === 0) return;
    const r = this.r;
    const k = this.firstEndAbove(s);
    let j = k;
    const keep: number[] = [];
    while (2 * j < r.length && r[2 * j]! < e) {
      const a = r[2 * j]!;
      const b = r[2 * j + 1]!;
      if (a < s) keep.push(a, s);
      if (b > e) keep.push(e, b);
      this.size_ -= Math.min(b, e) - Math.max(a, s);
      j++;
    }
    if (j > k) r.splice(2 * k, 2 * (j - k), ...keep);
  }

  addRanges(ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) this.add(ranges[i]!, ranges[i + 1]!);
  }
  removeRanges(ranges: readonly number[]): void {
    for (let i = 0; i < ranges.length; i += 2) this.remove(ranges[i]!, ranges[i + 1]!);
  }

  /** Appends the ids of [s, e) that are in the set to `out`, as ranges in order. */
  intersect(s: number, e: number, out: number[]): number[] {
    const r = this.r;
    for (let k = this.firstEndAbove(s); 2 * k < r.length && r[2 * k]! < e; k++) {
      out.push(Math.max(s, r[2 * k]!), Math.min(e, r[2 * k + 1]!));
    }
    return out;
  }

  /** Appends the ids of [s, e) that are not in the set to `out`, as ranges in order. */
  subtract(s: number, e: number, out: number[]): number[] {
    const r = this.r;
    let cur = s;
    for (let k = this.firstEndAbove(s); 2 * k < r.length && r[2 * k]! < e; k++) {
      if (r[2 * k]! > cur) out.push(cur, r[2 * k]!);
      cur = r[2 * k + 1]!;
    }
    if (cur < e) out.push(cur, e);
    return out;
  }

  /** How many ids of [s, e) are in the set. */
  countIn(s: number, e: number): number {
    let n = 0;
    const r = this.r;
    for (let k = this.firstEndAbove(s); 2 * k < r.length && r[2 * k]! < e; k++) {
      n += Math.min(e, r[2 * k + 1]!) - Math.max(s, r[2 * k]!);
    }
    return n;
  }

  covers(s: number, e: number): boolean {
    return this.countIn(s, e) === e - s;
  }

  /** Index of the first interval whose end is > x. */
  private firstEndAbove(x: number): number {
    let lo = 0;
    let hi = this.r.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.r[2 * mid + 1]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Index of the first interval whose end is ≥ x. */
  private firstEndAtLeast(x: number): number {
    let lo = 0;
    let hi = this.r.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.r[2 * mid + 1]! >= x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
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

/** Sorted, merged copy of flat ranges (TxSets built by others need not be sorted). */
export function normalize(ranges: readonly number[]): number[] {
  return IntervalSet.of(ranges).toRanges();
}
