import { BftParams, Cpu } from '../../../scenario/schema.js';
import type { BftConfig } from '../../../scenario/schema.js';
import { BftReplica } from '../replica.js';
import type { BftMsg, BftTimer } from '../messages.js';
import { txSetOf } from '../../types.js';
import type { TxSet } from '../../types.js';
import { Pump } from '../../testing/pump.js';
import type { PumpOptions } from '../../testing/pump.js';

export const TX_BYTES = 250;
export const S = 1_000_000;

/** A committee of nodes 0..n-1 in shard 0 with scenario defaults overridden by `params`. */
export function committee(n: number, params: Partial<BftConfig> = {}): BftReplica[] {
  // The pump's fixed delays are LAN-like, so the tests use LAN-sized timeouts rather than the WAN defaults.
  const p = BftParams.parse({ type: 'bft', phaseTimeoutMs: 2000, viewChangeTimeoutMs: 4000, ...params });
  const cpu = Cpu.parse({});
  const members = Array.from({ length: n }, (_, i) => i);
  return members.map((self) => new BftReplica({ self, members, shard: 0, params: p, cpu, txSizeBytes: TX_BYTES }));
}

export function pumpOf(replicas: BftReplica[], opts: PumpOptions = {}): Pump<BftMsg, BftTimer> {
  const pump = new Pump<BftMsg, BftTimer>(replicas, opts);
  pump.startAll(0);
  return pump;
}

/** Five client batches of `size` transactions each, ids 0 .. 5·size−1, handed to `node` from `startUs` on. */
export function sendBatches(pump: Pump<BftMsg, BftTimer>, node: number, size: number, startUs: number): TxSet[] {
  const batches: TxSet[] = [];
  for (let i = 0; i < 5; i++) {
    const txs = txSetOf([i * size, (i + 1) * size]);
    batches.push(txs);
    pump.inject(node, { kind: 'txs', txs }, startUs + i * 300_000);
  }
  return batches;
}

/** How many times each tx id reached `level`, over ids 0..total−1. */
export function commitCounts(pump: Pump<BftMsg, BftTimer>, level: 'confirm' | 'final', total: number): Uint32Array {
  const counts = new Uint32Array(total);
  for (const c of pump.commits) {
    if (c.level !== level) continue;
    const r = c.txs.ranges;
    for (let i = 0; i < r.length; i += 2) for (let tx = r[i]!; tx < r[i + 1]!; tx++) counts[tx]!++;
  }
  return counts;
}

export function tracesOf(pump: Pump<BftMsg, BftTimer>, type: string) {
  return pump.traces.filter((t) => t.event.type === type);
}
