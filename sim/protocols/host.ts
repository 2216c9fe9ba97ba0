import type { Kernel } from '../kernel/kernel.js';
import { BusyCalendar } from '../kernel/calendar.js';
import { computeFlood } from './flood.js';
import type { Micros } from '../kernel/time.js';
import type { Network } from '../net/network.js';
import type { TraceRecorder } from '../trace/recorder.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { TraceEvent } from '../trace/schema.js';
import type { Effect, Input, NodeId, ProtocolInstance, ProtocolNode } from './types.js';
import { computeTreeCast, computeTreeRound, type TreePort } from './tree-round.js';

type AnyEffect = Effect<unknown, unknown>;

/** A copy of an event-by-event flood (Host.startGossip): the others carry the message alone, the sender in `aux`. */
interface GossipCopy {
  readonly from: NodeId;
  readonly msg: unknown;
  readonly gossip: number;
}

interface Deferred {
  readonly effects: readonly AnyEffect[];
  readonly from: number;
  readonly incarnation: number;
}

interface GossipState {
  readonly seen: Uint8Array;
  /** Members that have not received it yet; the state is dropped at 0. */
  missing: number;
  readonly group: readonly NodeId[] | undefined;
  readonly msg: unknown;
  readonly sizeBytes: number;
}

/**
 * The one place that executes protocol effects (DESIGN §4): it turns sends into network deliveries,
 * timers into kernel events, CPU work into a per-node busy-until queue, and commits and trace events
 * into metrics and trace records. Protocols stay pure state machines.
 *
 * Crash model: a crashed node receives nothing and its pending timers and deferred effects die with
 * it (each carries the node's incarnation number, bumped at every crash).
 */
