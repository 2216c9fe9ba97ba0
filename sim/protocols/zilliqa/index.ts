/**
 * Zilliqa-style PoW sharding (`protocol.type = "zilliqa"`; Zilliqa technical whitepaper v0.1, 2017, and the
 * Zilliqa/Zilliqa implementation's constants). README.md in this folder has the model and its sources.
 */
import type { ProtocolDefinition, ProtocolInstance } from '../types.js';
import { createZilliqaInstance } from './instance.js';

export { createZilliqaInstance, entryNode } from './instance.js';
export type { ZilliqaInstance } from './instance.js';
export { ZilliqaNode } from './node.js';
export { ZilliqaWorld } from './world.js';
export { DsSource, DsValidator } from './ds.js';
export type { DsMeta } from './ds.js';
export { MicroblockSource, ShardMembership } from './shard.js';
export { composePlan, forwardSlices, shardCounts } from './sharding.js';
export type { Accepted, EpochPlan, Role, ShardingRules } from './sharding.js';
export { drawHashPower, solveTimes } from './pow.js';
export { ZilSizes } from './messages.js';
export type { ZilEnvelope, ZilMsg, ZilTimer, ZilTimerEnvelope } from './messages.js';

export const zilliqaProtocol: ProtocolDefinition = {
  name: 'zilliqa',
  create: (env) => createZilliqaInstance(env) as ProtocolInstance<unknown, unknown>,
};
