import { beforeAll, describe, expect, it } from 'vitest';
import { iosScenario, runIos } from './testworld.js';
import type { IosRun } from './testworld.js';

/**
 * The IOS composite in the real world model: 120 nodes, 4 shards, 60 s epochs, 200 tx/s offered. Phase 1:
 * 200 s, locality 1 (no cross-shard transaction). Phase 2: 100 s, shardMapping 'hash' (75 % cross-shard,
 * through Atomix), 2 % double spends. README.md in this folder has the numbers of these worlds.
 */

const S = 1_000_000;

function confirmedLevels(run: IosRun): Uint8Array {
  const levels = new Uint8Array(run.instance.world.book!.count);
  for (const c of run.commits) {
    const bit = c.level === 'confirm' ? 1 : 2;
    for (let i = 0; i < c.ranges.length; i += 2) for (let id = c.ranges[i]!; id < c.ranges[i + 1]!; id++) levels[id] = levels[id]! | bit;
  }
  return levels;
}

describe('IOS composite, phase 1 (EDS epochs + TransEpoch + PoB per shard)', () => {
  let run: IosRun;
  beforeAll(() => {
    run = runIos(iosScenario());
  });

  it('intra-shard transactions get a soft confirmation, then the final one; soft is faster', () => {
    const m = run.metrics;
    expect(m.offered).toBeGreaterThan(35_000);
    expect(m.invariants.violations).toBe(0);
    expect(m.aborted).toBe(0);
    expect(m.finalized).toBeGreaterThan(0.95 * m.offered);
    // What is soft-confirmed is finalised, up to the end's backlog (the last ~15 s of 200 tx/s).
    expect(m.confirmed).toBeGreaterThanOrEqual(m.finalized);
    expect(m.confirmed - m.finalized).toBeLessThan(15 * 200);
    const soft = m.confirmLatencyUs.quantile(0.5);
    const final = m.finalLatencyUs.quantile(0.5);
    expect(soft).toBeLessThan(final);
    expect(soft).toBeLessThan(1 * S);
    // Nothing is lost: every batch handed over more than 15 s before the end is confirmed and final.
    const levels = confirmedLevels(run);
    const endUs = run.scenario.durationSeconds * S;
    const missing: number[] = [];
    for (const b of run.batches) {
      if (b.t > endUs - 15 * S) continue;
      expect(b.entry).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < b.ranges.length; i += 2) for (let id = b.ranges[i]!; id < b.ranges[i + 1]!; id++) if (levels[id] !== 3) missing.push(id);
    }
    expect(missing.slice(0, 5)).toEqual([]);
  });

  it('EDS starts every epoch; TransEpoch moves nodes, each ready after it started', () => {
    const ev = run.trace.events();
    const epochs = [...new Set(ev.filter((e) => e.type === 'epoch.start').map((e) => e['epoch']))];
    expect(epochs).toEqual([0, 1, 2, 3]);
    const moves = ev.filter((e) => e.type === 'shard.move');
    expect(moves.length).toBeGreaterThan(150);
    for (const mv of moves) {
      expect(mv['readyUs']).toBeGreaterThan(mv['startUs'] as number);
      expect(mv['fromShard']).not.toBe(mv['toShard']);
      expect(mv['t']).toBe(mv['readyUs']);
    }
    const ready = ev.filter((e) => e.type === 'epoch.ready').map((e) => e['epoch']);
    expect(ready).toEqual([0, 1, 2, 3]);
  });

  it('every shard keeps deciding blocks through the transitions (none in no 10 s window) and finalising transactions (in every 20 s)', () => {
    // A transition's reconfiguration blocks carry no transactions: two in a row can fill a 10 s window (shard 2,
    // 130–140 s, with onet's tree layout), so transactions are asked for per 20 s and blocks per 10 s.
    const blocksPer10 = new Array<number>(Math.floor(run.scenario.durationSeconds / 10)).fill(0);
    const txsPer20 = new Array<number>(Math.floor(run.scenario.durationSeconds / 20)).fill(0);
    for (let s = 0; s < run.scenario.shards; s++) {
      blocksPer10.fill(0);
      txsPer20.fill(0);
      for (const e of run.trace.events()) {
        if (e.type !== 'block.commit' || e['shard'] !== s || e['level'] !== 'final') continue;
        const w = Math.floor(e.t / (10 * S));
        if (w < blocksPer10.length) blocksPer10[w]!++;
      }
      for (const c of run.commits) {
        if (c.shard !== s || c.level !== 'final') continue;
        const w = Math.floor(c.t / (20 * S));
        if (w < txsPer20.length) txsPer20[w] = txsPer20[w]! + c.count;
      }
      expect(blocksPer10.filter((x) => x === 0)).toEqual([]);
      expect(txsPer20.filter((x) => x === 0)).toEqual([]);
    }
  });

  it('the normal leagues really change: joiners are in the committees at the end', () => {
    const world = run.instance.world;
    const moved = new Set(run.trace.events().filter((e) => e.type === 'shard.move').map((e) => e['node']));
    let joinersInCommittee = 0;
    for (const leagues of world.leagues) {
      const r = leagues.leaderNode()?.bft.replica;
      expect(r).toBeTruthy();
      expect(r!.committee.n).toBeGreaterThanOrEqual(4);
      for (const v of r!.committee.members) if (moved.has(v)) joinersInCommittee++;
    }
    expect(joinersInCommittee).toBeGreaterThan(40);
  });

  it("league.treeLayout reaches every committee, including the ones reconfigurations build ('onet' by default)", () => {
    const heap = runIos(iosScenario({ durationSeconds: 130, protocol: { league: { treeLayout: 'heap' } } }));
    for (const [world, layout] of [[run.instance.world, 'onet'], [heap.instance.world, 'heap']] as const) {
      for (const leagues of world.leagues) {
        const r = leagues.leaderNode()!.bft.replica!;
        expect(leagues.leaderNode()!.bft.gen).toBeGreaterThan(0); // a reconfigured committee
        expect(r.committee.tree.layout).toBe(layout);
      }
    }
  });

  it('is deterministic: the same seed gives the same trace hash', () => {
    const again = runIos(iosScenario());
    expect(again.trace.hashHex()).toBe(run.trace.hashHex());
    expect(again.trace.count).toBe(run.trace.count);
  });
});

