import { describe, it, expect } from 'vitest';
import { msToUs, serialisationUs } from '../../kernel/time.js';
import { LATENCY_MS_2019 } from '../../scenario/network-defaults.js';
import { paretoScale } from '../index.js';
import { makeNetwork, nodesIn } from './helpers.js';

const NOW = 5_000_000;

describe('constant latency model', () => {
  it('delivers a 1000-byte NA→EU message after 124 ms plus its serialisation at 19.2 Mbit/s', () => {
    const net = makeNetwork(100, { latencyModel: 'constant' });
    const [na] = nodesIn(net, 'NA');
    const [eu] = nodesIn(net, 'EU');
    // 8000 bits / min(19.2 up, 40 down) Mbit/s = 416.67 µs → 417 µs.
    expect(net.send(na!, eu!, 1000, NOW)).toBe(NOW + 124_000 + Math.ceil(8000 / 19.2));
    expect(net.send(na!, eu!, 1000, NOW) - NOW).not.toBe(124_417); // a second one queues (exact check below)
  });

  it('queues a second message behind the first one on the sender upload', () => {
    const net = makeNetwork(100, { latencyModel: 'constant' });
    const [na] = nodesIn(net, 'NA');
    const [eu1, eu2] = nodesIn(net, 'EU', 2);
    expect(net.send(na!, eu1!, 1000, NOW)).toBe(NOW + 417 + 124_000);
    expect(net.uploadBusyUntil(na!)).toBe(NOW + 417);
    expect(net.send(na!, eu2!, 1000, NOW)).toBe(NOW + 417 + 417 + 124_000);
    // Once the queue has drained, a message leaves at once again.
    expect(net.send(na!, eu1!, 1000, NOW + 10_000)).toBe(NOW + 10_000 + 417 + 124_000);
    expect(net.bytesSent[na!]).toBe(3000);
    expect(net.messagesSent[na!]).toBe(3);
  });

  it('uses the receiver download when it is the narrower link', () => {
    // EU → SA: min(20.7 up, 18 down) = 18 Mbit/s; latency 227 ms.
    const net = makeNetwork(1000, { latencyModel: 'constant' });
    const [eu] = nodesIn(net, 'EU');
    const [sa] = nodesIn(net, 'SA');
    expect(net.send(eu!, sa!, 1_000_000, 0)).toBe(serialisationUs(1_000_000, 18) + 227_000);
  });

  it('delivers a message to oneself at once, for free', () => {
    const net = makeNetwork(10, { latencyModel: 'constant' });
    expect(net.send(3, 3, 1_000_000, NOW)).toBe(NOW);
    expect(net.uploadBusyUntil(3)).toBe(0);
    expect(net.messagesSent[3]).toBe(0);
  });
});

describe('pareto-per-message latency model', () => {
  const net = makeNetwork(1000, { latencyModel: 'pareto-per-message', paretoShape: 5 }, 11);
  const pairs: [string, string][] = [
    ['NA', 'EU'],
    ['EU', 'EU'],
    ['SA', 'AU'],
    ['JP', 'AP'],
  ];

  for (const [a, b] of pairs) {
    it(`has the table mean ${a}→${b} within 3% over 20,000 draws, never below the scale`, () => {
      const [from] = nodesIn(net, a);
      const to = nodesIn(net, b, 2).find((v) => v !== from)!;
      const meanMs = LATENCY_MS_2019[net.regionNames.indexOf(a)]![net.regionNames.indexOf(b)]!;
      let sum = 0;
      let min = Infinity;
      for (let i = 0; i < 20_000; i++) {
        const delay = net.send(from!, to, 0, NOW) - NOW; // 0 bytes: pure propagation
        expect(Number.isInteger(delay)).toBe(true);
        sum += delay;
        min = Math.min(min, delay);
      }
      expect(Math.abs(sum / 20_000 / msToUs(meanMs) - 1)).toBeLessThan(0.03);
      expect(min).toBeGreaterThanOrEqual(msToUs(paretoScale(meanMs, 5)));
      expect(min).toBeLessThan(msToUs(meanMs)); // it does vary
    });
  }
});

describe('simblock latency model (the default)', () => {
  const net = makeNetwork(1000, {}, 12);
  it('is the default and follows SimBlock: Pareto(shape 0.2·mean, scale mean − 5 ms), mean within 1%', () => {
    expect(net.latency.name).toBe('simblock');
    for (const [a, b] of [
      ['NA', 'EU'],
      ['SA', 'AU'],
      ['EU', 'EU'],
    ] as const) {
      const [from] = nodesIn(net, a);
      const to = nodesIn(net, b, 2).find((v) => v !== from)!;
      const meanMs = LATENCY_MS_2019[net.regionNames.indexOf(a)]![net.regionNames.indexOf(b)]!;
      let sum = 0;
      let min = Infinity;
      for (let i = 0; i < 20_000; i++) {
        const d = net.send(from!, to, 0, NOW) - NOW;
        sum += d;
        min = Math.min(min, d);
      }
      expect(Math.abs(sum / 20_000 / msToUs(meanMs) - 1)).toBeLessThan(0.01);
      // Never below the scale (mean − 5 ms), and the spread is narrow: the minimum is within 5 ms of the mean.
      expect(min).toBeGreaterThanOrEqual(msToUs(meanMs - 5) - 1);
      expect(min).toBeLessThan(msToUs(meanMs));
    }
  });
});

describe('fixed-per-link latency model', () => {
  for (const nodes of [300, 2000]) {
    // 300 nodes use the dense link cache, 2000 the sparse one.
    it(`keeps one latency per ordered pair, independent of the order links are used (${nodes} nodes)`, () => {
      const eu = (net: ReturnType<typeof makeNetwork>) => nodesIn(net, 'EU', 21);
      const first = makeNetwork(nodes, { latencyModel: 'fixed-per-link' }, 5);
      const [src, ...dsts] = eu(first);
      const delays = dsts.map((d) => first.send(src!, d, 0, NOW) - NOW);
      // Same pair again, at other times: same latency.
      dsts.forEach((d, i) => expect(first.send(src!, d, 0, NOW + 1_000_000 * (i + 1)) - NOW - 1_000_000 * (i + 1)).toBe(delays[i]));
      // Different pairs differ (a continuous draw per pair), and the reverse direction is its own link.
      expect(new Set(delays).size).toBe(delays.length);
      expect(first.send(dsts[0]!, src!, 0, NOW) - NOW).not.toBe(delays[0]);
      // Another run, same seed, links first used in reverse order: the same latencies.
      const second = makeNetwork(nodes, { latencyModel: 'fixed-per-link' }, 5);
      const reversed = [...dsts].reverse().map((d) => second.send(src!, d, 0, NOW) - NOW);
      expect(reversed.reverse()).toEqual(delays);
      // Every draw is at least the EU→EU scale 11 · 4/5 ms.
      for (const d of delays) expect(d).toBeGreaterThanOrEqual(8_800);
    });
  }
});
