import type { Micros } from './time.js';

/**
 * Busy-until queues for a set of resources (a node's uplink, a node's CPU) that can also take work booked
 * for a later time. Round fidelity (protocols/tree-round.ts) computes a whole CoSi half-round when it
 * starts, so it books each member's sends and work for the future times they will happen.
 *
 * Per resource: `free`, the end of the contiguous busy block that runs from the present, and islands,
 * booked blocks after a gap: [s0, e0, s1, e1, …] sorted, disjoint, all s > free.
 *
 * `take(r, atUs, durationUs, nowUs)` starts the work at max(atUs, free) and carries it through the gaps
 * between islands until `durationUs` of it is done (packets of concurrent flows interleave on a link; a
 * scheduler interleaves jobs on a core), returning when it is done. The busy block it spans absorbs the
 * islands it crossed. As time passes the queue reaches islands and joins them.
 *
 * With a plain `done = max(atUs, free) + duration; free = done`, one booking 20 s ahead (a commitment
 * whose window waits for a slow child) held its resource idle-but-blocked until then, later bookings
 * went later still, and at 10,000 nodes the uplink backlog ran away to minutes (stop 9). Work that starts
 * at the present on a resource without islands is the plain queue, so message-level runs are unchanged.
 */
/** Numbers per resource in a calendar's row: free, the islands' length, then INLINE numbers of islands. */
export const CALENDAR_ROW = 32;
const FREE = 0;
const LEN = 1;
const HEAD = 2;
/** Island numbers a row holds itself (fifteen islands); more go to the resource's spill array. */
const INLINE = CALENDAR_ROW - HEAD;

export class BusyCalendar {
  /**
   * Per resource, one row of CALENDAR_ROW numbers: `free` (the end of the contiguous busy block from the
   * present), how many numbers of its islands are in use (0: none), and its first islands [s0, e0, s1, e1, …].
   * A paper-scale hour books ~4·10^7 sends and CPU slots ahead on 10,000 nodes' calendars and 86% of its calls
   * go through `carry`. Early in the hour most find one to three islands, during the overlapping transitions
   * 4 to 31: a row of 32 numbers (fifteen islands, 256 bytes) holds nearly all of them, where an array per
   * resource (stop 17) cost the row of `free`, the array object and its elements, scattered over the heap.
   * Rows of 8 and 16 numbers took 1.016x and 1.011x of its time over 2,400 s, and 64 1.008x (stop 18, side
   * by side).
   */
  private readonly rows: Float64Array;
  /** Resource r's row starts at r * stride + offset in `rows` (a caller may interleave its own per-resource numbers). */
  private readonly stride: number;
  private readonly offset: number;
  /**
   * Per resource, where its islands are while they are more than a row holds: a typed array that only grows
   * (null until the first spill), used only while `spilled[r]` is 1; they move back into the row when they
   * fit again.
   */
  private readonly spill: (Float64Array | null)[];
  private readonly spilled: Uint8Array;

  /**
   * `size` resources, each with its own row; or rows inside `shared.rows`, resource r's at
   * r * shared.stride + shared.offset (CALENDAR_ROW numbers; the network keeps a node's own numbers and its
   * two uplink calendars side by side, so a send touches adjacent cache lines).
   */
  constructor(size: number, shared?: { readonly rows: Float64Array; readonly stride: number; readonly offset: number }) {
    if (shared && (shared.offset < 0 || shared.offset + CALENDAR_ROW > shared.stride || shared.rows.length < size * shared.stride)) {
      throw new RangeError(`BusyCalendar: a shared row needs ${CALENDAR_ROW} numbers inside the stride and size × stride numbers`);
    }
    this.rows = shared ? shared.rows : new Float64Array(size * CALENDAR_ROW);
    this.stride = shared ? shared.stride : CALENDAR_ROW;
    this.offset = shared ? shared.offset : 0;
    this.spill = new Array<Float64Array | null>(size).fill(null);
    this.spilled = new Uint8Array(size);
  }

  /** End of the contiguous busy block from the present (now or earlier: idle, islands aside). */
  freeAt(r: number): Micros {
    return this.rows[r * this.stride + this.offset + FREE]!;
  }

  /** Forget everything booked on `r` from `nowUs` on (a crashed node's CPU). */
  reset(r: number, nowUs: Micros): void {
    this.rows[r * this.stride + this.offset + FREE] = nowUs;
    this.rows[r * this.stride + this.offset + LEN] = 0;
    this.spilled[r] = 0;
  }

  /** Book `durationUs` of work on `r` from `atUs` (≥ `nowUs`); returns when it is done. Hot path. */
  take(r: number, atUs: Micros, durationUs: number, nowUs: Micros = atUs): Micros {
    const rows = this.rows;
    const o = r * this.stride + this.offset;
    const free = rows[o + FREE]!;
    if (rows[o + LEN] === 0 && (atUs <= free || atUs <= nowUs)) {
      const done = (atUs > free ? atUs : free) + durationUs;
      rows[o + FREE] = done;
      return done;
    }
    return this.carry(r, atUs, nowUs, durationUs);
  }