function abortedIds(run: IosRun): Uint8Array {
  const out = new Uint8Array(run.instance.world.book!.count);
  for (const a of run.aborts) for (let i = 0; i < a.ranges.length; i += 2) for (let id = a.ranges[i]!; id < a.ranges[i + 1]!; id++) out[id] = 1;
  return out;
}

describe('IOS composite, phase 2: cross-shard transactions through Atomix', () => {
  // shardMapping 'hash' at 4 equal shards: 1 − Σw² = 0.75 of the transactions are cross-shard.
  const scenario = () =>
    iosScenario({ durationSeconds: 100, workload: { offeredTps: 200, shardMapping: 'hash', doubleSpendFraction: 0.02, accounts: 10_000 } });
  let run: IosRun;
  beforeAll(() => {
    run = runIos(scenario());
  });

  it('cross-shard batches go to a driver (the entry of their input shard) and their transactions get final', () => {
    const book = run.instance.world.book!;
    const levels = confirmedLevels(run);
    const aborted = abortedIds(run);
    const endUs = run.scenario.durationSeconds * S;
    let cross = 0;
    let crossFinal = 0;
    let crossOk = 0;
    const missing: number[] = [];
    for (const b of run.batches) {
      expect(b.entry).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < b.ranges.length; i += 2) {
        for (let id = b.ranges[i]!; id < b.ranges[i + 1]!; id++) {
          if (!book.isCross(book.segmentIndexOf(id))) continue;
          cross++;
          if (levels[id]! & 2) crossFinal++;
          if (book.isDoubleSpend(id) || book.isInvalid(id)) continue;
          expect(aborted[id]).toBe(0);
          if (b.t > endUs - 20 * S) continue;
          crossOk++;
          if (!(levels[id]! & 2)) missing.push(id);
        }
      }
    }
    expect(cross).toBeGreaterThan(0.65 * run.metrics.offered);
    expect(cross).toBeLessThan(0.85 * run.metrics.offered);
    expect(crossOk).toBeGreaterThan(0);
    expect(crossFinal).toBeGreaterThan(0.8 * cross);
    expect(missing.slice(0, 5)).toEqual([]); // every valid cross-shard tx handed over > 20 s before the end is final
  });

  it('cross-shard double spends are aborted and never final; cross-shard ids get no soft confirmation', () => {
    const book = run.instance.world.book!;
    const aborted = abortedIds(run);
    const endUs = run.scenario.durationSeconds * S;
    const confirmOnly = new Uint8Array(book.count);
    for (const c of run.commits) if (c.level === 'confirm') for (let i = 0; i < c.ranges.length; i += 2) for (let id = c.ranges[i]!; id < c.ranges[i + 1]!; id++) confirmOnly[id] = 1;
    const levels = confirmedLevels(run);
    let doubleSpends = 0;
    for (const b of run.batches) {
      for (let id = b.ranges[0]!; id < b.ranges[b.ranges.length - 1]!; id++) {
        if (!book.isCross(book.segmentIndexOf(id))) continue;
        expect(confirmOnly[id]).toBe(0);
        if (!book.isDoubleSpend(id)) continue;
        doubleSpends++;
        expect(levels[id]).toBe(0);
        if (b.t < endUs - 20 * S) expect(aborted[id]).toBe(1);
      }
    }
    expect(doubleSpends).toBeGreaterThan(50);
    expect(run.metrics.invariants.violations).toBe(0); // no id both final and aborted, none final twice
  });

  it('invariants(): Atomix checks pass; committed + aborted + pending = offered', () => {
    const inv = run.instance.invariants!();
    expect(inv.checked).toBeGreaterThan(0);
    expect(inv.violations).toBe(0);
    const ax = run.instance.world.atomix!;
    const o = ax.outcome();
    expect(ax.invariants.log).toEqual([]);
    expect(o.offered).toBeGreaterThan(0);
    expect(o.committed + o.aborted + o.pending).toBe(o.offered);
    expect(o.committed).toBeGreaterThan(0.8 * o.offered);
    expect(o.aborted).toBeGreaterThan(0);
    expect(o.abortedStillLocked).toBe(0);
    expect(ax.invariants.summary().violations).toBe(0);
  });

  it('is deterministic: the same seed gives the same trace hash', () => {
    const again = runIos(scenario());
    expect(again.trace.hashHex()).toBe(run.trace.hashHex());
    expect(again.trace.count).toBe(run.trace.count);
  });
});
