import { msToUs } from '../../../kernel/time.js';
import type { Micros } from '../../../kernel/time.js';
import type { BftConfig, CpuConfig, IosConfig } from '../../../scenario/schema.js';
import type { NodeId, ProtocolNode, TxSet } from '../../types.js';
import { CommitteeCache } from '../../bft/tree.js';
import { BelievableNode } from './believable.js';
import { ShardChain } from './chain.js';
import { planLeagues } from './league.js';
import type { LeaguePlan } from './league.js';
import { NormalNode } from './normal.js';
import type { SamplingMode } from './sampling.js';
import type { ServiLedger } from './score.js';
import type { LeagueMode, PobMsg, PobShardContext, PobTimer } from './types.js';

/**
 * One shard's Proof-of-Believability for one epoch (whitepaper PoB; DESIGN §6.6): the leagues chosen from
 * the shard's validators by score (league.ts), one PoB node per validator — a BelievableNode or a
 * NormalNode — and the routing of client transactions: at random (keyed by the batch's first id) to a live
 * believable validator, or, in one-league mode, to the normal league's leader.
 *
 * The composite IOS node holds, for its own node id, `leagues.nodeFor(self)` and hands it every input of
 * the `pob` layer (messages and timers unwrapped from ios/layers.ts, client batches as `txs`); the local
 * notes it returns are listed in README.md. Building a ShardLeagues object needs only data every node of
 * the shard agrees on (the members, the ledger at the epoch's start, the seed), so each composite can build
 * the same one and keep only its own node — or a whole-run instance can keep all of them, as the harness.
 */

export interface ShardLeaguesConfig {
  readonly shard: number;
  readonly epoch: number;
  /** The shard's validators this epoch, in assignment order (the first normal member leads view 0). */
  readonly members: readonly NodeId[];
  /** Chain state at the epoch's start: stake, Servi, contribution, behaviour. Each normal node gets a copy. */
  readonly ledger: ServiLedger;
  readonly ios: Pick<IosConfig, 'pob' | 'league' | 'deltaMs'>;
  readonly cpu: CpuConfig;
  readonly txSizeBytes: number;
  /** RngRoot.keyedUniform of the run. */
  readonly keyed: (key: string) => number;
  readonly isBad: (tx: number) => boolean;
  /** The same predicate over a whole set, by segments (PobShardContext.partitionBad). */
  readonly partitionBad?: (txs: TxSet) => { yes: TxSet; no: TxSet };
  /** Which believable validators sign invalid transactions; default a keyed draw at maliciousBelievableFraction. */
  readonly malicious?: (node: NodeId) => boolean;
  /** Default `independent` (sampling.ts). */
  readonly sampling?: SamplingMode;
  /** Default `issue` (normal.ts, README "Servi"). */
  readonly sealerServi?: 'issue' | 'clear';
  /** Default 4 × optimisticBlockMs + Δ. */
  readonly livenessTimeoutMs?: number;
  /** Default league.viewChangeTimeoutMs. */
  readonly ackTimeoutMs?: number;
  /** Continue the shard's chain: the normal league's first height and view (default 0, 0). */
  readonly startHeight?: number;
  readonly startView?: number;
}

/** A Map that tells its owner each value it gains and loses, so a cache derived from its values stays right. */
class WatchedMap<K, V> extends Map<K, V> {
  constructor(
    private readonly gained: (value: V) => void,
    private readonly lost: (value: V) => void,
  ) {
    super();
  }
  override set(key: K, value: V): this {
    const old = super.get(key);
    super.set(key, value);
    if (old !== undefined && old !== value) this.lost(old);
    this.gained(value);
    return this;
  }
  override delete(key: K): boolean {
    const old = super.get(key);
    const had = super.delete(key);
    if (old !== undefined) this.lost(old);
    return had;
  }
  override clear(): void {
    const old = [...super.values()];
    super.clear();
    for (const v of old) this.lost(v);
  }
}

