import { describe, expect, it } from 'vitest';
import { BftParams, Cpu } from '../../../scenario/schema.js';
import { Pump } from '../../testing/pump.js';
import { txSetOf } from '../../types.js';
import type { Input, NodeId, ProtocolNode } from '../../types.js';
import { ReconfigurableReplica } from '../reconfig.js';
import type { BftReconfigured, GenMsg, GenTimer } from '../reconfig.js';
import type { BftCommitted } from '../extensions.js';
import { S, TX_BYTES } from './helpers.js';

type Note = BftCommitted | BftReconfigured;

/** Nodes 0 … old−1 form generation 0; nodes old … total−1 are joiners waiting for a Join. */
function network(old: number, total: number, topology: 'tree' | 'star' = 'tree') {
  const params = BftParams.parse({ type: 'bft', phaseTimeoutMs: 2000, viewChangeTimeoutMs: 4000, treeBranching: 3, blockIntervalMs: 300, topology });
  const members = Array.from({ length: old }, (_, i) => i);
  const nodes = Array.from(
    { length: total },
    (_, self) => new ReconfigurableReplica({ self, members: self < old ? members : null, shard: 0, params, cpu: Cpu.parse({}), txSizeBytes: TX_BYTES, emitLocal: true }),
  );
  const notes: { t: number; node: NodeId; event: Note }[] = [];
  const wrapped = nodes.map(
    (n, i): ProtocolNode<GenMsg, GenTimer> => ({
      step: (now: number, input: Input<GenMsg, GenTimer>) => {
        const out = n.step(now, input);
        for (const e of out) if (e.kind === 'local') notes.push({ t: now, node: i, event: e.event as Note });
        return out;
      },
    }),
  );
  const pump = new Pump(wrapped);
  pump.startAll(0);
  return { nodes, pump, notes };
}

function finalCounts(pump: Pump<GenMsg, GenTimer>, total: number): number[] {
  const counts = new Array<number>(total).fill(0);
  for (const c of pump.commits) if (c.level === 'final') for (let id = c.txs.ranges[0]!; id < c.txs.ranges[1]!; id++) counts[id]!++;
  return counts;
}

