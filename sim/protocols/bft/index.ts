import { NO_EFFECTS } from '../types.js';
import type { NodeId, ProtocolDefinition, ProtocolEnv, ProtocolInstance, ProtocolNode } from '../types.js';
import type { BftMsg, BftTimer } from './messages.js';
import { BftReplica } from './replica.js';
import { CommitteeCache } from './tree.js';

/**
 * The single-committee BFT protocol (`protocol.type = "bft"`): nodes 0 … committeeSize−1 (default all)
 * run ByzCoin-style consensus in shard 0; other nodes are inert. Client batches go to the leader of the
 * highest view any replica has installed; if that node has crashed the host drops the batch.
 */

export { BftReplica } from './replica.js';
export type { BftReplicaConfig, BftStats, CommittedBlock } from './replica.js';
export type { BftMsg, BftTimer, BlockRef, Phase, RoundKey, Topology } from './messages.js';
export { WireSizes } from './messages.js';
export { Committee, CommitteeCache, CosiGraph } from './tree.js';
export { Mempool } from './mempool.js';
// Hooks for composite protocols (IOS's normal league); unused by `protocol.type = "bft"`.
export { MempoolSource, committedEvent, reconfigBytes, rotateToLead } from './extensions.js';
export type { BftCommitted, BlockSource, BlockValidator, Evidence, SourceBlock } from './extensions.js';
export { ReconfigurableReplica } from './reconfig.js';
export type { BftReconfigured, GenMsg, GenTimer, ReconfigurableConfig } from './reconfig.js';

/** A node outside the committee: it ignores every input. */
export const inertNode: ProtocolNode<BftMsg, BftTimer> = { step: () => NO_EFFECTS };

export function createBftInstance(env: ProtocolEnv): ProtocolInstance<BftMsg, BftTimer> & { readonly replicas: readonly BftReplica[] } {
  const params = env.scenario.protocol;
  if (params.type !== 'bft') throw new Error(`bft: scenario protocol is "${params.type}"`);
  const size = Math.min(params.committeeSize ?? env.nodeCount, env.nodeCount);
  const members: NodeId[] = Array.from({ length: size }, (_, i) => i);
  const committees = new CommitteeCache();
  const replicas = members.map(
    (self) =>
      new BftReplica({ self, members, shard: 0, params, cpu: env.scenario.cpu, txSizeBytes: env.scenario.workload.txSizeBytes, committees }),
  );
  const nodes: ProtocolNode<BftMsg, BftTimer>[] = [];
  for (let i = 0; i < env.nodeCount; i++) nodes.push(replicas[i] ?? inertNode);
  return {
    name: 'bft',
    nodes,
    replicas,
    shards: 1,
    entryNode() {
      let view = 0;
      for (const r of replicas) if (r.view > view) view = r.view;
      return members[view % members.length] ?? -1;
    },
  };
}

export const bftProtocol: ProtocolDefinition = {
  name: 'bft',
  create: (env) => createBftInstance(env) as ProtocolInstance<unknown, unknown>,
};
