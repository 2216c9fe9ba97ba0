/**
 * A binary min-heap of event slots ordered by (time, sequence), kept in typed arrays.
 *
 * Each heap position holds its slot's time and sequence beside the slot number (three parallel arrays
 * indexed by position), so a comparison reads two neighbouring entries instead of following slot numbers
 * into per-slot arrays: with ~10^5 events pending at paper scale, that indirection was a cache miss per
 * level. Sequence numbers are unique, so the order is total: two events at the same microsecond leave in
 * the order they were scheduled (DESIGN §3), never by identity.
 */
export class EventQueue {
  private slotAt: Int32Array;
  private timeAt: Float64Array;
  private seqAt: Float64Array;
  private size_ = 0;

  constructor(initialCapacity = 1024) {
    this.slotAt = new Int32Array(initialCapacity);
    this.timeAt = new Float64Array(initialCapacity);
    this.seqAt = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.size_;
  }

  /** Make room for slot numbers below `capacity` (slots are owned by the caller; at most one entry each). */
  ensureSlots(capacity: number): void {
    if (capacity <= this.timeAt.length) return;
    let n = this.timeAt.length;
    while (n < capacity) n *= 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.timeAt = grow64(this.timeAt);
    this.seqAt = grow64(this.seqAt);
    const h = new Int32Array(n);
    h.set(this.slotAt);
    this.slotAt = h;
  }

  push(slot: number, time: number, seq: number): void {
    const slotAt = this.slotAt;
    const timeAt = this.timeAt;
    const seqAt = this.seqAt;
    let i = this.size_++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = timeAt[parent]!;
      if (pt < time || (pt === time && seqAt[parent]! < seq)) break;
      slotAt[i] = slotAt[parent]!;
      timeAt[i] = pt;
      seqAt[i] = seqAt[parent]!;
      i = parent;
    }
    slotAt[i] = slot;
    timeAt[i] = time;
    seqAt[i] = seq;
  }

  /** Slot with the smallest (time, seq), or -1 when empty. */
  peek(): number {
    return this.size_ > 0 ? this.slotAt[0]! : -1;
  }

  peekTime(): number {
    return this.size_ > 0 ? this.timeAt[0]! : Infinity;
  }

  /** Remove and return the smallest slot; the caller must check size first. */
  pop(): number {
    const slotAt = this.slotAt;
    const timeAt = this.timeAt;
    const seqAt = this.seqAt;
    const top = slotAt[0]!;
    const n = --this.size_;
    if (n > 0) {
      // Sift the last entry down from the root.
      const ls = slotAt[n]!;
      const lt = timeAt[n]!;
      const lq = seqAt[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        let ct = timeAt[c]!;
        const r = c + 1;
        if (r < n) {
          const rt = timeAt[r]!;
          if (rt < ct || (rt === ct && seqAt[r]! < seqAt[c]!)) {
            c = r;
            ct = rt;
          }
        }
        if (lt < ct || (lt === ct && lq < seqAt[c]!)) break;
        slotAt[i] = slotAt[c]!;
        timeAt[i] = ct;
        seqAt[i] = seqAt[c]!;
        i = c;
      }
      slotAt[i] = ls;
      timeAt[i] = lt;
      seqAt[i] = lq;
    }
    return top;
  }
}
