/** Numbers per entry: time, and the caller's two numbers (the kernel packs its event into them). */
const STRIDE = 3;
const TIME = 0;
const WORD = 1;
const EXTRA = 2;
/** Bucket 0 holds the entries at `last`; bucket b ≥ 1 those whose highest bit differing from `last` is b − 1. */
const BUCKETS = 54;
const TWO_32 = 2 ** 32;

/**
 * A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster algorithms for the shortest path problem", JACM
 * 1990) of events ordered by time, and among equal times by the order they were pushed, for a discrete-event
 * kernel: times are integers in [0, 2^53) and never fall below the last one taken out, which is what a
 * simulation clock does.
 *
 * An entry sits in the bucket named by the highest bit in which its time differs from `last`, the time of the
 * entries at the front. Taking out the front is O(1); when bucket 0 runs dry, the lowest non-empty bucket is
 * spread over the buckets below it around its smallest time, so an entry moves at most once per bit, each
 * time by a sequential copy. A binary or 4-ary heap instead walks a path of scattered entries at every push
 * and pop: with ~10^5 events pending at paper scale, a cache miss per level.
 *
 * Entries at one time leave in the order they were pushed (DESIGN §3) without a sequence number: they always
 * sit in the same bucket (the bucket depends only on the time and `last`, and a spread leaves every entry of
 * the higher buckets where it belongs), each bucket keeps the order entries arrived in, and a spread copies
 * a bucket in order. A push below `last` (a kernel that stopped at `until` before the next event's time and
 * is then given an earlier one) rebuilds the buckets around it, bucket by bucket in order: rare and O(n).
 */
export class RadixQueue {
  private readonly buckets: Float64Array[] = [];
  private readonly lens = new Int32Array(BUCKETS);
  /** Bucket 0's first entry (its earlier ones have been taken out). */
  private head = 0;
  private last = 0;
  private size_ = 0;

  constructor() {
    for (let b = 0; b < BUCKETS; b++) this.buckets.push(new Float64Array(16 * STRIDE));
  }

  get size(): number {
    return this.size_;
  }

  /** Add an entry; `time` an integer in [0, 2^53). */
  push(time: number, word: number, extra: number): void {
    if (time < this.last) this.rebase(time);
    this.append(this.bucketOf(time), time, word, extra);
    this.size_++;
  }

  /** The smallest time, or Infinity when empty. */
  peekTime(): number {
    if (this.size_ === 0) return Infinity;
    if (this.head === this.lens[0]) this.refill();
    return this.last;
  }

  /** The front entry's numbers; the caller checks size first. */
  peekWord(): number {
    if (this.head === this.lens[0]) this.refill();
    return this.buckets[0]![this.head * STRIDE + WORD]!;
  }

  peekExtra(): number {
    if (this.head === this.lens[0]) this.refill();
    return this.buckets[0]![this.head * STRIDE + EXTRA]!;
  }

  /** Take out the front entry; the caller checks size first. */
  pop(): void {
    if (this.head === this.lens[0]) this.refill();
    this.size_--;
    if (++this.head === this.lens[0]) {
      this.head = 0;
      this.lens[0] = 0;
    }
  }

  private bucketOf(t: number): number {
    const last = this.last;
    if (t === last) return 0;
    const hiT = Math.floor(t / TWO_32);
    const hiL = Math.floor(last / TWO_32);
    // `^` and Math.clz32 read the low 32 bits of each number, exactly.
    if (hiT !== hiL) return 64 - Math.clz32(hiT ^ hiL);
    return 32 - Math.clz32(t ^ last);
  }

  private append(b: number, time: number, word: number, extra: number): void {
    const n = this.lens[b]!;
    let a = this.buckets[b]!;
    if ((n + 1) * STRIDE > a.length) {
      const grown = new Float64Array(2 * a.length);
      grown.set(a);
      this.buckets[b] = a = grown;
    }
    const o = n * STRIDE;
    a[o + TIME] = time;
    a[o + WORD] = word;
    a[o + EXTRA] = extra;
    this.lens[b] = n + 1;
  }

  /** Bucket 0 is empty: spread the lowest non-empty bucket around its smallest time. */
  private refill(): void {
    this.head = 0;
    this.lens[0] = 0;
    let j = 1;
    while (this.lens[j] === 0) j++;
    const from = this.buckets[j]!;
    const n = this.lens[j]!;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const t = from[i * STRIDE + TIME]!;
      if (t < min) min = t;
    }
    this.last = min;
    this.lens[j] = 0;
    for (let i = 0; i < n; i++) {
      const o = i * STRIDE;
      const t = from[o + TIME]!;
      this.append(this.bucketOf(t), t, from[o + WORD]!, from[o + EXTRA]!);
    }
  }

  /** Every entry again, around `time` (below `last`). */
  private rebase(time: number): void {
    const all: number[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const a = this.buckets[b]!;
      for (let i = b === 0 ? this.head : 0; i < this.lens[b]!; i++) for (let k = 0; k < STRIDE; k++) all.push(a[i * STRIDE + k]!);
      this.lens[b] = 0;
    }
    this.head = 0;
    this.last = time;
    for (let i = 0; i < all.length; i += STRIDE) {
      const t = all[i + TIME]!;
      this.append(this.bucketOf(t), t, all[i + WORD]!, all[i + EXTRA]!);
    }
  }
}
