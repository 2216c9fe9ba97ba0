import { describe, expect, it } from 'vitest';
import { composePlan, forwardSlices, shardCounts } from '../sharding.js';
import type { Accepted } from '../sharding.js';

describe('shardCounts (ShardSizeCalculator::GenerateShardCounts)', () => {
  it('full shards, a remainder above shardSize − lo forms one more shard', () => {
    expect(shardCounts(600, 50, 10, 2400)).toEqual([600, 600, 600, 600]);
    expect(shardCounts(600, 50, 10, 2394)).toEqual([600, 600, 600, 594]);
    expect(shardCounts(600, 50, 10, 2350)).toEqual([600, 600, 600, 550]);
  });

  it('a smaller remainder is spread, at most toleranceHi per shard; the rest is not sharded', () => {
    expect(shardCounts(600, 50, 10, 2349)).toEqual([610, 610, 610]); // 549 left: 30 spread, 519 unsharded
    expect(shardCounts(600, 50, 10, 1815)).toEqual([610, 605, 600]); // filled shard by shard, as the C++ loop does
    expect(shardCounts(600, 100, 0, 2290)).toEqual([600, 600, 600]); // mainnet tolerances: nothing spread
  });

  it('fewer than one full shard: one shard if at least shardSize − lo, else none', () => {
    expect(shardCounts(600, 50, 10, 560)).toEqual([560]);
    expect(shardCounts(600, 50, 10, 549)).toEqual([]);
    expect(shardCounts(600, 50, 10, 0)).toEqual([]);
  });
});

describe('composePlan', () => {
  const rules = { shardSize: 4, toleranceLo: 1, toleranceHi: 0, dsElection: 2 };
  const committee = [100, 101, 102, 103, 104]; // newest first: 104 is the oldest
  const sub = (node: number, arriveUs: number, dsArriveUs = Infinity): Accepted => ({ node, arriveUs, dsArriveUs });

  it('FIFO: the earliest DS-difficulty arrivals join at the front, as many of the oldest leave', () => {
    const accepted = [sub(1, 10, 50), sub(2, 11), sub(3, 12, 30), sub(4, 13, 40), sub(5, 14)];
    const plan = composePlan(7, 200, committee, accepted, [9], rules, (v) => v);
    expect(plan.dsJoined).toEqual([3, 4]);
    expect(plan.dsCommittee).toEqual([3, 4, 100, 101, 102]);
    expect(plan.dsLeft).toEqual([103, 104]);
    expect(plan.roleOf[3]).toBe('ds');
    expect(plan.roleOf[104]).not.toBe('ds');
  });

  it('joiners are not sharded; leavers are injected into the sharding; the rest by sort key', () => {
    const accepted = [sub(1, 10, 50), sub(2, 11), sub(3, 12, 30), sub(4, 13, 40), sub(5, 14), sub(6, 15)];
    // Sort key: descending id, so the order is 104, 103, 6, 5, 2, 1.
    const plan = composePlan(7, 200, committee, accepted, [], rules, (v) => -v);
    expect(plan.shards).toEqual([[104, 103, 6, 5]]); // 6 candidates: one shard of 4; 2 left < lo = 3 and hi = 0
    expect(plan.unsharded).toEqual([2, 1]);
    expect(plan.shardOf[104]).toBe(0);
    expect(plan.shardOf[3]).toBe(-1);
    expect(plan.roleOf[2]).toBe('none');
    expect(plan.accepted).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('no DS-difficulty solution: the committee stays as it is', () => {
    const plan = composePlan(1, 200, committee, [sub(1, 10), sub(2, 11), sub(3, 12), sub(5, 13)], [], rules, (v) => v);
    expect(plan.dsCommittee).toEqual(committee);
    expect(plan.dsLeft).toEqual([]);
    expect(plan.shards).toEqual([[1, 2, 3, 5]]);
  });
});

describe('forwardSlices', () => {
  it('every node outside the committee gets `copies` copies, from distinct members', () => {
    const committee = [3, 7, 11, 20, 21];
    const slices = forwardSlices(committee, 40, 2);
    const got = new Map<number, number[]>();
    slices.forEach((targets, pos) => targets.forEach((v) => got.set(v, [...(got.get(v) ?? []), pos])));
    for (let v = 0; v < 40; v++) {
      if (committee.includes(v)) expect(got.has(v)).toBe(false);
      else {
        expect(got.get(v)!.length).toBe(2);
        expect(new Set(got.get(v)).size).toBe(2);
      }
    }
    // Balanced: 35 nodes × 2 copies over 5 members.
    for (const t of slices) expect(t.length).toBe(14);
  });
});
