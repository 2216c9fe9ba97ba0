import { describe, it, expect } from 'vitest';
import { keyedUnit } from '../../kernel/mix.js';
import { makeNetwork } from './helpers.js';

const NOW = 3_000_000;
const READY = 120; // bytes: a TransEpoch `ready`

/** Every node, the sender included (a copy to oneself is free), as a shard's audience lists it. */
function audience(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('Network.sendBurst (round fidelity: one message to many, read when needed)', () => {
  it('on an idle uplink, gives the arrivals of copy-by-copy sends under constant latency, and the same queue after', () => {
    for (const uplink of ['fifo', 'priority']) {
      const one = makeNetwork(300, { latencyModel: 'constant', uplink });
      const burst = makeNetwork(300, { latencyModel: 'constant', uplink });
      const to = audience(300);
      const expected = to.map((v) => one.send(17, v, READY, NOW));
      const arrival = burst.sendBurst(17, to, READY, NOW);
      // Read in reverse order: the answers do not depend on the order of reading.
      for (let i = to.length - 1; i >= 0; i--) expect(arrival(i)).toBe(expected[i]);
      expect([burst.messagesSent[17], burst.bytesSent[17]]).toEqual([299, 299 * READY]);
      expect(burst.uploadBusyUntil(17)).toBe(one.uploadBusyUntil(17));
      expect(burst.send(17, 3, 5_000, NOW)).toBe(one.send(17, 3, 5_000, NOW));
    }
  });

  it('draws each copy latency from the link model: SimBlock Pareto means per region pair within 2%', () => {
    const net = makeNetwork(400); // simblock latency model, SimBlock 2019 tables
    const flat = makeNetwork(400, { latencyModel: 'constant' });
    const diffs = new Map<string, number[]>();
    for (let from = 0; from < 400; from += 7) {
      const to = audience(400);
      const a = net.sendBurst(from, to, READY, NOW);
      const b = flat.sendBurst(from, to, READY, NOW);
      to.forEach((v, i) => {
        if (v === from) return;
        const pair = `${net.regionOf[from]}-${net.regionOf[v]}`;
        const list = diffs.get(pair) ?? [];
        // Same queue in both networks: the difference is the drawn latency minus the table mean.
        list.push(a(i) - b(i));
        diffs.set(pair, list);
      });
    }
    let pairs = 0;
    for (const [pair, list] of diffs) {
      if (list.length < 300) continue;
      const [r, c] = pair.split('-').map(Number);
      const mean = net.latency.meanBetweenRegionsUs(r!, c!);
      const avg = list.reduce((x, y) => x + y, 0) / list.length;
      expect(Math.abs(avg) / mean).toBeLessThan(0.02);
      expect(list.some((d) => d !== list[0])).toBe(true); // drawn per copy, not one value per pair
      pairs++;
    }
    expect(pairs).toBeGreaterThanOrEqual(7);
  });

  it('does not draw from net:latency: the next plain send gets the latency it gets without the burst', () => {
    const a = makeNetwork(100, {}, 9);
    const b = makeNetwork(100, {}, 9);
    a.sendBurst(5, audience(100), READY, NOW)(40);
    // Another sender (its uplink is idle in both networks).
    expect(a.send(6, 7, READY, NOW)).toBe(b.send(6, 7, READY, NOW));
  });

  it('loses copies at lossRate, the same ones whenever they are read, and counts them as sent and lost', () => {
    const net = makeNetwork(200, { lossRate: 0.3, latencyModel: 'constant' }, 4);
    let lost = 0;
    let copies = 0;
    for (let from = 0; from < 100; from++) {
      const to = audience(200);
      const arrival = net.sendBurst(from, to, READY, NOW);
      to.forEach((v, i) => {
        if (v === from) return expect(arrival(i)).toBe(NOW);
        copies++;
        const at = arrival(i);
        expect(arrival(i)).toBe(at);
        if (at < 0) lost++;
      });
    }
    expect(Math.abs(lost / copies - 0.3)).toBeLessThan(0.01);
    expect(net.lost).toBe(lost);
    expect(net.messagesSent.reduce((x, y) => x + y, 0)).toBe(copies);
  });

  it('keyedUnit is uniform on [0, 1) and changes with each argument', () => {
    const bins = new Array<number>(20).fill(0);
    const n = 200_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = keyedUnit(12345, i >> 8, i & 255);
      if (!(u >= 0 && u < 1)) outside++;
      else bins[Math.floor(u * 20)]!++;
    }
    expect(outside).toBe(0);
    for (const b of bins) expect(Math.abs(b - n / 20)).toBeLessThan(5 * Math.sqrt(n / 20));
    const u = keyedUnit(1, 2, 3);
    expect(new Set([u, keyedUnit(0, 2, 3), keyedUnit(1, 3, 3), keyedUnit(1, 2, 4)]).size).toBe(4);
  });

  it('with partitions in the scenario, sends copy by copy: partitioned copies are dropped and cost no upload', () => {
    const cfg = { latencyModel: 'constant', partitions: [{ startSeconds: 0, endSeconds: 10, nodes: [3, 4] }] };
    const one = makeNetwork(100, cfg);
    const burst = makeNetwork(100, cfg);
    const to = audience(100);
    const expected = to.map((v) => one.send(7, v, READY, NOW));
    const arrival = burst.sendBurst(7, to, READY, NOW);
    expect(to.map((_, i) => arrival(i))).toEqual(expected);
    expect([arrival(3), arrival(4)]).toEqual([-1, -1]);
    expect([burst.dropped, burst.messagesSent[7]]).toEqual([2, 97]); // 100 − itself − the two cut off
  });
});
