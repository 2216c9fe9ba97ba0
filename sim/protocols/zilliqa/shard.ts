import type { Micros } from '../../kernel/time.js';
import type { NodeId, TxSet } from '../types.js';
import { BftReplica } from '../bft/index.js';
import type { BlockSource, SourceBlock } from '../bft/index.js';
import type { EpochPlan } from './sharding.js';
import type { ZilliqaWorld } from './world.js';

/**
 * A shard's microblock consensus in one DS epoch (Zilliqa whitepaper §V: pBFT with EC-Schnorr
 * multisignatures, leader-based and linear): a bft BftReplica over the shard's members (star topology by
 * default: the leader announces to every member and collects every commit and response itself). One
 * microblock per TX epoch k = 1 … F:
 *
 * 1. When TX epoch k begins at the leader (the DS block for k = 1, final block k − 1 after), it cuts a
 *    transaction packet from its pool (at most microblockMaxTxs; none in the vacuous epoch) and pushes it
 *    down the shard's sharing tree (every member needs the bodies to execute them), then waits
 *    txDistributeMs (TX_DISTRIBUTE_TIME_IN_MS).
 * 2. The replica proposes the microblock: header and one hash per transaction (the replica's txSizeBytes
 *    is txHashBytes); members validate every transaction in the prepare round (txValidateUs each).
 * 3. When it is decided, the leader sends it to every DS member (node.ts).
 *
 * Every member keeps the packets it received, so a leader installed by a view change proposes the same
 * microblock; if it never got the packet, it cuts its own (node.ts).
 */

interface Packet {
  readonly txs: TxSet;
  readonly readyAtUs: Micros;
}

export interface MicroblockMeta {
  readonly k: number;
}

export class MicroblockSource implements BlockSource {
  /** The TX epoch this member is in (1 … F), as the DS block and final blocks told it. */
  k = 1;
  private proposedK = 0;
  /** The highest TX epoch whose microblock this member saw decided. */
  private decidedK = 0;
  private readonly packets = new Map<number, Packet>();

  hasPacket(k: number): boolean {
    return this.packets.has(k);
  }

  /** A packet for TX epoch k; the leader may propose it from `readyAtUs` on. The first one received counts. */
  addPacket(k: number, txs: TxSet, readyAtUs: Micros): void {
    if (!this.packets.has(k)) this.packets.set(k, { txs, readyAtUs });
    for (const old of this.packets.keys()) if (old < this.k - 1) this.packets.delete(old);
  }

  take(_maxTxs: number, now: Micros): SourceBlock | null {
    if (this.proposedK >= this.k) return null;
    const p = this.packets.get(this.k);
    if (!p || now < p.readyAtUs) return null;
    this.proposedK = this.k;
    const meta: MicroblockMeta = { k: this.k };
    return { txs: p.txs, extraBytes: 0, meta };
  }

  putBack(block: SourceBlock): void {
    const k = (block.meta as MicroblockMeta | undefined)?.k;
    if (k !== undefined && this.proposedK >= k) this.proposedK = k - 1;
  }

  /** The microblock of TX epoch k was decided (this member led it or received its Decide). */
  onDecided(k: number): void {
    if (k > this.decidedK) this.decidedK = k;
    if (k > this.proposedK) this.proposedK = k;
  }

  /**
   * A leader installed by a view change proposes the current TX epoch's microblock unless it knows it was
   * decided (what it proposed in an earlier term was given up with that term).
   */
  onNewView(): void {
    this.proposedK = Math.max(this.decidedK, Math.min(this.proposedK, this.k - 1));
  }

  /** Packets are in memory: a crashed member loses them. */
  clear(): void {
    this.packets.clear();
  }

  get size(): number {
    return this.packets.get(this.k)?.txs.count ?? 0;
  }
}

/** This node's part in shard `shard` of DS epoch `plan.epoch`. */
export class ShardMembership {
  readonly replica: BftReplica;
  readonly source = new MicroblockSource();
  readonly members: readonly NodeId[];

  constructor(
    readonly world: ZilliqaWorld,
    readonly plan: EpochPlan,
    readonly shard: number,
    self: NodeId,
  ) {
    this.members = plan.shards[shard]!;
    this.replica = new BftReplica({
      self,
      members: this.members,
      shard,
      params: world.shardBft,
      cpu: world.scenario.cpu,
      txSizeBytes: world.cfg.txHashBytes,
      source: this.source,
      emitLocal: true,
      emitCommits: false,
    });
  }

  get epoch(): number {
    return this.plan.epoch;
  }

  /** Children of `self` in the sharing tree rooted at `root` (a k-ary tree over the members, bft/tree.ts). */
  sharingChildren(self: NodeId, root: NodeId): NodeId[] {
    const tree = this.world.sharingTree(this.plan, this.shard);
    const rootIndex = tree.memberIndex(root);
    if (rootIndex < 0 || tree.memberIndex(self) < 0) return [];
    return tree.childrenOf(self, rootIndex, 'tree');
  }
}
