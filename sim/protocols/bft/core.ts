import type { BftConfig, CpuConfig } from '../../scenario/schema.js';
import { msToUs } from '../../kernel/time.js';
import type { Micros } from '../../kernel/time.js';
import type { NodeId } from '../types.js';
import type { BftReplicaConfig, BftStats, CommittedBlock } from './config.js';
import { CosiNode } from './cosi.js';
import type { CosiRoot } from './cosi.js';
import { MempoolSource, committedEvent } from './extensions.js';
import type { BlockValidator, Evidence } from './extensions.js';
import { Mempool } from './mempool.js';
import { WireSizes } from './messages.js';
import type { BftMsg, BlockRef, MsgOf, Out, Phase, RoundKey, TimerOf, Topology } from './messages.js';
import { Proposer } from './proposer.js';
import { Committee } from './tree.js';
import { LeaderWatch, ViewChangeVotes, backoffFactor } from './viewchange.js';

/**
 * The state of a BftReplica and its ByzCoin phases (Kokoris-Kogias et al., USENIX Security 2016, §3–4):
 * the leader's proposing, two CoSi rounds and Decide, and a follower's handling of them. replica.ts adds
 * the input dispatch, the view change and the reconfiguration helpers; the split only keeps files short.
 */

interface InFlight {
  block: BlockRef;
  phase: Phase;
  prepareSigners: number;
  /** False for a re-proposed prepared block: its transactions never go back to this mempool. */
  readonly fromMempool: boolean;
}

export abstract class ReplicaCore implements CosiRoot {
  readonly committee: Committee;
  readonly stats: BftStats = { proposed: 0, committed: 0, starFallbacks: 0, givenUp: 0, viewsLed: 0, heartbeats: 0 };
  /** Blocks this replica committed as leader (one entry per block in the whole run, not per replica). */
  readonly committed: CommittedBlock[] = [];
  readonly shard: number;

  protected readonly self: NodeId;
  protected readonly params: BftConfig;
  protected readonly cpu: CpuConfig;
  protected readonly sizes: WireSizes;
  protected readonly cosi: CosiNode;
  protected readonly proposer: Proposer;
  protected readonly viewTimeoutUs: Micros;
  protected readonly config: BftReplicaConfig;
  protected readonly validator: BlockValidator | null;
  protected readonly emitLocal: boolean;
  protected readonly emitCommits: boolean;

  protected now: Micros = 0;
  protected view_ = 0;
  /** Last decided height (0 before the first block). */
  protected height_ = 0;
  /** The last view in which this replica saw a block decided (timeoutBackoff, viewchange.ts backoffFactor). */
  protected decidedView = 0;
  protected inflight: InFlight | null = null;
  /** The leader gave up a block in this view and waits for the view change. */
  protected stalled = false;
  /** The view whose tree failed; its leader stays on the star (ByzCoin §4). */
  protected starView = -1;
  /** The latest block seen in a commit announcement (2f+1 prepared it), until decided. */
  protected prepared: BlockRef | null = null;
  protected readonly watch: LeaderWatch;
  protected readonly votes = new ViewChangeVotes();
  private others_: NodeId[] | null = null;

  constructor(config: BftReplicaConfig) {
    this.config = config;
    this.validator = config.validator ?? null;
    this.emitLocal = config.emitLocal ?? false;
    this.emitCommits = config.emitCommits ?? true;
    this.view_ = config.startView ?? 0;
    this.height_ = config.startHeight ?? 0;
    this.decidedView = this.view_;
    this.self = config.self;
    this.params = config.params;
    this.cpu = config.cpu;
    this.committee = config.committees
      ? config.committees.get(config.members, config.params.treeBranching, config.params.treeLayout)
      : new Committee(config.members, config.params.treeBranching, config.params.treeLayout);
    if (this.committee.memberIndex(this.self) < 0) throw new Error(`BftReplica: node ${this.self} is not a member`);
    this.sizes = new WireSizes(this.committee.n, config.params.headerBytes, config.params.signatureBytes, config.txSizeBytes);
    const maxTxs = Math.floor((config.params.maxBlockBytes - config.params.headerBytes) / config.txSizeBytes);
    if (maxTxs < 1) throw new Error('BftReplica: maxBlockBytes leaves no room for one transaction');
    this.cosi = new CosiNode(this.self, this.committee, this.sizes, this.cpu, msToUs(config.params.phaseTimeoutMs), this, this.validator, config.params.fidelity);
    this.viewTimeoutUs = msToUs(config.params.viewChangeTimeoutMs);
    const source = config.source ?? new MempoolSource(new Mempool());
    this.proposer = new Proposer(this.self, this.sizes, maxTxs, msToUs(config.params.blockIntervalMs), this.viewTimeoutUs, source);
    this.watch = new LeaderWatch(this.viewTimeoutUs);
    this.shard = config.shard;
  }

