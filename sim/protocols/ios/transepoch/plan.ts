import type { Micros } from '../../../kernel/time.js';
import { swapBatches } from '../assignment/permutation.js';

/**
 * TransEpoch (whitepaper §"Node-to-shard Transition Assignment Algorithm - TransEpoch", after OmniLedger
 * §IV-C): validators whose shard changes at an epoch boundary move in batches of k, each batch waiting Δ
 * before it swaps, so that at least 2/3 of every shard keeps running consensus and the shard never idles.
 *
 * The paper writes k = log(n/m) without a base and m for "the size of each shard" in its inputs but uses
 * n/m as a shard count in k's formula's spirit (OmniLedger: log(n/m) swaps per shard). We take n/m as the
 * shard size (validators per shard), the base as a scenario parameter (default 2), and round to the
 * nearest integer, at least 1.
 */
export function swapBatchSize(nodes: number, shards: number, logBase: number): number {
  const shardSize = nodes / shards;
  return Math.max(1, Math.round(Math.log(shardSize) / Math.log(logBase)));
}

export interface Move {
  readonly node: number;
  readonly fromShard: number;
  readonly toShard: number;
  /** Batch index within the source shard (0-based). */
  readonly batch: number;
  /** When the node leaves its old shard and starts bootstrapping in the new one. */
  readonly startUs: Micros;
}

export interface TransEpochPlan {
  readonly epoch: number;
  readonly k: number;
  readonly moves: readonly Move[];
  /** Batches each source shard needs; the transition lasts (max batches) · Δ plus the last bootstrap. */
  readonly batchesPerShard: readonly number[];
  /**
   * The distinct batch start times, ascending, and where each one's moves begin in `moves` (one more entry
   * at the end): every node arms a timer per start and reads only that batch's moves (at 10,000 nodes a
   * scan of all 9,375 moves per node and batch was 6.6·10⁹ steps per transition).
   */
  readonly starts: readonly Micros[];
  readonly startIndex: readonly number[];
  /**
   * The same moves grouped by batch start, then by source shard: the moves of start a from shard s are
   * plan.moves[bySource[i]] for i in [sourceIndex[a·m + s], sourceIndex[a·m + s + 1]). A node follows only
   * the shards it serves (~1/16 of each batch at paper scale).
   */
  readonly bySource: Int32Array;
  readonly sourceIndex: Int32Array;
  /** Index in `moves` of each node's move, −1 for a node that stays. */
  readonly moveOf: Int32Array;
}

/** The position of `startUs` in plan.starts, −1 if no batch starts then. */
export function startNumber(plan: TransEpochPlan, startUs: Micros): number {
  let a = 0;
  let b = plan.starts.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (plan.starts[mid]! < startUs) a = mid + 1;
    else b = mid;
  }
  return a === plan.starts.length || plan.starts[a] !== startUs ? -1 : a;
}

/** Indices in plan.moves of the moves from `shard` whose batch is start number `a`, in node order. */
export function movesFrom(plan: TransEpochPlan, a: number, shard: number): Int32Array {
  const m = plan.batchesPerShard.length;
  return plan.bySource.subarray(plan.sourceIndex[a * m + shard]!, plan.sourceIndex[a * m + shard + 1]!);
}


/**
 * Plan the swaps of epoch `epoch`. For each source shard j the movers are ordered by the permutation
 * π_{j,e} seeded from rnd_e, so every node computes the same order, and cut
 * into buckets of k (assignment/permutation.ts swapBatches, seeded by (rnd_e, j)); bucket b starts at epochStart + (b + 1)·Δ ("each batch waits Δ and then starts the swap").
 * New validators joining the system would use π_{0,e}; this model has a fixed validator set, so none do.
 */
export function planTransEpoch(
  epoch: number,
  oldShardOf: Int32Array,
  newShardOf: Int32Array,
  shards: number,
  k: number,
  deltaUs: Micros,
  epochStartUs: Micros,
  rnd: string,
): TransEpochPlan {
  const moversOf: number[][] = Array.from({ length: shards }, () => []);
  for (let v = 0; v < oldShardOf.length; v++) {
    const from = oldShardOf[v]!;
    const to = newShardOf[v]!;
    if (from >= 0 && to >= 0 && from !== to) moversOf[from]!.push(v);
  }
  const moves: Move[] = [];
  const batchesPerShard = moversOf.map((movers, j) => {
    const batches = swapBatches(movers, k, rnd, j);
    batches.forEach((nodes, batch) => {
      for (const v of nodes) {
        moves.push({ node: v, fromShard: j, toShard: newShardOf[v]!, batch, startUs: epochStartUs + (batch + 1) * deltaUs });
      }
    });
    return batches.length;
  });
  moves.sort((a, b) => a.startUs - b.startUs || a.node - b.node);
  const starts: Micros[] = [];
  const startIndex: number[] = [];
  moves.forEach((m, i) => {
    if (i === 0 || m.startUs !== moves[i - 1]!.startUs) {
      starts.push(m.startUs);
      startIndex.push(i);
    }
  });
  startIndex.push(moves.length);
  // Counting sort of each start's moves by source shard; moves are in node order within a start, and stay so.
  const sourceIndex = new Int32Array(starts.length * shards + 1);
  const bySource = new Int32Array(moves.length);
  const moveOf = new Int32Array(oldShardOf.length).fill(-1);
  let a = -1;
  moves.forEach((m, i) => {
    if (i === startIndex[a + 1]) a++;
    moveOf[m.node] = i;
    sourceIndex[a * shards + m.fromShard + 1]!++;
  });
  for (let i = 1; i < sourceIndex.length; i++) sourceIndex[i]! += sourceIndex[i - 1]!;
  const next = sourceIndex.slice(0, -1);
  for (let b = 0; b < starts.length; b++) {
    for (let i = startIndex[b]!; i < startIndex[b + 1]!; i++) bySource[next[b * shards + moves[i]!.fromShard]!++] = i;
  }
  return { epoch, k, moves, batchesPerShard, starts, startIndex, bySource, sourceIndex, moveOf };
}

/**
 * Voting members of each shard over time, assuming every joiner bootstraps within `bootstrapUs(move)`:
 * a node votes in its old shard until its batch starts and in its new shard once bootstrapped. Returns
 * the minimum over the transition of (voting members / shard size before the transition), per shard.
 * TransEpoch's safety claim is that this stays ≥ 2/3.
 */
export function minVotingFraction(
  plan: TransEpochPlan,
  oldShardOf: Int32Array,
  shards: number,
  bootstrapUs: (m: Move) => Micros,
): number[] {
  const size = new Array<number>(shards).fill(0);
  for (const s of oldShardOf) if (s >= 0) size[s]!++;
  const deltas: { t: Micros; shard: number; d: number }[] = [];
  for (const m of plan.moves) {
    deltas.push({ t: m.startUs, shard: m.fromShard, d: -1 });
    deltas.push({ t: m.startUs + bootstrapUs(m), shard: m.toShard, d: +1 });
  }
  // Leaves before joins at the same instant: the pessimistic order.
  deltas.sort((a, b) => a.t - b.t || a.d - b.d);
  const voting = [...size];
  const minFrac = size.map(() => 1);
  for (const x of deltas) {
    voting[x.shard]! += x.d;
    const f = voting[x.shard]! / Math.max(1, size[x.shard]!);
    if (f < minFrac[x.shard]!) minFrac[x.shard] = f;
  }
  return minFrac;
}
