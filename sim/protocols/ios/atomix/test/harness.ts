import { Cpu } from '../../../../scenario/schema.js';
import type { Micros } from '../../../../kernel/time.js';
import { Pump } from '../../../testing/pump.js';
import type { PumpOptions } from '../../../testing/pump.js';
import type { Effect, Input, NodeId, ProtocolNode } from '../../../types.js';
import { NO_EFFECTS, txSetOf } from '../../../types.js';
import { AtomixClient } from '../client.js';
import type { AtomixClientConfig } from '../client.js';
import { SegmentTable } from '../facts.js';
import type { SegmentSpec } from '../facts.js';
import { AtomixInputShard } from '../input.js';
import type { AtomixInputShardConfig } from '../input.js';
import { AtomixInvariants } from '../invariants.js';
import { AtomixSizes } from '../messages.js';
import type { AtomixMsg, AtomixTimer } from '../messages.js';
import { AtomixOutputShard } from '../output.js';
import type { AtomixOutputShardConfig } from '../output.js';

export const MS = 1_000;
export const S = 1_000_000;
export const MEMBERS = 100;

type BlockTimer = { readonly kind: 'block'; readonly seq: number };
export type TestTimer = AtomixTimer | BlockTimer;

/**
 * A stand-in for one shard's consensus: a single node that every `blockMs` finalises a block holding the
 * transactions its lock requests admitted and the commits queued at its output side. It owns the shard's
 * AtomixInputShard and AtomixOutputShard, as a composite would.
 */
export class FakeShard implements ProtocolNode<AtomixMsg, TestTimer> {
  private mempool: number[] = [];
  private height = 0;
  private seq = 0;

  constructor(
    readonly input: AtomixInputShard,
    readonly output: AtomixOutputShard,
    private readonly blockUs: Micros,
  ) {}

  step(now: Micros, input: Input<AtomixMsg, TestTimer>): readonly Effect<AtomixMsg, TestTimer>[] {
    switch (input.kind) {
      case 'start':
      case 'recover':
        return [this.armBlock()];
      case 'message': {
        const m = input.msg;
        if (m.type === 'lockRequest') this.mempool.push(...this.input.onLockRequest(now, m).ranges);
        else if (m.type === 'unlockAbort') return this.input.onUnlockAbort(now, m);
        else if (m.type === 'unlockCommit') return this.output.onUnlockCommit(now, m);
        return NO_EFFECTS;
      }
      case 'timer': {
        if (input.timer.kind !== 'block' || input.timer.seq !== this.seq) return NO_EFFECTS;
        this.height++;
        const out: Effect<AtomixMsg, TestTimer>[] = [];
        const txs = txSetOf(this.mempool);
        this.mempool = [];
        if (txs.count > 0) out.push(...this.input.onBlockFinal(now, txs, { height: this.height, signers: MEMBERS, members: MEMBERS }));
        const part = this.output.takeForBlock();
        if (part) out.push(...this.output.onBlockFinal(now, part));
        out.push(this.armBlock());
        return out;
      }
      default:
        return NO_EFFECTS;
    }
  }

  private armBlock(): Effect<AtomixMsg, TestTimer> {
    return { kind: 'timer', afterUs: this.blockUs, timer: { kind: 'block', seq: ++this.seq } };
  }
}

export interface WorldOptions {
  shards: number;
  clients: number;
  segments: SegmentSpec[];
  /** Block interval per shard, ms (default 200). */
  blockMs?: number | ((shard: number) => number);
  lockTimeoutMs?: number;
  input?: Partial<AtomixInputShardConfig>;
  output?: Partial<AtomixOutputShardConfig>;
  client?: Partial<AtomixClientConfig>;
  pump?: PumpOptions;
}

/** Shards are nodes 0..m−1 (node i is shard i's contact), clients (drivers) nodes m..m+c−1. */
export function world(o: WorldOptions) {
  const facts = new SegmentTable(o.segments);
  const invariants = new AtomixInvariants(facts);
  const sizes = new AtomixSizes(200, 64, 250);
  const cpu = Cpu.parse({});
  const blockMs = (s: number) => (typeof o.blockMs === 'function' ? o.blockMs(s) : (o.blockMs ?? 200));
  const shards = Array.from({ length: o.shards }, (_, shard) => {
    const input = new AtomixInputShard({ shard, facts, sizes, cpu, observer: invariants, ...o.input });
    const output = new AtomixOutputShard({ shard, facts, sizes, cpu, observer: invariants, ...o.output });
    return new FakeShard(input, output, blockMs(shard) * MS);
  });
  const clients = Array.from(
    { length: o.clients },
    (_, i) =>
      new AtomixClient({
        self: o.shards + i,
        facts,
        sizes,
        cpu,
        lockTimeoutUs: (o.lockTimeoutMs ?? 5000) * MS,
        contactOf: (shard) => shard,
        observer: invariants,
        ...o.client,
      }),
  );
  const nodes = [...shards, ...clients] as ProtocolNode<AtomixMsg, TestTimer>[];
  const pump = new Pump<AtomixMsg, TestTimer>(nodes, o.pump);
  pump.startAll(0);
  const books = () => shards.flatMap((s) => [s.input.book, s.output.book]);
  return {
    facts,
    invariants,
    shards,
    clients,
    pump,
    books,
    clientNode: (i: number): NodeId => o.shards + i,
    /** Hand [a, b) to client i at time t (µs). */
    submit(i: number, a: number, b: number, t: number) {
      pump.inject(o.shards + i, { kind: 'txs', txs: txSetOf([a, b]) }, t);
    },
    finish() {
      return invariants.finish(pump.now, books());
    },
  };
}

/** How many times each id in [0, n) was reported final / aborted by the pump's hosts. */
export function outcomeCounts(pump: Pump<AtomixMsg, TestTimer>, n: number) {
  const commits = new Uint32Array(n);
  const aborts = new Uint32Array(n);
  for (const c of pump.commits) for (let i = 0; i < c.txs.ranges.length; i += 2) for (let x = c.txs.ranges[i]!; x < c.txs.ranges[i + 1]!; x++) commits[x]!++;
  for (const a of pump.aborts) for (let i = 0; i < a.txs.ranges.length; i += 2) for (let x = a.txs.ranges[i]!; x < a.txs.ranges[i + 1]!; x++) aborts[x]!++;
  return { commits, aborts };
}