  get view(): number {
    return this.view_;
  }

  /** The other members, for the leader's multicasts; built on first use (most members never lead). */
  protected get others(): readonly NodeId[] {
    return (this.others_ ??= this.config.members.filter((m) => m !== this.self));
  }
  /** Last decided height known to this replica. */
  get height(): number {
    return this.height_;
  }
  get isLeader(): boolean {
    return this.committee.leaderOf(this.view_) === this.self;
  }
  get pendingTxs(): number {
    return this.proposer.source.size ?? 0;
  }
  get maxTxsPerBlock(): number {
    return this.proposer.maxTxsPerBlock;
  }

  // ---- Leader: proposing, the two CoSi phases, deciding (ByzCoin §3) ----

  protected onProposeTimer(timer: TimerOf<'propose'>, out: Out): void {
    const p = this.proposer;
    if (!p.isCurrent(timer.seq) || timer.view !== this.view_ || !this.isLeader || this.stalled || this.inflight) return;
    if (this.watch.promised > this.view_) return; // we voted to leave this view ourselves
    if (p.waitUs(this.now) > 0) return p.arm(this.view_, p.waitUs(this.now), out);
    const next = p.next(this.height_ + 1, this.view_, this.now);
    if (next) return this.enterPrepare(next.block, next.fromMempool, out);
    if (p.heartbeatDue(this.now) && this.others.length > 0) this.sendHeartbeat(out);
    p.arm(this.view_, p.idlePollUs(), out);
  }

  /** ByzCoin §3, prepare phase: the block itself travels in the CoSi Announcement. */
  protected enterPrepare(block: BlockRef, fromMempool: boolean, out: Out): void {
    this.inflight = { block, phase: 'prepare', prepareSigners: 0, fromMempool };
    this.proposer.lastProposeUs = this.now;
    this.stats.proposed++;
    out.push({
      kind: 'trace',
      event: { type: 'block.propose', node: this.self, shard: this.shard, height: block.height, view: this.view_, txCount: block.txs.count, sizeBytes: block.sizeBytes },
    });
    this.startRound('prepare', this.topology(), out);
  }

  /** ByzCoin §3, commit phase: announced once 2f+1 signed the prepare round; carries only the header. */
  protected enterCommit(prepareSigners: number, out: Out): void {
    const f = this.inflight!;
    f.phase = 'commit';
    f.prepareSigners = prepareSigners;
    this.prepared = f.block;
    this.startRound('commit', this.topology(), out);
  }

  protected startRound(phase: Phase, topology: Topology, out: Out): void {
    const block = this.inflight!.block;
    this.proposer.lastLeaderMsgUs = this.now;
    this.sawProgress();
    this.cosi.announce({ view: this.view_, height: block.height, phase, topology }, block, out);
  }

  onRootCommitments(round: RoundKey, signers: number, evidence: readonly Evidence[], out: Out): void {
    if (!this.isCurrent(round)) return;
    if (signers < this.committee.quorum) return this.roundFailed(round, out);
    if (evidence.length > 0 && round.phase === 'prepare' && this.validator) {
      // The collective signature will cover the amended block (extensions.ts, BlockValidator).
      const f = this.inflight!;
      const a = this.validator.amend(f.block, evidence);
      f.block = { ...f.block, meta: a.meta };
      out.push({ kind: 'cpu', us: Math.ceil(a.cpuUs) });
      return this.cosi.challenge(out, evidence);
    }
    this.cosi.challenge(out);
  }

