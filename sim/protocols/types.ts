import type { TreeCastSpec, TreeRoundSpec } from './tree-round.js';
import type { Micros } from '../kernel/time.js';
import type { RngRoot, RngStream } from '../kernel/rng.js';
import type { Scenario } from '../scenario/schema.js';
import type { TxBook } from '../workload/book.js';
import type { Workload } from '../workload/workload.js';

/**
 * The one interface every protocol implements (DESIGN §4, after etcd-io/raft's Step): a protocol node is
 * a deterministic state machine. It never sees the kernel, the network or the trace writer; it gets an
 * Input and returns Effects, and one host executes them. A unit test can pump it in memory.
 */

export type NodeId = number;

/**
 * Transactions are integers (ids into the workload's typed arrays). A set of them travels as a flat list
 * of half-open ranges [start0, end0, start1, end1, ...], so a block of 10,000 transactions is a few numbers.
 */
export interface TxSet {
  readonly ranges: readonly number[];
  readonly count: number;
}

export type Input<M, T> =
  | { readonly kind: 'start' }
  | { readonly kind: 'message'; readonly from: NodeId; readonly msg: M }
  | { readonly kind: 'timer'; readonly timer: T }
  /** Clients hand a batch of new transactions to this node (the protocol's `entryNode` chose it). */
  | { readonly kind: 'txs'; readonly txs: TxSet }
  /** The node comes back after a crash; its timers were lost and its state is what it had. */
  | { readonly kind: 'recover' };

/** The level of a confirmation: `confirm` is the first (soft) one a client sees, `final` is irreversible. */
export type ConfirmLevel = 'confirm' | 'final';

/** Where the host leaves an `announce`'s arrivals: `of(i)` is when copy i arrives (−1: lost); null until it is sent. */
export interface AnnounceArrivals {
  of: ((i: number) => Micros) | null;
}

export type Effect<M, T> =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: M; readonly sizeBytes: number }
  | { readonly kind: 'multicast'; readonly to: readonly NodeId[]; readonly msg: M; readonly sizeBytes: number }
  /**
   * Flood `msg` over the gossip overlay to every node in `group` (all nodes when omitted). `computed` (round
   * fidelity, flood.ts): the host computes the flood in one pass and delivers each node its first copy only.
   */
  | { readonly kind: 'gossip'; readonly msg: M; readonly sizeBytes: number; readonly group?: readonly NodeId[]; readonly computed?: boolean }
  /**
   * Fire `timer` after `afterUs`. Timers are never cancelled: they carry their view/height and a stale one is
   * ignored. With `fromUploadDone`, `afterUs` counts from when this node's upload queue has sent everything
   * handed to it so far (a sender learns when its writes complete): a window for the answers to a broadcast
   * then opens when the broadcast has left, not when it was queued behind 10,000 copies.
   */
  | { readonly kind: 'timer'; readonly afterUs: Micros; readonly timer: T; readonly fromUploadDone?: boolean }
  /**
   * Round fidelity (tree-round.ts): the host computes a whole aggregation round over a tree (the message
   * down, each member's work, the aggregates up) in one pass from the same upload queues, latency draws
   * and CPU costs, writes `spec.result` and fires `timer` at this node when the root has the aggregate.
   */
  | { readonly kind: 'treeRound'; readonly spec: TreeRoundSpec; readonly timer: T }
  /** Round fidelity: the host relays `msg` down a tree (tree-round.ts) and delivers it to every member reached. */
  | { readonly kind: 'treeCast'; readonly spec: TreeCastSpec; readonly msg: M; readonly sizeBytes: number }
  /**
   * Round fidelity: send `msg` to each of `to` through the network (upload queue, latency, loss) without
   * delivering it (Network.sendBurst): the host leaves in `arrivals.of` when each copy arrives (−1: lost),
   * and the protocol reads that when a recipient acts (ios/composite/ready-board.ts). A copy to the sender
   * itself arrives now.
   */
  | { readonly kind: 'announce'; readonly to: readonly NodeId[]; readonly msg: M; readonly sizeBytes: number; readonly arrivals: AnnounceArrivals }
  /** Occupy this node's CPU; effects after it in the same list happen when the CPU work is done. */
  | { readonly kind: 'cpu'; readonly us: Micros }
  /** Transactions reach a confirmation level (counted once per level in the metrics). */
  | { readonly kind: 'commit'; readonly level: ConfirmLevel; readonly txs: TxSet; readonly shard: number }
  /** Transactions are rejected for good (invalid, aborted cross-shard). */
  | { readonly kind: 'abort'; readonly txs: TxSet; readonly shard: number }
  /** A protocol fact for the trace (block, view change, epoch...); the host stamps time and node. */
  | { readonly kind: 'trace'; readonly event: ProtocolEvent }
  /**
   * A note from a sub-machine to the composite node that owns it (e.g. EDS telling the IOS node that
   * rnd_e is known). The composite consumes it; it never reaches the host.
   */
  | { readonly kind: 'local'; readonly event: unknown };

