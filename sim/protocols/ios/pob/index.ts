/**
 * Proof-of-Believability for one shard (whitepaper "Consensus Mechanism"; DESIGN §6.6). README.md in this
 * folder describes the model, the API a composite IOS node uses, the local notes and the simplifications.
 */
export { ShardLeagues } from './shard.js';
export type { ShardLeaguesConfig } from './shard.js';
export { BelievableNode } from './believable.js';
export type { BelievableConfig } from './believable.js';
export { NormalNode } from './normal.js';
export type { NormalConfig } from './normal.js';
export { MIN_NORMAL_LEAGUE, planLeagues } from './league.js';
export type { LeaguePlan } from './league.js';
export { ServiLedger, believabilityScores, selectBelievable } from './score.js';
export type { PobParams, PobWeights, ValidatorRecord } from './score.js';
export { binomialFromUniform, detectionProbability } from './sampling.js';
export type { SamplingMode } from './sampling.js';
export { MergeSource } from './source.js';
export { SampleValidator } from './validator.js';
export type { FraudProof } from './validator.js';
export { ShardHarness } from './harness.js';
export type { LocalNote } from './harness.js';
export { PobSizes, partKey } from './types.js';
export type { LeagueMode, MsbHeaderItem, OptimisticBlock, PobBlockMeta, PobLocal, PobMsg, PobOwnMsg, PobShardContext, PobTimer } from './types.js';
