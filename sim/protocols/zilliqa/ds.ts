import type { Micros } from '../../kernel/time.js';
import type { CpuConfig } from '../../scenario/schema.js';
import type { NodeId, TxSet } from '../types.js';
import { txSetOf } from '../types.js';
import type { BlockRef, BlockSource, BlockValidator, SourceBlock } from '../bft/index.js';
import { composePlan } from './sharding.js';
import type { Accepted, EpochPlan } from './sharding.js';
import type { ZilliqaWorld } from './world.js';

/**
 * The DS committee's chain (Zilliqa whitepaper §IV–V): one DS block per DS epoch, then one final block per
 * TX epoch, all decided by the same pBFT committee (bft's ReconfigurableReplica; the DS block carries the
 * FIFO committee change). `DsSource` is what a DS member's replica proposes when it leads; every member keeps
 * it up to date (PoW arrivals, microblocks, decided blocks), so a leader elected by a view change has what
 * it needs.
 */

/** What a DS-chain block is, in BlockRef.meta. */
export type DsMeta =
  | { readonly kind: 'ds'; readonly plan: EpochPlan }
  | {
      readonly kind: 'final';
      readonly epoch: number;
      readonly k: number;
      readonly last: boolean;
      readonly microblocks: number;
      /** The microblocks it merges (epoch:shard:height), so every member drops them from its pending set. */
      readonly keys: readonly string[];
    };

interface PendingMicroblock {
  readonly shard: number;
  readonly k: number;
  readonly txs: TxSet;
}

const NO_TXS: TxSet = { ranges: [], count: 0 };

/** Blocks in DS-chain order: DS block e is (e, 0), its final blocks (e, 1 … F). */
function ordinal(meta: DsMeta, finalBlocks: number): number {
  return meta.kind === 'ds' ? meta.plan.epoch * (finalBlocks + 1) : meta.epoch * (finalBlocks + 1) + meta.k;
}

export class DsSource implements BlockSource {
  /** The DS epoch whose PoW window is open (phase pow) or whose TX epochs run (phase tx). */
  epoch = 0;
  phase: 'pow' | 'tx' = 'pow';
  /** The PoW deadline of `epoch` at this member: submissions that arrived later are not accepted. */
  windowEndUs: Micros;
  /** The plan of `epoch` (phase tx), or of the epoch before (phase pow); null before the first DS block. */
  plan: EpochPlan | null = null;
  /** The next final block (1 … F) and when its TX epoch began here. */
  k = 1;
  txStartUs: Micros = 0;
  /** This member composed (as leader) the DS block of this epoch: it traces late PoW arrivals. */
  composedEpoch = -1;
  private handedOut = -1;
  private decided = -1;
  private readonly firstArrive: Float64Array;
  private readonly dsArrive: Float64Array;
  private readonly heard: NodeId[] = [];
  private readonly pending = new Map<string, PendingMicroblock>();
  private readonly shardsByK = new Map<string, Set<number>>();
  /** The newest block seen in a prepare announcement, for catching up on a missed Decide. */
  private lastSeen: { readonly meta: DsMeta; readonly txs: TxSet } | null = null;

  constructor(
    private readonly world: ZilliqaWorld,
    private readonly self: NodeId,
    /** Asks this member's replica to carry the next committee in the block it proposes (bft reconfig). */
    private readonly reconfigure: (members: readonly NodeId[]) => void,
  ) {
    this.windowEndUs = world.windowUs;
    this.firstArrive = new Float64Array(world.n).fill(Infinity);
    this.dsArrive = new Float64Array(world.n).fill(Infinity);
  }

  /** The committee this member currently serves in (the latest plan's, or genesis). */
  get committee(): readonly NodeId[] {
    return this.plan?.dsCommittee ?? this.world.genesisCommittee;
  }

  // ---- inputs from the node ----

  /** A PoW submission for `epoch` arrived now. */
  onSubmission(from: NodeId, epoch: number, ds: boolean, now: Micros): void {
    if (epoch !== this.epoch || this.phase !== 'pow') return;
    if (this.firstArrive[from] === Infinity) this.heard.push(from);
    if (now < this.firstArrive[from]!) this.firstArrive[from] = now;
    if (ds && now < this.dsArrive[from]!) this.dsArrive[from] = now;
  }

