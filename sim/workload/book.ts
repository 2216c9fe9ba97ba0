import type { TxSet } from '../protocols/types.js';
import { COLUMN_CHUNK_BITS, COLUMN_CHUNK_MASK, Float64Column, Int32Column } from './columns.js';
import { RouteTable, type Route } from './routes.js';

/** Ids per entry of the segment index (TxBook.blockSeg). */
const ID_BLOCK = 1024;

/**
 * The facts of every transaction of a run, stored per SEGMENT (DESIGN §8). Transactions are integer ids
 * issued in order; a segment is a contiguous id range whose transactions arrived in the same window
 * [t0, t1) and share a route (the shards they touch). At 100,000 tx/s for an hour (360 M transactions) a
 * per-transaction Float64 would take 2.9 GB; with 16 shards in 100 ms windows there are ~9 M segments at
 * 24 bytes each (start id, window, route, invalid and double-spend counts): ~220 MB.
 *
 * Convention, so that protocols can tell per id without a per-id array: within a segment the first
 * `invalidCount` ids are the invalid ones and the next `doubleSpendCount` ids are the double spends.
 * Which transactions of a batch are bad carries no information (they arrived in the same window on the
 * same route), so putting them first loses nothing.
 *
 * Arrival times inside a window are uniform: given its count, a Poisson process's points in an interval
 * are independent uniforms. The metrics use exactly that (latencies uniform over [at − t1, at − t0]).
 */
export class TxBook {
  readonly routes: RouteTable;
  private readonly start = new Float64Column();
  private readonly window = new Int32Column();
  private readonly route = new Int32Column();
  private readonly invalid = new Int32Column();
  private readonly doubleSpend = new Int32Column();
  private readonly windowT0 = new Float64Column();
  private readonly windowT1 = new Float64Column();
  private nextId = 0;
  /** The last window appended (−1: none yet), so a window's segments share one entry without a lookup. */
  private lastT0 = -1;
  private lastT1 = -1;
  /** The last segment a lookup found: commits arrive mostly in id order, so the next one is usually it or the next. */
  private hint = 0;
  /**
   * Entry k: the segment holding id k·ID_BLOCK. A lookup the hint misses searches only the segments between
   * two entries (~26 at paper scale) instead of all of them: Atomix's shards and checker look ids up out of
   * order, and the search over 9 M segment starts was 2.4% of a paper-scale run.
   */
  private readonly blockSeg = new Int32Column();

  constructor(routes: RouteTable = new RouteTable()) {
    this.routes = routes;
  }

  /** Transactions issued so far (ids are 0 … count − 1). */
  get count(): number {
    return this.nextId;
  }

  get segments(): number {
    return this.start.length;
  }

  /** Bytes held by the segment and window columns. */
  get bytes(): number {
    const cols = [this.start, this.window, this.route, this.invalid, this.doubleSpend, this.windowT0, this.windowT1, this.blockSeg];
    return cols.reduce((b, c) => b + c.bytes, 0);
  }

  /**
   * Issue `count` new ids as one segment; returns its index. The first `invalid` ids are invalid, the next
   * `doubleSpends` are double spends. Consecutive segments of the same window share one window entry.
   */
  append(t0Us: number, t1Us: number, route: number, count: number, invalid = 0, doubleSpends = 0): number {
    if (!(count >= 1 && count <= 0x7fffffff) || count % 1 !== 0) throw new RangeError(`TxBook: a segment needs an integer count ≥ 1, got ${count}`);
    if (!(t0Us >= 0 && t1Us >= t0Us)) throw new RangeError(`TxBook: bad window [${t0Us}, ${t1Us})`);
    if (route >>> 0 !== route || route >= this.routes.size) throw new RangeError(`TxBook: unknown route ${route}`);
    if (!(invalid >= 0 && doubleSpends >= 0 && invalid + doubleSpends <= count)) {
      throw new RangeError(`TxBook: invalid (${invalid}) + double spends (${doubleSpends}) exceed count (${count})`);
    }
    if (t0Us !== this.lastT0 || t1Us !== this.lastT1) {
      this.windowT0.push(t0Us);
      this.windowT1.push(t1Us);
      this.lastT0 = t0Us;
      this.lastT1 = t1Us;
    }
    const seg = this.start.length;
    this.start.push(this.nextId);
    this.window.push(this.windowT0.length - 1);
    this.route.push(route);
    this.invalid.push(invalid);
    this.doubleSpend.push(doubleSpends);
    // Every id block that starts inside [nextId, nextId + count) is held by this segment.
    while (this.blockSeg.length * ID_BLOCK < this.nextId + count) this.blockSeg.push(seg);
    this.nextId += count;
    return seg;
  }

