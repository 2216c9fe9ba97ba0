import type { NodeId, ProtocolDefinition, ProtocolEnv, ProtocolInstance, TxSet } from '../types.js';
import { ChainRecorder, ProducerChainNode, eosAdvance, genesisBlock } from './chain.js';
import type { ChainMsg, ChainRules, ChainTimer } from './chain.js';
import { castVotes, drawStakes, topByVotes } from './election.js';
import { buildChainNodes } from './nodes.js';

/**
 * EOS DPoS (`protocol.type = "dpos"`; EOSIO whitepaper v2, eosio 1.x/2.0). Every node is a voter and a
 * candidate; the top `producers` (21) by stake-weighted approval votes form a static schedule sorted by
 * node id (eosio sorts by producer name); each producer makes `blocksPerProducer` (12) consecutive 0.5 s
 * blocks; slot s belongs to schedule[⌊s/12⌋ mod 21]. Finality is eosio's two-stage LIB (or one-stage).
 * The chain machinery is shared with iost-mainnet (chain.ts). README.md in this folder has the details.
 */

export { ChainRecorder, ProducerChainNode, distinctQuorum, eosAdvance, genesisBlock, quorumOf } from './chain.js';
export type { ChainBlock, ChainMsg, ChainRules, ChainTimer, HeaderState, ProducerChainConfig } from './chain.js';
export { castVotes, drawStakes, topByVotes } from './election.js';
export type { StakeParams } from './election.js';
export { RangeSet } from './rangeset.js';

export interface ChainInstance extends ProtocolInstance<ChainMsg, ChainTimer> {
  readonly chainNodes: readonly ProducerChainNode[];
  readonly recorder: ChainRecorder;
  /** The initial schedule. */
  readonly schedule: readonly NodeId[];
  /** Finality lag (head − LIB, blocks) sampled at every produced block, for summary.finalityLagBlocks. */
  finalityLagBlocks(): number[];
}

/** Client batches enter at a node picked by the batch's first id (an API node), which relays them. */
export function entryByFirstId(txs: TxSet, nodeCount: number): NodeId {
  const first = txs.ranges[0] ?? 0;
  return first % nodeCount;
}

export function createDposInstance(env: ProtocolEnv): ChainInstance {
  const params = env.scenario.protocol;
  if (params.type !== 'dpos') throw new Error(`dpos: scenario protocol is "${params.type}"`);
  const n = env.nodeCount;
  const stakes = drawStakes(n, params.stake, env.stream('dpos:stake'));
  const votes = castVotes(stakes, params.maxVotesPerVoter, env.stream('dpos:votes'));
  const schedule = topByVotes(votes, params.producers);
  const twoStage = params.finality === 'two-stage';
  const rules: ChainRules = {
    blockIntervalUs: Math.round(params.blockIntervalMs * 1000),
    blocksPerTurn: params.blocksPerProducer,
    advance: (parent, producer, height) => eosAdvance(parent, producer, height, twoStage),
  };
  const genesis = genesisBlock(schedule);
  const { chainNodes, recorder } = buildChainNodes(env, params, rules, genesis, false);
  return {
    name: 'dpos',
    nodes: chainNodes,
    chainNodes,
    recorder,
    schedule,
    shards: 1,
    entryNode: (txs) => entryByFirstId(txs, n),
    finalityLagBlocks: () => recorder.lagBlocks,
  };
}

export const dposProtocol: ProtocolDefinition = {
  name: 'dpos',
  create: (env) => createDposInstance(env) as ProtocolInstance<unknown, unknown>,
};
