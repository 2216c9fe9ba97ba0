import { RngRoot } from '../../../../kernel/rng.js';
import { Cpu, IosParams } from '../../../../scenario/schema.js';
import type { NodeId } from '../../../types.js';
import { txSetOf } from '../../../types.js';
import type { TxSet } from '../../../types.js';
import type { PumpOptions } from '../../../testing/pump.js';
import { ShardHarness } from '../harness.js';
import { ServiLedger } from '../score.js';
import { ShardLeagues } from '../shard.js';
import type { ShardLeaguesConfig } from '../shard.js';

export const S = 1_000_000;
export const MS = 1_000;
export const TX_BYTES = 250;

export interface SetupOptions {
  /** Believable-league size wanted (pob.believablePerShard); nodes 0 … believable−1 get the top stakes. */
  believable: number;
  normal: number;
  seed?: number;
  pob?: Record<string, unknown>;
  league?: Record<string, unknown>;
  isBad?: (tx: number) => boolean;
  malicious?: NodeId[];
  extra?: Partial<ShardLeaguesConfig>;
  /** Extra node ids (after the shard's) that join the normal league later (TransEpoch). */
  joiners?: number;
  pump?: PumpOptions;
}

/**
 * One shard of `believable + normal` validators, ids 0 … n−1: the first `believable` have the highest
 * stakes so 'top' selection picks them, the rest form the normal league (its first member, node
 * `believable`, leads view 0). LAN-sized BFT timeouts, as in the bft tests (the pump's delay is 10 ms).
 */
export function setup(o: SetupOptions): { harness: ShardHarness; leagues: ShardLeagues; n: number } {
  const n = o.believable + o.normal;
  const ios = IosParams.parse({
    type: 'ios',
    pob: { believablePerShard: o.believable, ...o.pob },
    league: { phaseTimeoutMs: 2000, viewChangeTimeoutMs: 4000, blockIntervalMs: 500, ...o.league },
  });
  const ledger = new ServiLedger(Array.from({ length: n }, (_, i) => [i, { stake: i < o.believable ? 1000 - i : 10 }] as const));
  const root = new RngRoot(o.seed ?? 1);
  const malicious = new Set(o.malicious ?? []);
  const leagues = new ShardLeagues({
    shard: 0,
    epoch: 0,
    members: Array.from({ length: n }, (_, i) => i),
    ledger,
    ios,
    cpu: Cpu.parse({}),
    txSizeBytes: TX_BYTES,
    keyed: (k) => root.keyedUniform(k),
    isBad: o.isBad ?? (() => false),
    malicious: (node) => malicious.has(node),
    ...o.extra,
  });
  for (let j = 0; j < (o.joiners ?? 0); j++) leagues.addJoiner(n + j);
  return { harness: new ShardHarness(leagues, n + (o.joiners ?? 0), o.pump).start(0), leagues, n };
}

/** `count` batches of `size` transactions (ids from 0), one every `everyUs` from `startUs`, routed by entryNode. */
export function submitBatches(h: ShardHarness, count: number, size: number, startUs: number, everyUs: number, firstId = 0): TxSet[] {
  const out: TxSet[] = [];
  for (let i = 0; i < count; i++) {
    const txs = txSetOf([firstId + i * size, firstId + (i + 1) * size]);
    out.push(txs);
    h.submit(txs, startUs + i * everyUs);
  }
  return out;
}
