/**
 * Append-only columns of numbers stored in fixed-size typed-array chunks. Unlike a doubling array they
 * never copy what they hold and never hold more than one spare chunk, so a book of 10^7 segments grows
 * without a 2x memory spike at each resize. The two classes repeat their few lines on purpose: a shared
 * base method would see both array types and V8 would make every access polymorphic (~3x slower).
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS; // entries per chunk
const MASK = CHUNK - 1;

/** Exact for integers up to 2^53 (transaction ids, µs times). */
export class Float64Column {
  private readonly chunks: Float64Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Float64Array(CHUNK));
    this.chunks[c]![this.length & MASK] = v;
    this.length++;
  }

  /** Entry i; the caller keeps 0 ≤ i < length. */
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }

  /** Bytes held by the chunks. */
  get bytes(): number {
    return this.chunks.length * CHUNK * 8;
  }

  /**
   * Index of the last entry ≤ x, for ascending contents; −1 when every entry is larger. Searches the
   * chunks' first entries, then within one chunk.
   */
  lastAtMost(x: number): number {
    const n = this.length;
    if (n === 0 || this.chunks[0]![0]! > x) return -1;
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunks[mid]![0]! <= x) lo = mid;
      else hi = mid - 1;
    }
    const chunk = this.chunks[lo]!;
    let a = 0;
    let b = Math.min(CHUNK, n - lo * CHUNK) - 1;
    while (a < b) {
      const mid = (a + b + 1) >>> 1;
      if (chunk[mid]! <= x) a = mid;
      else b = mid - 1;
    }
    return lo * CHUNK + a;
  }
}

/** 32-bit signed integers (counts, table indices). */
export class Int32Column {
  private readonly chunks: Int32Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Int32Array(CHUNK));
    this.chunks[c]![this.length & MASK] = v;
    this.length++;
  }

  /** Entry i; the caller keeps 0 ≤ i < length. */
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }

  get bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
}
