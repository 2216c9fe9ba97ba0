import { describe, expect, it } from 'vitest';
import { bftProtocol, createBftInstance } from '../index.js';
import { RngRoot } from '../../../kernel/rng.js';
import { ScenarioSchema } from '../../../scenario/schema.js';
import type { ProtocolEnv } from '../../types.js';
import { txSetOf } from '../../types.js';
import { S, commitCounts, committee, pumpOf, sendBatches, tracesOf } from './helpers.js';
import { Pump } from '../../testing/pump.js';

describe('view change', () => {
  it('a leader crashed at start is replaced by members[1], which then commits the txs sent to it', () => {
    const replicas = committee(16, { treeBranching: 4, viewChangeTimeoutMs: 4000 });
    const pump = pumpOf(replicas, { crashed: [0] });
    pump.run(10 * S);

    const changes = tracesOf(pump, 'view.change');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.node).toBe(1);
    expect(changes[0]!.event).toMatchObject({ fromView: 0, toView: 1, reason: 'timeout', shard: 0 });
    expect(changes[0]!.t).toBeGreaterThanOrEqual(4 * S); // nobody suspects before the timeout
    expect(replicas.slice(1).every((r) => r.view === 1)).toBe(true);
    expect(replicas[1]!.isLeader).toBe(true);
    expect(replicas[1]!.stats.viewsLed).toBe(1);

    sendBatches(pump, 1, 200, 11 * S);
    pump.run(40 * S);
    expect(commitCounts(pump, 'final', 1000).every((k) => k === 1)).toBe(true);
    const commits = tracesOf(pump, 'block.commit');
    expect(commits.every((t) => t.node === 1 && t.event.view === 1)).toBe(true);
    expect(commits.map((t) => t.event.height)).toEqual(commits.map((_, i) => i + 1));
    expect(tracesOf(pump, 'view.change')).toHaveLength(1); // the new view is stable
  });

  it('escalates to view 2 when the next leader is dead too', () => {
    const replicas = committee(16, { topology: 'star', viewChangeTimeoutMs: 1000 });
    const pump = pumpOf(replicas, { crashed: [0, 1] });
    pump.run(20 * S);
    const changes = tracesOf(pump, 'view.change');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.node).toBe(2);
    expect(changes[0]!.event).toMatchObject({ fromView: 0, toView: 2 });
    // PBFT backoff: voted for view 1 after 1 s of silence, then waited 1 s more for view 1 before voting 2.
    expect(changes[0]!.t).toBeGreaterThanOrEqual(2 * S);
    expect(replicas.slice(2).every((r) => r.view === 2)).toBe(true);
  });

  it('a leader that loses its quorum mid-run gives up; the view change does not complete without quorum', () => {
    const replicas = committee(16, { topology: 'star', viewChangeTimeoutMs: 3000 });
    const pump = pumpOf(replicas);
    pump.inject(0, { kind: 'txs', txs: txSetOf([0, 100]) }, 100_000);
    pump.run(5 * S);
    expect(replicas[0]!.height).toBe(1);
    for (const n of [10, 11, 12, 13, 14, 15]) pump.crash(n); // f + 1 = 6 down
    pump.inject(0, { kind: 'txs', txs: txSetOf([100, 200]) }, 6 * S);
    pump.run(60 * S);
    expect(replicas[0]!.stats.givenUp).toBe(1);
    expect(commitCounts(pump, 'final', 200).reduce((a, k) => a + k, 0)).toBe(100);
    expect(tracesOf(pump, 'view.change')).toHaveLength(0);
  });

  it('re-proposes a block that was prepared when its leader crashed, so its height keeps its contents', () => {
    // The leader crashes right after the prepare round: replicas hold the block as prepared.
    const replicas = committee(16, { topology: 'star', viewChangeTimeoutMs: 2000 });
    const pump = pumpOf(replicas, { delayUs: () => 10_000 });
    pump.inject(0, { kind: 'txs', txs: txSetOf([0, 100]) }, 0);
    // Proposal at t=0; with 10 ms per message and 10 ms of validation the prepare round ends at ≈50 ms and
    // the commit announcement arrives at ≈60 ms. The leader dies before any commit response reaches it.
    pump.run(65_000);
    expect(replicas[5]!.height).toBe(0);
    pump.crash(0);
    pump.run(30 * S);
    const changes = tracesOf(pump, 'view.change');
    expect(changes).toHaveLength(1);
    const commits = tracesOf(pump, 'block.commit');
    expect(commits).toHaveLength(1);
    expect(commits[0]!.node).toBe(1);
    expect(commits[0]!.event).toMatchObject({ height: 1, view: 1, txCount: 100 });
    expect(commitCounts(pump, 'final', 100).every((k) => k === 1)).toBe(true);
  });

  it('entryNode follows the highest view', () => {
    const scenario = ScenarioSchema.parse({
      name: 'vc',
      durationSeconds: 30,
      nodes: 20,
      protocol: { type: 'bft', committeeSize: 16, treeBranching: 4, phaseTimeoutMs: 2000, viewChangeTimeoutMs: 4000 },
    });
    const rng = new RngRoot(scenario.seed);
    const env: ProtocolEnv = { scenario, nodeCount: 20, regionOf: new Int32Array(20), stream: (n) => rng.stream(n), rng };
    expect(bftProtocol.name).toBe('bft');
    const inst = createBftInstance(env);
    expect(inst.nodes).toHaveLength(20);
    expect(inst.replicas).toHaveLength(16);
    expect(inst.nodes[17]!.step(0, { kind: 'start' })).toHaveLength(0);
    expect(inst.entryNode(txSetOf([0, 1]), 0)).toBe(0);

    const pump = new Pump(inst.nodes, { crashed: [0] });
    pump.startAll(0);
    pump.run(10 * S);
    expect(inst.entryNode(txSetOf([0, 1]), pump.now)).toBe(1);
    pump.inject(inst.entryNode(txSetOf([0, 50]), pump.now), { kind: 'txs', txs: txSetOf([0, 50]) });
    pump.run(20 * S);
    expect(commitCounts(pump as never, 'final', 50).every((k) => k === 1)).toBe(true);
  });
});

