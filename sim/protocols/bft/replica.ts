import type { BftConfig, CpuConfig } from '../../scenario/schema.js';
import { msToUs } from '../../kernel/time.js';
import type { Micros } from '../../kernel/time.js';
import { NO_EFFECTS } from '../types.js';
import type { Effect, Input, NodeId, ProtocolNode } from '../types.js';
import { CosiNode } from './cosi.js';
import type { CosiRoot } from './cosi.js';
import { WireSizes } from './messages.js';
import type { BftMsg, BftTimer, BlockRef, MsgOf, Out, Phase, RoundKey, TimerOf, Topology } from './messages.js';
import { Proposer } from './proposer.js';
import { Committee } from './tree.js';
import { LeaderWatch, ViewChangeVotes, newerBlock } from './viewchange.js';
import type { VoteTally } from './viewchange.js';

/**
 * A member of a leader-based BFT committee with collective signing: ByzCoin (Kokoris-Kogias et al.,
 * USENIX Security 2016, §3–4) on CoSi (Syta et al., S&P 2016). The leader of view v is members[v mod n].
 * A block goes through two CoSi rounds, prepare then commit (ByzCoin §3: PBFT's two phases with collective
 * signatures instead of n² MACs); a quorum of commit signers makes it final, the leader reports it and sends
 * a Decide down the graph. A tree round below quorum is retried on the star (ByzCoin §4), and the leader
 * stays on the star for the rest of the view. A silent leader is replaced by a simplified PBFT view change
 * (viewchange.ts). README.md in this folder lists the timeouts, the sizes and every simplification.
 */

export interface BftReplicaConfig {
  readonly self: NodeId;
  /** The committee, node ids in the global node space; the leader of view v is members[v % n]. */
  readonly members: readonly NodeId[];
  readonly shard: number;
  readonly params: BftConfig;
  readonly cpu: CpuConfig;
  readonly txSizeBytes: number;
}

/** A block this replica committed as leader, with its CoSi signer counts. */
export interface CommittedBlock {
  readonly height: number;
  readonly view: number;
  readonly txCount: number;
  readonly prepareSigners: number;
  readonly commitSigners: number;
  readonly topology: Topology;
}

export interface BftStats {
  proposed: number;
  committed: number;
  /** Tree rounds that ended below quorum and were retried on the star. */
  starFallbacks: number;
  /** Blocks abandoned after the star attempt also missed quorum. */
  givenUp: number;
  /** Views this replica installed as the new leader. */
  viewsLed: number;
  heartbeats: number;
}

interface InFlight {
  readonly block: BlockRef;
  phase: Phase;
  prepareSigners: number;
  /** False for a re-proposed prepared block: its transactions never go back to this mempool. */
  readonly fromMempool: boolean;
}

export class BftReplica implements ProtocolNode<BftMsg, BftTimer>, CosiRoot {
  readonly committee: Committee;
  readonly stats: BftStats = { proposed: 0, committed: 0, starFallbacks: 0, givenUp: 0, viewsLed: 0, heartbeats: 0 };
  /** Blocks this replica committed as leader (one entry per block in the whole run, not per replica). */
  readonly committed: CommittedBlock[] = [];
  readonly shard: number;

  private readonly self: NodeId;
  private readonly params: BftConfig;
  private readonly cpu: CpuConfig;
  private readonly sizes: WireSizes;
  private readonly cosi: CosiNode;
  private readonly proposer: Proposer;
  private readonly others: NodeId[];
  private readonly viewTimeoutUs: Micros;

  private now: Micros = 0;
  private view_ = 0;
  /** Last decided height (0 before the first block). */
  private height_ = 0;
  private inflight: InFlight | null = null;
  /** The leader gave up a block in this view and waits for the view change. */
  private stalled = false;
  /** The view whose tree failed; its leader stays on the star (ByzCoin §4). */
  private starView = -1;
  /** The latest block seen in a commit announcement (2f+1 prepared it), until decided. */
  private prepared: BlockRef | null = null;
  private readonly watch: LeaderWatch;
  private readonly votes = new ViewChangeVotes();

