import { RngRoot } from '../../../kernel/rng.js';
import { ScenarioSchema } from '../../../scenario/schema.js';
import type { ScenarioInput } from '../../../scenario/schema.js';
import type { ProtocolEnv } from '../../types.js';
import { txSetOf } from '../../types.js';
import { Pump } from '../../testing/pump.js';
import type { PumpOptions } from '../../testing/pump.js';
import type { ChainInstance, ChainMsg, ChainTimer } from '../index.js';

export const S = 1_000_000;

export function envOf(nodes: number, protocol: ScenarioInput['protocol'], seed = 1): ProtocolEnv {
  const scenario = ScenarioSchema.parse({ name: 't', durationSeconds: 60, nodes, seed, protocol });
  const rng = new RngRoot(scenario.seed);
  return { scenario, nodeCount: nodes, regionOf: new Int32Array(nodes), stream: (n) => rng.stream(n), rng };
}

export function pumpOf(inst: ChainInstance, opts: PumpOptions = {}): Pump<ChainMsg, ChainTimer> {
  const pump = new Pump<ChainMsg, ChainTimer>(inst.nodes, opts);
  pump.startAll(0);
  return pump;
}

/** Client batches of `size` ids every `everyUs` from `fromUs` to `toUs`, each at the instance's entry node. */
export function offer(pump: Pump<ChainMsg, ChainTimer>, inst: ChainInstance, size: number, everyUs: number, fromUs: number, toUs: number): number {
  let next = 0;
  for (let t = fromUs; t < toUs; t += everyUs) {
    const txs = txSetOf([next, next + size]);
    next += size;
    pump.inject(inst.entryNode(txs, t), { kind: 'txs', txs }, t);
  }
  return next;
}

export function proposals(pump: Pump<ChainMsg, ChainTimer>) {
  return pump.traces
    .filter((t) => t.event.type === 'block.propose')
    .map((t) => ({ t: t.t, node: t.node, height: t.event['height'] as number, slot: t.event['view'] as number, txCount: t.event['txCount'] as number }));
}

/** How often each id 0..total−1 reached `level`. */
export function counts(pump: Pump<ChainMsg, ChainTimer>, level: 'confirm' | 'final', total: number): Uint32Array {
  const c = new Uint32Array(total);
  for (const x of pump.commits) {
    if (x.level !== level) continue;
    const r = x.txs.ranges;
    for (let i = 0; i < r.length; i += 2) for (let id = r[i]!; id < r[i + 1]!; id++) c[id]!++;
  }
  return c;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
