/** Numbers per heap entry in EventQueue.entries: time, sequence, slot, and one unused (32 bytes). */
const STRIDE = 4;
const TIME = 0;
const SEQ = 1;
const SLOT = 2;
/** Children per entry: the four children of an entry lie side by side (128 bytes, two cache lines). */
const ARITY = 4;

/**
 * A 4-ary min-heap of slots ordered by (time, sequence), kept in one typed array: the computed floods' queue
 * (protocols/flood.ts). The kernel's events moved to a radix heap (radix-queue.ts), which breaks ties by push
 * order; a flood's ties break by node index, which this queue takes as the sequence.
 *
 * Each heap position holds its slot's time, sequence and slot number side by side, so a comparison reads one
 * entry instead of following slot numbers into per-slot arrays, and the four children of a position are
 * contiguous: half the levels of a binary heap, two cache lines per level. A (time, sequence) pair is unique,
 * so the order is total and the pops come out in the same order whatever the heap's shape.
 */
export class EventQueue {
  private entries: Float64Array;
  private size_ = 0;

  constructor(initialCapacity = 1024) {
    this.entries = new Float64Array(Math.max(1, initialCapacity) * STRIDE);
  }

  get size(): number {
    return this.size_;
  }

  /** Make room for slot numbers below `capacity` (slots are owned by the caller; at most one entry each). */
  ensureSlots(capacity: number): void {
    let n = this.entries.length / STRIDE;
    if (capacity <= n) return;
    while (n < capacity) n *= 2;
    const grown = new Float64Array(n * STRIDE);
    grown.set(this.entries);
    this.entries = grown;
  }

  push(slot: number, time: number, seq: number): void {
    const e = this.entries;
    let i = this.size_++;
    while (i > 0) {
      const parent = ((i - 1) / ARITY) | 0;
      const p = parent * STRIDE;
      const pt = e[p + TIME]!;
      if (pt < time || (pt === time && e[p + SEQ]! < seq)) break;
      const o = i * STRIDE;
      e[o + TIME] = pt;
      e[o + SEQ] = e[p + SEQ]!;
      e[o + SLOT] = e[p + SLOT]!;
      i = parent;
    }
    const o = i * STRIDE;
    e[o + TIME] = time;
    e[o + SEQ] = seq;
    e[o + SLOT] = slot;
  }

  /** Slot with the smallest (time, seq), or -1 when empty. */
  peek(): number {
    return this.size_ > 0 ? this.entries[SLOT]! : -1;
  }

  peekTime(): number {
    return this.size_ > 0 ? this.entries[TIME]! : Infinity;
  }

  /** Remove and return the smallest slot; the caller must check size first. */
  pop(): number {
    const e = this.entries;
    const top = e[SLOT]!;
    const n = --this.size_;
    if (n > 0) {
      // Sift the last entry down from the root.
      const l = n * STRIDE;
      const lt = e[l + TIME]!;
      const lq = e[l + SEQ]!;
      const ls = e[l + SLOT]!;
      let i = 0;
      for (;;) {
        const first = ARITY * i + 1;
        if (first >= n) break;
        // The smallest of the (up to four) children.
        let c = first;
        let ct = e[c * STRIDE + TIME]!;
        let cq = e[c * STRIDE + SEQ]!;
        const last = Math.min(first + ARITY, n);
        for (let j = first + 1; j < last; j++) {
          const jt = e[j * STRIDE + TIME]!;
          if (jt < ct || (jt === ct && e[j * STRIDE + SEQ]! < cq)) {
            c = j;
            ct = jt;
            cq = e[j * STRIDE + SEQ]!;
          }
        }
        if (lt < ct || (lt === ct && lq < cq)) break;
        const o = i * STRIDE;
        const co = c * STRIDE;
        e[o + TIME] = ct;
        e[o + SEQ] = cq;
        e[o + SLOT] = e[co + SLOT]!;
        i = c;
      }
      const o = i * STRIDE;
      e[o + TIME] = lt;
      e[o + SEQ] = lq;
      e[o + SLOT] = ls;
    }
    return top;
  }
}
