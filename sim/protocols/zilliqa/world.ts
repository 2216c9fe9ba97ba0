import { msToUs, secondsToUs } from '../../kernel/time.js';
import type { Micros } from '../../kernel/time.js';
import type { RngStream } from '../../kernel/rng.js';
import type { BftConfig, Scenario, ZilliqaConfig } from '../../scenario/schema.js';
import type { TxBook } from '../../workload/book.js';
import type { NodeId, ProtocolEnv, TxSet } from '../types.js';
import { Committee } from '../bft/index.js';
import { RangeSet } from '../dpos/index.js';
import { ZilSizes } from './messages.js';
import { drawHashPower } from './pow.js';
import { forwardSlices, genesisRoles, shardCounts } from './sharding.js';
import type { EpochPlan, Role } from './sharding.js';

/**
 * What every Zilliqa node of a run shares. As in IosWorld, two kinds of content, kept apart:
 *
 * - **Agreed data and pure helpers**: the parameters, the genesis DS committee, each node's hash power
 *   (a property of its hardware), the committed DS-block plans (a node reads a plan only from the DS block
 *   message it received), and caches of what every node would compute alike from a plan (forwarding
 *   slices, sharing trees).
 * - **Whole-run views** for the host-side routing of client batches, like bft's `entryNode`: the current
 *   leader of each shard and of the DS committee, and the latest committed plan; plus the roles of the
 *   previous plan, so that the DS leader traces only membership changes.
 */
export class ZilliqaWorld {
  readonly cfg: ZilliqaConfig;
  readonly scenario: Scenario;
  readonly env: ProtocolEnv;
  readonly n: number;
  readonly book: TxBook | undefined;
  readonly hashPower: Float64Array;
  readonly genesisCommittee: readonly NodeId[];
  readonly windowUs: Micros;
  readonly microblockTimeoutUs: Micros;
  readonly txDistributeUs: Micros;
  readonly txPacketDelayUs: Micros;
  readonly finalBlocks: number;
  readonly sizes: ZilSizes;
  /** bft parameters of a shard's microblock consensus and of the DS committee's. */
  readonly shardBft: BftConfig;
  readonly dsBft: BftConfig;
  /** Shards before the first DS block: what the sharding would give if every non-DS node were accepted. */
  readonly expectedShards: number;

  /**
   * The transactions the decided final blocks hold: agreed data (the DS chain), kept once here rather than
   * at each of the DS members that would each compute the same set.
   */
  readonly finalized = new RangeSet();
  private lastFinalOrdinal = -1;
  private readonly plans = new Map<number, EpochPlan>();
  private latest_: EpochPlan | null = null;
  private rolesBefore: readonly Role[];
  private shardOfBefore: Int32Array;
  private readonly shardLeaders: Int32Array[] = [];
  private dsLeader_: NodeId;
  private readonly slices = new WeakMap<readonly NodeId[], NodeId[][]>();
  private readonly trees = new Map<string, Committee>();
  private readonly powStreams: (RngStream | undefined)[] = [];

