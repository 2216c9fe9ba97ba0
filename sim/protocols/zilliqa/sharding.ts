import type { NodeId } from '../types.js';

/**
 * What the DS leader writes into a DS block (Zilliqa whitepaper §IV "Network layer: sharding"; Zilliqa
 * DirectoryService::ComputeDSBlockParameters, InjectPoWForDSNode, ComputeSharding): the DS committee for
 * the new DS epoch (FIFO), and the shards cut from the PoW submissions that arrived within the window.
 * Pure functions: the same inputs give the same plan at every node.
 */

export type Role = 'ds' | 'shard' | 'none';

/** One accepted PoW submitter: when its first solution and its DS-difficulty solution (if any) arrived. */
export interface Accepted {
  readonly node: NodeId;
  readonly arriveUs: number;
  /** Arrival of a solution that met the DS difficulty; Infinity without one. */
  readonly dsArriveUs: number;
}

export interface ShardingRules {
  readonly shardSize: number;
  readonly toleranceLo: number;
  readonly toleranceHi: number;
  readonly dsElection: number;
  readonly maxShardNodes?: number | undefined;
}

/** The agreed content of DS block `epoch`. */
export interface EpochPlan {
  readonly epoch: number;
  /** The DS committee, newest member first (FIFO: the oldest, at the end, leave first). */
  readonly dsCommittee: readonly NodeId[];
  readonly dsJoined: readonly NodeId[];
  /** Oldest members that left the committee; they are injected into the sharding (InjectPoWForDSNode). */
  readonly dsLeft: readonly NodeId[];
  /** Each shard's members in sharding order; position 0 leads view 0. */
  readonly shards: readonly (readonly NodeId[])[];
  /** Submitters that arrived within the window, and those the composer heard of after it. */
  readonly accepted: readonly NodeId[];
  readonly late: readonly NodeId[];
  /** Accepted (or injected) but left out by the shard counts (GenerateShardCounts' remainder). */
  readonly unsharded: readonly NodeId[];
  /** Shard of every node, −1 outside the shards (DS members and the rest). */
  readonly shardOf: Int32Array;
  readonly roleOf: readonly Role[];
}

/**
 * Shard sizes for `n` nodes: ShardSizeCalculator::GenerateShardCounts (Zilliqa/Zilliqa src/libUtils). As
 * many full shards of `shardSize` as fit; a remainder of at least shardSize − toleranceLo forms one more
 * shard; a smaller one is spread over the shards, at most toleranceHi each, and what is still left is not
 * sharded. Fewer than shardSize − toleranceLo nodes give no shard at all.
 */
export function shardCounts(shardSize: number, toleranceLo: number, toleranceHi: number, n: number): number[] {
  const lo = shardSize - toleranceLo;
  const hi = shardSize + toleranceHi;
  if (n < lo) return [];
  const full = Math.floor(n / shardSize);
  const counts: number[] = full === 0 ? [0] : new Array<number>(full).fill(shardSize);
  let rest = n - full * shardSize;
  if (rest === n) counts[0] = rest;
  else if (rest < lo) {
    for (let i = 0; i < counts.length && rest > 0; i++) {
      const add = Math.min(hi - counts[i]!, rest);
      counts[i]! += add;
      rest -= add;
    }
  } else counts.push(rest);
  return counts;
}

/**
 * The plan of DS epoch `epoch`.
 *
 * - **DS election, FIFO** (whitepaper §IV-A; DS MIMO in Zilliqa's directory-service docs): up to
 *   `dsElection` submitters whose DS-difficulty solution arrived in time join, earliest first; as many of the
 *   oldest members leave. (The implementation ranks DS solutions by PoW hash; the whitepaper and DESIGN §7
 *   say first come, which is what we do.) The joiners are not sharded; the leavers are injected into the
 *   sharding without a PoW, as InjectPoWForDSNode does.
 * - **Sharding** (ComputeSharding): candidates ordered by `sortKey` (Zilliqa: H(last block hash, PoW
 *   hash), i.e. a hash order), capped at `maxShardNodes`, cut in order into the `shardCounts` sizes.
 */
export function composePlan(
  epoch: number,
  nodeCount: number,
  previousCommittee: readonly NodeId[],
  accepted: readonly Accepted[],
  late: readonly NodeId[],
  rules: ShardingRules,
  sortKey: (node: NodeId) => number,
): EpochPlan {
  const dsCandidates = accepted.filter((a) => a.dsArriveUs !== Infinity).sort((a, b) => a.dsArriveUs - b.dsArriveUs || a.node - b.node);
  const joined = dsCandidates.slice(0, Math.min(rules.dsElection, previousCommittee.length)).map((a) => a.node);
  const stay = previousCommittee.length - joined.length;
  const dsLeft = previousCommittee.slice(stay);
  const dsCommittee = [...joined, ...previousCommittee.slice(0, stay)];
  const isJoined = new Set(joined);
  const candidates = [...accepted.filter((a) => !isJoined.has(a.node)).map((a) => a.node), ...dsLeft];
  const keys = new Map(candidates.map((v) => [v, sortKey(v)] as const));
  candidates.sort((a, b) => keys.get(a)! - keys.get(b)! || a - b);
  const cap = rules.maxShardNodes ?? Infinity;
  const counts = shardCounts(rules.shardSize, rules.toleranceLo, rules.toleranceHi, Math.min(cap, candidates.length));
  const shards: NodeId[][] = [];
  let next = 0;
  for (const c of counts) {
    shards.push(candidates.slice(next, next + c));
    next += c;
  }
  const unsharded = candidates.slice(next);
  const shardOf = new Int32Array(nodeCount).fill(-1);
  const roleOf: Role[] = new Array<Role>(nodeCount).fill('none');
  shards.forEach((members, s) => {
    for (const v of members) {
      shardOf[v] = s;
      roleOf[v] = 'shard';
    }
  });
  for (const v of dsCommittee) roleOf[v] = 'ds';
  return {
    epoch,
    dsCommittee,
    dsJoined: joined,
    dsLeft,
    shards,
    accepted: accepted.map((a) => a.node),
    late,
    unsharded,
    shardOf,
    roleOf,
  };
}

/** The roles before the first DS block: the genesis DS committee, everyone else outside. */
export function genesisRoles(nodeCount: number, committee: readonly NodeId[]): Role[] {
  const roles: Role[] = new Array<Role>(nodeCount).fill('none');
  for (const v of committee) roles[v] = 'ds';
  return roles;
}

/**
 * Who forwards a DS block or final block to whom. Every node outside `committee` (ascending ids, index i)
 * gets `copies` copies, from committee positions (i + j·⌊d/copies⌋) mod d for j = 0 … copies − 1, so a
 * crashed DS member costs its slice one copy, not the block (Zilliqa: the DS committee sends blocks to
 * every shard through several members). Returns the targets of each committee position.
 */
export function forwardSlices(committee: readonly NodeId[], nodeCount: number, copies: number): NodeId[][] {
  const d = committee.length;
  const slices: NodeId[][] = Array.from({ length: d }, () => []);
  if (d === 0) return slices;
  const inCommittee = new Uint8Array(nodeCount);
  for (const v of committee) inCommittee[v] = 1;
  const c = Math.min(copies, d);
  const stride = Math.max(1, Math.floor(d / c));
  let i = 0;
  for (let v = 0; v < nodeCount; v++) {
    if (inCommittee[v] === 1) continue;
    for (let j = 0; j < c; j++) slices[(i + j * stride) % d]!.push(v);
    i++;
  }
  return slices;
}