  /** The segment holding transaction `id` (binary search, after a check of the last one found). */
  segmentIndexOf(id: number): number {
    if (!Number.isSafeInteger(id) || id < 0 || id >= this.nextId) {
      throw new RangeError(`TxBook: no transaction ${id} (ids are 0 … ${this.nextId - 1})`);
    }
    const h = this.hint;
    const n = this.segments;
    if (h < n && this.start.get(h) <= id) {
      if (id < (h + 1 < n ? this.start.get(h + 1) : this.nextId)) return h;
      if (h + 1 < n && id < (h + 2 < n ? this.start.get(h + 2) : this.nextId)) return (this.hint = h + 1);
    }
    // The segment holding id lies between those holding the starts of its block and of the next one.
    const k = Math.floor(id / ID_BLOCK);
    let lo = this.blockSeg.get(k);
    let hi = k + 1 < this.blockSeg.length ? this.blockSeg.get(k + 1) : n - 1;
    if (lo >>> COLUMN_CHUNK_BITS === hi >>> COLUMN_CHUNK_BITS) {
      // Nearly always (a block spans ~30 segments, a chunk 65,536): the search reads one typed array directly.
      const chunk = this.start.chunkOf(lo);
      const base = lo - (lo & COLUMN_CHUNK_MASK);
      let l = lo - base;
      let r = hi - base;
      while (l < r) {
        const mid = (l + r + 1) >>> 1;
        if (chunk[mid]! <= id) l = mid;
        else r = mid - 1;
      }
      return (this.hint = base + l);
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.start.get(mid) <= id) lo = mid;
      else hi = mid - 1;
    }
    return (this.hint = lo);
  }

  /**
   * Call `fn(seg, start, end, segStart, segEnd)` for each piece [start, end) of `txs` that lies in one
   * segment [segStart, segEnd), in the order of `txs`' ranges, so a range across three segments gives three
   * calls. Throws on an id that was never issued.
   */
  forEachSegmentPart(txs: TxSet, fn: (seg: number, start: number, end: number, segStart: number, segEnd: number) => void): void {
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      let a = r[i]!;
      const b = r[i + 1]!;
      if (!(b >= a)) throw new RangeError(`TxBook: bad range [${a}, ${b})`);
      if (a === b) continue;
      if (b > this.nextId) throw new RangeError(`TxBook: no transaction ${this.nextId} (range [${a}, ${b}) was never issued)`);
      let seg = this.segmentIndexOf(a);
      let segStart = this.start.get(seg);
      while (a < b) {
        const segEnd = this.endOf(seg);
        const end = Math.min(b, segEnd);
        fn(seg, a, end, segStart, segEnd);
        a = end;
        segStart = segEnd;
        seg++;
      }
    }
  }

  startOf(seg: number): number {
    return this.start.get(this.check(seg));
  }

  /** One past the segment's last id. */
  endOf(seg: number): number {
    return this.check(seg) + 1 < this.start.length ? this.start.get(seg + 1) : this.nextId;
  }

  countOf(seg: number): number {
    return this.endOf(seg) - this.start.get(seg);
  }

  /** The segment's ids as a TxSet. */
  txsOf(seg: number): TxSet {
    const s = this.startOf(seg);
    const e = this.endOf(seg);
    return { ranges: [s, e], count: e - s };
  }

  /** Arrival window start, µs (inclusive). */
  t0Of(seg: number): number {
    return this.windowT0.get(this.window.get(this.check(seg)));
  }

  /** Arrival window end, µs (exclusive). */
  t1Of(seg: number): number {
    return this.windowT1.get(this.window.get(this.check(seg)));
  }

  windowOf(seg: number): { t0Us: number; t1Us: number } {
    return { t0Us: this.t0Of(seg), t1Us: this.t1Of(seg) };
  }

  routeIndexOf(seg: number): number {
    return this.route.get(this.check(seg));
  }

  routeOf(seg: number): Route {
    return this.routes.get(this.routeIndexOf(seg));
  }

  /** The lowest-numbered input shard: the only one when inputsPerTx = 1. */
  inputShardOf(seg: number): number {
    return this.routeOf(seg).inputs[0]!;
  }

  inputShardsOf(seg: number): readonly number[] {
    return this.routeOf(seg).inputs;
  }

  outputShardsOf(seg: number): readonly number[] {
    return this.routeOf(seg).outputs;
  }

  /** Every shard the segment's transactions touch, ascending. */
  shardsOf(seg: number): readonly number[] {
    return this.routeOf(seg).shards;
  }

  isCross(seg: number): boolean {
    return this.routeOf(seg).cross;
  }

  invalidCountOf(seg: number): number {
    return this.invalid.get(this.check(seg));
  }

  doubleSpendCountOf(seg: number): number {
    return this.doubleSpend.get(this.check(seg));
  }

  /** Whether transaction `id` is invalid: among the first `invalidCount` ids of its segment. */
  isInvalid(id: number): boolean {
    const seg = this.segmentIndexOf(id);
    return id - this.start.get(seg) < this.invalid.get(seg);
  }

  /** Whether transaction `id` double-spends: the `doubleSpendCount` ids right after the invalid ones. */
  isDoubleSpend(id: number): boolean {
    const seg = this.segmentIndexOf(id);
    const k = id - this.start.get(seg) - this.invalid.get(seg);
    return k >= 0 && k < this.doubleSpend.get(seg);
  }

  private check(seg: number): number {
    // `>>> 0` keeps integers in [0, 2^32) unchanged: one comparison rejects negatives, fractions and NaN.
    if (seg >>> 0 !== seg || seg >= this.start.length) {
      throw new RangeError(`TxBook: no segment ${seg} (there are ${this.start.length})`);
    }
    return seg;
  }
}
