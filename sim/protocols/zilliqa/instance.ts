import type { NodeId, ProtocolEnv, ProtocolInstance, TxSet } from '../types.js';
import type { ZilEnvelope, ZilTimerEnvelope } from './messages.js';
import { ZilliqaNode } from './node.js';
import { ZilliqaWorld } from './world.js';

export type ZilliqaInstance = ProtocolInstance<ZilEnvelope, ZilTimerEnvelope> & {
  readonly world: ZilliqaWorld;
  readonly zilNodes: readonly ZilliqaNode[];
};

/**
 * Zilliqa-style PoW sharding (DESIGN §7; README.md in this folder): every node is a ZilliqaNode; `shards`
 * is the latest DS block's shard count (before the first one, what the sharding would give if every
 * non-DS node joined).
 */
export function createZilliqaInstance(env: ProtocolEnv): ZilliqaInstance {
  const world = new ZilliqaWorld(env);
  const zilNodes = Array.from({ length: env.nodeCount }, (_, i) => new ZilliqaNode(i, world));
  return {
    name: 'zilliqa',
    nodes: zilNodes,
    zilNodes,
    world,
    get shards() {
      return world.shardCount;
    },
    entryNode: (txs) => entryNode(world, txs),
  };
}

/**
 * Where a client batch goes (Zilliqa: a transaction is processed by its sender's shard; lookups pass it on):
 * to the current leader of that shard under the latest DS block (whole-run view, as bft's entryNode), who
 * pools it until its next TX epoch. Before the first DS block, and while the latest one formed no shard, to
 * the DS leader, who holds it until a DS block names the leaders (node.ts reroutePool).
 */
export function entryNode(world: ZilliqaWorld, txs: TxSet): NodeId {
  const plan = world.latest;
  if (!plan || plan.shards.length === 0 || txs.count === 0) return world.dsLeader;
  const shard = world.shardOfTx(txs.ranges[0]!, plan.shards.length);
  return world.shardLeader(plan.epoch, shard);
}