export class Host {
  readonly up: Uint8Array;
  private readonly incarnation: Int32Array;
  /** Each node's CPU: a busy-until queue that round fidelity can book ahead (kernel/calendar.ts). */
  private readonly cpu: BusyCalendar;
  private readonly nodes: readonly ProtocolNode<unknown, unknown>[];
  private readonly gossips = new Map<number, GossipState>();
  /** Position of each node in a gossip group (-1 outside it), built once per group array. */
  private readonly groupIndex = new WeakMap<readonly NodeId[], Int32Array>();
  private nextGossip = 0;
  /** A message arrives: payload the message, aux its sender (no envelope object per copy). */
  private readonly evDeliver: number;
  /** A copy of an event-by-event flood arrives (payload GossipCopy). */
  private readonly evGossip: number;
  /** A timer fires: payload the timer, aux the node's incarnation when it was set. */
  private readonly evTimer: number;
  private readonly evDeferred: number;
  private readonly traceMessages: boolean;
  /** Messages handed to the network, and their bytes (for the summary's per-node cost). */
  messages = 0;
  bytes = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    readonly instance: ProtocolInstance<unknown, unknown>,
    private readonly trace: TraceRecorder,
    private readonly metrics: MetricsCollector,
    nodeCount: number,
    traceMessages: boolean,
  ) {
    this.nodes = instance.nodes;
    this.up = new Uint8Array(nodeCount).fill(1);
    this.incarnation = new Int32Array(nodeCount);
    this.cpu = new BusyCalendar(nodeCount);
    this.traceMessages = traceMessages;
    this.evDeliver = kernel.register((to, msg, from) => this.onDeliver(to, msg, from));
    this.evGossip = kernel.register((to, p) => this.onGossip(to, p as GossipCopy));
    this.evTimer = kernel.register((node, timer, incarnation) => this.onTimer(node, timer, incarnation));
    this.evDeferred = kernel.register((node, p) => this.onDeferred(node, p as Deferred));
  }

  /**
   * What round fidelity (tree-round.ts) uses: the network's send, counted like any message (not traced at
   * the messages level: its sends are for future times); the CPU queues, reserved for the members' work;
   * liveness now.
   */
  private readonly port: TreePort = {
    send: (from, to, sizeBytes, atUs) => {
      if (from === to) return atUs;
      this.messages++;
      this.bytes += sizeBytes;
      return this.net.send(from, to, sizeBytes, atUs, this.kernel.now);
    },
    cpuRun: (node, atUs, us) => {
      const work = Math.max(0, Math.round(us));
      return work > 0 ? this.cpu.take(node, atUs, work, this.kernel.now) : Math.max(atUs, this.cpu.freeAt(node));
    },
    isUp: (node) => this.up[node] === 1,
  };

  /** Give `input` to a live node and carry out what it returns. */
  step(node: NodeId, input: Input<unknown, unknown>): void {
    if (this.up[node] !== 1) return;
    const effects = this.nodes[node]!.step(this.kernel.now, input);
    if (effects.length > 0) this.execute(node, effects, 0);
  }

  crash(node: NodeId): void {
    if (this.up[node] !== 1) return;
    this.up[node] = 0;
    this.incarnation[node]!++;
    this.record({ t: this.kernel.now, type: 'node.crash', node });
  }

  recover(node: NodeId): void {
    if (this.up[node] === 1) return;
    this.up[node] = 1;
    this.cpu.reset(node, this.kernel.now);
    this.record({ t: this.kernel.now, type: 'node.recover', node });
    this.step(node, { kind: 'recover' });
  }

  record(ev: TraceEvent): void {
    this.trace.record(ev);
  }

  private execute(node: NodeId, effects: readonly AnyEffect[], from: number): void {
    const now = this.kernel.now;
    for (let i = from; i < effects.length; i++) {
      const e = effects[i]!;
      switch (e.kind) {
        case 'cpu': {
          // Busy-until queue: the work starts when the CPU is free (carried around work booked ahead by a
          // computed round); what follows waits for it.
          const done = this.cpu.take(node, now, Math.max(0, Math.round(e.us)), now);
          if (done > now && i + 1 < effects.length) {
            this.kernel.schedule(done, this.evDeferred, node, {
              effects,
              from: i + 1,
              incarnation: this.incarnation[node]!,
            } satisfies Deferred);
            return;
          }
          break;
        }
        case 'send':
          this.transmit(node, e.to, e.msg, e.sizeBytes, -1);
          break;
        case 'multicast':
          for (const to of e.to) this.transmit(node, to, e.msg, e.sizeBytes, -1);
          break;
        case 'gossip':
          if (e.computed) this.flood(node, e.msg, e.sizeBytes, e.group);
          else this.startGossip(node, e.msg, e.sizeBytes, e.group);
          break;
        case 'announce':
          e.arrivals.of = this.announce(node, e.to, e.msg, e.sizeBytes);
          break;
        case 'treeRound': {
          const result = computeTreeRound(e.spec, now, this.port);
          e.spec.result = result;
          this.kernel.schedule(Math.max(now, result.atUs), this.evTimer, node, e.timer, this.incarnation[node]!);
          break;
        }
        case 'treeCast':
          for (const d of computeTreeCast(e.spec, now, e.sizeBytes, this.port)) {
            this.kernel.schedule(d.atUs, this.evDeliver, e.spec.nodes[d.pos]!, e.msg, d.from);
          }
          break;
        case 'timer':
          this.kernel.schedule(
            (e.fromUploadDone ? Math.max(now, this.net.uploadBusyUntil(node)) : now) + Math.max(0, Math.round(e.afterUs)),
            this.evTimer,
            node,
            e.timer,
            this.incarnation[node]!,
          );
          break;
        case 'commit':
          this.metrics.commit(e.level, e.txs, now);
          break;
        case 'abort':
          this.metrics.abort(e.txs, now);
          break;
        case 'local':
          throw new Error(`a 'local' effect reached the host from node ${node}: its composite must consume it`);
        case 'trace': {
          const ev = e.event;
          if (ev.type === 'block.propose') this.metrics.blockProduced(node);
          // Stamped with the time and node as it is kept, without a copy (1.5 M of them in the paper-scale hour).
          this.trace.recordAt(now, node, ev);
          break;
        }
      }
    }
  }

  /** Send one copy and deliver it (an event at `to`). Returns its arrival, −1 if lost. */
  private transmit(from: NodeId, to: NodeId, msg: unknown, sizeBytes: number, gossip: number): Micros {
    const now = this.kernel.now;
    this.messages++;
    this.bytes += sizeBytes;
    const arrive = this.net.send(from, to, sizeBytes, now);
    if (this.traceMessages) {
      this.trace.record({
        t: now,
        type: 'msg.send',
        node: from,
        to,
        msg: messageName(msg),
        sizeBytes,
        arriveUs: arrive,
      });
    }
    if (arrive >= 0) {
      if (gossip < 0) this.kernel.schedule(arrive, this.evDeliver, to, msg, from);
      else this.kernel.schedule(arrive, this.evGossip, to, { from, msg, gossip } satisfies GossipCopy);
    }
    return arrive;
  }

  /** Effect `announce`: the copies as one burst (Network.sendBurst), counted and traced like sends. */
  private announce(from: NodeId, to: readonly NodeId[], msg: unknown, sizeBytes: number): (i: number) => Micros {
    const now = this.kernel.now;
    const arrival = this.net.sendBurst(from, to, sizeBytes, now);
    for (let i = 0; i < to.length; i++) {
      if (to[i] === from) continue;
      this.messages++;
      this.bytes += sizeBytes;
      if (this.traceMessages) {
        this.trace.record({ t: now, type: 'msg.send', node: from, to: to[i]!, msg: messageName(msg), sizeBytes, arriveUs: arrival(i) });
      }
    }
    return arrival;
  }

  /** Flood over the overlay (DESIGN §5): each node relays a gossip message once, on first receipt. */
  private startGossip(from: NodeId, msg: unknown, sizeBytes: number, group: readonly NodeId[] | undefined): void {
    const id = this.nextGossip++;
    const seen = new Uint8Array(this.up.length);
    seen[from] = 1;
    const missing = (group ? group.length : this.up.length) - 1;
    if (missing <= 0) return;
    this.gossips.set(id, { seen, missing, group, msg, sizeBytes });
    this.relay(id, from, from);
  }

  /** Round fidelity: the flood computed in one pass (flood.ts); each node gets its first copy as an event. */
  private flood(from: NodeId, msg: unknown, sizeBytes: number, group: readonly NodeId[] | undefined): void {
    const nodeAt = group ? (i: number) => group[i]! : (i: number) => i;
    const overlay = this.net.overlay(group);
    for (const d of computeFlood(overlay, nodeAt, this.indexIn(group, from), this.kernel.now, sizeBytes, this.port)) {
      this.kernel.schedule(d.atUs, this.evDeliver, nodeAt(d.index), msg, nodeAt(d.fromIndex));
    }
  }

  private relay(id: number, node: NodeId, cameFrom: NodeId): void {
    const g = this.gossips.get(id)!;
    for (const peer of this.net.overlay(g.group)[this.indexIn(g.group, node)]!) {
      const peerNode = g.group ? g.group[peer]! : peer;
      if (peerNode !== cameFrom && g.seen[peerNode] !== 1) this.transmit(node, peerNode, g.msg, g.sizeBytes, id);
    }
  }

  private indexIn(group: readonly NodeId[] | undefined, node: NodeId): number {
    if (!group) return node;
    let index = this.groupIndex.get(group);
    if (!index) {
      index = new Int32Array(this.up.length).fill(-1);
      group.forEach((n, i) => (index![n] = i));
      this.groupIndex.set(group, index);
    }
    return index[node]!;
  }

  private onDeliver(to: NodeId, msg: unknown, from: NodeId): void {
    if (this.up[to] !== 1) return;
    this.step(to, { kind: 'message', from, msg });
  }

  private onGossip(to: NodeId, copy: GossipCopy): void {
    if (this.up[to] !== 1) return;
    const g = this.gossips.get(copy.gossip);
    if (!g || g.seen[to] === 1) return;
    g.seen[to] = 1;
    this.relay(copy.gossip, to, copy.from);
    if (--g.missing === 0) this.gossips.delete(copy.gossip);
    this.step(to, { kind: 'message', from: copy.from, msg: copy.msg });
  }

  private onTimer(node: NodeId, timer: unknown, incarnation: number): void {
    if (this.up[node] !== 1 || incarnation !== this.incarnation[node]) return;
    this.step(node, { kind: 'timer', timer });
  }

  private onDeferred(node: NodeId, d: Deferred): void {
    if (this.up[node] !== 1 || d.incarnation !== this.incarnation[node]) return;
    this.execute(node, d.effects, d.from);
  }

  /** When no node's CPU is busy later than this, all deferred work has run. */
  cpuBusyUntil(node: NodeId): Micros {
    return this.cpu.freeAt(node);
  }
}

function messageName(msg: unknown): string {
  if (typeof msg === 'object' && msg !== null && 'type' in msg && typeof msg.type === 'string') return msg.type;
  return 'msg';
}