export class ShardLeagues {
  readonly ctx: PobShardContext;
  readonly plan: LeaguePlan;
  readonly believableNodes = new Map<NodeId, BelievableNode>();
  readonly normalNodes: Map<NodeId, NormalNode> = new WatchedMap<NodeId, NormalNode>(
    (gained) => this.bumpLeadership(gained),
    (lost) => {
      if (lost === this.best) this.stale = true;
    },
  );
  /** The shard's chain state, applied once for every normal member (chain.ts). */
  readonly chain: ShardChain;
  /**
   * leaderNode's answer kept up to date: the member with the highest (generation, view). A member whose
   * generation, view or replica changed (NormalConfig.onLeadershipChange) replaces `best` if it is now
   * higher, and so does a node put in the map; if `best` went down (its replica gone) or left the map, the
   * next call rescans. On a tie either member names the same leader: a generation has one committee,
   * installed from one reconfiguration block (bft/reconfig.ts), so the leader of (generation, view) is one
   * node. (A rescan after any change, stop 10, was 10.5 s of the paper-scale hour: every joiner put into
   * the map forced one over ~1,200 members.)
   */
  private best: NormalNode | null = null;
  private stale = true;
  private readonly bumpLeadership = (node: NormalNode): void => {
    if (this.stale) return;
    const best = this.best;
    if (best === null) {
      if (node.bft.replica) this.setBest(node);
      return;
    }
    if (node === best) {
      // Up keeps it best; down (its replica gone, or a lower generation or view) may not.
      const r = node.bft.replica;
      if (!r || node.bft.gen < this.bestGen || (node.bft.gen === this.bestGen && r.view < this.bestView)) this.stale = true;
      else [this.bestGen, this.bestView] = [node.bft.gen, r.view];
      return;
    }
    const r = node.bft.replica;
    if (r && (node.bft.gen > this.bestGen || (node.bft.gen === this.bestGen && r.view > this.bestView))) this.setBest(node);
  };
  private bestGen = -1;
  private bestView = -1;
  private setBest(node: NormalNode): void {
    this.best = node;
    this.bestGen = node.bft.gen;
    this.bestView = node.bft.replica?.view ?? -1;
  }
  /** ctx.believable: the epoch-0 league plus the validators the league refresh added (README "Leagues"). */
  private readonly believableList: NodeId[];
  private readonly malicious: (node: NodeId) => boolean;

  constructor(config: ShardLeaguesConfig) {
    const pob = config.ios.pob;
    const league: BftConfig = { type: 'bft', ...config.ios.league };
    const key = `pob:league:${config.epoch}:${config.shard}`;
    this.plan = planLeagues(config.members, config.ledger, pob, config.keyed, key);
    const blockTxBytes = pob.announce === 'short-ids' ? pob.shortIdBytes : config.txSizeBytes;
    const maxTxs = Math.floor((league.maxBlockBytes - league.headerBytes) / blockTxBytes);
    if (this.plan.mode === 'two-league' && pob.optimisticBlockMaxTx > maxTxs) {
      throw new Error(`pob: an optimistic block (${pob.optimisticBlockMaxTx} txs) does not fit a league block (${maxTxs} txs)`);
    }
    this.ctx = {
      shard: config.shard,
      epoch: config.epoch,
      pob,
      league,
      cpu: config.cpu,
      txSizeBytes: config.txSizeBytes,
      blockTxBytes,
      keyed: config.keyed,
      isBad: config.isBad,
      ...(config.partitionBad ? { partitionBad: config.partitionBad } : {}),
      sampling: config.sampling ?? 'independent',
      sealerServi: config.sealerServi ?? 'issue',
      livenessTimeoutUs: msToUs(config.livenessTimeoutMs ?? 4 * pob.optimisticBlockMs + config.ios.deltaMs),
      ackTimeoutUs: msToUs(config.ackTimeoutMs ?? league.viewChangeTimeoutMs),
      believable: (this.believableList = [...this.plan.believable]),
      normal: this.plan.normal,
      mode: this.plan.mode,
      committees: new CommitteeCache(),
    };
    const malicious = (this.malicious =
      config.malicious ?? ((n: NodeId) => config.keyed(`pob:malicious:${config.epoch}:${n}`) < pob.maliciousBelievableFraction));
    const view = config.startView ?? 0;
    for (const self of this.plan.believable) {
      this.believableNodes.set(self, new BelievableNode({ self, ctx: this.ctx, malicious: malicious(self), initialView: view }));
    }
    this.chain = new ShardChain(config.ledger.clone(), this.ctx, this.plan.normal, config.startHeight ?? 0);
    for (const self of this.plan.normal) {
      this.normalNodes.set(
        self,
        new NormalNode({ self, ctx: this.ctx, chain: this.chain, startHeight: config.startHeight ?? 0, startView: view, onLeadershipChange: this.bumpLeadership }),
      );
    }
  }

  /**
   * TransEpoch: validator `self` joins the normal league; its node waits for the Join that the leader of the
   * reconfiguration block sends (bft/reconfig.ts). It bootstraps to the shard's chain state (`chain`).
   */
  addJoiner(self: NodeId): NormalNode {
    if (this.nodeFor(self)) throw new Error(`pob: node ${self} is already in shard ${this.ctx.shard}`);
    const node = new NormalNode({ self, ctx: this.ctx, chain: this.chain, members: null, onLeadershipChange: this.bumpLeadership });
    this.normalNodes.set(self, node);
    return node;
  }

