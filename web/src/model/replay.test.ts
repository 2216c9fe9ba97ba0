import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../sim/trace/schema.js';
import { buildTimeline } from './timeline.js';
import { Replayer, groupCounts, nodePlace, replay } from './replay.js';

const S = 1_000_000;

/** Four IOS validators in two shards; node 0 moves 0 → 1 in epoch 1 (batch 100 s .. ready 103 s). */
function iosEvents(): TraceEvent[] {
  return [
    { t: 0, type: 'shard.member', node: 0, shard: 0, epoch: 0, role: 'believable' },
    { t: 0, type: 'shard.member', node: 1, shard: 0, epoch: 0, role: 'normal' },
    { t: 0, type: 'shard.member', node: 2, shard: 1, epoch: 0, role: 'believable' },
    { t: 0, type: 'shard.member', node: 3, shard: 1, epoch: 0, role: 'normal' },
    { t: 2 * S, type: 'block.propose', node: 1, shard: 0, height: 1, view: 0, txCount: 5, sizeBytes: 900 },
    { t: 60 * S, type: 'epoch.start', epoch: 1, leader: 3, view: 0 },
    { t: 80 * S, type: 'node.crash', node: 2 },
    { t: 90 * S, type: 'node.recover', node: 2 },
    // Written when ready, carrying the batch start; its league in the new shard just before (composite/node.ts).
    { t: 103 * S, type: 'shard.member', node: 0, shard: 1, epoch: 1, role: 'normal' },
    { t: 103 * S, type: 'shard.move', node: 0, fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 100 * S, readyUs: 103 * S },
    { t: 103 * S, type: 'epoch.ready', epoch: 1 },
  ];
}
const header = { nodes: 4, shards: 2 };

