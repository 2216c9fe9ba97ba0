import { describe, it, expect } from 'vitest';
import { RngRoot } from '../../kernel/rng.js';
import { serialisationUs } from '../../kernel/time.js';
import { Network } from '../index.js';
import { makeNetwork, netConfig, nodesIn } from './helpers.js';

const NOW = 1_000_000;
const SIZE = 100_000; // bytes: 800,000 bits

describe('slow nodes', () => {
  const cfg = { latencyModel: 'constant' as const };
  const normal = makeNetwork(200, cfg);
  const [na, other] = nodesIn(normal, 'NA', 2);
  const [eu] = nodesIn(normal, 'EU');
  const slow = makeNetwork(200, { ...cfg, slowNodes: [{ nodes: [na!, other!], bandwidthFactor: 0.1, extraLatencyMs: 50 }] });

  it('keeps the same placement (slowness is a property of nodes, not of where they are)', () => {
    expect(slow.regionOf).toEqual(normal.regionOf);
  });

  it('makes the serialisation of a slow sender 10x and adds its extra latency', () => {
    const fast = normal.send(na!, eu!, SIZE, NOW) - NOW - 124_000;
    const slowed = slow.send(na!, eu!, SIZE, NOW) - NOW - 124_000 - 50_000;
    expect(fast).toBe(serialisationUs(SIZE, 19.2)); // 41,667 µs
    expect(slowed).toBe(serialisationUs(SIZE, 19.2 * 0.1)); // 416,667 µs
    expect(Math.abs(slowed - 10 * fast)).toBeLessThanOrEqual(10);
  });

  it('slows a slow receiver download too, and adds the extra latency to messages to it', () => {
    // EU → NA: min(20.7 up, 52·0.1 = 5.2 down) = 5.2 Mbit/s.
    expect(slow.send(eu!, na!, SIZE, NOW)).toBe(NOW + serialisationUs(SIZE, 52 * 0.1) + 124_000 + 50_000);
    expect(normal.send(eu!, na!, SIZE, NOW)).toBe(NOW + serialisationUs(SIZE, 20.7) + 124_000);
  });

  it('charges both extra latencies between two slow nodes', () => {
    // NA → NA, both slow: min(1.92, 5.2) Mbit/s, 32 ms + 50 + 50 ms.
    expect(slow.send(other!, na!, SIZE, NOW)).toBe(NOW + serialisationUs(SIZE, 19.2 * 0.1) + 32_000 + 100_000);
  });
});