  onRootResponses(round: RoundKey, signers: number, out: Out): void {
    if (!this.isCurrent(round)) return;
    if (signers < this.committee.quorum) return this.roundFailed(round, out);
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) }); // check the collective signature
    if (round.phase === 'prepare') this.enterCommit(signers, out);
    else this.enterDecide(signers, round.topology, out);
  }

  /** A tree round below quorum is retried on the star (ByzCoin §4); a star round below quorum gives up. */
  protected roundFailed(round: RoundKey, out: Out): void {
    const f = this.inflight!;
    if (round.topology === 'tree') {
      this.starView = this.view_;
      this.stats.starFallbacks++;
      return this.startRound(round.phase, 'star', out);
    }
    this.stats.givenUp++;
    if (f.phase === 'prepare' && f.fromMempool) this.proposer.putBack(f.block);
    this.inflight = null;
    this.stalled = true; // no more proposals in this view: silence lets the view change happen
    this.cosi.reset();
  }

  /** 2f+1 signed the commit round: the block is final (BFT finality, so confirm and final at once). */
  protected enterDecide(commitSigners: number, topology: Topology, out: Out): void {
    const f = this.inflight!;
    const b = f.block;
    this.inflight = null;
    this.height_ = b.height;
    this.prepared = null;
    this.sawDecision(this.view_);
    this.stats.committed++;
    this.committed.push({ height: b.height, view: this.view_, txCount: b.txs.count, prepareSigners: f.prepareSigners, commitSigners, topology });
    if (b.reconfig) this.proposer.reconfig = null;
    if (b.txs.count > 0 && this.emitCommits) {
      out.push({ kind: 'commit', level: 'confirm', txs: b.txs, shard: this.shard });
      out.push({ kind: 'commit', level: 'final', txs: b.txs, shard: this.shard });
    }
    out.push({
      kind: 'trace',
      event: { type: 'block.commit', node: this.self, shard: this.shard, height: b.height, view: this.view_, txCount: b.txs.count, level: 'final' },
    });
    if (this.params.fidelity === 'round') {
      // The host relays it down the commit round's graph (tree-round.ts); each member verifies, then relays.
      const msg: BftMsg = { type: 'decide', view: this.view_, topology, block: b, signers: commitSigners, cast: true };
      const graph = this.committee.graph(topology);
      const spec = { nodes: this.committee.positions(this.view_), shape: graph, relayUs: Math.ceil(this.cpu.verifyUs) };
      if (this.committee.n > 1) out.push({ kind: 'treeCast', spec, msg, sizeBytes: this.sizes.of(msg) });
    } else {
      const msg: BftMsg = { type: 'decide', view: this.view_, topology, block: b, signers: commitSigners };
      const children = this.committee.childrenOf(this.self, this.view_, topology);
      if (children.length > 0) out.push({ kind: 'multicast', to: children, msg, sizeBytes: this.sizes.of(msg) });
    }
    if (this.emitLocal) out.push({ kind: 'local', event: committedEvent(this.shard, b, this.view_, true) });
    this.proposer.lastLeaderMsgUs = this.now;
    this.sawProgress();
    this.proposer.arm(this.view_, this.proposer.waitUs(this.now), out);
  }

  protected sendHeartbeat(out: Out): void {
    this.proposer.lastLeaderMsgUs = this.now;
    this.stats.heartbeats++;
    this.sawProgress();
    const msg: BftMsg = { type: 'heartbeat', view: this.view_, decidedHeight: this.height_ };
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.signUs) });
    out.push({ kind: 'multicast', to: this.others, msg, sizeBytes: this.sizes.of(msg) });
  }

  // ---- Replica: following the leader ----

  protected onAnnounce(msg: MsgOf<'announce'>, out: Out): void {
    const r = msg.round;
    // A deposed leader, a decided height, or a view we promised to leave (viewchange.ts).
    if (r.view < this.view_ || r.height <= this.height_ || r.view < this.watch.promised) return;
    if (r.view > this.view_) this.adoptView(r.view);
    this.sawProgress();
    if (r.height > this.height_ + 1) this.height_ = r.height - 1; // catch up (state transfer not modelled)
    if (r.phase === 'commit') this.prepared = msg.block; // the commit announcement proves 2f+1 prepared it
    this.cosi.onAnnounce(msg, out);
  }

  protected onDecide(msg: MsgOf<'decide'>, out: Out): void {
    const fresh = msg.block.height > this.height_;
    if (fresh) out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) });
    if (msg.view > this.view_) this.adoptView(msg.view);
    if (msg.view === this.view_) {
      this.sawProgress();
      const children = msg.cast ? [] : this.committee.childrenOf(this.self, msg.view, msg.topology);
      if (children.length > 0) out.push({ kind: 'multicast', to: children, msg, sizeBytes: this.sizes.of(msg) });
    }
    if (!fresh) return;
    this.height_ = msg.block.height;
    this.sawDecision(msg.view);
    if (this.prepared && this.prepared.height <= this.height_) this.prepared = null;
    if (msg.block.reconfig) this.proposer.reconfig = null;
    if (this.emitLocal) out.push({ kind: 'local', event: committedEvent(this.shard, msg.block, msg.view, false) });
  }

  protected onHeartbeat(msg: MsgOf<'heartbeat'>, out: Out): void {
    if (msg.view < this.view_) return;
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) });
    if (msg.view > this.view_) this.adoptView(msg.view);
    this.sawProgress();
    if (msg.decidedHeight > this.height_) this.height_ = msg.decidedHeight;
  }

  /** Move to view v (viewchange.ts and followers); defined with the view change. */
  protected abstract adoptView(v: number): void;

  // ---- helpers ----

  /**
   * Round fidelity: a member counts the Announcements and Challenges of the leader's computed half-rounds
   * (tree.ts computedRounds) as received when they would have reached it (the rounds' `arrivals` at its
   * position, up to now), under the same conditions as onAnnounce: not a view it promised to leave. Until
   * stop 12 every member counted the leader's latest half-round from its start, also the members it never
   * reached: after a failed tree round the star retry, which reached ~60 of 625 members at paper scale,
   * restarted every clock, and view changes came ~15 s later than at message level (bft/README "Fidelity").
   */
  protected sawComputedRound(): void {
    if (this.params.fidelity !== 'round' || this.view_ < this.watch.promised) return;
    const pos = this.committee.positionOf(this.self, this.view_);
    if (pos < 0) return;
    let last = -1;
    for (const r of this.committee.computedRounds) {
      if (r.view !== this.view_ || !r.spec.result) continue;
      const at = r.spec.result.arrivals[pos]!;
      if (at >= 0 && at <= this.now && at > last) last = at;
    }
    if (last >= 0 && last + this.watch.waitUs > this.watch.deadlineUs) this.watch.sawProgress(this.view_, last);
  }

  /** The leader showed life: reset the view-change deadline (the single timer re-arms itself lazily). */
  protected sawProgress(): void {
    this.watch.sawProgress(this.view_, this.now);
  }

  protected armViewChangeTimer(afterUs: Micros, out: Out): void {
    out.push({ kind: 'timer', afterUs: Math.ceil(afterUs), timer: { kind: 'viewChange', seq: ++this.watch.seq } });
  }

  /**
   * The view the timeouts back off from (viewchange.ts backoffFactor): the last view that decided a block, or
   * with timeoutBackoff 'none' the current view, so the current view runs at 1 and a vote waits as before.
   */
  protected backoffSince(): number {
    return this.params.timeoutBackoff === 'none' ? this.view_ : this.decidedView;
  }

  /** PBFT §4.5.2: the current view's phase windows and silence allowance, set when the view or decidedView changes. */
  protected applyBackoff(): void {
    const scale = backoffFactor(this.view_, this.backoffSince());
    this.cosi.windowScale = scale;
    this.watch.scale = scale;
  }

  /** A block was decided in `view`: from now on the timeouts are the configured ones again. */
  protected sawDecision(view: number): void {
    if (view <= this.decidedView) return;
    this.decidedView = view;
    this.applyBackoff();
  }

  protected topology(): Topology {
    return this.params.topology === 'star' || this.starView === this.view_ ? 'star' : 'tree';
  }

  protected isCurrent(round: RoundKey): boolean {
    const f = this.inflight;
    return f !== null && round.view === this.view_ && round.height === f.block.height && round.phase === f.phase;
  }
}
