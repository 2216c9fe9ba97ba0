import { describe, it, expect } from 'vitest';
import { serialisationUs } from '../../kernel/time.js';
import { makeNetwork, nodesIn } from './helpers.js';

// NA → EU under the constant model: 124 ms one way, min(19.2 up, 40 down) = 19.2 Mbit/s.
const LAT = 124_000;
const ser = (bytes: number): number => serialisationUs(bytes, 19.2);

function setup() {
  const net = makeNetwork(100, { latencyModel: 'constant' });
  const [na] = nodesIn(net, 'NA');
  const [eu1, eu2, eu3] = nodesIn(net, 'EU', 3);
  return { net, na: na!, eu1: eu1!, eu2: eu2!, eu3: eu3! };
}

describe('sends for a later time (round fidelity)', () => {
  it('a commitment reserved 20 s ahead does not hold back what the node sends now', () => {
    const { net, na, eu1, eu2 } = setup();
    expect(net.send(na, eu1, 110, 20_000_000, 0)).toBe(20_000_000 + ser(110) + LAT);
    expect(net.uploadBusyUntil(na)).toBe(0); // the queue before the island is still free
    expect(net.send(na, eu2, 1_000, 1_000)).toBe(1_000 + ser(1_000) + LAT);
  });

  it('a message longer than the gap before an island is carried on after it', () => {
    const { net, na, eu1, eu2 } = setup();
    const islandAt = 10_000;
    net.send(na, eu1, 110, islandAt, 0); // occupies [10,000, 10,000 + ser(110))
    // 100 kB needs 41,667 µs: 10,000 of them before the island, the rest after it.
    expect(net.send(na, eu2, 100_000, 0)).toBe(ser(100_000) + ser(110) + LAT);
  });

  it('uses the gaps between islands and joins the islands the queue reaches', () => {
    const { net, na, eu1, eu2, eu3 } = setup();
    net.send(na, eu1, 1_000, 5_000, 0); // island [5,000, 5,417)
    net.send(na, eu1, 1_000, 9_000, 0); // island [9,000, 9,417)
    // Three 1 kB messages at 0: [0, 417), [417, 834), [834, 1,251): all before the first island.
    for (let k = 1; k <= 3; k++) expect(net.send(na, eu2, 1_000, 0)).toBe(k * ser(1_000) + LAT);
    // 4 kB (1,667 µs) fits in [1,251, 5,000): departs at 2,918.
    expect(net.send(na, eu3, 4_000, 0)).toBe(3 * ser(1_000) + ser(4_000) + LAT);
    // 8 kB (3,334 µs): 2,082 µs in [2,918, 5,000), the other 1,252 from 5,417: departs at 6,669.
    expect(net.send(na, eu3, 8_000, 0)).toBe(3 * ser(1_000) + ser(4_000) + ser(8_000) + ser(1_000) + LAT);
    // At 9,000 the queue is past the first island and reaches the second: a message now goes after it.
    expect(net.send(na, eu2, 1_000, 9_000)).toBe(9_000 + ser(1_000) + ser(1_000) + LAT);
    expect(net.uploadBusyUntil(na)).toBe(9_000 + 2 * ser(1_000));
  });

  it('leaves sends at the present exactly as a FIFO queue (message level)', () => {
    const { net, na, eu1 } = setup();
    let expected = 0;
    for (let k = 0; k < 5; k++) {
      expected = Math.max(expected, k * 100) + ser(3_000);
      expect(net.send(na, eu1, 3_000, k * 100)).toBe(expected + LAT);
    }
  });
});
