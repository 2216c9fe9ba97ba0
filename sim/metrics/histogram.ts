/**
 * A streaming log-linear histogram in the style of HdrHistogram (Tene): each power-of-two range
 * [2^k, 2^(k+1)) is cut into 64 equal sub-buckets, and values below 128 get one bucket per integer.
 * A bucket is at most 1/64 of its lower bound wide, and a quantile is reported as the bucket's centre,
 * so the relative error is at most 1/128 (0.8%) above 128 and nil for integers below it.
 *
 * Record integer-valued quantities (latencies in µs, block counts): resolution below 128 is one unit.
 * `addUniform` records many values spread uniformly over a range in O(1) (the workload knows arrival
 * windows, not arrival times). Counts live in growable Float64Arrays (exact to 2^53; fractional once
 * uniform mass is split between buckets), so adding allocates nothing except when a value larger than
 * any before needs more buckets (amortised doubling, at most ~10 times per histogram).
 */

const SUB_BUCKET_BITS = 6;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 64 linear sub-buckets per power of two
const LINEAR_LIMIT = SUB_BUCKETS * 2; // below this every integer has its own bucket

/** POW2[k] = 2^k, exact; a table lookup is several times cheaper than `2 ** k` on the hot path. */
const POW2 = Float64Array.from({ length: 1024 }, (_, k) => 2 ** k);

/** Bucket index of a non-negative value; all values with the same floor share it below 128. */
function bucketIndex(value: number): number {
  const n = Math.floor(value);
  if (n < LINEAR_LIMIT) return n;
  if (n < 4294967296) {
    const shift = 31 - Math.clz32(n) - SUB_BUCKET_BITS;
    return shift * SUB_BUCKETS + (n >>> shift);
  }
  let k = Math.floor(Math.log2(n));
  if (POW2[k]! > n) k--; // log2 can round up just below a power of two
  else if (POW2[k + 1]! <= n) k++;
  const shift = k - SUB_BUCKET_BITS;
  // Dividing by a power of two is exact in binary floating point.
  return shift * SUB_BUCKETS + Math.floor(n / POW2[shift]!);
}

/** Width of bucket `idx`: 1 below 128, 2^(k−6) in [2^k, 2^(k+1)). */
function bucketWidth(idx: number): number {
  return idx < LINEAR_LIMIT ? 1 : POW2[(idx >>> SUB_BUCKET_BITS) - 1]!;
}

/** Smallest value in bucket `idx`; the bucket holds the reals in [lower, lower + width). */
function bucketLower(idx: number): number {
  if (idx < LINEAR_LIMIT) return idx;
  const shift = (idx >>> SUB_BUCKET_BITS) - 1;
  return (idx - shift * SUB_BUCKETS) * POW2[shift]!;
}

/** The centre of the integers in bucket `idx`. */
function bucketCentre(idx: number): number {
  if (idx < LINEAR_LIMIT) return idx;
  const width = bucketWidth(idx);
  return bucketLower(idx) + (width - 1) / 2;
}

export class Histogram {
  private counts = new Float64Array(LINEAR_LIMIT * 2);
  /**
   * Uniform mass as a difference array of densities (count per unit value): `addUniform` adds d at the
   * first bucket it covers whole and −d after the last, so bucket i holds width(i)·Σ_{j≤i} density[j] on
   * top of counts[i]. That makes `addUniform` O(1) however many buckets a window spans (a 100 ms window
   * from 0 spans ~750); `quantile` sums the prefix in the scan it does anyway.
   */
  private density = new Float64Array(LINEAR_LIMIT * 2);
  private total = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;
  /** Highest bucket index ever touched, so reset and merge scan only what is used. */
  private top = -1;

