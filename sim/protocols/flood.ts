import { EventQueue } from '../kernel/queue.js';
import type { Micros } from '../kernel/time.js';
import type { TreePort } from './tree-round.js';

/** A node's first receipt of a flooded message: from whom, when. */
export interface FloodDelivery {
  /** Index in the overlay (a group position, or the node id without a group). */
  readonly index: number;
  /** Index of the node it first came from. */
  readonly fromIndex: number;
  readonly atUs: Micros;
}

/**
 * Round fidelity for gossip (Effect 'gossip' with `computed`): the flood of one message over the overlay in
 * one pass, as the host's event-by-event flood would run it (host.ts relay). Each node relays once, on its
 * first receipt, to every overlay peer but the one it came from and those that already have it; every copy
 * goes through the port's send (the sender's upload queue, a latency draw, loss), so duplicates cost their
 * bandwidth as at message level. What is not simulated is the duplicates' delivery: a node acts on its first
 * receipt only, so the host delivers that one copy (one event per node instead of one per copy, ~8× fewer
 * at the overlay's fanout).
 *
 * Differences from the event-by-event flood, as for tree rounds: the relays are booked when the flood is
 * computed, for their future departure times (Network.send with `nowUs`: islands); a node counts as crashed
 * if it is down then; and copies sent at the same instant take the latency draws in another order.
 *
 * Dijkstra over arrival times: a node's first receipt is final when it is the earliest pending one, and it
 * relays then to the peers whose first receipt is not final yet (at message level a peer that already has
 * it is skipped; one whose copy is still on the way is sent another).
 */
export function computeFlood(
  overlay: readonly Int32Array[],
  nodeAt: (index: number) => number,
  source: number,
  startUs: Micros,
  sizeBytes: number,
  port: TreePort,
): FloodDelivery[] {
  const n = overlay.length;
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const final = new Uint8Array(n);
  // A 4-ary heap (kernel/queue.ts), one slot per push (a better arrival pushes again; the stale entry is
  // skipped), ordered by (arrival, node index).
  const heap = new EventQueue(n);
  let indexOfSlot = new Int32Array(n);
  let slots = 0;
  const push = (at: Micros, i: number) => {
    if (slots === indexOfSlot.length) {
      const grown = new Int32Array(2 * slots);
      grown.set(indexOfSlot);
      indexOfSlot = grown;
      heap.ensureSlots(2 * slots);
    }
    indexOfSlot[slots] = i;
    heap.push(slots++, at, i);
  };
  best[source] = startUs;
  push(startUs, source);
  const out: FloodDelivery[] = [];
  while (heap.size > 0) {
    const i = indexOfSlot[heap.pop()]!;
    if (final[i] === 1) continue;
    final[i] = 1;
    const at = best[i]!;
    const node = nodeAt(i);
    if (i !== source) {
      if (!port.isUp(node)) continue; // a crashed node receives nothing and relays nothing
      out.push({ index: i, fromIndex: from[i]!, atUs: at });
    }
    const cameFrom = from[i]!;
    const peers = overlay[i]!;
    for (let q = 0; q < peers.length; q++) {
      const p = peers[q]!;
      if (p === cameFrom || final[p] === 1) continue;
      const arrive = port.send(node, nodeAt(p), sizeBytes, at);
      if (arrive < 0 || arrive >= best[p]!) continue;
      best[p] = arrive;
      from[p] = i;
      push(arrive, p);
    }
  }
  return out;
}
