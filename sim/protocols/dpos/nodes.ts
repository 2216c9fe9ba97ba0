import type { ProtocolEnv } from '../types.js';
import { ChainRecorder, ProducerChainNode, type ChainBlock, type ChainRules, type ProducerChainConfig } from './chain.js';

/** The relay and size parameters DPoS and IOST mainnet share (scenario `protocol` fields of the same name). */
export type ChainWireParams = Pick<
  ProducerChainConfig,
  'maxBlockBytes' | 'headerBytes' | 'signatureBytes' | 'txRelay' | 'gossipToAllNodes' | 'blockRelay'
>;

/**
 * One slot-scheduled chain node per network node, sharing one reporting-only recorder. `rotating` says
 * whether the schedule can change during the run (IOST's re-election) or is fixed (this DPoS model).
 */
export function buildChainNodes(
  env: ProtocolEnv,
  params: ChainWireParams,
  rules: ChainRules,
  genesis: ChainBlock,
  rotating: boolean,
): { chainNodes: ProducerChainNode[]; recorder: ChainRecorder } {
  const recorder = new ChainRecorder();
  const chainNodes: ProducerChainNode[] = [];
  for (let self = 0; self < env.nodeCount; self++) {
    chainNodes.push(
      new ProducerChainNode({
        self,
        nodeCount: env.nodeCount,
        rules,
        genesis,
        cpu: env.scenario.cpu,
        txSizeBytes: env.scenario.workload.txSizeBytes,
        maxBlockBytes: params.maxBlockBytes,
        headerBytes: params.headerBytes,
        signatureBytes: params.signatureBytes,
        txRelay: params.txRelay,
        gossipToAllNodes: params.gossipToAllNodes,
        blockRelay: params.blockRelay,
        recorder,
        rotating,
      }),
    );
  }
  return { chainNodes, recorder };
}