  constructor(env: ProtocolEnv) {
    const p = env.scenario.protocol;
    if (p.type !== 'zilliqa') throw new Error(`zilliqa: scenario protocol is "${p.type}"`);
    this.cfg = p;
    this.env = env;
    this.scenario = env.scenario;
    this.n = env.nodeCount;
    this.book = env.book;
    this.hashPower = drawHashPower(this.n, p.pow.hashPower, env.stream('zilliqa:hashpower'));
    this.genesisCommittee = Array.from({ length: Math.min(p.dsCommitteeSize, this.n) }, (_, i) => i);
    this.dsLeader_ = this.genesisCommittee[0] ?? -1;
    this.rolesBefore = genesisRoles(this.n, this.genesisCommittee);
    this.shardOfBefore = new Int32Array(this.n).fill(-1);
    this.windowUs = secondsToUs(p.powWindowSeconds);
    this.microblockTimeoutUs = secondsToUs(p.microblockTimeoutSeconds);
    this.txDistributeUs = msToUs(p.txDistributeMs);
    this.txPacketDelayUs = msToUs(p.txPacketDelayMs);
    this.finalBlocks = p.finalBlocksPerDsEpoch;
    const sz = p.sizes;
    this.sizes = new ZilSizes(
      sz.blockHeaderBytes,
      p.ds.signatureBytes,
      env.scenario.workload.txSizeBytes,
      p.txHashBytes,
      sz.shardingBytesPerNode,
      sz.microblockInfoBytes,
      p.pow.submissionBytes,
    );
    // A microblock carries transaction hashes (the replica's txSizeBytes is txHashBytes), at most
    // microblockMaxTxs of them; a DS block or final block carries no transaction body (its extra bytes
    // come from the block source), so the DS replica's txSizeBytes is 0 and its size cap is never hit.
    const { announce: _s, ...shard } = p.shard;
    const { announce: _d, ...ds } = p.ds;
    this.shardBft = {
      type: 'bft',
      ...shard,
      maxBlockBytes: sz.blockHeaderBytes + p.microblockMaxTxs * p.txHashBytes,
      headerBytes: sz.blockHeaderBytes,
      fidelity: 'message', // tree-round.ts models trees; Zilliqa's committees are stars with gossip
      // Zilliqa's consensus and view-change timeouts are fixed constants (constants.xml
      // CONSENSUS_OBJECT_TIMEOUT, VIEWCHANGE_TIME), not PBFT's doubling.
      timeoutBackoff: 'none',
      // Zilliqa's committees are stars; its `topology: tree` option is shardsim's level-order tree, not onet's.
      treeLayout: 'heap',
    };
    this.dsBft = { type: 'bft', ...ds, maxBlockBytes: Number.MAX_SAFE_INTEGER, headerBytes: sz.blockHeaderBytes, fidelity: 'message', timeoutBackoff: 'none', treeLayout: 'heap' };
    this.expectedShards = Math.max(1, shardCounts(p.shardSize, p.shardSizeToleranceLo, p.shardSizeToleranceHi, this.n - this.genesisCommittee.length).length);
  }

  /** The latest committed DS-block plan (whole-run view), null before the first DS block. */
  get latest(): EpochPlan | null {
    return this.latest_;
  }

  get dsLeader(): NodeId {
    return this.dsLeader_;
  }

  set dsLeader(node: NodeId) {
    this.dsLeader_ = node;
  }

  /** Shards of the latest plan (or the expected count before the first DS block). */
  get shardCount(): number {
    return this.latest_ ? Math.max(1, this.latest_.shards.length) : this.expectedShards;
  }

  plan(epoch: number): EpochPlan | undefined {
    return this.plans.get(epoch);
  }

  /**
   * DS block `plan.epoch` was decided (called at the DS leader). Returns each node's role and shard before
   * it, for the membership-change trace, or null if this plan was already recorded.
   */
  commitPlan(plan: EpochPlan): { readonly roles: readonly Role[]; readonly shardOf: Int32Array } | null {
    if (this.plans.has(plan.epoch)) return null;
    this.plans.set(plan.epoch, plan);
    const before = { roles: this.rolesBefore, shardOf: this.shardOfBefore };
    this.rolesBefore = plan.roleOf;
    this.shardOfBefore = plan.shardOf;
    this.latest_ = plan;
    this.shardLeaders[plan.epoch] = Int32Array.from(plan.shards, (m) => m[0] ?? -1);
    return before;
  }

  /** A final block (DS-chain position `ordinal`) was decided; its transactions are final. Once per block. */
  recordFinal(ordinal: number, txs: TxSet): void {
    if (ordinal <= this.lastFinalOrdinal) return;
    this.lastFinalOrdinal = ordinal;
    if (txs.count > 0) this.finalized.add(txs);
  }

  /** Whole-run view of shard `shard`'s leader in DS epoch `epoch` (−1 if unknown). */
  shardLeader(epoch: number, shard: number): NodeId {
    return this.shardLeaders[epoch]?.[shard] ?? -1;
  }

