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
/** Numbers per resource in `slots`: its free time, how many island numbers it uses, and room for 7 islands. */
const STRIDE = 16;
const INLINE = STRIDE - 2;

export class BusyCalendar {
  /**
   * Per resource r, at r·STRIDE: `free`, then how many numbers of its islands are in use (0: none), then its
   * islands [s0, e0, s1, e1, …] while they fit (INLINE numbers). Islands that outgrow that room move to a
   * typed array of their own (`big`) for good. One typed array, not an array per resource: `carry` runs tens
   * of millions of times an hour, and reading a resource's islands through its own heap array was a chain of
   * three dependent loads (half of carry's time in the paper-scale hour); here free, the count and the first
   * islands share a cache line.
   */
  private readonly slots: Float64Array;
  private readonly big: (Float64Array | null)[];

  constructor(size: number) {
    this.slots = new Float64Array(size * STRIDE);
    this.big = new Array<Float64Array | null>(size).fill(null);
  }

  /** End of the contiguous busy block from the present (now or earlier: idle, islands aside). */
  freeAt(r: number): Micros {
    return this.slots[r * STRIDE]!;
  }

  /** Forget everything booked on `r` from `nowUs` on (a crashed node's CPU). */
  reset(r: number, nowUs: Micros): void {
    this.slots[r * STRIDE] = nowUs;
    this.slots[r * STRIDE + 1] = 0;
  }

  /** Book `durationUs` of work on `r` from `atUs` (≥ `nowUs`); returns when it is done. Hot path. */
  take(r: number, atUs: Micros, durationUs: number, nowUs: Micros = atUs): Micros {
    const slots = this.slots;
    const o = r * STRIDE;
    const free = slots[o]!;
    if (slots[o + 1] === 0 && (atUs <= free || atUs <= nowUs)) {
      const done = (atUs > free ? atUs : free) + durationUs;
      slots[o] = done;
      return done;
    }
    return this.carry(r, atUs, nowUs, durationUs);
  }

  /** `take` on a resource with islands, or a booking after a gap (which makes one). */
  private carry(r: number, atUs: Micros, nowUs: Micros, durationUs: number): Micros {
    const slots = this.slots;
    const o = r * STRIDE;
    let free = slots[o]!;
    if (free < nowUs) free = nowUs; // the idle time before now cannot be used any more
    const n = slots[o + 1]!;
    let isl = this.big[r] ?? slots;
    let b0 = isl === slots ? o + 2 : 0;
    if (n === 0) {
      // No islands, so a booking after a gap (the rest take does itself): it becomes the first island.
      // Round fidelity does this for most of its future sends.
      const end = atUs + durationUs;
      isl[b0] = atUs;
      isl[b0 + 1] = end;
      slots[o + 1] = 2;
      slots[o] = free;
      return end;
    }
    let i = 0;
    while (i < n && isl[b0 + i]! <= free) {
      if (isl[b0 + i + 1]! > free) free = isl[b0 + i + 1]!;
      i += 2;
    }
    const start = atUs > free ? atUs : free;
    // Islands entirely before the start stay as they are.
    let j = i;
    while (j < n && isl[b0 + j + 1]! <= start) j += 2;
    const first = j;
    let pos = start;
    let left = durationUs;
    while (j < n) {
      const gap = isl[b0 + j]! - pos;
      if (left <= gap) break;
      if (gap > 0) left -= gap;
      if (isl[b0 + j + 1]! > pos) pos = isl[b0 + j + 1]!;
      j += 2;
    }
    const end = pos + left;
    // [start, end) is now one busy block that swallowed islands first … j−2; merge touching neighbours.
    let lo = start;
    let hi = end;
    let a = first;
    let b = j;
    if (a < b && isl[b0 + a]! < lo) lo = isl[b0 + a]!; // it started inside an island
    if (a > i && isl[b0 + a - 1] === lo) {
      a -= 2;
      lo = isl[b0 + a]!;
    }
    if (b < n && isl[b0 + b] === hi) {
      hi = isl[b0 + b + 1]!;
      b += 2;
    }
    let len: number;
    if (lo <= free) {
      // Joins the contiguous queue, and with it every island it now reaches.
      free = hi > free ? hi : free;
      while (b < n && isl[b0 + b]! <= free) {
        if (isl[b0 + b + 1]! > free) free = isl[b0 + b + 1]!;
        b += 2;
      }
      len = dropFront(isl, b0, b, n);
    } else {
      if (n + 2 - (b - a) > (isl === slots ? INLINE : isl.length)) {
        // No room for one more island: the islands move to (a larger) array of their own.
        const grown = new Float64Array(Math.max(2 * INLINE, 2 * n));
        grown.set(isl.subarray(b0, b0 + n));
        this.big[r] = isl = grown;
        b0 = 0;
      }
      len = dropFront(isl, b0, i, replaceWithPair(isl, b0, a, b, lo, hi, n));
    }
    slots[o] = free;
    slots[o + 1] = len;
    return end;
  }
}

// In place on the `n` numbers in use from `b0` on.

/** Remove the first `k` of the `n` numbers in use; returns how many are in use now. */
function dropFront(arr: Float64Array, b0: number, k: number, n: number): number {
  if (k <= 0) return n;
  arr.copyWithin(b0, b0 + k, b0 + n);
  return n - k;
}

/** Replace numbers [a, b) of the `n` in use with the two numbers `x`, `y`; returns how many are in use now (room for them is the caller's). */
function replaceWithPair(arr: Float64Array, b0: number, a: number, b: number, x: number, y: number, n: number): number {
  const shift = 2 - (b - a);
  if (shift !== 0) arr.copyWithin(b0 + b + shift, b0 + b, b0 + n);
  arr[b0 + a] = x;
  arr[b0 + a + 1] = y;
  return n + shift;
}
