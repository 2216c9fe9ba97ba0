import { describe, expect, it } from 'vitest';
import type { NormalNode } from '../normal.js';
import type { ShardLeagues } from '../shard.js';
import { MS, S, setup, submitBatches } from './helpers.js';

/** leaderNode's rule, evaluated from scratch: the leader of the highest (generation, view), first member on a tie. */
function scannedLeader(leagues: ShardLeagues): NormalNode | null {
  let best: NormalNode | null = null;
  for (const n of leagues.normalNodes.values()) {
    const r = n.bft.replica;
    if (!r) continue;
    const b = best?.bft.replica;
    if (!best || !b || n.bft.gen > best.bft.gen || (n.bft.gen === best.bft.gen && r.view > b.view)) best = n;
  }
  const r = best?.bft.replica;
  return r ? (leagues.normalNodes.get(r.committee.leaderOf(r.view)) ?? null) : null;
}

describe('ShardLeagues.leaderNode (cached between leadership changes)', () => {
  it('always names the leader a full scan names, across a reconfiguration, a view change and a replaced node', () => {
    // Believable 0–2; normal 3–9 (leader 3); joiners 10, 11 replace 8, 9; then the leader crashes.
    const { harness, leagues } = setup({ believable: 3, normal: 7, joiners: 2 });
    const leaders = new Set<number>();
    let checks = 0;
    const checkUntil = (untilUs: number) => {
      for (let t = harness.pump.now; t < untilUs; t += 5 * MS) {
        harness.run(t);
        const cached = leagues.leaderNode();
        expect(cached?.self ?? -1).toBe(scannedLeader(leagues)?.self ?? -1);
        if (cached) leaders.add(cached.self);
        checks++;
      }
    };
    submitBatches(harness, 10, 30, 100_000, 100_000);
    leagues.reconfigure([3, 4, 5, 6, 7, 10, 11]);
    checkUntil(4 * S);
    // The map changes behind the cache's back: a member's node is replaced (as the composite does).
    const old = leagues.normalNodes.get(9)!;
    leagues.normalNodes.delete(9);
    leagues.normalNodes.set(9, old);
    harness.pump.crash(3);
    checkUntil(20 * S);
    expect(checks).toBeGreaterThan(3000);
    expect([...leaders].sort((a, b) => a - b)).toEqual([3, 4]); // the view change moved the lead
  });

  it('the members of a committee share one Committee object, before and after a reconfiguration', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 7, joiners: 2 });
    const committees = () => new Set([...leagues.normalNodes.values()].flatMap((n) => (n.bft.replica ? [n.bft.replica.committee] : [])));
    expect([committees().size, [...committees()][0]!.n]).toEqual([1, 7]);
    submitBatches(harness, 10, 30, 100_000, 100_000);
    leagues.reconfigure([3, 4, 5, 6, 7, 10, 11]);
    harness.run(4 * S);
    const after = [...leagues.normalNodes.values()].filter((n) => n.bft.replica).map((n) => n.self);
    expect(after).toEqual([3, 4, 5, 6, 7, 10, 11]); // joiners switched in, leavers out
    expect(committees().size).toBe(1);
  });
});
