import { RngRoot } from '../../kernel/rng.js';
import { Network as NetworkSchema, type NetworkConfig } from '../../scenario/schema.js';
import { Network } from '../index.js';

/** A network config with the scenario defaults (SimBlock 2019 tables) and the given overrides. */
export function netConfig(overrides: Record<string, unknown> = {}): NetworkConfig {
  return NetworkSchema.parse(overrides);
}

export function makeNetwork(nodes: number, overrides: Record<string, unknown> = {}, seed = 1): Network {
  return new Network(netConfig(overrides), nodes, new RngRoot(seed));
}

/** The first `count` nodes placed in region `region`. */
export function nodesIn(net: Network, region: string, count = 1): number[] {
  const r = net.regionNames.indexOf(region);
  const found: number[] = [];
  for (let v = 0; v < net.nodeCount && found.length < count; v++) if (net.regionOf[v] === r) found.push(v);
  if (found.length < count) throw new Error(`only ${found.length} nodes in ${region}`);
  return found;
}