describe('timeout backoff (PBFT §4.5.2)', () => {
  // A block's Announcement takes 1.5 s to reach each member (think: its bytes on a slow link); everything else
  // takes 10 ms. The leader waits phaseTimeoutMs/2 = 1 s for commitments, so no round of view 0 or view 1
  // can succeed with the configured windows; view 2 follows two views that decided nothing, so it runs with
  // twice the windows (2 s) and twice the silence allowance (and its members would wait 2T before voting
  // for view 3).
  const slowBlocks = (_from: number, _to: number, sizeBytes: number) => (sizeBytes > 10_000 ? 1_500_000 : 10_000);
  const run = (timeoutBackoff: 'pbft' | 'none') => {
    const replicas = committee(16, { topology: 'star', phaseTimeoutMs: 2000, viewChangeTimeoutMs: 4000, timeoutBackoff });
    const pump = pumpOf(replicas, { delayUs: slowBlocks });
    // 25 kB, a slow Announcement; every member holds it, so each view's leader proposes it.
    for (let n = 0; n < 16; n++) pump.inject(n, { kind: 'txs', txs: txSetOf([0, 100]) }, 0);
    pump.run(120 * S);
    return { replicas, pump };
  };

  it('a block too big for the configured windows is decided in the first view whose windows doubled', () => {
    const { replicas, pump } = run('pbft');
    const commits = tracesOf(pump, 'block.commit');
    expect(commits).toHaveLength(1);
    expect(commits[0]!.event).toMatchObject({ height: 1, view: 2, txCount: 100 });
    expect(commitCounts(pump, 'final', 100).every((k) => k === 1)).toBe(true);
    const changes = tracesOf(pump, 'view.change').map((c) => c.event.toView);
    expect(changes).toEqual([1, 2]); // and no view change after the decision
    expect(replicas.every((r) => r.view === 2 && r.height === 1)).toBe(true);
  });

  it("with timeoutBackoff 'none' the same block fails in every view", () => {
    const { replicas, pump } = run('none');
    expect(tracesOf(pump, 'block.commit')).toHaveLength(0);
    expect(tracesOf(pump, 'view.change').length).toBeGreaterThanOrEqual(3);
    expect(replicas.every((r) => r.height === 0)).toBe(true);
  });
});

describe('view-change promise (PBFT)', () => {
  it('a replica that voted to leave view 0 no longer signs in view 0, but still follows its Decides', () => {
    const r2 = committee(4, { topology: 'star', viewChangeTimeoutMs: 1000 })[2];
    r2!.step(0, { kind: 'start' });
    const vote = r2!.step(1 * S, { kind: 'timer', timer: { kind: 'viewChange', seq: 1 } });
    expect(vote).toContainEqual(expect.objectContaining({ kind: 'send', to: 1, msg: expect.objectContaining({ type: 'viewChange', toView: 1 }) }));

    const block = { height: 1, view: 0, proposer: 0, txs: txSetOf([0, 10]), sizeBytes: 200 + 2500 };
    const announce = { type: 'announce', round: { view: 0, height: 1, phase: 'prepare', topology: 'star' }, block } as const;
    const reply = r2!.step(1.1 * S, { kind: 'message', from: 0, msg: announce });
    expect(reply.some((e) => e.kind === 'send' || e.kind === 'multicast')).toBe(false);

    r2!.step(1.2 * S, { kind: 'message', from: 0, msg: { type: 'decide', view: 0, topology: 'star', block, signers: 3 } });
    expect(r2!.height).toBe(1);
    expect(r2!.view).toBe(0);
  });
});
