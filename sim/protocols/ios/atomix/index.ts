/**
 * Atomix, the cross-shard atomic commit of OmniLedger (S&P 2018, §IV-D) that IOS adopts (whitepaper
 * "Inter-Shard Transactions"; DESIGN §6.7), as range-granular state machines. README.md in this folder
 * describes how a composite wires it in, the sizes, the costs and every simplification.
 */
export { AtomixClient } from './client.js';
export type { AtomixClientConfig, AtomixClientStats, AtomixDeliver } from './client.js';
export { AtomixInputShard, newAtomixInputSets } from './input.js';
export type { AtomixInputSets, AtomixInputShardConfig, AtomixInputStats, BlockCert } from './input.js';
export { AtomixOutputShard, creditPerTx, newAtomixOutputSets, quorumOf } from './output.js';
export type { AtomixCommitPart, AtomixOutputSets, AtomixOutputShardConfig, AtomixOutputStats } from './output.js';
export { RouteSets } from './route-sets.js';
export { AtomixInvariants } from './invariants.js';
export type { AtomixOutcome, InvariantName, Violation } from './invariants.js';
export type { AtomixBook, AtomixObserver } from './observer.js';
export { AtomixSizes, ENVELOPE_BYTES, RANGE_BYTES } from './messages.js';
export type { AtomixEffect, AtomixMsg, AtomixTimer, ProofRef } from './messages.js';
export { SegmentTable, forEachAlwaysRejected, forEachCoinRun, isCrossShard } from './facts.js';
export type { CrossShardFacts, FactSegment, SegmentSpec } from './facts.js';
export { IntervalSet, RangeMap, countOf, normalize } from '../../../workload/ranges.js';
