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
  /** Per resource, how many numbers of its islands array are islands (0: none). */
  private readonly islandLen: Int32Array;
  /**
   * Per resource, its islands in the first islandLen[r] numbers of an array that only grows (null until the
   * first island): an array, not a Map, as `carry` runs millions of times an hour, and a logical length, as
   * arrays whose length went up and down with the islands were reallocated 7% of a paper-scale run's bytes.
   */
  private readonly islands: (number[] | null)[];

  constructor(size: number) {
    this.free = new Float64Array(size);
    this.islandLen = new Int32Array(size);
    this.islands = new Array<number[] | null>(size).fill(null);
  }

  /** End of the contiguous busy block from the present (now or earlier: idle, islands aside). */
  freeAt(r: number): Micros {
    return this.free[r]!;
  }

  /** Forget everything booked on `r` from `nowUs` on (a crashed node's CPU). */
  reset(r: number, nowUs: Micros): void {
    this.free[r] = nowUs;
    this.islandLen[r] = 0;
  }

  /** Book `durationUs` of work on `r` from `atUs` (≥ `nowUs`); returns when it is done. Hot path. */
  take(r: number, atUs: Micros, durationUs: number, nowUs: Micros = atUs): Micros {
    const free = this.free[r]!;
    if (this.islandLen[r] === 0 && (atUs <= free || atUs <= nowUs)) {
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
    const n = this.islandLen[r]!;
    if (n === 0) {
      // No islands, so a booking after a gap (the rest take does itself): it becomes the first island, in
      // the array an earlier island left, if any. Round fidelity does this for most of its future sends.
      const end = atUs + durationUs;
      const kept = this.islands[r];
      if (kept) {
        kept[0] = atUs;
        kept[1] = end;
      } else this.islands[r] = [atUs, end];
      this.islandLen[r] = 2;
      this.free[r] = free;
      return end;
    }
    const isl = this.islands[r]!;
    let i = 0;
    while (i < n && isl[i]! <= free) {
      if (isl[i + 1]! > free) free = isl[i + 1]!;
      i += 2;
    }
    const start = atUs > free ? atUs : free;
    // Islands entirely before the start stay as they are.
    let j = i;
    while (j < n && isl[j + 1]! <= start) j += 2;
    const first = j;
    let pos = start;
    let left = durationUs;
    while (j < n) {
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
    if (b < n && isl[b] === hi) {
      hi = isl[b + 1]!;
      b += 2;
    }
    let len: number;
    if (lo <= free) {
      // Joins the contiguous queue, and with it every island it now reaches.
      free = hi > free ? hi : free;
      while (b < n && isl[b]! <= free) {
        if (isl[b + 1]! > free) free = isl[b + 1]!;
        b += 2;
      }
      len = dropFront(isl, b, n);
    } else {
      len = dropFront(isl, i, replaceWithPair(isl, a, b, lo, hi, n));
    }
    this.free[r] = free;
    this.islandLen[r] = len;
    return end;
  }
}

// In place on the first `n` numbers of the array, which never shrinks (see `islands`).

/** Remove the first `k` of the `n` numbers in use; returns how many are in use now. */
function dropFront(arr: number[], k: number, n: number): number {
  if (k <= 0) return n;
  for (let x = k; x < n; x++) arr[x - k] = arr[x]!;
  return n - k;
}

/** Replace numbers [a, b) of the `n` in use with the two numbers `x`, `y`; returns how many are in use now. */
function replaceWithPair(arr: number[], a: number, b: number, x: number, y: number, n: number): number {
  const shift = 2 - (b - a);
  if (shift > 0) {
    while (arr.length < n + shift) arr.push(0); // grow first: assigning past the end would leave holes
    for (let k = n - 1; k >= b; k--) arr[k + shift] = arr[k]!;
  } else if (shift < 0) {
    for (let k = b; k < n; k++) arr[k + shift] = arr[k]!;
  }
  arr[a] = x;
  arr[a + 1] = y;
  return n + shift;
}
