/**
 * A set of integer ids as sorted, disjoint, non-adjacent half-open ranges [lo, hi), in chunks of at most
 * CHUNK ranges, each chunk two Float64Arrays (exact to 2^53). It replaces a per-id bitset, which at 360 M
 * transactions would take 45 MB per level and be touched once per id.
 *
 * Cost: commits arrive mostly in id order, so `add` usually extends the last range in O(1). Otherwise it is
 * two binary searches (over the chunks' last ends, then inside one chunk) and a shift inside that chunk
 * (typed-array copyWithin of at most CHUNK ranges). One flat array kept the in-order case as fast but made
 * every out-of-order insert a copy of the whole set; at paper scale, where aborted and committed ids
 * interleave, the sets grow to millions of ranges and those copies were 5% of a run. (Atomix's IntervalSet,
 * atomix/ranges.ts, is chunked too, in plain arrays; here the sets are touched once per commit and per level,
 * and typed arrays keep the common case 1.7× faster: `npm run bench -- --workload`.)
 */
const CHUNK = 1024;

interface Chunk {
  lo: Float64Array;
  hi: Float64Array;
  n: number;
}

function newChunk(capacity: number): Chunk {
  return { lo: new Float64Array(capacity), hi: new Float64Array(capacity), n: 0 };
}

export class IntervalSet {
  private chunks: Chunk[] = [newChunk(16)];
  private count = 0;
  private covered = 0;

  /** Number of disjoint ranges held. */
  get ranges(): number {
    return this.count;
  }

  /** Number of ids in the set. */
  get size(): number {
    return this.covered;
  }

  has(id: number): boolean {
    const [c, i] = this.firstEndingAfter(id);
    if (c === this.chunks.length) return false;
    return this.chunks[c]!.lo[i]! <= id;
  }

  /** How many ids of [s, e) are in the set. */
  overlap(s: number, e: number): number {
    let total = 0;
    let [c, i] = this.firstEndingAfter(s);
    for (; c < this.chunks.length; c++, i = 0) {
      const k = this.chunks[c]!;
      for (; i < k.n; i++) {
        if (k.lo[i]! >= e) return total;
        total += Math.min(k.hi[i]!, e) - Math.max(k.lo[i]!, s);
      }
    }
    return total;
  }

  /** Add the ids [s, e); returns how many of them were not in the set before. */
  add(s: number, e: number): number {
    if (!(e > s)) return 0;
    // Fast path: at or after the end of the last range.
    const last = this.chunks[this.chunks.length - 1]!;
    const end = last.n > 0 ? last.hi[last.n - 1]! : -Infinity;
    if (s > end) {
      this.append(s, e);
      this.covered += e - s;
      return e - s;
    }
    if (s === end) {
      last.hi[last.n - 1] = e;
      this.covered += e - s;
      return e - s;
    }
    // The ranges that overlap or touch [s, e] merge with it into one: the first one with hi ≥ s, then on.
    const [c0, i0] = this.firstEndingAtOrAfter(s);
    let lo = s;
    let hi = e;
    let already = 0;
    let merged = 0;
    let c = c0;
    let i = i0;
    while (c < this.chunks.length) {
      const k = this.chunks[c]!;
      if (i >= k.n) {
        c++;
        i = 0;
        continue;
      }
      if (k.lo[i]! > e) break;
      already += Math.max(0, Math.min(k.hi[i]!, e) - Math.max(k.lo[i]!, s));
      if (k.lo[i]! < lo) lo = k.lo[i]!;
      if (k.hi[i]! > hi) hi = k.hi[i]!;
      merged++;
      i++;
    }
    this.replace(c0, i0, merged, lo, hi);
    const added = e - s - already;
    this.covered += added;
    return added;
  }

  /** The ranges as a flat [lo0, hi0, lo1, hi1, …] list (for tests and debugging). */
  toArray(): number[] {
    const out: number[] = [];
    for (const k of this.chunks) for (let i = 0; i < k.n; i++) out.push(k.lo[i]!, k.hi[i]!);
    return out;
  }

