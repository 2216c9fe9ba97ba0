/**
 * A binary min-heap of event slots ordered by (time, sequence), kept in typed arrays.
 *
 * The heap stores slot numbers; per-slot time and sequence live in parallel Float64Arrays, so a
 * comparison touches no objects. Sequence numbers are unique, so the order is total: two events
 * at the same microsecond leave in the order they were scheduled (DESIGN §3), never by identity.
 */
export class EventQueue {
  private heap: Int32Array;
  private timeOf: Float64Array;
  private seqOf: Float64Array;
  private size_ = 0;

  constructor(initialCapacity = 1024) {
    this.heap = new Int32Array(initialCapacity);
    this.timeOf = new Float64Array(initialCapacity);
    this.seqOf = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.size_;
  }

  /** Make room for slot numbers below `capacity` (slots are owned by the caller). */
  ensureSlots(capacity: number): void {
    if (capacity <= this.timeOf.length) return;
    let n = this.timeOf.length;
    while (n < capacity) n *= 2;
    const t = new Float64Array(n);
    t.set(this.timeOf);
    this.timeOf = t;
    const s = new Float64Array(n);
    s.set(this.seqOf);
    this.seqOf = s;
    const h = new Int32Array(n);
    h.set(this.heap);
    this.heap = h;
  }

  push(slot: number, time: number, seq: number): void {
    const timeOf = this.timeOf;
    const seqOf = this.seqOf;
    timeOf[slot] = time;
    seqOf[slot] = seq;
    const heap = this.heap;
    let i = this.size_++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      const pt = timeOf[p]!;
      if (pt < time || (pt === time && seqOf[p]! < seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  /** Slot with the smallest (time, seq), or -1 when empty. */
  peek(): number {
    return this.size_ > 0 ? this.heap[0]! : -1;
  }

  peekTime(): number {
    return this.size_ > 0 ? this.timeOf[this.heap[0]!]! : Infinity;
  }

  timeOfSlot(slot: number): number {
    return this.timeOf[slot]!;
  }

  /** Remove and return the smallest slot; the caller must check size first. */
  pop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap[--this.size_]!;
    const n = this.size_;
    if (n > 0) {
      const timeOf = this.timeOf;
      const seqOf = this.seqOf;
      const lt = timeOf[last]!;
      const ls = seqOf[last]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        let cs = heap[c]!;
        let ct = timeOf[cs]!;
        const r = c + 1;
        if (r < n) {
          const rs = heap[r]!;
          const rt = timeOf[rs]!;
          if (rt < ct || (rt === ct && seqOf[rs]! < seqOf[cs]!)) {
            c = r;
            cs = rs;
            ct = rt;
          }
        }
        if (lt < ct || (lt === ct && ls < seqOf[cs]!)) break;
        heap[i] = cs;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
