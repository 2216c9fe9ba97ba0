import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/runner.js';
import { ScenarioSchema } from '../scenario/schema.js';
import type { Scenario } from '../scenario/schema.js';
import type { BftReplica } from './bft/index.js';
import { CosiGraph } from './bft/tree.js';
import { computeTreeCast, computeTreeRound } from './tree-round.js';
import type { TreePort, TreeRoundSpec } from './tree-round.js';

/** 10 ms per hop, no serialisation, an idle CPU; `down` nodes are crashed. */
function port(down: ReadonlySet<number> = new Set()): TreePort & { sends: number } {
  const p = {
    sends: 0,
    send: (_from: number, _to: number, _bytes: number, at: number) => {
      p.sends++;
      return at + 10_000;
    },
    cpuRun: (_node: number, at: number, us: number) => at + us,
    isUp: (node: number) => !down.has(node),
  };
  return p;
}

/** Seven members in a binary tree: positions 1, 2 inner, 3–6 leaves; node id = 100 + position. */
function spec(overrides: Partial<TreeRoundSpec> = {}): TreeRoundSpec {
  return {
    nodes: [100, 101, 102, 103, 104, 105, 106],
    shape: new CosiGraph(7, 2),
    downBytes: 1000,
    upBytes: 40,
    workUs: () => 1000,
    aggregateUsPerSigner: 0,
    windowUs: (pos) => (pos === 0 ? 100_000 : 50_000),
    members: null,
    result: null,
    ...overrides,
  };
}