  /** Every node this member heard a submission from in the current PoW window (ascending). */
  heardNodes(): NodeId[] {
    return [...this.heard].sort((a, b) => a - b);
  }

  /** A decided microblock arrived (every distinct one is kept until a final block includes it). */
  onMicroblock(epoch: number, shard: number, k: number, height: number, txs: TxSet): void {
    const key = `${epoch}:${shard}:${height}`;
    if (this.pending.has(key) || (this.plan && epoch < this.plan.epoch - 1)) return;
    this.pending.set(key, { shard, k, txs });
    const kk = `${epoch}:${k}`;
    let s = this.shardsByK.get(kk);
    if (!s) this.shardsByK.set(kk, (s = new Set()));
    s.add(shard);
  }

  /** A DS-chain block was decided (at the leader, or at a member on the Decide). Stale ones are ignored. */
  onDecided(meta: DsMeta, txs: TxSet, now: Micros): boolean {
    const o = ordinal(meta, this.world.finalBlocks);
    if (o <= this.decided) return false;
    this.decided = o;
    this.handedOut = -1;
    if (meta.kind === 'ds') {
      this.plan = meta.plan;
      this.epoch = meta.plan.epoch;
      this.phase = 'tx';
      this.k = 1;
      this.txStartUs = now;
      this.firstArrive.fill(Infinity);
      this.dsArrive.fill(Infinity);
      this.heard.length = 0;
      return true;
    }
    this.world.recordFinal(o, txs);
    for (const key of meta.keys) this.pending.delete(key);
    this.shardsByK.delete(`${meta.epoch}:${meta.k}`);
    this.k = meta.k + 1;
    this.txStartUs = now;
    if (meta.last) {
      this.epoch = meta.epoch + 1;
      this.phase = 'pow';
      this.windowEndUs = now + this.world.windowUs;
    }
    return true;
  }

  /** A member joining the committee with DS block `plan` starts in its TX epochs. */
  joinAt(plan: EpochPlan, now: Micros): void {
    if (ordinal({ kind: 'ds', plan }, this.world.finalBlocks) <= this.decided) return;
    this.onDecided({ kind: 'ds', plan }, NO_TXS, now);
  }

  /** This member became leader by a view change: whatever an earlier leader term handed out is forgotten. */
  onNewView(): void {
    this.handedOut = -1;
  }

  /**
   * A prepare announcement shows what the leader proposes. A leader proposes block o only after block o − 1
   * was decided, so if this member missed that Decide it applies the block it last saw now.
   */
  observe(meta: DsMeta, txs: TxSet, now: Micros): void {
    const seen = this.lastSeen;
    if (seen) {
      const a = ordinal(seen.meta, this.world.finalBlocks);
      if (a < ordinal(meta, this.world.finalBlocks) && a > this.decided) this.onDecided(seen.meta, seen.txs, now);
    }
    this.lastSeen = { meta, txs };
  }

  // ---- BlockSource (the leader) ----

  take(_maxTxs: number, now: Micros): SourceBlock | null {
    const next = this.decided + 1;
    if (this.handedOut >= next) return null;
    if (this.phase === 'pow') {
      if (now < this.windowEndUs) return null;
      const plan = this.compose();
      this.handedOut = ordinal({ kind: 'ds', plan }, this.world.finalBlocks);
      this.composedEpoch = plan.epoch;
      const before = new Set(this.committee);
      if (plan.dsCommittee.length !== before.size || plan.dsCommittee.some((v) => !before.has(v))) this.reconfigure(plan.dsCommittee);
      const meta: DsMeta = { kind: 'ds', plan };
      return { txs: NO_TXS, extraBytes: this.world.sizes.dsBlock(plan) - this.world.dsBft.headerBytes - this.world.dsBft.signatureBytes, meta };
    }
    const plan = this.plan!;
    const got = this.shardsByK.get(`${this.epoch}:${this.k}`)?.size ?? 0;
    if (got < plan.shards.length && now < this.txStartUs + this.world.microblockTimeoutUs) return null;
    const last = this.k >= this.world.finalBlocks;
    // The vacuous epoch processes no transaction; microblocks still pending wait for the next final block.
    const vacuous = last && this.world.cfg.vacuousEpoch;
    const { txs, keys } = vacuous ? { txs: NO_TXS, keys: [] } : this.collect();
    const microblocks = vacuous ? got : keys.length;
    const meta: DsMeta = { kind: 'final', epoch: this.epoch, k: this.k, last, microblocks, keys };
    this.handedOut = next;
    return { txs, extraBytes: this.world.cfg.sizes.microblockInfoBytes * microblocks, meta };
  }

