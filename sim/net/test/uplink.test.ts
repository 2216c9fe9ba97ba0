import { describe, it, expect } from 'vitest';
import { serialisationUs } from '../../kernel/time.js';
import { makeNetwork, nodesIn } from './helpers.js';

// NA → EU under the constant model: 124 ms, min(19.2 up, 40 down) = 19.2 Mbit/s.
const NOW = 2_000_000;
const BLOCK = 1_000_000;
const VOTE = 300;
const LAT = 124_000;
const ser = (bytes: number): number => serialisationUs(bytes, 19.2);

describe('network.uplink', () => {
  it('fifo (default): a vote sent after a block copy waits for the whole copy', () => {
    const net = makeNetwork(100, { latencyModel: 'constant' });
    const [na] = nodesIn(net, 'NA');
    const [eu1, eu2] = nodesIn(net, 'EU', 2);
    net.send(na!, eu1!, BLOCK, NOW);
    expect(net.send(na!, eu2!, VOTE, NOW)).toBe(NOW + ser(BLOCK) + ser(VOTE) + LAT);
  });

  it('priority: a vote goes ahead of the block copies and delays the next copy by its own bytes', () => {
    const net = makeNetwork(100, { latencyModel: 'constant', uplink: 'priority' });
    const [na] = nodesIn(net, 'NA');
    const [eu1, eu2, eu3] = nodesIn(net, 'EU', 3);
    expect(net.send(na!, eu1!, BLOCK, NOW)).toBe(NOW + ser(BLOCK) + LAT);
    expect(net.send(na!, eu2!, VOTE, NOW)).toBe(NOW + ser(VOTE) + LAT);
    // The copy already on its way keeps its time; the next one pays for the vote's bytes.
    expect(net.uploadBusyUntil(na!)).toBe(NOW + ser(BLOCK) + ser(VOTE));
    expect(net.send(na!, eu3!, BLOCK, NOW)).toBe(NOW + 2 * ser(BLOCK) + ser(VOTE) + LAT);
    expect(net.bytesSent[na!]).toBe(2 * BLOCK + VOTE);
  });

  it('priority: control messages queue behind each other, so a burst still takes the link time it needs', () => {
    const net = makeNetwork(100, { latencyModel: 'constant', uplink: 'priority' });
    const [na] = nodesIn(net, 'NA');
    const [eu] = nodesIn(net, 'EU');
    let last = 0;
    for (let i = 0; i < 1000; i++) last = net.send(na!, eu!, VOTE, NOW);
    expect(last).toBe(NOW + 1000 * ser(VOTE) + LAT);
    expect(net.uploadBusyUntil(na!)).toBe(NOW + 1000 * ser(VOTE)); // the bulk queue starts after the burst
  });

  it('priority: a message above controlMaxBytes is bulk', () => {
    const net = makeNetwork(100, { latencyModel: 'constant', uplink: 'priority', controlMaxBytes: 200 });
    const [na] = nodesIn(net, 'NA');
    const [eu1, eu2] = nodesIn(net, 'EU', 2);
    net.send(na!, eu1!, BLOCK, NOW);
    expect(net.send(na!, eu2!, VOTE, NOW)).toBe(NOW + ser(BLOCK) + ser(VOTE) + LAT);
    expect(net.send(na!, eu2!, 200, NOW)).toBe(NOW + ser(200) + LAT);
  });
});
