import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../kernel/rng.js';
import { minVotingFraction, movesFrom, planTransEpoch, startNumber, swapBatchSize } from './plan.js';
import type { TransEpochPlan } from './plan.js';

/** The moves whose batch starts at `t`, read through the plan's start index (none if no batch starts then). */
function movesStartingAt(plan: TransEpochPlan, t: number) {
  const a = startNumber(plan, t);
  return a < 0 ? [] : plan.moves.slice(plan.startIndex[a], plan.startIndex[a + 1]);
}

function assignment(n: number, m: number, seed: number): Int32Array {
  const rng = new RngRoot(seed).stream('a');
  const order = rng.shuffle([...Array(n).keys()]);
  const shardOf = new Int32Array(n);
  order.forEach((v, i) => (shardOf[v] = Math.floor((i * m) / n)));
  return shardOf;
}

describe('TransEpoch plan', () => {
  it('indexes the moves by batch start: each start lists exactly the moves that start then', () => {
    const plan = planTransEpoch(1, assignment(400, 4, 1), assignment(400, 4, 2), 4, 9, 3_000_000, 10_000_000, 'rnd1');
    const distinct = [...new Set(plan.moves.map((m) => m.startUs))].sort((a, b) => a - b);
    expect(plan.starts).toEqual(distinct);
    for (const t of distinct) expect(movesStartingAt(plan, t)).toEqual(plan.moves.filter((m) => m.startUs === t));
    expect(movesStartingAt(plan, distinct[0]! + 1)).toEqual([]);
    expect(movesStartingAt(plan, 0)).toEqual([]);
    expect(movesStartingAt(plan, distinct.at(-1)! + 3_000_000)).toEqual([]);
  });

  it("indexes each start's moves by source shard, in node order, and each node's own move", () => {
    const oldS = assignment(400, 4, 1);
    const plan = planTransEpoch(1, oldS, assignment(400, 4, 2), 4, 9, 3_000_000, 10_000_000, 'rnd1');
    let listed = 0;
    plan.starts.forEach((t, a) => {
      expect(startNumber(plan, t)).toBe(a);
      for (let s = 0; s < 4; s++) {
        const mine = [...movesFrom(plan, a, s)].map((i) => plan.moves[i]!);
        expect(mine).toEqual(plan.moves.filter((m) => m.startUs === t && m.fromShard === s));
        listed += mine.length;
      }
    });
    expect(listed).toBe(plan.moves.length);
    expect(startNumber(plan, plan.starts[0]! + 1)).toBe(-1);
    for (let v = 0; v < 400; v++) {
      const i = plan.moveOf[v]!;
      expect(i < 0 ? null : plan.moves[i]!.node).toBe(plan.moves.some((m) => m.node === v) ? v : null);
    }
  });

  it('k = round(log_base(n/m)), at least 1', () => {
    expect(swapBatchSize(2000, 4, 2)).toBe(9); // log2(500) = 8.97
    expect(swapBatchSize(10_000, 16, 2)).toBe(9); // log2(625) = 9.29
    expect(swapBatchSize(2000, 4, 10)).toBe(3); // log10(500) = 2.70
    expect(swapBatchSize(4, 4, 2)).toBe(1);
  });

  it('moves exactly the nodes whose shard changes, in batches of k per source shard, Δ apart', () => {
    const n = 400;
    const m = 4;
    const oldS = assignment(n, m, 1);
    const newS = assignment(n, m, 2);
    const k = swapBatchSize(n, m, 2);
    const plan = planTransEpoch(1, oldS, newS, m, k, 3_000_000, 10_000_000, 'rnd1');
    const changed = [...Array(n).keys()].filter((v) => oldS[v] !== newS[v]);
    expect(plan.moves.map((x) => x.node).sort((a, b) => a - b)).toEqual(changed);
    for (let j = 0; j < m; j++) {
      const mine = plan.moves.filter((x) => x.fromShard === j);
      const perBatch = new Map<number, number>();
      for (const x of mine) {
        perBatch.set(x.batch, (perBatch.get(x.batch) ?? 0) + 1);
        expect(x.startUs).toBe(10_000_000 + (x.batch + 1) * 3_000_000);
        expect(x.toShard).toBe(newS[x.node]);
      }
      const sizes = [...perBatch.values()];
      expect(Math.max(...sizes)).toBeLessThanOrEqual(k);
      expect(sizes.filter((s) => s < k).length).toBeLessThanOrEqual(1); // only the last batch is short
      expect(plan.batchesPerShard[j]).toBe(Math.ceil(mine.length / k));
    }
  });

  it('is the same on every node (depends on rnd and the seed only) and changes with rnd', () => {
    const oldS = assignment(200, 4, 1);
    const newS = assignment(200, 4, 2);
    const a = planTransEpoch(1, oldS, newS, 4, 5, 1000, 0, 'r');
    const b = planTransEpoch(1, oldS, newS, 4, 5, 1000, 0, 'r');
    const c = planTransEpoch(1, oldS, newS, 4, 5, 1000, 0, 'other');
    expect(b.moves).toEqual(a.moves);
    expect(c.moves.map((x) => x.node)).not.toEqual(a.moves.map((x) => x.node));
  });

  it('keeps ≥ 2/3 of every shard voting when bootstraps finish within Δ, and not when they take far longer', () => {
    const n = 2000;
    const m = 4;
    const oldS = assignment(n, m, 7);
    const newS = assignment(n, m, 8);
    const k = swapBatchSize(n, m, 2);
    const delta = 3_000_000;
    const plan = planTransEpoch(1, oldS, newS, m, k, delta, 0, 'x');
    for (const f of minVotingFraction(plan, oldS, m, () => delta / 2)) expect(f).toBeGreaterThanOrEqual(2 / 3);
    // The checker can fail: joiners that never become ready drain the shards.
    const slow = minVotingFraction(plan, oldS, m, () => 1e12);
    expect(Math.min(...slow)).toBeLessThan(2 / 3);
  });
});