describe('committee reconfiguration at a block boundary (reconfig.ts)', () => {
  for (const c of [
    { name: 'the leader stays', next: [0, 1, 2, 3, 4, 5, 6, 10, 11, 12], leavers: [7, 8, 9] },
    { name: 'the leader leaves', next: [1, 2, 3, 4, 5, 6, 7, 10, 11, 12], leavers: [0, 8, 9] },
  ]) {
    it(`${c.name}: 3 of 10 swapped for 3 joiners, the chain keeps committing across the switch`, () => {
      const { nodes, pump, notes } = network(10, 13);
      // Transactions before, around and after the switch, always to whoever leads then.
      const leaderNow = () => {
        let best = nodes[0]!;
        for (const n of nodes) if (n.replica && (n.gen > best.gen || (n.gen === best.gen && n.replica.view > (best.replica?.view ?? -1)))) best = n;
        return best.replica!.committee.leaderOf(best.replica!.view);
      };
      const total = 40 * 25;
      for (let i = 0; i < 40; i++) {
        const at = 100_000 + i * 150_000;
        pump.run(at);
        if (i === 12) for (const n of nodes.slice(0, 10)) n.reconfigure(c.next); // every old member is asked
        pump.inject(leaderNow(), { kind: 'txs', txs: txSetOf([i * 25, (i + 1) * 25]) }, at);
      }
      pump.run(8 * S);
      for (const l of c.leavers) pump.crash(l); // leavers stop for good once the switch is done
      pump.run(20 * S);

      expect(finalCounts(pump, total).every((k) => k === 1)).toBe(true);
      // One chain: heights 1, 2, 3, … without a gap or a repeat, across both committees.
      const heights = pump.traces.filter((t) => t.event.type === 'block.commit').map((t) => t.event.height as number);
      expect(heights).toEqual(heights.map((_, i) => i + 1));
      const switches = notes.filter((n) => n.event.type === 'bftReconfigured') as { node: NodeId; event: BftReconfigured }[];
      const switchHeight = switches[0]!.event.height;
      expect(switches.every((s) => s.event.height === switchHeight && s.event.gen === 1)).toBe(true);
      expect(switches.map((s) => s.node).sort((a, b) => a - b)).toEqual(Array.from({ length: 13 }, (_, i) => i));
      expect(switches.filter((s) => !s.event.member).map((s) => s.node).sort()).toEqual(c.leavers);
      expect(heights.length).toBeGreaterThan(switchHeight + 3);
      // The new committee: joiners and stayers are at gen 1 at the same height; leavers have no replica.
      for (const l of c.leavers) expect([nodes[l]!.replica, nodes[l]!.gen]).toEqual([null, 1]);
      const newMembers = [...c.next].sort((a, b) => a - b);
      const heightNow = Math.max(...heights);
      for (const m of newMembers) {
        const r = nodes[m]!.replica!;
        expect([m, nodes[m]!.gen, r.height, r.committee.n]).toEqual([m, 1, heightNow, 10]);
        expect([...r.committee.members].sort((a, b) => a - b)).toEqual(newMembers);
      }
      // After the leavers crashed, every new member (joiners included) still signs: all 10 signatures.
      const lead = nodes.find((n) => n.replica?.isLeader)!.replica!;
      const late = lead.committed.filter((b) => b.height > switchHeight + 1);
      expect(late.length).toBeGreaterThan(0);
      expect(late.every((b) => b.commitSigners === 10)).toBe(true);
      if (c.name === 'the leader stays') expect(lead).toBe(nodes[0]!.replica); // no leader change at the switch
      expect(pump.sentByType.get('join')).toBe(3); // one Join per joiner, from the leader of the switch block
      // The departing leader held a batch that arrived just before the switch: it transferred it.
      expect(pump.sentByType.get('transfer') ?? 0).toBe(c.leavers.includes(0) ? 1 : 0);
    });
  }

  it('a due reconfiguration is worked out only by a member that builds a block as leader, then switches as an eager one', () => {
    const { nodes, pump, notes } = network(10, 13);
    const next = [0, 1, 2, 3, 4, 5, 6, 10, 11, 12];
    const ran: NodeId[] = [];
    pump.run(1 * S);
    // Every old member learns that the committee should change; none works it out yet.
    nodes.slice(0, 10).forEach((n, self) =>
      n.replica!.reconfigurationDue(() => {
        ran.push(self);
        n.reconfigure(next);
      }),
    );
    expect(ran).toEqual([]);
    pump.inject(0, { kind: 'txs', txs: txSetOf([0, 25]) }, 1 * S);
    pump.run(10 * S);
    // Only the leader (node 0, view 0) built a block, so only it ran the update, once.
    expect(ran).toEqual([0]);
    const switches = notes.filter((x) => x.event.type === 'bftReconfigured') as { node: NodeId; event: BftReconfigured }[];
    expect(switches.length).toBe(13);
    expect([...nodes[10]!.replica!.committee.members].sort((a, b) => a - b)).toEqual(next);
  });

  it('a joiner that hears the new generation before its Join keeps the messages, then catches up', () => {
    const { nodes, pump } = network(4, 5, 'star');
    pump.run(200_000);
    for (const n of nodes.slice(0, 4)) n.reconfigure([0, 1, 2, 3, 4]);
    pump.inject(0, { kind: 'txs', txs: txSetOf([0, 10]) }, 200_000);
    pump.run(3 * S);
    pump.inject(0, { kind: 'txs', txs: txSetOf([10, 20]) }, 3 * S);
    pump.run(8 * S);
    expect(finalCounts(pump, 20).every((k) => k === 1)).toBe(true);
    expect(nodes[4]!.replica!.height).toBe(nodes[0]!.replica!.height);
    expect(nodes[0]!.replica!.committed.at(-1)!.commitSigners).toBe(5);
  });
});
