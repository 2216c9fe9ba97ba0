/**
 * Append-only columns of numbers stored in fixed-size typed-array chunks. Unlike a doubling array they
 * never copy what they hold and never hold more than one spare chunk, so a book of 10^7 segments grows
 * without a 2x memory spike at each resize. The two classes repeat their few lines on purpose: a shared
 * base method would see both array types and V8 would make every access polymorphic (~3x slower).
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS; // entries per chunk
const MASK = CHUNK - 1;
/** Entries i and j share a chunk when i >>> COLUMN_CHUNK_BITS equals j >>> COLUMN_CHUNK_BITS. */
export const COLUMN_CHUNK_BITS = CHUNK_BITS;
export const COLUMN_CHUNK_MASK = MASK;

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

  /**
   * The chunk holding entry i, where entry i is at `i & COLUMN_CHUNK_MASK`: for a search among neighbouring
   * entries without a call per probe. Entries at or past `length` in it are 0.
   */
  chunkOf(i: number): Float64Array {
    return this.chunks[i >>> CHUNK_BITS]!;
  }

  /** Bytes held by the chunks. */
  get bytes(): number {
    return this.chunks.length * CHUNK * 8;
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
