import { createHash } from 'node:crypto';
import { RngStream } from '../../../kernel/rng.js';
import type { NodeId } from '../../types.js';

/**
 * Node-to-shard assignment from the epoch randomness (whitepaper "Efficient Distributed Sharding",
 * "Algorithm - Leader Election with Back-up Protocol" step 6: "Each i can use rnd_e to compute a permutation
 * and divide the result into m buckets with same size"), and TransEpoch's swap batches (whitepaper
 * "Node-to-shard Transition Assignment Algorithm - TransEpoch" step 2).
 *
 * A hash decides these outcomes (DESIGN §4), so they are computed, not modelled: the permutation is a
 * Fisher–Yates shuffle driven by an xor128 stream seeded with sha256(label ‖ rnd). It depends only on rnd
 * and the label — never on the simulation seed or on any stream's history — so every node that knows rnd_e
 * computes the same permutation, as the protocol requires. One hash and n draws per permutation.
 */

/** A stream keyed by (label, rnd): the same numbers for the same key, on every node and in every run. */
export function keyedStream(label: string, rnd: string | number): RngStream {
  const material = createHash('sha256').update(`${label}\u0000${String(rnd)}`).digest('hex');
  return new RngStream(label, material);
}

/** The validators in ascending id order (a canonical input, so the caller's list order does not matter). */
function canonical(nodes: readonly NodeId[]): NodeId[] {
  const out = nodes.slice();
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]! > out[i]!) {
      out.sort((a, b) => a - b);
      break;
    }
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1] === out[i]) throw new Error(`assignment: node ${out[i]} listed twice`);
  }
  return out;
}

/** `nodes` permuted by the keyed permutation of (label, rnd). */
export function keyedPermutation(nodes: readonly NodeId[], rnd: string | number, label: string): NodeId[] {
  return keyedStream(label, rnd).shuffle(canonical(nodes));
}

/**
 * EDS step 6: permute `validators` with rnd_e and cut the permutation into m buckets whose sizes differ by
 * at most one (position i of n goes to bucket ⌊i·m/n⌋). Returns shardOf indexed by node id, of length
 * `nodeCount` (default: the largest id + 1); nodes that are not validators get -1.
 */
export function permutationAssignment(
  validators: readonly NodeId[],
  rnd: string | number,
  m: number,
  nodeCount?: number,
  label = 'eds:permutation',
): Int32Array {
  const n = validators.length;
  if (!Number.isInteger(m) || m < 1) throw new Error(`permutationAssignment: m must be a positive integer, got ${m}`);
  if (m > n) throw new Error(`permutationAssignment: ${m} buckets for ${n} validators`);
  const order = keyedPermutation(validators, rnd, label);
  const size = nodeCount ?? (n === 0 ? 0 : order.reduce((a, b) => Math.max(a, b), 0) + 1);
  const shardOf = new Int32Array(size).fill(-1);
  for (let i = 0; i < n; i++) shardOf[order[i]!] = Math.floor((i * m) / n);
  return shardOf;
}

/** Members of each bucket of a shardOf array, in ascending node order. */
export function bucketsOf(shardOf: Int32Array, m: number): NodeId[][] {
  const out: NodeId[][] = Array.from({ length: m }, () => []);
  for (let v = 0; v < shardOf.length; v++) {
    const s = shardOf[v]!;
    if (s >= 0) out[s]!.push(v);
  }
  return out;
}

/**
 * TransEpoch step 2: "Use s_{j,rnd_e} and s_{0,rnd_e} to get the permutation π_{j,e} and π_{0,e} and divide
 * nodes into buckets of size k". `seedLabel` names the seed: the shard index j for the current members
 * of shard j, 0 (or 'joiners') for newly joined nodes — the caller's choice, as long as all nodes agree.
 * Returns the batches in order; all have k nodes except possibly the last.
 */
export function swapBatches(nodes: readonly NodeId[], k: number, rnd: string | number, seedLabel: string | number): NodeId[][] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`swapBatches: k must be a positive integer, got ${k}`);
  const order = keyedPermutation(nodes, rnd, `transepoch:pi:${String(seedLabel)}`);
  const out: NodeId[][] = [];
  for (let i = 0; i < order.length; i += k) out.push(order.slice(i, i + k));
  return out;
}
