/**
 * A set of integer ids as sorted, disjoint, non-adjacent half-open ranges [lo, hi) in two growable
 * Float64Arrays (exact to 2^53). It replaces a per-id bitset, which at 360 M transactions would take
 * 45 MB per level and be touched once per id.
 *
 * Cost: commits arrive mostly in id order, so `add` usually extends the last range in O(1) and the set
 * stays a handful of ranges. Otherwise it is a binary search plus a shift of the ranges after the
 * insertion point (one typed-array copyWithin). Worst case, ids committed in an order that leaves a gap
 * between every pair (e.g. every other id first): n/2 ranges, O(n) per insert, O(n²) in total. With
 * shards committing their own segments at different lags, the ranges number about the segments still
 * pending in the lagging shards, a few thousand at the paper scale.
 */
export class IntervalSet {
  private lo = new Float64Array(16);
  private hi = new Float64Array(16);
  private n = 0;
  private covered = 0;

  /** Number of disjoint ranges held. */
  get ranges(): number {
    return this.n;
  }

  /** Number of ids in the set. */
  get size(): number {
    return this.covered;
  }

  has(id: number): boolean {
    const i = this.firstEndingAfter(id);
    return i < this.n && this.lo[i]! <= id;
  }

  /** How many ids of [s, e) are in the set. */
  overlap(s: number, e: number): number {
    let total = 0;
    for (let i = this.firstEndingAfter(s); i < this.n && this.lo[i]! < e; i++) {
      total += Math.min(this.hi[i]!, e) - Math.max(this.lo[i]!, s);
    }
    return total;
  }

  /** Add the ids [s, e); returns how many of them were not in the set before. */
  add(s: number, e: number): number {
    if (!(e > s)) return 0;
    const n = this.n;
    // Fast path: at or after the end of the last range.
    if (n === 0 || s > this.hi[n - 1]!) {
      this.insertAt(n, s, e);
      this.covered += e - s;
      return e - s;
    }
    if (s === this.hi[n - 1]!) {
      this.hi[n - 1] = e;
      this.covered += e - s;
      return e - s;
    }
    // Ranges i … j−1 overlap or touch [s, e]: merge them with it into one.
    const i = this.firstEndingAtOrAfter(s);
    let j = i;
    let already = 0;
    while (j < n && this.lo[j]! <= e) {
      already += Math.max(0, Math.min(this.hi[j]!, e) - Math.max(this.lo[j]!, s));
      j++;
    }
    if (i === j) {
      this.insertAt(i, s, e);
    } else {
      const lo = Math.min(this.lo[i]!, s);
      const hi = Math.max(this.hi[j - 1]!, e);
      this.lo[i] = lo;
      this.hi[i] = hi;
      const removed = j - i - 1;
      if (removed > 0) {
        this.lo.copyWithin(i + 1, j, n);
        this.hi.copyWithin(i + 1, j, n);
        this.n -= removed;
      }
    }
    const added = e - s - already;
    this.covered += added;
    return added;
  }

  /** The ranges as a flat [lo0, hi0, lo1, hi1, …] list (for tests and debugging). */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.lo[i]!, this.hi[i]!);
    return out;
  }

  /** First range with hi > x (the one that could contain x), or n. */
  private firstEndingAfter(x: number): number {
    let a = 0;
    let b = this.n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.hi[mid]! > x) b = mid;
      else a = mid + 1;
    }
    return a;
  }

  /** First range with hi ≥ x (it contains or touches x from the left), or n. */
  private firstEndingAtOrAfter(x: number): number {
    let a = 0;
    let b = this.n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.hi[mid]! >= x) b = mid;
      else a = mid + 1;
    }
    return a;
  }

  private insertAt(i: number, s: number, e: number): void {
    if (this.n === this.lo.length) {
      const lo = new Float64Array(this.n * 2);
      const hi = new Float64Array(this.n * 2);
      lo.set(this.lo);
      hi.set(this.hi);
      this.lo = lo;
      this.hi = hi;
    }
    if (i < this.n) {
      this.lo.copyWithin(i + 1, i, this.n);
      this.hi.copyWithin(i + 1, i, this.n);
    }
    this.lo[i] = s;
    this.hi[i] = e;
    this.n++;
  }
}
