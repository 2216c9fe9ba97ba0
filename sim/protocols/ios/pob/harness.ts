import type { Micros } from '../../../kernel/time.js';
import { Pump } from '../../testing/pump.js';
import type { PumpOptions } from '../../testing/pump.js';
import { NO_EFFECTS } from '../../types.js';
import type { ConfirmLevel, Effect, Input, NodeId, ProtocolNode, TxSet } from '../../types.js';
import type { ShardLeagues } from './shard.js';
import type { PobMsg, PobTimer } from './types.js';

/**
 * A pump-level harness for one shard's leagues (DESIGN §4: protocols are tested in memory): node ids
 * 0 … nodeCount−1, the shard's PoB nodes where ShardLeagues has one, inert nodes elsewhere. It plays the
 * composite's part for `local` notes (records them in `locals`) and the host's for client batches
 * (`submit` routes each through ShardLeagues.entryNode at its arrival time).
 */

export interface LocalNote {
  readonly t: Micros;
  readonly node: NodeId;
  readonly event: { readonly type: string; readonly [k: string]: unknown };
}

const inert: ProtocolNode<PobMsg, PobTimer> = { step: () => NO_EFFECTS };

export class ShardHarness {
  readonly pump: Pump<PobMsg, PobTimer>;
  readonly locals: LocalNote[] = [];
  /** Client batches in arrival order, with the node each was routed to (−1: dropped). */
  readonly submitted: { t: Micros; txs: TxSet; node: NodeId }[] = [];

  constructor(
    readonly leagues: ShardLeagues,
    nodeCount: number,
    opts: PumpOptions = {},
  ) {
    const nodes: ProtocolNode<PobMsg, PobTimer>[] = [];
    for (let i = 0; i < nodeCount; i++) {
      const inner = leagues.nodeFor(i);
      nodes.push(inner ? this.capture(i, inner) : inert);
    }
    this.pump = new Pump(nodes, opts);
  }

  start(atUs: Micros = 0): this {
    this.pump.startAll(atUs);
    return this;
  }

  /** Run to `atUs`, then hand `txs` to the node entryNode picks at that time. Returns that node. */
  submit(txs: TxSet, atUs: Micros): NodeId {
    this.pump.run(atUs);
    const node = this.leagues.entryNode(txs, atUs);
    this.submitted.push({ t: atUs, txs, node });
    if (node >= 0 && !this.pump.crashed.has(node)) this.pump.inject(node, { kind: 'txs', txs }, atUs);
    return node;
  }

  run(untilUs: Micros): void {
    this.pump.run(untilUs);
  }

  localsOf(type: string): LocalNote[] {
    return this.locals.filter((l) => l.event.type === type);
  }

  /** First time each id in [0, total) reached `level` (−1: never), and how often it did. */
  commitTimes(level: ConfirmLevel, total: number): { first: Float64Array; count: Uint32Array } {
    const first = new Float64Array(total).fill(-1);
    const count = new Uint32Array(total);
    for (const c of this.pump.commits) {
      if (c.level !== level) continue;
      forEachId(c.txs, (id) => {
        if (id >= total) return;
        if (count[id] === 0) first[id] = c.t;
        count[id]!++;
      });
    }
    return { first, count };
  }

  abortCounts(total: number): Uint32Array {
    const count = new Uint32Array(total);
    for (const a of this.pump.aborts) forEachId(a.txs, (id) => id < total && count[id]!++);
    return count;
  }

  private capture(node: NodeId, inner: ProtocolNode<PobMsg, PobTimer>): ProtocolNode<PobMsg, PobTimer> {
    return {
      step: (now: Micros, input: Input<PobMsg, PobTimer>) => {
        const effects = inner.step(now, input);
        if (!effects.some((e) => e.kind === 'local')) return effects;
        const out: Effect<PobMsg, PobTimer>[] = [];
        for (const e of effects) {
          if (e.kind === 'local') this.locals.push({ t: now, node, event: e.event as LocalNote['event'] });
          else out.push(e);
        }
        return out;
      },
    };
  }
}

export function forEachId(txs: TxSet, f: (id: number) => unknown): void {
  const r = txs.ranges;
  for (let i = 0; i < r.length; i += 2) for (let id = r[i]!; id < r[i + 1]!; id++) f(id);
}