describe('computeTreeRound (CoSi half-round in one pass)', () => {
  it('down two levels, work at the leaves, up two levels; every part in the aggregate', () => {
    const p = port();
    const r = computeTreeRound(spec(), 0, p);
    // Leaves hear at 20 ms, are ready at 21 ms; inner members forward at 31 ms; the root has all at 41 ms.
    expect(r.atUs).toBe(41_000);
    expect(r.signers).toBe(7);
    expect([...r.joined]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(p.sends).toBe(12); // 6 down, 6 up
  });

  it('a crashed leaf costs its parent its window; the rest is aggregated and the leaf is left out', () => {
    const r = computeTreeRound(spec(), 0, port(new Set([106])));
    // Position 2 waits until 10 ms + 50 ms, its part reaches the root at 70 ms, inside the root's 100 ms.
    expect(r.atUs).toBe(70_000);
    expect(r.signers).toBe(6);
    expect([...r.joined]).toEqual([1, 1, 1, 1, 1, 1, 0]);
  });

  it('aggregation and relay work are charged where CosiNode charges them', () => {
    const r = computeTreeRound(spec({ aggregateUsPerSigner: 100, relayUs: (pos) => (pos === 0 ? 0 : 500) }), 0, port());
    // Inner at 10 ms relays at 10.5 ms; leaves hear at 20.5, relay-work again to 21.0, ready 22.0, parts at
    // 32.0; inner aggregates 3 signers (+0.3 ms) and its part reaches the root at 42.3; the root adds 0.7 ms.
    expect(r.atUs).toBe(43_000);
  });

  it("the members' work occupies their CPU: a second round computed at once validates after the first", () => {
    // A port with a busy-until CPU per node, as the host's.
    const free = new Map<number, number>();
    const p = {
      ...port(),
      cpuRun: (node: number, at: number, us: number) => {
        const done = Math.max(at, free.get(node) ?? 0) + us;
        if (us > 0) free.set(node, done);
        return done;
      },
    };
    const long = spec({ workUs: () => 30_000, windowUs: () => 1_000_000 });
    const first = computeTreeRound(long, 0, p);
    // Leaves hear at 20 ms and work 30 ms; parts at 60 ms; inner members (working from 10 ms to 40 ms) forward
    // at 60 ms, the root (working 0–30 ms) has all at 70 ms.
    expect(first.atUs).toBe(70_000);
    // The second round's messages arrive as before, but every member's CPU is busy with the first round's
    // work until then: each level waits 30 ms more.
    const second = computeTreeRound(long, 0, p);
    expect(second.atUs).toBe(100_000);
    expect(free.get(103)).toBe(80_000); // a leaf: 20–50 ms, then 50–80 ms
  });

  it('the challenge goes only to the members that joined', () => {
    const p = port();
    const joined = Uint8Array.from([1, 1, 1, 1, 0, 1, 1]);
    const r = computeTreeRound(spec({ members: joined }), 0, p);
    expect(r.signers).toBe(6);
    expect(p.sends).toBe(10);
    expect(r.joined[4]).toBe(0);
  });
});

describe('computeTreeCast', () => {
  it('reaches every live member from its parent, after each relay verifies', () => {
    const out = computeTreeCast({ nodes: [100, 101, 102, 103, 104, 105, 106], shape: new CosiGraph(7, 2), relayUs: 500 }, 0, 300, port(new Set([102])));
    // Position 2 is down: neither it nor its children (5, 6) get the message.
    expect(out.map((d) => [d.pos, d.from, d.atUs])).toEqual([
      [1, 100, 10_000],
      [3, 101, 20_500],
      [4, 101, 20_500],
    ]);
  });
});

/**
 * One committee on a six-region network with the `constant` latency model (no random draw, so a round's
 * times do not depend on the order its sends are made in) and no CPU per transaction. The two fidelities then
 * differ only where tree-round.ts says they do: a computed round reserves the members' uplinks when it is
 * computed, so the Decide's relays queue before the next block's, where at message level the block's may go
 * first (about 0.1 ms per round here).
 */
function committee(fidelity: 'message' | 'round', crashed: number[] = []): Scenario {
  return ScenarioSchema.parse({
    name: `tree-round-${fidelity}`,
    seed: 3,
    durationSeconds: 60,
    nodes: 85,
    network: { latencyModel: 'constant', crashes: crashed.length > 0 ? [{ nodes: crashed, atSeconds: 0 }] : [] },
    cpu: { txValidateUs: 0 },
    protocol: { type: 'bft', topology: 'tree', treeBranching: 4, maxBlockBytes: 200_000, blockIntervalMs: 1000, phaseTimeoutMs: 20_000, fidelity },
    workload: { offeredTps: 200, txSizeBytes: 250 },
  });
}

function commits(s: Scenario): { blocks: { t: number; height: number; txCount: number }[]; messages: number; events: number } {
  const run = runScenario(s, { traceLevel: 'summary' });
  const blocks: { t: number; height: number; txCount: number }[] = [];
  for (const e of run.trace.events()) if (e.type === 'block.commit') blocks.push({ t: e.t, height: e.height, txCount: e.txCount });
  return { blocks, messages: run.host.messages, events: run.kernel.executed };
}

describe('bft with fidelity round', () => {
  it('decides the same blocks as the message level within 2 ms, with the same messages and fewer events', () => {
    const msg = commits(committee('message'));
    const round = commits(committee('round'));
    expect(msg.blocks.length).toBeGreaterThan(8);
    expect(round.blocks.map((b) => [b.height, b.txCount])).toEqual(msg.blocks.map((b) => [b.height, b.txCount]));
    round.blocks.forEach((b, i) => expect(Math.abs(b.t - msg.blocks[i]!.t)).toBeLessThan(2_000));
    // A computed round counts its messages when it starts: the round in flight at the end is counted whole.
    expect(Math.abs(round.messages - msg.messages)).toBeLessThanOrEqual(85);
    expect(round.events).toBeLessThan(msg.events / 2);
  });

  it("a slow leader's rounds fail: its members vote it out when they do at message level", () => {
    // Node 0, view 0's leader, uploads at 1% of its region's rate: its Announcements reach the members late,
    // its rounds miss their windows, and the members' view-change clocks run from what last reached each
    // of them. Counting every computed half-round from the leader's start instead (stop 11) voted 7.5 s early.
    const slow = (fidelity: 'message' | 'round'): Scenario =>
      ScenarioSchema.parse({
        ...committee(fidelity),
        durationSeconds: 120,
        network: { latencyModel: 'constant', slowNodes: [{ nodes: [0], bandwidthFactor: 0.01 }] },
        protocol: { ...committee(fidelity).protocol, viewChangeTimeoutMs: 30_000 },
      });
    const events = (s: Scenario) => {
      const out: { type: string; t: number }[] = [];
      for (const e of runScenario(s, { traceLevel: 'summary' }).trace.events()) if (e.type === 'view.change' || e.type === 'block.commit') out.push({ type: e.type, t: e.t });
      return out;
    };
    const msg = events(slow('message'));
    const round = events(slow('round'));
    const change = msg.findIndex((e) => e.type === 'view.change');
    expect(change).toBeGreaterThan(0); // a block under the slow leader, then the view change
    expect(msg.length).toBeGreaterThan(change + 3); // and blocks under the next leader
    expect(round.map((e) => e.type)).toEqual(msg.map((e) => e.type));
    round.forEach((e, i) => expect(Math.abs(e.t - msg[i]!.t)).toBeLessThan(100_000));
  });

  it('a crashed leaf costs its parent its window, at both levels alike, and is missing from every signature', () => {
    // Node 84 is a leaf of view 0's tree (positions 21–84 are leaves of the 4-ary tree of 85).
    const msg = commits(committee('message', [84]));
    let replicas: readonly BftReplica[] = [];
    const run = runScenario(committee('round', [84]), {
      traceLevel: 'summary',
      instrument: (inst) => {
        replicas = (inst as unknown as { replicas: readonly BftReplica[] }).replicas;
        return inst;
      },
    });
    const round: { t: number; height: number }[] = [];
    for (const e of run.trace.events()) if (e.type === 'block.commit') round.push({ t: e.t, height: e.height });
    expect(round.length).toBeGreaterThanOrEqual(3);
    expect(round.map((b) => b.height)).toEqual(msg.blocks.map((b) => b.height));
    round.forEach((b, i) => expect(Math.abs(b.t - msg.blocks[i]!.t)).toBeLessThan(2_000));
    // The two commitment half-rounds of each block wait out the leaf's parent's window (T/2 · 1/3 ≈ 3.3 s); the
    // leaf is in neither challenge, so the response half-rounds do not wait.
    for (let i = 1; i < round.length; i++) expect(round[i]!.t - round[i - 1]!.t).toBeGreaterThan(2 * 3_333_333);
    const leader = replicas[0]!;
    expect(leader.committed.length).toBe(round.length);
    for (const b of leader.committed) {
      expect(b.prepareSigners).toBe(84);
      expect(b.commitSigners).toBe(84);
    }
  });
});
