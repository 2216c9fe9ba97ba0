import type { Micros } from '../kernel/time.js';

/**
 * Round fidelity: a CoSi-style aggregation round over a tree (TreeShape), computed in one pass instead
 * of one event per message (BftConfig.fidelity 'round'; bft/README "Fidelity"). It follows CosiNode's rules
 * (bft/cosi.ts) step by step:
 *
 *   down  a member that receives the message at a[p] first relays it to its children, in order, from its
 *         upload queue (after `relayUs(p)`, e.g. checking the challenge's evidence), then does its own work
 *         (`workUs(p)`: validating and signing), ready at d[p];
 *   up    a leaf sends its part when ready; an inner member sends the aggregate when it is ready and every
 *         child it sent to has answered, or when its window `windowUs(p)` after a[p] runs out, with the
 *         children heard by then (CoSi §IV-C), after aggregating (aggregateUsPerSigner × signers);
 *   root  the result is when the root has aggregated: its signer count and the positions whose part reached
 *         it (the challenge goes down to exactly those).
 *
 * Every message goes through the network's `send` (the sender's upload queue, the latency draw, loss), so a
 * round costs the same bandwidth and latency as at message level. What differs, and why the two levels
 * agree statistically rather than byte for byte:
 *   - the sends are made when the round is computed, for their future departure times; each takes only its
 *     own slot on the sender's uplink (Network.send with `nowUs`: an island), so another message the member
 *     sends meanwhile is carried in the gaps around it rather than strictly in time order, and the
 *     latency draws come in another order;
 *   - the members' own work is put on their CPU queues when the round is computed, for the time it will
 *     start (after what is queued then): work a member gets before that queues behind it, where at message
 *     level it would go first (until stop 9 the round's work did not occupy the CPU at all, and at paper
 *     scale round fidelity finalised 38% more than message level in the first 120 s; now 4% less);
 *   - a member counts as crashed if it is down when the round is computed.
 * With the `constant` latency model a whole committee decides the same blocks as at message level, within
 * about 0.1 ms a round: the Decide's relays, reserved when it is computed, go before the next block's copies
 * (tree-round.test.ts checks the blocks against CosiNode's, with and without a crashed member).
 */

/** What the computation needs from the host. */
export interface TreePort {
  /** The network's send: arrival time, or −1 if the message is lost or cut by a partition. */
  send(from: number, to: number, sizeBytes: number, atUs: Micros): Micros;
  /**
   * Run `us` of work on `node`'s CPU from `atUs`, after what is queued there, and occupy it until done (a
   * reservation: work the node gets meanwhile queues behind it); returns when it is done. No work, no change.
   */
  cpuRun(node: number, atUs: Micros, us: number): Micros;
  isUp(node: number): boolean;
}

/** The tree: position p's parent (−1 for the root, position 0) and children childStart[p] … childStart[p + 1] − 1 (bft/tree.ts CosiGraph). */
export interface TreeShape {
  readonly parents: Int32Array;
  readonly childStart: Int32Array;
}

export interface TreeRoundSpec {
  /** Node id at each position; position 0 is the root. */
  readonly nodes: readonly number[];
  readonly shape: TreeShape;
  readonly downBytes: number;
  readonly upBytes: number;
  /** Work before relaying the down message (µs); default none. */
  readonly relayUs?: (pos: number) => number;
  /** Own work after relaying (µs), the root's included. */
  readonly workUs: (pos: number) => number;
  readonly aggregateUsPerSigner: number;
  /** How long position p waits for its children's parts after the down message arrived (µs). */
  readonly windowUs: (pos: number) => number;
  /** Positions that take part (1); the down message goes only to these. Null: all. The root always does. */
  readonly members: Uint8Array | null;
  /** Filled in by the host before it fires the effect's timer. */
  result: TreeRoundResult | null;
}

export interface TreeRoundResult {
  /** When the root has the aggregate. */
  readonly atUs: Micros;
  /** Signers in the root's aggregate, the root included. */
  readonly signers: number;
  /** 1 for each position whose part is in the root's aggregate (the root included). */
  readonly joined: Uint8Array;
  /**
   * When each position received the down message (−1: never: not sent it, lost, or down). A member's
   * view-change clock reads its own entry (bft/core.ts sawComputedRound), as at message level it restarts
   * when the Announcement or Challenge reaches it.
   */
  readonly arrivals: Float64Array;
}

export interface TreeCastSpec {
  readonly nodes: readonly number[];
  readonly shape: TreeShape;
  /** Work a member does before relaying (e.g. verifying the collective signature), µs; the root relays at once. */
  readonly relayUs: number;
}

export interface TreeCastDelivery {
  readonly pos: number;
  readonly from: number;
  readonly atUs: Micros;
}