/** A trace event as a protocol emits it: a type from the trace schema and its fields. */
export interface ProtocolEvent {
  readonly type: string;
  readonly [field: string]: number | string | boolean | undefined;
}

export interface ProtocolNode<M, T> {
  step(now: Micros, input: Input<M, T>): readonly Effect<M, T>[];
}

/** What a protocol may know about the world when it is built: the scenario and its own random streams. */
export interface ProtocolEnv {
  readonly scenario: Scenario;
  readonly nodeCount: number;
  /** Region index of each node (placement is the network's, but protocols may use it, e.g. for trees). */
  readonly regionOf: Int32Array;
  /** A named stream; protocols use names under their own prefix, e.g. `bft:node:17`. */
  stream(name: string): RngStream;
  readonly rng: RngRoot;
  /**
   * Per-segment facts of every transaction (arrival window, route: input and output shards, invalid and
   * double-spend ids). The runner always sets both; they are optional only so that unit tests can build
   * an env by hand without a workload.
   */
  readonly book?: TxBook;
  readonly workload?: Workload;
}

export interface ProtocolInstance<M, T> {
  readonly name: string;
  readonly nodes: readonly ProtocolNode<M, T>[];
  /** Which node receives the client batch of transactions; returns -1 to drop (no live entry). */
  entryNode(txs: TxSet, now: Micros): NodeId;
  /**
   * Optional: the client-side grouping of one interval's batches (one per route). Batches with the same
   * key are handed to one entry node as one set (their ranges joined, in route order), e.g. IOS groups by
   * input shard so one Atomix lock request per shard and interval carries every route of it. Without it
   * each route's batch goes to its own entry node.
   */
  clientGroupOf?(batch: { readonly route: number; readonly inputShard: number }): number;
  /** Number of shards the protocol runs (1 for unsharded protocols). */
  readonly shards: number;
  /** The protocol's own invariant checks (e.g. Atomix's atomicity), added to summary.invariants. */
  invariants?(): { checked: number; violations: number };
  /** Head − last irreversible block, sampled at each produced block, for summary.finalityLagBlocks. */
  finalityLagBlocks?(): readonly number[];
  /** Storage per node and a joiner's bootstrap download, with and without pruning, for summary.storage. */
  storage?(): StorageFacts;
}

export interface StorageFacts {
  readonly storageBytesPerNode: { readonly withMsb: number; readonly withoutMsb: number };
  readonly bootstrapBytes: { readonly withMsb: number; readonly withoutMsb: number };
}

export interface ProtocolDefinition {
  readonly name: string;
  create(env: ProtocolEnv): ProtocolInstance<unknown, unknown>;
}

/** The empty effect list, shared so that a step with nothing to do allocates nothing. */
export const NO_EFFECTS: readonly never[] = Object.freeze([]);

/** Append [s, e) to flat ranges, merging it with the last range when they touch (empty ranges are skipped). */
export function pushRange(out: number[], s: number, e: number): void {
  if (e <= s) return;
  const n = out.length;
  if (n > 0 && out[n - 1] === s) out[n - 1] = e;
  else out.push(s, e);
}

/** The ranges of disjoint sets given in ascending order, concatenated, adjacent ones merged. */
export function joinRanges(sets: readonly TxSet[]): number[] {
  const out: number[] = [];
  for (const t of sets) for (let i = 0; i < t.ranges.length; i += 2) pushRange(out, t.ranges[i]!, t.ranges[i + 1]!);
  return out;
}

export function txSetOf(ranges: number[]): TxSet {
  let count = 0;
  for (let i = 0; i < ranges.length; i += 2) count += ranges[i + 1]! - ranges[i]!;
  return { ranges, count };
}
