import { describe, expect, it } from 'vitest';
import { RngRoot } from '../kernel/rng.js';
import { computeFlood } from './flood.js';
import type { TreePort } from './tree-round.js';

/** A random connected overlay of n nodes, degree ≥ d (adjacency ascending, symmetric). */
function overlayOf(n: number, d: number, seed: number): Int32Array[] {
  const rng = new RngRoot(seed).stream('overlay');
  const adj = Array.from({ length: n }, () => new Set<number>());
  const link = (a: number, b: number) => {
    if (a === b) return;
    adj[a]!.add(b);
    adj[b]!.add(a);
  };
  for (let v = 1; v < n; v++) link(v, Math.floor(rng.next() * v)); // a spanning tree keeps it connected
  for (let v = 0; v < n; v++) while (adj[v]!.size < d) link(v, Math.floor(rng.next() * n));
  return adj.map((s) => Int32Array.from([...s].sort((a, b) => a - b)));
}

/** Per-link latency from a hash of (from, to), and a count of sends. */
function portWith(latency: (from: number, to: number) => number, down = new Set<number>()): TreePort & { sends: number } {
  const port = {
    sends: 0,
    send: (from: number, to: number, _bytes: number, atUs: number) => {
      port.sends++;
      const l = latency(from, to);
      return l < 0 ? -1 : atUs + l;
    },
    cpuRun: (_node: number, atUs: number) => atUs,
    isUp: (node: number) => !down.has(node),
  };
  return port;
}

/**
 * The host's flood as events (host.ts relay): deliveries in time order (ties by node), each node relays on
 * its first receipt to every peer but the sender and those that have received it already.
 */
function eventFlood(overlay: Int32Array[], source: number, latency: (a: number, b: number) => number) {
  const first = new Map<number, { at: number; from: number }>();
  const queue: { at: number; to: number; from: number }[] = [];
  let sends = 0;
  const relay = (node: number, at: number, cameFrom: number) => {
    for (const p of overlay[node]!) {
      if (p === cameFrom || first.has(p) || p === source) continue;
      sends++;
      const l = latency(node, p);
      if (l >= 0) queue.push({ at: at + l, to: p, from: node });
    }
  };
  relay(source, 0, source);
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at || a.to - b.to);
    const d = queue.shift()!;
    if (first.has(d.to)) continue;
    first.set(d.to, { at: d.at, from: d.from });
    relay(d.to, d.at, d.from);
  }
  return { first, sends };
}

describe('computeFlood: a gossip flood in one pass', () => {
  const latency = (a: number, b: number) => 1_000 + ((a * 7919 + b * 104_729) % 9_000);

  it('gives every node the first copy the event-by-event flood gives it, and sends as many copies', () => {
    for (const seed of [1, 2, 3]) {
      const overlay = overlayOf(300, 6, seed);
      const port = portWith(latency);
      const got = computeFlood(overlay, (i) => i, 0, 0, 100, port);
      const ref = eventFlood(overlay, 0, latency);
      expect(got.length).toBe(299);
      expect(new Map(got.map((d) => [d.index, { at: d.atUs, from: d.fromIndex }]))).toEqual(ref.first);
      expect(port.sends).toBe(ref.sends);
      expect(port.sends).toBeGreaterThan(3 * got.length); // the duplicates are sent, only not delivered
    }
  });

  it('a crashed node neither receives nor relays; a lost copy is made up by another path', () => {
    // A line 0 - 1 - 2 and a detour 0 - 3 - 4 - 2.
    const overlay = [[1, 3], [0, 2], [1, 4], [0, 4], [2, 3]].map((a) => Int32Array.from(a));
    const crashed = computeFlood(overlay, (i) => i, 0, 0, 100, portWith(() => 10, new Set([1])));
    expect(crashed.map((d) => [d.index, d.atUs, d.fromIndex])).toEqual([
      [3, 10, 0],
      [4, 20, 3],
      [2, 30, 4],
    ]);
    const lost = computeFlood(overlay, (i) => i, 0, 0, 100, portWith((a, b) => (a === 1 && b === 2 ? -1 : 10)));
    expect(lost.find((d) => d.index === 2)).toEqual({ index: 2, fromIndex: 4, atUs: 30 });
  });

  it('maps group positions to node ids for the port', () => {
    const overlay = [[1], [0, 2], [1]].map((a) => Int32Array.from(a));
    const group = [40, 17, 93];
    const seen: [number, number][] = [];
    const port = portWith((a, b) => {
      seen.push([a, b]);
      return 5;
    });
    const got = computeFlood(overlay, (i) => group[i]!, 1, 100, 64, port);
    expect(seen).toEqual([
      [17, 40],
      [17, 93],
    ]);
    expect(got.map((d) => d.atUs)).toEqual([105, 105]);
  });
});