  /**
   * League refresh: validator `self`, moving into this shard with the best score among the epoch's
   * joiners, fills a vacancy of the believable league once it has the shard's state. It starts from the
   * current leader (the state it downloaded names it); every normal member adds it to its league, as each
   * computes the same choice from the epoch's plan.
   */
  addBelievable(self: NodeId, now: Micros): BelievableNode {
    if (this.normalNodes.has(self)) throw new Error(`pob: node ${self} is already in shard ${this.ctx.shard}'s normal league`);
    const lead = this.leaderNode();
    // A validator that was believable here before resumes its node: the blocks it signed keep their
    // sequence numbers, which the leaders deduplicate by (signer, seq).
    const node =
      this.believableNodes.get(self) ??
      new BelievableNode({
      self,
      ctx: this.ctx,
      malicious: this.malicious(self),
      initialGen: lead?.bft.gen ?? 0,
      initialView: lead?.bft.replica?.view ?? 0,
      ...(lead ? { leader: lead.self } : {}),
    });
    this.believableNodes.set(self, node);
    if (!this.believableList.includes(self)) this.believableList.push(self);
    for (const n of this.normalNodes.values()) n.admitBelievable(self, now);
    return node;
  }

  /** Ask every normal member for a switch to `members` (in a composite each node asks its own). */
  reconfigure(members: readonly NodeId[]): void {
    for (const n of this.normalNodes.values()) n.reconfigure(members);
  }

  /** The PoB node of validator `id` in this shard and epoch, or null if it is not a member. */
  nodeFor(id: NodeId): ProtocolNode<PobMsg, PobTimer> | null {
    return this.believableNodes.get(id) ?? this.normalNodes.get(id) ?? null;
  }

  /**
   * The normal league's current leader (whole-run view, like bft's entryNode): the leader of the highest
   * (generation, view) any normal member has installed; null if that node is not in this shard's leagues.
   */
  leaderNode(): NormalNode | null {
    if (this.stale) this.scanLeadership();
    const r = this.best?.bft.replica;
    return r ? (this.normalNodes.get(r.committee.leaderOf(r.view)) ?? null) : null;
  }

  /** The normal member with the highest installed (generation, view), the first in map order on a tie. */
  private scanLeadership(): void {
    let best: NormalNode | null = null;
    let bestGen = -1;
    let bestView = -1;
    for (const n of this.normalNodes.values()) {
      const r = n.bft.replica;
      if (!r) continue;
      if (n.bft.gen > bestGen || (n.bft.gen === bestGen && r.view > bestView)) {
        best = n;
        bestGen = n.bft.gen;
        bestView = r.view;
      }
    }
    this.best = best;
    this.bestGen = bestGen;
    this.bestView = bestView;
    this.stale = false;
  }

  /** The leader's view of the leagues. */
  mode(): LeagueMode {
    return this.plan.mode === 'one-league' ? 'one-league' : (this.leaderNode()?.mode ?? 'one-league');
  }

  /** The chain state as the leader knows it (for the next epoch's scores); null without a leader. */
  ledger(): ServiLedger | null {
    return this.leaderNode() ? this.chain.ledger() : null;
  }

  /**
   * Where a client batch goes: "Transactions will be randomly distributed among these believable
   * validators" — one of the leader's live, unslashed believable validators, chosen by a keyed hash of the
   * batch's first transaction id (entryDraw); in one-league mode (or with none live) the leader. −1 without a
   * leader. `except`: validators to leave out (the composite's departed ones).
   */
  entryNode(txs: TxSet, now: Micros, except?: { has(id: NodeId): boolean }): NodeId {
    const lead = this.leaderNode();
    if (!lead) return -1;
    if (this.plan.mode === 'one-league' || lead.mode === 'one-league') return lead.self;
    const live = lead.liveBelievable(now, except);
    if (live.length === 0) return lead.self;
    const u = this.entryDraw(txs.ranges[0] ?? 0);
    return live[Math.min(live.length - 1, Math.floor(u * live.length))]!;
  }

  /**
   * The uniform in [0, 1) that routes a batch whose first id is `first`: the run's keyed hash (sha256) of
   * (epoch, shard, first). A cheaper keyed integer hash (kernel/mix.ts keyedUnit) was tried in stop 13: it
   * spread batches as evenly, but ios-default seeds 1–3 then finalised 8–15% less over 480 s. The cause is
   * not the hash: sha256 with other key prefixes did the same about half the time. Which validator holds which
   * transactions shifts when backlogs form, and during a transition a shard whose leader proposes its whole
   * backlog (a block too big for a CoSi round within phaseTimeoutMs) can fail round after round (README
   * "IOS", "One stalled shard"). So the draw stays as it was, and a single realization is not a measurement.
   */
  entryDraw(first: number): number {
    return this.ctx.keyed(`pob:entry:${this.ctx.epoch}:${this.ctx.shard}:${first}`);
  }
}
