import type { Micros } from '../../../kernel/time.js';
import type { NodeId, ProtocolEnv, ProtocolInstance, StorageFacts, TxSet } from '../../types.js';
import type { Layered } from '../layers.js';
import { IosNode } from './node.js';
import { IosWorld } from './world.js';

export type IosInstance = ProtocolInstance<Layered<unknown>, Layered<unknown>> & {
  readonly world: IosWorld;
  readonly iosNodes: readonly IosNode[];
};

/**
 * The IOS protocol (DESIGN §6), phase 1: EDS epochs, the permutation assignment, TransEpoch moves and one
 * PoB shard per shard; every node is a validator. Cross-shard transactions go through Atomix (phase 2):
 * `invariants()` is the Atomix checker's summary. README.md in this folder lists the decisions.
 */
export function createIosInstance(env: ProtocolEnv): IosInstance {
  const world = new IosWorld(env);
  const iosNodes = world.validators.map((v) => new IosNode(v, world));
  const atomix = world.atomix;
  return {
    name: 'ios',
    shards: world.m,
    nodes: iosNodes,
    world,
    iosNodes,
    entryNode: (txs, now) => entryNode(world, txs, now),
    // One client batch per input shard and interval: one entry validator takes it, and the cross-shard part
    // is one Atomix ticket with one lock request (README "Client batches").
    clientGroupOf: (batch) => batch.inputShard,
    ...(atomix ? { invariants: () => atomix.summary() } : {}),
    storage: () => storageOf(world),
  };
}

/** The MSB stores' reports at the end of the run, averaged over shards (a node stores its own shard's). */
function storageOf(world: IosWorld): StorageFacts {
  const reports = world.msb.map((s) => s.report());
  const mean = (f: (r: (typeof reports)[number]) => number) => Math.round(reports.reduce((a, r) => a + f(r), 0) / reports.length);
  return {
    storageBytesPerNode: { withMsb: mean((r) => r.withMsb.storageBytesPerNode), withoutMsb: mean((r) => r.withoutMsb.storageBytesPerNode) },
    bootstrapBytes: { withMsb: mean((r) => r.withMsb.bootstrapBytes), withoutMsb: mean((r) => r.withoutMsb.bootstrapBytes) },
  };
}

/**
 * Where a client batch goes: its input shard's PoB entry (ShardLeagues.entryNode: a live believable
 * validator by a keyed hash of the batch's first id, or the normal leader in one-league mode), leaving out
 * believable validators that have moved to another shard. A cross-shard batch: the same rule for its first
 * input shard; that node drives it through Atomix (−1 only without a book).
 */
export function entryNode(world: IosWorld, txs: TxSet, now: Micros): NodeId {
  const book = world.book;
  let shard = 0;
  if (book && txs.count > 0) {
    const seg = book.segmentIndexOf(txs.ranges[0]!);
    // A cross-shard batch goes to its driver: the entry of its (first) input shard (README "Cross-shard").
    if (book.isCross(seg) && !world.atomix) return -1;
    shard = book.inputShardOf(seg);
  }
  const leagues = world.leagues[shard];
  if (!leagues) return -1;
  return leagues.entryNode(txs, now, world.departed[shard]);
}
