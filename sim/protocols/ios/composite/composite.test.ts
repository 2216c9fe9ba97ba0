import { beforeAll, describe, expect, it } from 'vitest';
import { iosScenario, runIos } from './testworld.js';
import type { IosRun } from './testworld.js';

/**
 * The IOS composite (phase 1) in the real world model: 120 nodes, 4 shards, 60 s epochs, 200 s, 200 tx/s
 * offered, locality 1 (no cross-shard transaction). README.md in this folder has the numbers of this world.
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
    expect(m.confirmed).toBe(m.finalized); // what is soft-confirmed is finalised (up to the end's backlog)
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
    expect(epochs).toEqual([1, 2, 3]);
    const moves = ev.filter((e) => e.type === 'shard.move');
    expect(moves.length).toBeGreaterThan(150);
    for (const mv of moves) {
      expect(mv['readyUs']).toBeGreaterThan(mv['startUs'] as number);
      expect(mv['fromShard']).not.toBe(mv['toShard']);
      expect(mv['t']).toBe(mv['readyUs']);
    }
    const ready = ev.filter((e) => e.type === 'epoch.ready').map((e) => e['epoch']);
    expect(ready).toEqual([1, 2, 3]);
  });

  it('every shard keeps finalising through the transitions (no 10 s window without final commits)', () => {
    const windows = Math.floor(run.scenario.durationSeconds / 10);
    for (let s = 0; s < run.scenario.shards; s++) {
      const perWindow = new Array<number>(windows).fill(0);
      for (const c of run.commits) {
        if (c.shard !== s || c.level !== 'final') continue;
        const w = Math.floor(c.t / (10 * S));
        if (w < windows) perWindow[w] = perWindow[w]! + c.count;
      }
      expect(perWindow.filter((x) => x === 0)).toEqual([]);
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

  it('is deterministic: the same seed gives the same trace hash', () => {
    const again = runIos(iosScenario());
    expect(again.trace.hashHex()).toBe(run.trace.hashHex());
    expect(again.trace.count).toBe(run.trace.count);
  });
});

describe('IOS composite, phase 1: cross-shard batches', () => {
  it('are not admitted (entryNode −1; Atomix is phase 2) while intra-shard ones are', () => {
    const run = runIos(iosScenario({ durationSeconds: 20, workload: { offeredTps: 200, shardMapping: 'locality', locality: 0.5, accounts: 10_000 } }));
    const book = run.instance.world.book!;
    let cross = 0;
    let intra = 0;
    for (const b of run.batches) {
      const isCross = book.isCross(book.segmentIndexOf(b.ranges[0]!));
      if (isCross) {
        cross++;
        expect(b.entry).toBe(-1);
      } else {
        intra++;
        expect(b.entry).toBeGreaterThanOrEqual(0);
      }
    }
    expect(cross).toBeGreaterThan(0);
    expect(intra).toBeGreaterThan(0);
    const levels = confirmedLevels(run);
    for (const b of run.batches) if (b.entry < 0) for (let id = b.ranges[0]!; id < b.ranges[1]!; id++) expect(levels[id]).toBe(0);
    expect(run.metrics.finalized).toBeGreaterThan(0);
  });
});