  /** `take` on a resource with islands, or a booking after a gap (which makes one). */
  private carry(r: number, atUs: Micros, nowUs: Micros, durationUs: number): Micros {
    const rows = this.rows;
    const o = r * this.stride + this.offset;
    let free = rows[o + FREE]!;
    if (free < nowUs) free = nowUs; // the idle time before now cannot be used any more
    const n = rows[o + LEN]!;
    if (n === 0) {
      // No islands, so a booking after a gap (the rest take does itself): it becomes the first island.
      // Round fidelity does this for most of its future sends.
      const end = atUs + durationUs;
      rows[o + HEAD] = atUs;
      rows[o + HEAD + 1] = end;
      rows[o + LEN] = 2;
      rows[o + FREE] = free;
      this.spilled[r] = 0;
      return end;
    }
    // The islands are isl[base … base + n): in the row, or in the spill array.
    const spilled = this.spilled[r] === 1;
    const isl = spilled ? this.spill[r]! : rows;
    const base = spilled ? 0 : o + HEAD;
    const last = base + n;
    let i = base;
    while (i < last && isl[i]! <= free) {
      if (isl[i + 1]! > free) free = isl[i + 1]!;
      i += 2;
    }
    const start = atUs > free ? atUs : free;
    // Islands entirely before the start stay as they are.
    let j = i;
    if (last - i > 8) {
      // Many islands (a node in several computed rounds at once): the first one ending after the start by
      // bisection over the pairs (their ends ascend).
      let hiPair = (last - i) >> 1;
      let loPair = 0;
      while (loPair < hiPair) {
        const mid = (loPair + hiPair) >> 1;
        if (isl[i + 2 * mid + 1]! <= start) loPair = mid + 1;
        else hiPair = mid;
      }
      j = i + 2 * loPair;
    } else while (j < last && isl[j + 1]! <= start) j += 2;
    const first = j;
    let pos = start;
    let left = durationUs;
    while (j < last) {
      const gap = isl[j]! - pos;
      if (left <= gap) break;
      if (gap > 0) left -= gap;
      if (isl[j + 1]! > pos) pos = isl[j + 1]!;
      j += 2;
    }
    const end = pos + left;
    // [start, end) is now one busy block that swallowed islands first … j−2; merge touching neighbours.
    let lo = start;
    let hi = end;
    let a = first;
    let b = j;
    if (a < b && isl[a]! < lo) lo = isl[a]!; // it started inside an island
    if (a > i && isl[a - 1] === lo) {
      a -= 2;
      lo = isl[a]!;
    }
    if (b < last && isl[b] === hi) {
      hi = isl[b + 1]!;
      b += 2;
    }
    if (lo <= free) {
      // Joins the contiguous queue, and with it every island it now reaches.
      free = hi > free ? hi : free;
      while (b < last && isl[b]! <= free) {
        if (isl[b + 1]! > free) free = isl[b + 1]!;
        b += 2;
      }
      this.keep(r, isl, b, last, last, last, false, lo, hi);
    } else {
      // Islands [i, a) stay, [a, b) become (lo, hi), [b, last) stay; those before i are reached and go.
      this.keep(r, isl, i, a, b, last, true, lo, hi);
    }
    rows[o + FREE] = free;
    return end;
  }

  /**
   * Make r's islands isl[from … to), then the pair (lo, hi) if `pair`, then isl[from2 … to2): in the row when
   * they fit, else in its spill array (a larger one when needed). `isl` is the row array or the spill.
   */
  private keep(r: number, isl: Float64Array, from: number, to: number, from2: number, to2: number, pair: boolean, lo: number, hi: number): void {
    const o = r * this.stride + this.offset;
    const len = to - from + (pair ? 2 + to2 - from2 : 0);
    if (len <= INLINE) {
      place(isl, from, to, from2, to2, pair, lo, hi, this.rows, o + HEAD);
      this.spilled[r] = 0;
    } else {
      let sp = this.spill[r] ?? null;
      if (sp === null || sp.length < len) this.spill[r] = sp = new Float64Array(Math.max(16, 2 * len));
      place(isl, from, to, from2, to2, pair, lo, hi, sp, 0);
      this.spilled[r] = 1;
    }
    this.rows[o + LEN] = len;
  }
}

/**
 * Write src[from … to), then (lo, hi) if `pair`, then src[from2 … to2) to dst from `d` (to ≤ from2). In the
 * same array the head only moves left (d ≤ from), so a forward copy is safe; the tail moves either way and is
 * copied in the safe direction. Numbers already in place are not copied: most bookings extend one island or
 * add one after the others.
 */
function place(src: Float64Array, from: number, to: number, from2: number, to2: number, pair: boolean, lo: number, hi: number, dst: Float64Array, d: number): void {
  const same = src === dst;
  const head = to - from;
  if (!same || from !== d) for (let k = 0; k < head; k++) dst[d + k] = src[from + k]!;
  if (!pair) return;
  const tail = to2 - from2;
  const t = d + head + 2;
  if (!same || t < from2) for (let k = 0; k < tail; k++) dst[t + k] = src[from2 + k]!;
  else if (t > from2) for (let k = tail - 1; k >= 0; k--) dst[t + k] = src[from2 + k]!;
  dst[d + head] = lo;
  dst[d + head + 1] = hi;
}
