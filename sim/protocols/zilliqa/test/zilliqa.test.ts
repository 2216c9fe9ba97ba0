import { beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../../../run/output.js';
import { loadScenario } from '../../../scenario/load.js';
import { idleWindows, ofType, runZil, zilScenario } from './helpers.js';
import type { ZilRun } from './helpers.js';

const S = 1_000_000;
const LONG = 60_000;

/**
 * The final block a commit effect belongs to: the same node's block.commit (shard −1) at the step's time or
 * up to a few ms later (the effects after a `cpu` effect run when the CPU work is done).
 */
function finalBlockOf(r: ZilRun, c: ZilRun['commits'][number]) {
  return ofType(r.events, 'block.commit').find((b) => b.shard === -1 && b.node === c.node && b.t >= c.t && b.t - c.t < 10_000);
}

/** When a commit effect was carried out: the time of its final block. */
function executedAt(r: ZilRun, c: ZilRun['commits'][number]): number {
  return finalBlockOf(r, c)?.t ?? c.t;
}

/** One run shared by the tests that only read it: 340 nodes, 3 shards of ~100, 150 s (two and a half DS epochs). */
let base: ZilRun;
beforeAll(() => {
  base = runZil(zilScenario());
}, LONG);

describe('Zilliqa through the real runner', () => {
  it('no transaction is confirmed inside a PoW window, and processing resumes after each one', () => {
    const windows = idleWindows(base.events);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows.filter((x) => x.end < Infinity)) expect(w.end - w.start).toBeGreaterThanOrEqual(20 * S); // the PoW window itself
    const confirmed = base.commits.filter((c) => c.count > 0).map((c) => ({ ...c, t: executedAt(base, c) }));
    expect(confirmed.length).toBeGreaterThan(0);
    for (const c of confirmed) for (const w of windows) expect(c.t > w.start && c.t < w.end, `commit at ${c.t} inside window ${w.epoch}`).toBe(false);
    // Commits between the first and the second window, and between the second and the third.
    for (let i = 0; i + 1 < windows.length; i++) {
      expect(confirmed.some((c) => c.t > windows[i]!.end && c.t < windows[i + 1]!.start)).toBe(true);
    }
  });

  it('transactions are finalized only by final blocks of the DS committee', () => {
    const finals = ofType(base.events, 'block.commit').filter((b) => b.shard === -1 && b.txCount > 0);
    expect(finals.length).toBeGreaterThan(0);
    for (const c of base.commits) {
      expect(c.shard).toBe(-1);
      const block = finalBlockOf(base, c);
      expect(block, `commit at ${c.t} by ${c.node} without a final block`).toBeDefined();
      expect(block!.txCount).toBe(c.count);
    }
    const finalCount = base.commits.filter((c) => c.level === 'final').reduce((a, c) => a + c.count, 0);
    expect(finalCount).toBe(finals.reduce((a, b) => a + b.txCount, 0));
    expect(base.run.metrics.finalized).toBe(finalCount);
    // Microblocks are decided in the shards, but confirm nothing on their own.
    expect(ofType(base.events, 'block.commit').some((b) => b.shard >= 0 && b.txCount > 0)).toBe(true);
  });

  it('shards form only from nodes whose PoW solution arrived in the window (or from DS members that left)', () => {
    const w = base.instance.world;
    for (const epoch of [0, 1, 2]) {
      const plan = w.plan(epoch)!;
      const accepted = new Set(ofType(base.events, 'pow.submit').filter((e) => e.epoch === epoch && e.accepted).map((e) => e.node));
      expect(accepted.size).toBeGreaterThan(250);
      const allowed = new Set([...accepted, ...plan.dsLeft]);
      const sharded = plan.shards.flat();
      expect(sharded.length).toBeGreaterThan(250);
      for (const v of sharded) expect(allowed.has(v), `node ${v} in a shard of epoch ${epoch}`).toBe(true);
      for (const e of ofType(base.events, 'shard.member').filter((m) => m.epoch === epoch && m.role === 'shard')) {
        expect(allowed.has(e.node)).toBe(true);
        expect(plan.shardOf[e.node]).toBe(e.shard);
      }
    }
  });

  it('the DS committee is first in, first out across two DS epochs, and the replicas follow it', () => {
    const w = base.instance.world;
    const genesis = w.genesisCommittee;
    const d = genesis.length;
    const p0 = w.plan(0)!;
    const p1 = w.plan(1)!;
    const j0 = p0.dsJoined.length;
    const j1 = p1.dsJoined.length;
    expect(j0).toBe(5); // dsElectionPerEpoch (NUM_DS_ELECTION)
    expect(j1).toBe(5);
    expect(p0.dsCommittee).toEqual([...p0.dsJoined, ...genesis.slice(0, d - j0)]);
    expect(p0.dsLeft).toEqual(genesis.slice(d - j0));
    expect(p1.dsCommittee).toEqual([...p1.dsJoined, ...p0.dsCommittee.slice(0, d - j1)]);
    expect(p1.dsLeft).toEqual(p0.dsCommittee.slice(d - j1)); // the oldest are still genesis members
    for (const [plan, joined] of [[p0, p0.dsJoined], [p1, p1.dsJoined]] as const) {
      for (const v of joined) {
        expect(plan.accepted).toContain(v);
        expect(plan.shardOf[v]).toBe(-1);
      }
      for (const v of plan.dsLeft) expect(plan.roleOf[v]).not.toBe('ds');
    }
    // The DS replicas switched: a member's bft committee is the latest DS block's, and a genesis member
    // that left in epoch 1 holds no DS replica any more.
    const latest = w.latest!;
    const member = base.instance.zilNodes[latest.dsCommittee[d - 1]!]!;
    expect(new Set(member.ds!.replica!.committee.members)).toEqual(new Set(latest.dsCommittee));
    expect(base.instance.zilNodes[p1.dsLeft[0]!]!.ds!.replica).toBeNull();
    const joinedAt1 = base.instance.zilNodes[p1.dsJoined[0]!]!;
    expect(joinedAt1.ds!.replica!.committee.members).toContain(p1.dsJoined[0]);
    const dsEvents = ofType(base.events, 'shard.member').filter((e) => e.role === 'ds' && e.epoch === 1).map((e) => e.node);
    expect(dsEvents.sort((a, b) => a - b)).toEqual([...p1.dsJoined].sort((a, b) => a - b));
  });

  it('a node whose solution arrives after the window is rejected and put in no shard', () => {
    const slow = 339; // not in the genesis DS committee (0–39)
    const r = runZil(zilScenario({ durationSeconds: 40, network: { slowNodes: [{ nodes: [slow], bandwidthFactor: 1, extraLatencyMs: 25_000 }] } }));
    const mine = ofType(r.events, 'pow.submit').filter((e) => e.node === slow && e.epoch === 0);
    expect(mine.length).toBe(1);
    expect(mine[0]!.accepted).toBe(false);
    const plan = r.instance.world.plan(0)!;
    expect(plan.late).not.toContain(slow); // the DS leader had composed the DS block before it arrived
    expect(plan.shardOf[slow]).toBe(-1);
    expect(plan.shards.flat()).not.toContain(slow);
    expect(ofType(r.events, 'shard.member').some((e) => e.node === slow && e.role === 'shard')).toBe(false);
    // Every other miner that solved in time is in a shard or left over by the shard counts.
    expect(plan.accepted.length).toBeGreaterThan(250);
  }, LONG);

  it('a crashed shard leader is replaced by a view change and finality goes on', () => {
    const plan = base.instance.world.plan(0)!;
    const leader = plan.shards[0]![0]!;
    const dsBlock = base.events.find((e) => e.type === 'idle.end' && e.epoch === 0)!.t;
    const crashAt = dsBlock / S + 2;
    const r = runZil(zilScenario({ durationSeconds: 130, network: { crashes: [{ nodes: [leader], atSeconds: crashAt }] } }));
    expect(r.instance.world.plan(0)!.shards[0]![0]).toBe(leader); // the same sharding as the base run
    const change = ofType(r.events, 'view.change').find((e) => e.shard === 0 && e.t > crashAt * S);
    expect(change).toBeDefined();
    expect(change!.node).not.toBe(leader);
    // Shard 0 decides microblocks with transactions under its new leader, and final blocks keep finalizing.
    expect(ofType(r.events, 'block.commit').some((b) => b.shard === 0 && b.node === change!.node && b.txCount > 0 && b.t > change!.t)).toBe(true);
    // Final blocks with transactions keep coming, TX epoch after TX epoch.
    const after = r.commits.filter((c) => c.level === 'final' && c.count > 0 && c.t > change!.t);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(r.run.metrics.finalized).toBeGreaterThan(0.3 * base.run.metrics.finalized);
  }, LONG);

  it('double spends are rejected by the shard leader that executes them, never finalized', () => {
    const r = runZil(zilScenario({ durationSeconds: 50, workload: { offeredTps: 60, doubleSpendFraction: 0.05 } }));
    const s = summarize(r.run, 0);
    expect(s.tx.aborted).toBeGreaterThan(0);
    expect(s.tx.aborted / (s.tx.aborted + s.tx.committed)).toBeGreaterThan(0.03);
    expect(s.tx.aborted / (s.tx.aborted + s.tx.committed)).toBeLessThan(0.08);
    expect(s.invariants.checked).toBeGreaterThan(0);
    expect(s.invariants.violations).toBe(0);
  }, LONG);

  it('the default scenario is valid and asks for 4 shards of 600 and a DS committee of 200', () => {
    const sc = loadScenario('scenarios/zilliqa-default.json');
    expect(sc.protocol.type).toBe('zilliqa');
    if (sc.protocol.type !== 'zilliqa') return;
    expect(sc.nodes - sc.protocol.dsCommitteeSize).toBe(4 * sc.protocol.shardSize);
    expect(sc.durationSeconds).toBeGreaterThan(2 * sc.protocol.powWindowSeconds + sc.protocol.finalBlocksPerDsEpoch * (sc.protocol.txDistributeMs / 1000));
  });

  it('the same seed gives the same trace hash; another seed another one', () => {
    const s = zilScenario({ durationSeconds: 50 });
    const a = runZil(s);
    const b = runZil(s);
    const c = runZil(s, 2);
    expect(a.run.trace.hashHex()).toBe(b.run.trace.hashHex());
    expect(a.run.metrics.finalized).toBe(b.run.metrics.finalized);
    expect(a.run.metrics.finalized).toBeGreaterThan(0);
    expect(c.run.trace.hashHex()).not.toBe(a.run.trace.hashHex());
  }, LONG);
});