  constructor(config: BftReplicaConfig) {
    this.self = config.self;
    this.params = config.params;
    this.cpu = config.cpu;
    this.committee = new Committee(config.members, config.params.treeBranching);
    if (this.committee.memberIndex(this.self) < 0) throw new Error(`BftReplica: node ${this.self} is not a member`);
    this.sizes = new WireSizes(this.committee.n, config.params.headerBytes, config.params.signatureBytes, config.txSizeBytes);
    const maxTxs = Math.floor((config.params.maxBlockBytes - config.params.headerBytes) / config.txSizeBytes);
    if (maxTxs < 1) throw new Error('BftReplica: maxBlockBytes leaves no room for one transaction');
    this.cosi = new CosiNode(this.self, this.committee, this.sizes, this.cpu, msToUs(config.params.phaseTimeoutMs), this);
    this.others = config.members.filter((m) => m !== this.self);
    this.viewTimeoutUs = msToUs(config.params.viewChangeTimeoutMs);
    this.proposer = new Proposer(this.self, this.sizes, maxTxs, msToUs(config.params.blockIntervalMs), this.viewTimeoutUs);
    this.watch = new LeaderWatch(this.viewTimeoutUs);
    this.shard = config.shard;
  }

  get view(): number {
    return this.view_;
  }
  /** Last decided height known to this replica. */
  get height(): number {
    return this.height_;
  }
  get isLeader(): boolean {
    return this.committee.leaderOf(this.view_) === this.self;
  }
  get pendingTxs(): number {
    return this.proposer.mempool.size;
  }
  get maxTxsPerBlock(): number {
    return this.proposer.maxTxsPerBlock;
  }