  putBack(block: SourceBlock): void {
    const meta = block.meta as DsMeta | undefined;
    if (meta && ordinal(meta, this.world.finalBlocks) === this.handedOut) this.handedOut = -1;
  }

  /** DS PoW state is in memory: a crashed member forgets the submissions it heard. */
  clear(): void {
    this.firstArrive.fill(Infinity);
    this.dsArrive.fill(Infinity);
    this.heard.length = 0;
    this.handedOut = -1;
  }

  // ---- composing ----

  /** The DS block's plan from the submissions this member heard by its deadline (sharding.ts composePlan). */
  private compose(): EpochPlan {
    const accepted: Accepted[] = [];
    const late: NodeId[] = [];
    const sorted = [...this.heard].sort((a, b) => a - b);
    for (const v of sorted) {
      const at = this.firstArrive[v]!;
      if (at <= this.windowEndUs) accepted.push({ node: v, arriveUs: at, dsArriveUs: this.dsArrive[v]! <= this.windowEndUs ? this.dsArrive[v]! : Infinity });
      else late.push(v);
    }
    const c = this.world.cfg;
    const epoch = this.epoch;
    return composePlan(
      epoch,
      this.world.n,
      this.committee,
      accepted,
      late,
      {
        shardSize: c.shardSize,
        toleranceLo: c.shardSizeToleranceLo,
        toleranceHi: c.shardSizeToleranceHi,
        dsElection: c.dsElectionPerEpoch,
        maxShardNodes: c.maxShardNodes,
      },
      (v) => this.world.sortKey(epoch, v),
    );
  }

  /**
   * Every pending microblock's transactions not yet in a final block, merged and deduplicated (a microblock
   * proposed again after a shard's view change, or one already merged, adds nothing).
   */
  private collect(): { txs: TxSet; keys: string[] } {
    const ranges: [number, number][] = [];
    const keys: string[] = [];
    const finalized = this.world.finalized;
    for (const [key, mb] of this.pending) {
      const fresh = finalized.subtractFrom(mb.txs);
      if (fresh.count === 0 && mb.txs.count > 0) {
        this.pending.delete(key);
        continue;
      }
      keys.push(key);
      const r = fresh.ranges;
      for (let i = 0; i < r.length; i += 2) if (r[i + 1]! > r[i]!) ranges.push([r[i]!, r[i + 1]!]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [s, e] of ranges) {
      const n = merged.length;
      if (n > 0 && merged[n - 1]! >= s) merged[n - 1] = Math.max(merged[n - 1]!, e);
      else merged.push(s, e);
    }
    return { txs: txSetOf(merged), keys };
  }

  /** For tests: the node this source belongs to. */
  get node(): NodeId {
    return this.self;
  }
}

/**
 * DS members check a DS-chain block instead of re-executing transactions (Zilliqa's DS committee verifies
 * each microblock's collective signature and the sharding structure; the shards executed the transactions).
 */
export class DsValidator implements BlockValidator {
  constructor(
    private readonly source: DsSource,
    private readonly cpu: CpuConfig,
    private readonly now: () => Micros,
  ) {}

  inspect(block: BlockRef): { cpuUs: number; evidence: [] } {
    const meta = block.meta as DsMeta | undefined;
    const hashUs = (this.cpu.hashUsPerKB * block.sizeBytes) / 1024;
    if (!meta) return { cpuUs: hashUs, evidence: [] };
    this.source.observe(meta, block.txs, this.now());
    const checks = meta.kind === 'final' ? meta.microblocks : meta.plan.dsJoined.length;
    return { cpuUs: hashUs + this.cpu.verifyUs * checks, evidence: [] };
  }

  amend(block: BlockRef): { meta: unknown; cpuUs: number } {
    return { meta: block.meta, cpuUs: 0 };
  }
}