describe('random loss', () => {
  it('loses 30% ± 1.5% of 20,000 messages at lossRate 0.3, and counts them as sent', () => {
    const net = makeNetwork(50, { lossRate: 0.3 }, 3);
    let lost = 0;
    for (let i = 0; i < 20_000; i++) {
      const from = i % 50;
      const to = (i * 7 + 1) % 50;
      if (from !== to && net.send(from, to, 100, i * 1000) < 0) lost++;
      else if (from === to) i--; // keep exactly 20,000 real sends
    }
    expect(Math.abs(lost / 20_000 - 0.3)).toBeLessThan(0.015);
    expect(net.lost).toBe(lost);
    expect(net.dropped).toBe(0);
    expect(net.messagesSent.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('loses nothing at lossRate 0', () => {
    const net = makeNetwork(20);
    for (let i = 0; i < 1000; i++) expect(net.send(0, 1 + (i % 19), 100, i)).toBeGreaterThan(i);
    expect(net.lost).toBe(0);
  });
});

describe('partitions', () => {
  it('drops messages across a region cut inside [start, end) only, and delivers within each side', () => {
    const net = makeNetwork(200, { latencyModel: 'constant', partitions: [{ startSeconds: 1, endSeconds: 2, regions: ['NA'] }] });
    const [na1, na2] = nodesIn(net, 'NA', 2);
    const [eu1, eu2] = nodesIn(net, 'EU', 2);
    const at = (s: number) => s * 1_000_000;
    expect(net.send(na1!, eu1!, 0, at(0.5))).toBe(at(0.5) + 124_000); // before
    expect(net.send(na1!, eu1!, 0, at(1))).toBe(-1); // at the start: cut
    expect(net.send(eu1!, na1!, 0, at(1.5))).toBe(-1); // both directions
    expect(net.send(na1!, na2!, 0, at(1.5))).toBe(at(1.5) + 32_000); // same side (inside)
    expect(net.send(eu1!, eu2!, 0, at(1.5))).toBe(at(1.5) + 11_000); // same side (outside)
    expect(net.send(na1!, eu1!, 0, at(2) - 1)).toBe(-1);
    expect(net.send(na1!, eu1!, 0, at(2))).toBe(at(2) + 124_000); // healed at the end
    expect(net.send(eu1!, na1!, 0, at(3))).toBe(at(3) + 124_000);
    expect(net.dropped).toBe(3);
    expect(net.partitioned(na1!, eu1!, at(1.2))).toBe(true);
    expect(net.partitioned(na1!, na2!, at(1.2))).toBe(false);
    expect(net.partitioned(na1!, eu1!, at(2.2))).toBe(false);
  });

  it('cuts a node list off, and a dropped message costs no upload', () => {
    const net = makeNetwork(100, { latencyModel: 'constant', partitions: [{ startSeconds: 0, endSeconds: 10, nodes: [3, 4] }] });
    expect(net.send(3, 7, 10_000, 0)).toBe(-1);
    expect(net.send(7, 4, 10_000, 0)).toBe(-1);
    expect(net.uploadBusyUntil(3)).toBe(0);
    expect(net.bytesSent[3]).toBe(0);
    expect(net.send(3, 4, 10_000, 0)).toBeGreaterThan(0); // both cut off: same side
    expect(net.send(7, 8, 10_000, 0)).toBeGreaterThan(0);
    expect(net.send(3, 7, 10_000, 10_000_000)).toBeGreaterThan(10_000_000);
  });

  it('combines regions and nodes in one partition and lists starts and ends in time order', () => {
    const probe = makeNetwork(300); // placement does not depend on partitions: pick nodes from it
    const [ap] = nodesIn(probe, 'AP');
    const [jp] = nodesIn(probe, 'JP');
    const [eu1, eu2, eu3] = nodesIn(probe, 'EU', 3);
    const cfg = netConfig({
      partitions: [
        { startSeconds: 5, endSeconds: 9, nodes: [eu3] },
        { startSeconds: 2, endSeconds: 5, regions: ['AP', 'JP'], nodes: [eu1] },
      ],
    });
    const net = new Network(cfg, 300, new RngRoot(1));
    expect(net.regionOf).toEqual(probe.regionOf);
    const t = 3_000_000;
    expect(net.partitioned(eu1!, ap!, t)).toBe(false); // eu1 is listed: on the AP/JP side
    expect(net.partitioned(ap!, jp!, t)).toBe(false);
    expect(net.partitioned(eu1!, eu2!, t)).toBe(true);
    expect(net.partitioned(jp!, eu2!, t)).toBe(true);
    expect(net.partitioned(eu3!, eu2!, t)).toBe(false); // partition 0 not active yet
    expect(net.partitioned(eu3!, eu2!, 6_000_000)).toBe(true);
    expect(net.partitioned(jp!, eu2!, 6_000_000)).toBe(false); // partition 1 healed
    expect(net.partitionEvents()).toEqual([
      { atUs: 2_000_000, index: 1, kind: 'start' },
      { atUs: 5_000_000, index: 1, kind: 'end' },
      { atUs: 5_000_000, index: 0, kind: 'start' },
      { atUs: 9_000_000, index: 0, kind: 'end' },
    ]);
  });

  it('rejects an unknown region name', () => {
    expect(() => makeNetwork(10, { partitions: [{ startSeconds: 0, endSeconds: 1, regions: ['XX'] }] })).toThrow(/unknown region/);
  });
});

describe('stream independence', () => {
  it('gives the same arrivals whatever other streams draw between sends', () => {
    const run = (interleave: boolean) => {
      const rng = new RngRoot(21);
      const net = new Network(netConfig({ lossRate: 0.2, latencyModel: 'pareto-per-message' }), 100, rng);
      const arrivals: number[] = [];
      for (let i = 0; i < 2000; i++) {
        if (interleave) {
          rng.stream('workload').next();
          rng.stream(`node:${i % 7}`).int(10);
        }
        arrivals.push(net.send(i % 100, (i * 13 + 5) % 100, 500, i * 100));
      }
      return arrivals;
    };
    const plain = run(false);
    expect(run(true)).toEqual(plain);
    expect(plain.filter((a) => a < 0).length).toBeGreaterThan(0);
  });

  it('does not shift latencies when only the loss rate changes', () => {
    const delays = (lossRate: number) => {
      const net = makeNetwork(100, { lossRate }, 8);
      return Array.from({ length: 500 }, (_, i) => net.send(0, 1 + (i % 99), 0, 0));
    };
    const clean = delays(0);
    const lossy = delays(0.5);
    lossy.forEach((a, i) => {
      if (a >= 0) expect(a).toBe(clean[i]);
    });
  });
});
