import type { ConfirmLevel, Effect, Input, NodeId, ProtocolEvent, ProtocolNode, TxSet } from '../types.js';

/**
 * An in-memory host for protocol unit tests (DESIGN §4; etcd-raft's test network): a (time, seq) priority
 * queue over the nodes' effects, a fixed per-message delay, a busy-until CPU per node (a `cpu` effect delays
 * the effects after it in the same step), crashed nodes that neither send, receive nor keep timers.
 * Deterministic: no clock, no randomness, ties broken by sequence number only.
 */

export interface PumpOptions {
  /** One-way delay of a message, µs; default 10 ms. */
  delayUs?: (from: NodeId, to: NodeId, sizeBytes: number) => number;
  crashed?: Iterable<NodeId>;
  /** Keep a line per delivered input in `log` (for determinism checks). */
  log?: boolean;
}

interface Ev<M, T> {
  t: number;
  seq: number;
  node: NodeId;
  epoch: number;
  input: Input<M, T>;
}

export class Pump<M, T> {
  now = 0;
  messages = 0;
  bytes = 0;
  readonly sentByType = new Map<string, number>();
  readonly crashed: Set<NodeId>;
  readonly commits: { t: number; node: NodeId; level: ConfirmLevel; txs: TxSet; shard: number }[] = [];
  readonly aborts: { t: number; node: NodeId; txs: TxSet; shard: number }[] = [];
  readonly traces: { t: number; node: NodeId; event: ProtocolEvent }[] = [];
  readonly log: string[] = [];
  private readonly heap: Ev<M, T>[] = [];
  private seq = 0;
  private readonly busyUntil: number[];
  /** Bumped on crash, so timers and CPU-delayed effects from before a crash are dropped. */
  private readonly epoch: number[];
  private readonly delayUs: (from: NodeId, to: NodeId, sizeBytes: number) => number;

  constructor(
    readonly nodes: readonly ProtocolNode<M, T>[],
    private readonly opts: PumpOptions = {},
  ) {
    this.crashed = new Set(opts.crashed ?? []);
    this.busyUntil = nodes.map(() => 0);
    this.epoch = nodes.map(() => 0);
    this.delayUs = opts.delayUs ?? (() => 10_000);
  }

  /** Deliver `input` to `node` at `atUs` (default now). */
  inject(node: NodeId, input: Input<M, T>, atUs = this.now): void {
    this.push({ t: atUs, seq: this.seq++, node, epoch: this.epoch[node]!, input });
  }

  /** Start every node at time 0 (or `atUs`). */
  startAll(atUs = this.now): void {
    this.nodes.forEach((_, i) => this.inject(i, { kind: 'start' }, atUs));
  }

  crash(node: NodeId): void {
    this.crashed.add(node);
    this.epoch[node]!++;
  }

  recover(node: NodeId, atUs = this.now): void {
    this.crashed.delete(node);
    this.inject(node, { kind: 'recover' }, atUs);
  }

  /** Run every event with time ≤ untilUs. */
  run(untilUs: number): void {
    while (this.heap.length > 0 && this.heap[0]!.t <= untilUs) {
      const ev = this.pop();
      this.now = ev.t;
      if (this.crashed.has(ev.node) || ev.epoch !== this.epoch[ev.node]) continue;
      const input = ev.input;
      if (input.kind === 'message' && this.crashed.has(input.from)) continue;
      if (this.opts.log) this.log.push(`${ev.t} ${ev.node} ${JSON.stringify(input)}`);
      this.apply(ev.node, ev.t, this.nodes[ev.node]!.step(ev.t, input));
    }
    this.now = Math.max(this.now, untilUs);
  }

  private apply(node: NodeId, t: number, effects: readonly Effect<M, T>[]): void {
    let at = t;
    for (const e of effects) {
      switch (e.kind) {
        case 'cpu':
          at = Math.max(at, this.busyUntil[node]!) + e.us;
          this.busyUntil[node] = at;
          break;
        case 'send':
          this.send(node, e.to, e.msg, e.sizeBytes, at);
          break;
        case 'multicast':
          for (const to of e.to) this.send(node, to, e.msg, e.sizeBytes, at);
          break;
        case 'gossip':
          for (const to of e.group ?? this.nodes.map((_, i) => i)) if (to !== node) this.send(node, to, e.msg, e.sizeBytes, at);
          break;
        case 'timer':
          this.push({ t: at + e.afterUs, seq: this.seq++, node, epoch: this.epoch[node]!, input: { kind: 'timer', timer: e.timer } });
          break;
        case 'commit':
          this.commits.push({ t: at, node, level: e.level, txs: e.txs, shard: e.shard });
          break;
        case 'abort':
          this.aborts.push({ t: at, node, txs: e.txs, shard: e.shard });
          break;
        case 'trace':
          this.traces.push({ t: at, node, event: e.event });
          break;
        case 'treeRound':
        case 'treeCast':
        case 'announce':
          throw new Error(`pump: node ${node} ran a round-fidelity effect; round fidelity needs the host's network (run it through the runner)`);
      }
    }
  }

  private send(from: NodeId, to: NodeId, msg: M, sizeBytes: number, at: number): void {
    if (this.crashed.has(from)) return;
    this.messages++;
    this.bytes += sizeBytes;
    const type = String((msg as { type?: unknown }).type ?? 'msg');
    this.sentByType.set(type, (this.sentByType.get(type) ?? 0) + 1);
    const input: Input<M, T> = { kind: 'message', from, msg };
    this.push({ t: at + this.delayUs(from, to, sizeBytes), seq: this.seq++, node: to, epoch: this.epoch[to]!, input });
  }

  private push(ev: Ev<M, T>): void {
    const h = this.heap;
    let i = h.push(ev) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): Ev<M, T> {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && before(h[l + 1]!, h[l]!) ? l + 1 : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: { t: number; seq: number }, b: { t: number; seq: number }): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
