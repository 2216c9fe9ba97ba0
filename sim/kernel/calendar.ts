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
export class BusyCalendar {
  private readonly free: Float64Array;
  private readonly hasIslands: Uint8Array;
  /**
   * Per resource, its islands (null, or an emptied array kept for reuse, when hasIslands is 0); an array,
   * not a Map: `carry` runs millions of times an hour.
   */
  private readonly islands: (number[] | null)[];

  constructor(size: number) {
    this.free = new Float64Array(size);
    this.hasIslands = new Uint8Array(size);
    this.islands = new Array<number[] | null>(size).fill(null);
  }

  /** End of the contiguous busy block from the present (now or earlier: idle, islands aside). */
  freeAt(r: number): Micros {
    return this.free[r]!;
  }

  /** Forget everything booked on `r` from `nowUs` on (a crashed node's CPU). */
  reset(r: number, nowUs: Micros): void {
    this.free[r] = nowUs;
    if (this.hasIslands[r] === 1) {
      this.islands[r] = null;
      this.hasIslands[r] = 0;
    }
  }

  /** Book `durationUs` of work on `r` from `atUs` (≥ `nowUs`); returns when it is done. Hot path. */
  take(r: number, atUs: Micros, durationUs: number, nowUs: Micros = atUs): Micros {
    const free = this.free[r]!;
    if (this.hasIslands[r] === 0 && (atUs <= free || atUs <= nowUs)) {
      const done = (atUs > free ? atUs : free) + durationUs;
      this.free[r] = done;
      return done;
    }
    return this.carry(r, atUs, nowUs, durationUs);
  }

  /** `take` on a resource with islands, or a booking after a gap (which makes one). */
  private carry(r: number, atUs: Micros, nowUs: Micros, durationUs: number): Micros {
    let free = this.free[r]!;
    if (free < nowUs) free = nowUs; // the idle time before now cannot be used any more
    if (this.hasIslands[r] === 0 && atUs > free) {
      // No islands and a booking after a gap (the rest take does itself): it becomes the first island, in
      // the array an earlier island left, if any. Round fidelity does this for most of its future sends.
      const end = atUs + durationUs;
      const kept = this.islands[r];
      if (kept) kept.push(atUs, end);
      else this.islands[r] = [atUs, end];
      this.hasIslands[r] = 1;
      this.free[r] = free;
      return end;
    }
    const isl = this.islands[r] ?? [];
    let i = 0;
    while (i < isl.length && isl[i]! <= free) {
      if (isl[i + 1]! > free) free = isl[i + 1]!;
      i += 2;
    }
    const start = atUs > free ? atUs : free;
    // Islands entirely before the start stay as they are.
    let j = i;
    while (j < isl.length && isl[j + 1]! <= start) j += 2;
    const first = j;
    let pos = start;
    let left = durationUs;
    while (j < isl.length) {
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
    if (b < isl.length && isl[b] === hi) {
      hi = isl[b + 1]!;
      b += 2;
    }
    if (lo <= free) {
      // Joins the contiguous queue, and with it every island it now reaches.
      free = hi > free ? hi : free;
      while (b < isl.length && isl[b]! <= free) {
        if (isl[b + 1]! > free) free = isl[b + 1]!;
        b += 2;
      }
      dropFront(isl, b);
    } else {
      replaceWithPair(isl, a, b, lo, hi);
      dropFront(isl, i);
    }
    this.free[r] = free;
    if (isl.length === 0) {
      this.islands[r] = isl; // kept empty for the next island (hasIslands says there is none)
      this.hasIslands[r] = 0;
    } else if (this.hasIslands[r] === 0) {
      this.islands[r] = isl;
      this.hasIslands[r] = 1;
    }
    return end;
  }
}

// In place, without `splice`'s array of removed elements: `carry` runs ~18,000 times per simulated second at
// paper scale, and those arrays were 5% of its allocations.

/** Remove the first `n` elements of `arr`. */
function dropFront(arr: number[], n: number): void {
  if (n <= 0) return;
  const len = arr.length;
  for (let k = n; k < len; k++) arr[k - n] = arr[k]!;
  arr.length = len - n;
}

/** Replace elements [a, b) of `arr` with the two elements `x`, `y`. */
function replaceWithPair(arr: number[], a: number, b: number, x: number, y: number): void {
  const len = arr.length;
  const shift = 2 - (b - a);
  if (shift > 0) {
    for (let k = 0; k < shift; k++) arr.push(0); // grow first: assigning past the end would leave holes
    for (let k = len - 1; k >= b; k--) arr[k + shift] = arr[k]!;
  } else if (shift < 0) {
    for (let k = b; k < len; k++) arr[k + shift] = arr[k]!;
    arr.length = len + shift;
  }
  arr[a] = x;
  arr[a + 1] = y;
}