  /** Record `value` (finite, ≥ 0) `count` times. */
  add(value: number, count = 1): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`Histogram: value must be finite and ≥ 0, got ${value}`);
    if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`Histogram: count must be finite and ≥ 0, got ${count}`);
    if (count === 0) return;
    const idx = bucketIndex(value);
    this.ensure(idx);
    this.counts[idx]! += count;
    if (idx > this.top) this.top = idx;
    this.total += count;
    this.sum += value * count;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  /**
   * Record `count` values spread uniformly over [lo, hi] (continuous; e.g. latencies of transactions whose
   * arrivals are uniform in a window). Each bucket gets count × (its overlap with [lo, hi]) / (hi − lo), so
   * the quantiles are those of the uniform law to the histogram's resolution; min and max become lo and
   * hi, the mean (lo + hi)/2 per value. Cost O(1) (see `density`). Counts may become fractional; `count`
   * stays the exact sum of the counts added.
   */
  addUniform(lo: number, hi: number, count: number): void {
    if (!(lo >= 0) || !Number.isFinite(hi) || !(hi >= lo)) throw new RangeError(`Histogram: bad uniform range [${lo}, ${hi}]`);
    if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`Histogram: count must be finite and ≥ 0, got ${count}`);
    if (count === 0) return;
    const bl = bucketIndex(lo);
    const bh = bucketIndex(hi);
    if (bl === bh) {
      this.ensure(bl);
      this.counts[bl]! += count;
    } else {
      this.ensure(bh);
      const d = count / (hi - lo);
      this.counts[bl]! += d * (bucketLower(bl) + bucketWidth(bl) - lo);
      this.counts[bh]! += d * (hi - bucketLower(bh));
      if (bh > bl + 1) {
        this.density[bl + 1]! += d;
        this.density[bh]! -= d;
      }
    }
    if (bh > this.top) this.top = bh;
    this.total += count;
    this.sum += ((lo + hi) / 2) * count;
    if (lo < this.lo) this.lo = lo;
    if (hi > this.hi) this.hi = hi;
  }

  get count(): number {
    return this.total;
  }

  /** Smallest value recorded, exactly; 0 when empty. */
  get min(): number {
    return this.total === 0 ? 0 : this.lo;
  }

  /** Largest value recorded, exactly; 0 when empty. */
  get max(): number {
    return this.total === 0 ? 0 : this.hi;
  }

  /** Exact arithmetic mean; 0 when empty. */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * The nearest-rank q-quantile (the value of rank ⌈q·count⌉), reported as its bucket's centre and kept
   * within [min, max]; q = 0 and q = 1 give min and max exactly. 0 when empty: use `percentiles()` to
   * tell "no samples" apart.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`Histogram: quantile must be in [0, 1], got ${q}`);
    if (this.total === 0) return 0;
    if (q === 0) return this.lo;
    if (q === 1) return this.hi;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    let density = 0;
    for (let i = 0; i <= this.top; i++) {
      density += this.density[i]!;
      // Rounding in the running density can leave a tiny negative residue where it should be 0.
      const uniform = density * bucketWidth(i);
      seen += this.counts[i]! + (uniform > 0 ? uniform : 0);
      if (seen >= rank) return Math.min(this.hi, Math.max(this.lo, bucketCentre(i)));
    }
    return this.hi;
  }

  /** Add every sample of `other` to this histogram. */
  merge(other: Histogram): void {
    if (other.total === 0) return;
    this.ensure(other.top);
    for (let i = 0; i <= other.top; i++) {
      this.counts[i]! += other.counts[i]!;
      this.density[i]! += other.density[i]!;
    }
    if (other.top > this.top) this.top = other.top;
    this.total += other.total;
    this.sum += other.sum;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Forget every sample, keeping the allocated buckets for reuse. */
  reset(): void {
    this.counts.fill(0, 0, this.top + 1);
    this.density.fill(0, 0, this.top + 1);
    this.total = 0;
    this.sum = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
    this.top = -1;
  }

  private ensure(idx: number): void {
    if (idx < this.counts.length) return;
    let n = this.counts.length;
    while (n <= idx) n *= 2;
    const grown = new Float64Array(n);
    grown.set(this.counts);
    this.counts = grown;
    const dens = new Float64Array(n);
    dens.set(this.density);
    this.density = dens;
  }
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** p50, p90 and p99 of `h` in its own unit, or null when it has no samples (JSON has no NaN). */
export function percentiles(h: Histogram): Percentiles | null {
  if (h.count === 0) return null;
  return { p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99) };
}