  private append(s: number, e: number): void {
    let last = this.chunks[this.chunks.length - 1]!;
    if (last.n === CHUNK) {
      last = newChunk(CHUNK);
      this.chunks.push(last);
    } else if (last.n === last.lo.length) {
      this.grow(last, last.n * 2);
    }
    last.lo[last.n] = s;
    last.hi[last.n] = e;
    last.n++;
    this.count++;
  }

  /**
   * Replace `merged` consecutive ranges from (chunk c, index i) on, possibly across chunks, by [lo, hi); with
   * merged = 0, insert [lo, hi) before that position.
   */
  private replace(c: number, i: number, merged: number, lo: number, hi: number): void {
    if (c === this.chunks.length) {
      this.append(lo, hi);
      return;
    }
    const k = this.chunks[c]!;
    if (merged === 0) {
      if (k.n === k.lo.length) this.grow(k, k.n * 2); // a full chunk splits below
      k.lo.copyWithin(i + 1, i, k.n);
      k.hi.copyWithin(i + 1, i, k.n);
      k.lo[i] = lo;
      k.hi[i] = hi;
      k.n++;
      this.count++;
      if (k.n > CHUNK) this.split(c);
      return;
    }
    // The first merged range becomes [lo, hi); the other merged − 1 are cut out, in this chunk and the next.
    k.lo[i] = lo;
    k.hi[i] = hi;
    let left = merged - 1;
    this.count -= left;
    const here = Math.min(left, k.n - i - 1);
    if (here > 0) {
      k.lo.copyWithin(i + 1, i + 1 + here, k.n);
      k.hi.copyWithin(i + 1, i + 1 + here, k.n);
      k.n -= here;
      left -= here;
    }
    let d = c + 1;
    while (left > 0) {
      const m = this.chunks[d]!;
      const cut = Math.min(left, m.n);
      m.lo.copyWithin(0, cut, m.n);
      m.hi.copyWithin(0, cut, m.n);
      m.n -= cut;
      left -= cut;
      if (m.n === 0) this.chunks.splice(d, 1);
      else d++;
    }
  }

  private grow(k: Chunk, capacity: number): void {
    const lo = new Float64Array(capacity);
    const hi = new Float64Array(capacity);
    lo.set(k.lo.subarray(0, k.n));
    hi.set(k.hi.subarray(0, k.n));
    k.lo = lo;
    k.hi = hi;
  }

  /** A chunk over CHUNK ranges splits in two halves. */
  private split(c: number): void {
    const k = this.chunks[c]!;
    const half = k.n >> 1;
    const right = newChunk(CHUNK);
    right.lo.set(k.lo.subarray(half, k.n));
    right.hi.set(k.hi.subarray(half, k.n));
    right.n = k.n - half;
    k.n = half;
    this.chunks.splice(c + 1, 0, right);
  }

  /** Chunk and index of the first range with hi > x (the one that could contain x); [chunks, 0] if none. */
  private firstEndingAfter(x: number): [number, number] {
    return this.locate(x, false);
  }

  /** First range with hi ≥ x (it contains or touches x from the left); [chunks, 0] if none. */
  private firstEndingAtOrAfter(x: number): [number, number] {
    return this.locate(x, true);
  }

  private locate(x: number, touch: boolean): [number, number] {
    const chunks = this.chunks;
    let a = 0;
    let b = chunks.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const k = chunks[mid]!;
      const last = k.n > 0 ? k.hi[k.n - 1]! : -Infinity;
      if (touch ? last >= x : last > x) b = mid;
      else a = mid + 1;
    }
    if (a === chunks.length) return [a, 0];
    const k = chunks[a]!;
    let lo = 0;
    let hi = k.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (touch ? k.hi[mid]! >= x : k.hi[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return [a, lo];
  }
}