/** The round started at the root at `startUs`. Pure apart from the port's sends (upload queues, draws). */
export function computeTreeRound(spec: TreeRoundSpec, startUs: Micros, port: TreePort): TreeRoundResult {
  const { nodes, members } = spec;
  const { parents, childStart } = spec.shape;
  const n = nodes.length;
  const arrive = new Float64Array(n).fill(-1);
  /** When the member relayed the down message (its window runs from then) and when its own work was done. */
  const relayed = new Float64Array(n);
  const ready = new Float64Array(n);
  /** Whether the position was sent the down message (it is one of its parent's `children` in CosiNode). */
  const sentTo = new Uint8Array(n);
  arrive[0] = startUs;
  sentTo[0] = 1;
  for (let p = 0; p < n; p++) {
    const a = arrive[p]!;
    if (a < 0) continue;
    // Work before relaying queues on the CPU; without it the relay goes out on arrival (CosiNode's effect order).
    const before = spec.relayUs ? spec.relayUs(p) : 0;
    const relayAt = before > 0 ? port.cpuRun(nodes[p]!, a, before) : a;
    relayed[p] = relayAt;
    const first = childStart[p]!;
    const end = childStart[p + 1]!;
    for (let c = first; c < end; c++) {
      if (members && members[c] !== 1) continue;
      sentTo[c] = 1;
      const at = port.send(nodes[p]!, nodes[c]!, spec.downBytes, relayAt);
      if (at >= 0 && port.isUp(nodes[c]!)) arrive[c] = at;
    }
    ready[p] = port.cpuRun(nodes[p]!, relayAt, spec.workUs(p));
  }
  // Up, leaves first: the time each part reaches its parent (−1: never), and its signers.
  const upAt = new Float64Array(n).fill(-1);
  const signers = new Int32Array(n);
  const joinedBelow = new Uint8Array(n);
  let rootAt = startUs;
  for (let p = n - 1; p >= 0; p--) {
    if (arrive[p]! < 0) continue;
    const first = childStart[p]!;
    const end = childStart[p + 1]!;
    let asked = 0;
    let allIn = true;
    let lastIn = -Infinity;
    for (let c = first; c < end; c++) {
      if (sentTo[c] !== 1) continue;
      asked++;
      const u = upAt[c]!;
      if (u < 0) allIn = false;
      else if (u > lastIn) lastIn = u;
    }
    // A leaf sends when its work is done. An inner member sends when it is done and every child answered, or
    // when its window (from the relay) runs out; aggregating waits for its own work (the CPU queue).
    let trigger = ready[p]!;
    if (asked > 0) {
      const deadline = relayed[p]! + spec.windowUs(p);
      trigger = allIn ? Math.min(deadline, Math.max(ready[p]!, lastIn)) : deadline;
    }
    let s = 1;
    let heard = 0;
    for (let c = first; c < end; c++) {
      if (sentTo[c] !== 1) continue;
      const u = upAt[c]!;
      if (u >= 0 && u <= trigger) {
        s += signers[c]!;
        heard++;
        joinedBelow[c] = 1;
      }
    }
    signers[p] = s;
    const sendAt = heard > 0 ? Math.max(trigger, ready[p]!) + spec.aggregateUsPerSigner * s : trigger;
    if (p === 0) rootAt = sendAt;
    else upAt[p] = port.send(nodes[p]!, nodes[parents[p]!]!, spec.upBytes, sendAt);
  }
  // A part is in the root's aggregate if it and every ancestor's part were taken in.
  const joined = new Uint8Array(n);
  joined[0] = 1;
  for (let p = 1; p < n; p++) joined[p] = joinedBelow[p] === 1 && joined[parents[p]!] === 1 ? 1 : 0;
  return { atUs: Math.ceil(rootAt), signers: signers[0]!, joined, arrivals: arrive };
}

/** The root's message relayed down the tree from `startUs`: who gets it, from whom, when. */
export function computeTreeCast(spec: TreeCastSpec, startUs: Micros, sizeBytes: number, port: TreePort): TreeCastDelivery[] {
  const { nodes } = spec;
  const { childStart } = spec.shape;
  const n = nodes.length;
  const arrive = new Float64Array(n).fill(-1);
  arrive[0] = startUs;
  const out: TreeCastDelivery[] = [];
  for (let p = 0; p < n; p++) {
    const a = arrive[p]!;
    if (a < 0) continue;
    const relayAt = p === 0 ? a : port.cpuRun(nodes[p]!, a, spec.relayUs);
    const first = childStart[p]!;
    const end = childStart[p + 1]!;
    for (let c = first; c < end; c++) {
      const at = port.send(nodes[p]!, nodes[c]!, sizeBytes, relayAt);
      if (at < 0 || !port.isUp(nodes[c]!)) continue;
      arrive[c] = at;
      out.push({ pos: c, from: nodes[p]!, atUs: at });
    }
  }
  return out;
}