describe('replay reducer', () => {
  it('genesis membership: every node in its shard, roles from the trace, no group sized for all nodes', () => {
    const tl = buildTimeline(header, iosEvents());
    const s = replay(tl, 0);
    expect(Array.from(s.group)).toEqual([0, 0, 1, 1]);
    expect(tl.groups.map((g) => g.label)).toEqual(['shard 0', 'shard 1']);
    expect(Array.from(s.role).map((r) => tl.roles[r - 1])).toEqual(['believable', 'normal', 'believable', 'normal']);
    expect(groupCounts(tl, s)).toEqual([2, 2]);
  });

  it('a mover travels from its old shard to its new one between batch start and ready, then takes the league it is traced with', () => {
    const tl = buildTimeline(header, iosEvents());
    const before = replay(tl, 99 * S);
    expect(nodePlace(before, 0, 99 * S)).toEqual({ group: 0, fromGroup: -1, progress: 1 });
    const during = replay(tl, 101.5 * S);
    expect(nodePlace(during, 0, 101.5 * S)).toEqual({ group: 1, fromGroup: 0, progress: 0.5 });
    expect(during.moving).toBe(1);
    // Its old slot stays taken while it travels, its new one is reserved: no two dots share a place.
    expect(during.occupied[0]![during.fromSlot[0]!]).toBe(1);
    expect(during.slot[0]).not.toBe(during.slot[2]);
    expect(during.slot[0]).not.toBe(during.slot[3]);
    const after = replay(tl, 103 * S);
    expect(nodePlace(after, 0, 103 * S)).toEqual({ group: 1, fromGroup: -1, progress: 1 });
    expect(tl.roles[after.role[0]! - 1]).toBe('normal');
    expect(after.moving).toBe(0);
    expect(groupCounts(tl, after)).toEqual([1, 3]);
    expect(after.readyEpoch).toBe(1);
  });

  it('an abandoned move (shard.abandon) is drawn cut short, and the next move goes on from the shard it was heading to', () => {
    // Node 1 heads for shard 1 from 100 s; at 160 s its next batch starts (to shard 0) before it is ready there.
    const events: TraceEvent[] = [
      ...iosEvents(),
      { t: 160 * S, type: 'shard.abandon', node: 1, fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 100 * S },
      { t: 170 * S, type: 'shard.member', node: 1, shard: 0, epoch: 2, role: 'normal' },
      { t: 170 * S, type: 'shard.move', node: 1, fromShard: 1, toShard: 0, epoch: 2, batch: 0, startUs: 160 * S, readyUs: 170 * S },
    ];
    const tl = buildTimeline(header, events);
    expect(nodePlace(replay(tl, 130 * S), 1, 130 * S)).toEqual({ group: 1, fromGroup: 0, progress: 0.5 });
    const next = replay(tl, 165 * S);
    expect(nodePlace(next, 1, 165 * S)).toEqual({ group: 0, fromGroup: 1, progress: 0.5 });
    expect(next.moving).toBe(1);
    const after = replay(tl, 170 * S);
    expect(nodePlace(after, 1, 170 * S)).toEqual({ group: 0, fromGroup: -1, progress: 1 });
    expect(after.moving).toBe(0);
    expect(groupCounts(tl, after)).toEqual([1, 3]);
  });

  it('epochs, leaders and crashes', () => {
    const tl = buildTimeline(header, iosEvents());
    expect(replay(tl, 1 * S).leader[0]).toBe(-1);
    expect(replay(tl, 2 * S).leader[0]).toBe(1);
    const s = replay(tl, 85 * S);
    expect([s.epoch, s.edsLeader, s.crashed[2]]).toEqual([1, 3, 1]);
    expect(replay(tl, 90 * S).crashed[2]).toBe(0);
  });

  it('seeking back and forth with checkpoints gives exactly the state a fold from the start gives', () => {
    const tl = buildTimeline(header, iosEvents());
    const r = new Replayer(tl, 2);
    for (const t of [200, 101, 0, 103, 50, 100, 102.9, 1000, 2, 60].map((x) => x * S)) {
      const a = r.seek(t);
      const b = replay(tl, t);
      expect({ ...a, idle: [...a.idle] }).toEqual({ ...b, idle: [...b.idle] });
    }
  });

  it('Zilliqa: DS committee and unassigned groups, PoW window open then closed, re-formation moves nodes', () => {
    const events: TraceEvent[] = [
      { t: 0, type: 'idle.start', shard: -1, epoch: 0, reason: 'pow' },
      { t: 5 * S, type: 'pow.submit', node: 1, epoch: 0, accepted: true },
      { t: 6 * S, type: 'pow.submit', node: 2, epoch: 0, accepted: false },
      { t: 60 * S, type: 'idle.end', shard: -1, epoch: 0, reason: 'pow' },
      { t: 60 * S, type: 'shard.member', node: 0, shard: -1, epoch: 0, role: 'ds' },
      { t: 60 * S, type: 'shard.member', node: 1, shard: 0, epoch: 0, role: 'shard' },
      { t: 60 * S, type: 'shard.member', node: 2, shard: -1, epoch: 0, role: 'none' },
      { t: 200 * S, type: 'shard.member', node: 1, shard: 1, epoch: 1, role: 'shard' },
    ];
    const tl = buildTimeline(header, events);
    expect(tl.groups.map((g) => g.kind)).toEqual(['shard', 'shard', 'ds', 'unassigned']);
    const pow = replay(tl, 10 * S);
    expect(pow.idle).toEqual([{ shard: -1, epoch: 0, reason: 'pow', startUs: 0 }]);
    expect(pow.powAccepted).toBe(1);
    expect(Array.from(pow.powEpoch)).toEqual([0, 1, 0, 0]);
    // Before the first membership every node is outside every shard.
    expect(groupCounts(tl, pow)).toEqual([0, 0, 0, 4]);
    const formed = replay(tl, 60 * S);
    expect(formed.idle).toEqual([]);
    expect(Array.from(formed.group)).toEqual([2, 0, 3, 3]);
    expect(Array.from(replay(tl, 200 * S).group)).toEqual([2, 1, 3, 3]);
  });

  it('DPoS: the schedule change lists producers in slot order; a single shard is one group', () => {
    const tl = buildTimeline({ nodes: 30, shards: 1 }, [
      { t: 0, type: 'schedule.change', version: 1, producers: '4 9 21' },
      { t: 500_000, type: 'block.propose', node: 4, shard: 0, height: 1, view: 0, txCount: 1, sizeBytes: 300 },
    ]);
    const s = replay(tl, S);
    expect(s.schedule).toEqual({ version: 1, producers: [4, 9, 21] });
    expect(s.leader[0]).toBe(4);
    expect(tl.groups).toHaveLength(1);
    expect(groupCounts(tl, s)).toEqual([30]);
  });

  it('events naming a node outside the header are dropped, not written out of bounds', () => {
    const tl = buildTimeline(header, [...iosEvents(), { t: 5 * S, type: 'node.crash', node: 99 }]);
    expect(tl.events.some((e) => 'node' in e && e.node === 99)).toBe(false);
  });
});
