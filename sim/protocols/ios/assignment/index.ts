/** Shard assignment for IOS (whitepaper "Efficient Distributed Sharding" step 6; DESIGN §6.4). */
export { keyedStream, keyedPermutation, permutationAssignment, bucketsOf, swapBatches } from './permutation.js';
export { sortitionAssignment, binomialInverse, binomialPmf } from './sortition.js';
export type { SortitionResult } from './sortition.js';
export { stakes, totalStake } from './stakes.js';