  /** A replica of shard `shard` installed a new view as its leader. */
  setShardLeader(epoch: number, shard: number, node: NodeId): void {
    const l = this.shardLeaders[epoch];
    if (l && shard < l.length) l[shard] = node;
  }

  /**
   * The shard a transaction belongs to under `plan`: its sender's shard. The workload draws the sender's
   * shard among scenario.shards; Zilliqa maps a sender address to address mod (number of shards), so with a
   * different actual count k we take the workload's shard mod k (README "Routing").
   */
  shardOfTx(id: number, shards: number): number {
    if (shards <= 0) return -1;
    if (!this.book) return id % shards;
    return this.book.inputShardOf(this.book.segmentIndexOf(id)) % shards;
  }

  /** Split `txs` by shard under a plan with `shards` shards (one TxSet per shard, empty ones omitted). */
  splitByShard(txs: TxSet, shards: number): Map<number, number[]> {
    const out = new Map<number, number[]>();
    const add = (s: number, a: number, b: number) => {
      let r = out.get(s);
      if (!r) out.set(s, (r = []));
      r.push(a, b);
    };
    if (!this.book) {
      const r = txs.ranges;
      for (let i = 0; i < r.length; i += 2) for (let id = r[i]!; id < r[i + 1]!; id++) add(shards > 0 ? id % shards : -1, id, id + 1);
      return out;
    }
    const book = this.book;
    book.forEachSegmentPart(txs, (seg, a, b) => add(shards > 0 ? book.inputShardOf(seg) % shards : -1, a, b));
    return out;
  }

  /**
   * The transactions of `txs` a shard leader would reject when it executes them for its microblock (bad
   * signature or nonce, or an input already spent: the book's invalid and double-spend ids), and the rest.
   */
  splitBad(txs: TxSet): { good: TxSet; bad: TxSet } {
    const book = this.book;
    if (!book || txs.count === 0) return { good: txs, bad: { ranges: [], count: 0 } };
    const good: number[] = [];
    const bad: number[] = [];
    let badCount = 0;
    book.forEachSegmentPart(txs, (seg, a, b) => {
      const cut = Math.min(b, Math.max(a, book.startOf(seg) + book.invalidCountOf(seg) + book.doubleSpendCountOf(seg)));
      if (cut > a) {
        bad.push(a, cut);
        badCount += cut - a;
      }
      if (b > cut) good.push(cut, b);
    });
    if (badCount === 0) return { good: txs, bad: { ranges: [], count: 0 } };
    return { good: { ranges: good, count: txs.count - badCount }, bad: { ranges: bad, count: badCount } };
  }

  /** Nodes each DS member forwards DS and final blocks to (sharding.ts forwardSlices), per committee. */
  slicesOf(committee: readonly NodeId[]): NodeId[][] {
    let s = this.slices.get(committee);
    if (!s) this.slices.set(committee, (s = forwardSlices(committee, this.n, this.cfg.blockForwardCopies)));
    return s;
  }

  /** The tree that carries transaction packets through shard `shard` of `plan` (leader-rooted, see shard.ts). */
  sharingTree(plan: EpochPlan, shard: number): Committee {
    const key = `${plan.epoch}:${shard}`;
    let t = this.trees.get(key);
    if (!t) this.trees.set(key, (t = new Committee(plan.shards[shard]!, this.cfg.txShareBranching)));
    return t;
  }

  /** Node `node`'s own stream for its PoW draws. */
  powStream(node: NodeId): RngStream {
    let s = this.powStreams[node];
    if (!s) this.powStreams[node] = s = this.env.stream(`zilliqa:pow:${node}`);
    return s;
  }

  /** ComputeSharding's hash order: a keyed hash of (DS epoch, node), standing for H(last block hash, PoW hash). */
  sortKey(epoch: number, node: NodeId): number {
    return this.env.rng.keyedUniform(`zilliqa:sharding:${epoch}:${node}`);
  }
}
