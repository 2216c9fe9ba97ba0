import { describe, it, expect } from 'vitest';
import { RngRoot } from '../../kernel/rng.js';
import { buildOverlay } from '../index.js';
import { makeNetwork } from './helpers.js';

function componentsOf(adjacency: readonly Int32Array[]): number {
  const seen = new Uint8Array(adjacency.length);
  let components = 0;
  for (let s = 0; s < adjacency.length; s++) {
    if (seen[s]) continue;
    components++;
    seen[s] = 1;
    const queue = [s];
    while (queue.length > 0) {
      for (const w of adjacency[queue.pop()!]!) {
        if (!seen[w]) {
          seen[w] = 1;
          queue.push(w);
        }
      }
    }
  }
  return components;
}

function expectWellFormed(adjacency: readonly Int32Array[], minDegree: number): void {
  adjacency.forEach((list, v) => {
    expect(list.length).toBeGreaterThanOrEqual(minDegree);
    for (let i = 0; i < list.length; i++) {
      const w = list[i]!;
      expect(w).not.toBe(v);
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(adjacency.length);
      if (i > 0) expect(w).toBeGreaterThan(list[i - 1]!); // ascending, no duplicates
      expect(adjacency[w]!.includes(v)).toBe(true); // undirected
    }
  });
  expect(componentsOf(adjacency)).toBe(1);
}

describe('gossip overlay over all nodes', () => {
  const net = makeNetwork(1000, { gossipFanout: 8 }, 4);
  const overlay = net.overlay();

  it('gives every node degree ≥ 8, symmetric, sorted and connected', () => {
    expect(overlay.length).toBe(1000);
    expectWellFormed(overlay, 8);
    const mean = overlay.reduce((a, l) => a + l.length, 0) / 1000;
    expect(mean).toBeGreaterThan(15); // ≈ 2·8 minus mutual picks
    expect(mean).toBeLessThan(16.01);
  });

  it('is cached and deterministic for a seed', () => {
    expect(net.overlay()).toBe(overlay);
    expect(makeNetwork(1000, { gossipFanout: 8 }, 4).overlay()).toEqual(overlay);
    expect(makeNetwork(1000, { gossipFanout: 8 }, 5).overlay()).not.toEqual(overlay);
  });

  it('bridges components deterministically when the fanout is too small to connect', () => {
    // A 1-out random graph on 300 nodes has several components (≈ ½ ln n); the bridges join them.
    for (let seed = 1; seed <= 5; seed++) expectWellFormed(buildOverlay(300, 1, new RngRoot(seed).stream('net:overlay')), 1);
  });
});

describe('gossip overlay over a group', () => {
  const net = makeNetwork(1000, { gossipFanout: 8 }, 4);
  const group = Array.from({ length: 60 }, (_, i) => 3 + i * 16);

  it('indexes by position in the group and lists only group positions', () => {
    const overlay = net.overlay(group);
    expect(overlay.length).toBe(group.length);
    expectWellFormed(overlay, 8);
    const members = new Set(group);
    for (const list of overlay) for (const p of list) expect(members.has(group[p]!)).toBe(true);
    expect(net.overlay(group)).toBe(overlay); // cached per array
  });

  it('does not depend on which other overlays were built first', () => {
    const other = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
    const a = makeNetwork(1000, {}, 4);
    const b = makeNetwork(1000, {}, 4);
    a.overlay();
    a.overlay(other);
    expect(b.overlay(group)).toEqual(a.overlay(group));
  });

  it('is a full mesh for groups of at most fanout + 1 members', () => {
    const small = [10, 20, 30, 40, 50];
    expect(net.overlay(small).map((l) => Array.from(l))).toEqual([
      [1, 2, 3, 4],
      [0, 2, 3, 4],
      [0, 1, 3, 4],
      [0, 1, 2, 4],
      [0, 1, 2, 3],
    ]);
    expect(net.overlay([7]).map((l) => Array.from(l))).toEqual([[]]);
    expectWellFormed(net.overlay(Array.from({ length: 9 }, (_, i) => i * 2)), 8);
  });

  it('rejects members that are not nodes or appear twice', () => {
    expect(() => net.overlay([1, 2, 2])).toThrow(/twice/);
    expect(() => net.overlay([1, 1000])).toThrow(/not in/);
  });
});