  step(now: Micros, input: Input<BftMsg, BftTimer>): readonly Effect<BftMsg, BftTimer>[] {
    this.now = now;
    const out: Out = [];
    switch (input.kind) {
      case 'start':
        this.sawProgress();
        this.armViewChangeTimer(this.viewTimeoutUs, out);
        if (this.isLeader) this.proposer.arm(this.view_, 0, out);
        break;
      case 'txs':
        // Mempool admission: the leader checks each transaction once (DESIGN §5: CPU per transaction).
        this.proposer.mempool.add(input.txs);
        out.push({ kind: 'cpu', us: Math.ceil(this.cpu.txValidateUs * input.txs.count) });
        break;
      case 'recover': this.onRecover(out); break;
      case 'message': this.onMessage(input.from, input.msg, out); break;
      case 'timer': this.onTimer(input.timer, out); break;
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  private onMessage(from: NodeId, msg: BftMsg, out: Out): void {
    if (this.committee.memberIndex(from) < 0) return;
    switch (msg.type) {
      case 'announce': return this.onAnnounce(msg, out);
      case 'commitment': return this.cosi.onCommitment(from, msg, out);
      case 'challenge':
        if (msg.round.view === this.view_) this.sawProgress(); // the leader's round is moving
        return this.cosi.onChallenge(from, msg, out);
      case 'response': return this.cosi.onResponse(from, msg, out);
      case 'decide': return this.onDecide(msg, out);
      case 'viewChange': return this.onViewChange(from, msg, out);
      case 'newView': return this.onNewView(from, msg, out);
      case 'heartbeat': return this.onHeartbeat(msg, out);
    }
  }

  private onTimer(timer: BftTimer, out: Out): void {
    switch (timer.kind) {
      case 'cosi':
      case 'ownCommitment': return this.cosi.onTimer(timer, out);
      case 'propose': return this.onProposeTimer(timer, out);
      case 'viewChange': return this.onViewChangeTimer(timer, out);
    }
  }

  // ---- Leader: proposing, the two CoSi phases, deciding (ByzCoin §3) ----

  private onProposeTimer(timer: TimerOf<'propose'>, out: Out): void {
    const p = this.proposer;
    if (!p.isCurrent(timer.seq) || timer.view !== this.view_ || !this.isLeader || this.stalled || this.inflight) return;
    if (this.watch.promised > this.view_) return; // we voted to leave this view ourselves
    if (p.waitUs(this.now) > 0) return p.arm(this.view_, p.waitUs(this.now), out);
    const next = p.next(this.height_ + 1, this.view_);
    if (next) return this.enterPrepare(next.block, next.fromMempool, out);
    if (p.heartbeatDue(this.now) && this.others.length > 0) this.sendHeartbeat(out);
    p.arm(this.view_, p.idlePollUs(), out);
  }

  /** ByzCoin §3, prepare phase: the block itself travels in the CoSi Announcement. */
  private enterPrepare(block: BlockRef, fromMempool: boolean, out: Out): void {
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
  private enterCommit(prepareSigners: number, out: Out): void {
    const f = this.inflight!;
    f.phase = 'commit';
    f.prepareSigners = prepareSigners;
    this.prepared = f.block;
    this.startRound('commit', this.topology(), out);
  }

  private startRound(phase: Phase, topology: Topology, out: Out): void {
    const block = this.inflight!.block;
    this.proposer.lastLeaderMsgUs = this.now;
    this.sawProgress();
    this.cosi.announce({ view: this.view_, height: block.height, phase, topology }, block, out);
  }

  onRootCommitments(round: RoundKey, signers: number, out: Out): void {
    if (!this.isCurrent(round)) return;
    if (signers < this.committee.quorum) return this.roundFailed(round, out);
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
  private roundFailed(round: RoundKey, out: Out): void {
    const f = this.inflight!;
    if (round.topology === 'tree') {
      this.starView = this.view_;
      this.stats.starFallbacks++;
      return this.startRound(round.phase, 'star', out);
    }
    this.stats.givenUp++;
    if (f.phase === 'prepare' && f.fromMempool) this.proposer.mempool.putBack(f.block.txs);
    this.inflight = null;
    this.stalled = true; // no more proposals in this view: silence lets the view change happen
    this.cosi.reset();
  }

  /** 2f+1 signed the commit round: the block is final (BFT finality, so confirm and final at once). */
  private enterDecide(commitSigners: number, topology: Topology, out: Out): void {
    const f = this.inflight!;
    const b = f.block;
    this.inflight = null;
    this.height_ = b.height;
    this.prepared = null;
    this.stats.committed++;
    this.committed.push({ height: b.height, view: this.view_, txCount: b.txs.count, prepareSigners: f.prepareSigners, commitSigners, topology });
    if (b.txs.count > 0) {
      out.push({ kind: 'commit', level: 'confirm', txs: b.txs, shard: this.shard });
      out.push({ kind: 'commit', level: 'final', txs: b.txs, shard: this.shard });
    }
    out.push({
      kind: 'trace',
      event: { type: 'block.commit', node: this.self, shard: this.shard, height: b.height, view: this.view_, txCount: b.txs.count, level: 'final' },
    });
    const msg: BftMsg = { type: 'decide', view: this.view_, topology, block: b, signers: commitSigners };
    const children = this.committee.childrenOf(this.self, this.view_, topology);
    if (children.length > 0) out.push({ kind: 'multicast', to: children, msg, sizeBytes: this.sizes.of(msg) });
    this.proposer.lastLeaderMsgUs = this.now;
    this.sawProgress();
    this.proposer.arm(this.view_, this.proposer.waitUs(this.now), out);
  }

  private sendHeartbeat(out: Out): void {
    this.proposer.lastLeaderMsgUs = this.now;
    this.stats.heartbeats++;
    this.sawProgress();
    const msg: BftMsg = { type: 'heartbeat', view: this.view_, decidedHeight: this.height_ };
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.signUs) });
    out.push({ kind: 'multicast', to: this.others, msg, sizeBytes: this.sizes.of(msg) });
  }

  // ---- Replica: following the leader ----

  private onAnnounce(msg: MsgOf<'announce'>, out: Out): void {
    const r = msg.round;
    // A deposed leader, a decided height, or a view we promised to leave (viewchange.ts).
    if (r.view < this.view_ || r.height <= this.height_ || r.view < this.watch.promised) return;
    if (r.view > this.view_) this.adoptView(r.view);
    this.sawProgress();
    if (r.height > this.height_ + 1) this.height_ = r.height - 1; // catch up (state transfer not modelled)
    if (r.phase === 'commit') this.prepared = msg.block; // the commit announcement proves 2f+1 prepared it
    this.cosi.onAnnounce(msg, out);
  }

  private onDecide(msg: MsgOf<'decide'>, out: Out): void {
    const fresh = msg.block.height > this.height_;
    if (fresh) out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) });
    if (msg.view > this.view_) this.adoptView(msg.view);
    if (msg.view === this.view_) {
      this.sawProgress();
      const children = this.committee.childrenOf(this.self, msg.view, msg.topology);
      if (children.length > 0) out.push({ kind: 'multicast', to: children, msg, sizeBytes: this.sizes.of(msg) });
    }
    if (!fresh) return;
    this.height_ = msg.block.height;
    if (this.prepared && this.prepared.height <= this.height_) this.prepared = null;
  }

  private onHeartbeat(msg: MsgOf<'heartbeat'>, out: Out): void {
    if (msg.view < this.view_) return;
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) });
    if (msg.view > this.view_) this.adoptView(msg.view);
    this.sawProgress();
    if (msg.decidedHeight > this.height_) this.height_ = msg.decidedHeight;
  }

  private onRecover(out: Out): void {
    // Timers were lost and the mempool is volatile; the chain state (height, view, prepared) survives.
    this.proposer.mempool.clear();
    this.inflight = null;
    this.stalled = false;
    this.cosi.reset();
    this.votes.clear();
    this.sawProgress();
    this.armViewChangeTimer(this.viewTimeoutUs, out);
    if (this.isLeader) this.proposer.arm(this.view_, 0, out);
  }

  // ---- View change (PBFT §4.4, simplified; see the class comment) ----

  private onViewChangeTimer(timer: TimerOf<'viewChange'>, out: Out): void {
    if (timer.seq !== this.watch.seq) return;
    if (this.watch.deadlineUs > this.now) return this.armViewChangeTimer(this.watch.deadlineUs - this.now, out);
    // A live leader is its own progress: it only votes itself out after giving up a round (PBFT §4.4
    // has backups, not the primary, time out).
    if (this.isLeader && !this.stalled) {
      this.sawProgress();
      return this.armViewChangeTimer(this.viewTimeoutUs, out);
    }
    this.enterViewChange(out);
  }

  /** The leader we wait for was silent too long: vote for the next view (PBFT §4.4). */
  private enterViewChange(out: Out): void {
    const toView = this.watch.suspect(this.view_, this.now);
    const prepared = this.prepared && this.prepared.height > this.height_ ? this.prepared : null;
    const msg: BftMsg = { type: 'viewChange', toView, decidedHeight: this.height_, prepared };
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.signUs) });
    const next = this.committee.leaderOf(toView);
    if (next === this.self) this.onViewChange(this.self, msg, out);
    else out.push({ kind: 'send', to: next, msg, sizeBytes: this.sizes.of(msg) });
    this.armViewChangeTimer(this.watch.deadlineUs - this.now, out);
  }

  private onViewChange(from: NodeId, msg: MsgOf<'viewChange'>, out: Out): void {
    if (msg.toView <= this.view_ || this.committee.leaderOf(msg.toView) !== this.self) return;
    if (from !== this.self && !this.votes.has(msg.toView, from)) out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) });
    const tally = this.votes.add(from, msg, this.committee.quorum);
    if (tally) this.enterNewView(msg.toView, tally, out);
  }

  /** 2f+1 votes: become leader of view w, announce it, and carry over a possibly committed block. */
  private enterNewView(w: number, t: VoteTally, out: Out): void {
    const fromView = this.view_;
    this.adoptView(w);
    this.stats.viewsLed++;
    if (t.decidedHeight > this.height_) this.height_ = t.decidedHeight;
    const best = newerBlock(this.prepared, t.prepared);
    this.proposer.repropose = best && best.height === this.height_ + 1 ? best : null;
    out.push({ kind: 'trace', event: { type: 'view.change', node: this.self, shard: this.shard, fromView, toView: w, reason: 'timeout' } });
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.aggregateUsPerSigner * t.voters.size) });
    const msg: BftMsg = { type: 'newView', view: w, decidedHeight: this.height_ };
    if (this.others.length > 0) out.push({ kind: 'multicast', to: this.others, msg, sizeBytes: this.sizes.of(msg) });
    this.proposer.lastLeaderMsgUs = this.now;
    this.proposer.arm(this.view_, 0, out);
  }

  private onNewView(from: NodeId, msg: MsgOf<'newView'>, out: Out): void {
    if (msg.view <= this.view_ || from !== this.committee.leaderOf(msg.view)) return;
    out.push({ kind: 'cpu', us: Math.ceil(this.cpu.verifyUs) });
    this.adoptView(msg.view);
    if (msg.decidedHeight > this.height_) this.height_ = msg.decidedHeight;
  }

  /** Move to view v: drop the old round; a block not yet prepared by anyone goes back to the mempool. */
  private adoptView(v: number): void {
    const f = this.inflight;
    if (f && f.phase === 'prepare' && f.fromMempool) this.proposer.mempool.putBack(f.block.txs);
    this.inflight = null;
    this.cosi.reset();
    this.view_ = v;
    this.stalled = false;
    this.proposer.repropose = null;
    this.sawProgress();
    this.votes.prune(v);
  }

  // ---- helpers ----

  /** The leader showed life: reset the view-change deadline (the single timer re-arms itself lazily). */
  private sawProgress(): void {
    this.watch.sawProgress(this.view_, this.now);
  }

  private armViewChangeTimer(afterUs: Micros, out: Out): void {
    out.push({ kind: 'timer', afterUs: Math.ceil(afterUs), timer: { kind: 'viewChange', seq: ++this.watch.seq } });
  }

  private topology(): Topology {
    return this.params.topology === 'star' || this.starView === this.view_ ? 'star' : 'tree';
  }

  private isCurrent(round: RoundKey): boolean {
    const f = this.inflight;
    return f !== null && round.view === this.view_ && round.height === f.block.height && round.phase === f.phase;
  }
}
