import { IntervalSet } from '../../../workload/ranges.js';
import { SegmentSet } from '../../../workload/segment-set.js';
import type { FactSegment } from './facts.js';

/**
 * One id set per shard, for the shards of one side of the routes (input or output shards), every operation
 * inside one segment piece. Ids of a segment in the set of the shard at position k of its route's list are
 * held by the k-th SegmentSet (a segment names each shard once per side, so the k-th set holds exactly one
 * shard's ids of each segment); a shard off the segment's route (a faulty report, which the checker flags)
 * falls back to a plain IntervalSet per shard.
 *
 * Why shared positions: a SegmentSet holds a word for every segment up to the last it was told of, so one
 * per shard would cost m words per segment where this costs one per route position (one or two at paper
 * scale: u = 2). The shards that share one instance (IosAtomix's) each read and write only their own ids.
 */
export class RouteSets {
  private readonly byPosition: SegmentSet[] = [];
  private readonly offRoute = new Map<number, IntervalSet>();

  constructor(private readonly side: 'inputShards' | 'outputShards') {}

  countIn(shard: number, seg: FactSegment, s: number, e: number): number {
    const k = seg[this.side].indexOf(shard);
    if (k >= 0) return this.byPosition[k]?.countIn(seg.seg, seg.segStart, s, e) ?? 0;
    return this.offRoute.get(shard)?.countIn(s, e) ?? 0;
  }

  intersect(shard: number, seg: FactSegment, s: number, e: number, out: number[]): number[] {
    const k = seg[this.side].indexOf(shard);
    if (k >= 0) return this.byPosition[k]?.intersect(seg.seg, seg.segStart, s, e, out) ?? out;
    return this.offRoute.get(shard)?.intersect(s, e, out) ?? out;
  }

  subtract(shard: number, seg: FactSegment, s: number, e: number, out: number[]): number[] {
    const k = seg[this.side].indexOf(shard);
    if (k >= 0) {
      const set = this.byPosition[k];
      if (set) return set.subtract(seg.seg, seg.segStart, s, e, out);
    } else {
      const set = this.offRoute.get(shard);
      if (set) return set.subtract(s, e, out);
    }
    if (s < e) out.push(s, e); // no set yet: none of the ids
    return out;
  }

  /** Adds [s, e) (inside seg) to shard's set; returns how many of those ids were not in it. */
  add(shard: number, seg: FactSegment, s: number, e: number): number {
    const k = seg[this.side].indexOf(shard);
    if (k >= 0) return (this.byPosition[k] ??= new SegmentSet()).add(seg.seg, seg.segStart, seg.segEnd, s, e);
    let set = this.offRoute.get(shard);
    if (!set) this.offRoute.set(shard, (set = new IntervalSet()));
    const added = e - s - set.countIn(s, e);
    set.add(s, e);
    return added;
  }

  /** Removes [s, e) (inside seg) from shard's set; returns how many of those ids were in it. */
  remove(shard: number, seg: FactSegment, s: number, e: number): number {
    const k = seg[this.side].indexOf(shard);
    if (k >= 0) return this.byPosition[k]?.remove(seg.seg, seg.segStart, seg.segEnd, s, e) ?? 0;
    const set = this.offRoute.get(shard);
    if (!set) return 0;
    const removed = set.countIn(s, e);
    set.remove(s, e);
    return removed;
  }

  /** Whether shard's set holds every id of [s, e) (inside seg). */
  covers(shard: number, seg: FactSegment, s: number, e: number): boolean {
    return this.countIn(shard, seg, s, e) === e - s;
  }
}
