import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../../kernel/rng.js';
import { IntervalSet } from '../../../../workload/ranges.js';
import type { FactSegment } from '../facts.js';
import { SegmentTable } from '../facts.js';
import { RouteSets } from '../route-sets.js';

/** Every segment piece of a table, whole (copies: SegmentTable's pieces are valid only during the call). */
function segmentsOf(table: SegmentTable, end: number): FactSegment[] {
  const out: FactSegment[] = [];
  table.forEachSegment(0, end, (seg) => out.push({ ...seg }));
  return out;
}

describe('RouteSets', () => {
  it('keeps each shard its own ids, whatever position its routes give it, and shards off a route apart', () => {
    // Routes that put shards 0-3 at different positions of the input list, and one segment each shard is not on.
    const routes = [[0, 1], [1, 2], [2, 0], [3], [1, 3], [0, 2, 3]];
    const rng = new RngRoot(5).stream('route-sets');
    const table = new SegmentTable();
    let start = 0;
    for (let k = 0; k < 60; k++) {
      const n = 1 + rng.int(40);
      table.push({ start, end: start + n, inputShards: routes[k % routes.length]!, outputShards: [4] });
      start += n;
    }
    const segs = segmentsOf(table, start);
    const sets = new RouteSets('inputShards');
    // The oracle: one plain interval set per shard.
    const oracle = [0, 1, 2, 3].map(() => new IntervalSet());
    for (let step = 0; step < 4_000; step++) {
      const seg = segs[rng.int(segs.length)]!;
      const shard = rng.int(4); // on the segment's route or not (the checker's faulty-report case)
      const s = seg.start + rng.int(seg.end - seg.start);
      const e = s + 1 + rng.int(seg.end - s);
      const o = oracle[shard]!;
      if (rng.int(3) === 0) {
        expect(sets.remove(shard, seg, s, e)).toBe(o.countIn(s, e));
        o.remove(s, e);
      } else {
        expect(sets.add(shard, seg, s, e)).toBe(e - s - o.countIn(s, e));
        o.add(s, e);
      }
      // Every shard's view of a random segment, so one shard's writes showing in another's set would fail.
      const q = segs[rng.int(segs.length)]!;
      for (let sh = 0; sh < 4; sh++) {
        expect(sets.countIn(sh, q, q.start, q.end)).toBe(oracle[sh]!.countIn(q.start, q.end));
        expect(sets.intersect(sh, q, q.start, q.end, [])).toEqual(oracle[sh]!.intersect(q.start, q.end, []));
        expect(sets.subtract(sh, q, q.start, q.end, [])).toEqual(oracle[sh]!.subtract(q.start, q.end, []));
      }
    }
  });
});
