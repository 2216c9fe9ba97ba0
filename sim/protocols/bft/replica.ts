import { NO_EFFECTS } from '../types.js';
import type { Effect, Input, NodeId, ProtocolNode, TxSet } from '../types.js';
import type { Micros } from '../../kernel/time.js';
import { ReplicaCore } from './core.js';
import type { BftMsg, BftTimer, MsgOf, Out, TimerOf } from './messages.js';
import { newerBlock } from './viewchange.js';
import type { VoteTally } from './viewchange.js';

/**
 * A member of a leader-based BFT committee with collective signing: ByzCoin (Kokoris-Kogias et al.,
 * USENIX Security 2016, §3–4) on CoSi (Syta et al., S&P 2016). The leader of view v is members[v mod n].
 * A block goes through two CoSi rounds, prepare then commit (ByzCoin §3: PBFT's two phases with collective
 * signatures instead of n² MACs); a quorum of commit signers makes it final, the leader reports it and sends
 * a Decide down the graph. A tree round below quorum is retried on the star (ByzCoin §4), and the leader
 * stays on the star for the rest of the view. A silent leader is replaced by a simplified PBFT view change
 * (viewchange.ts). README.md in this folder lists the timeouts, the sizes and every simplification; the
 * optional hooks for composite protocols (block source, validator, local notes, reconfiguration) are in
 * config.ts, extensions.ts and reconfig.ts, and change nothing when unused.
 */

export type { BftReplicaConfig, BftStats, CommittedBlock } from './config.js';

export class BftReplica extends ReplicaCore implements ProtocolNode<BftMsg, BftTimer> {
  /**
   * Reconfiguration, carried in a block: the next new block this replica proposes as leader carries
   * `members` (rotated so that it stays leader, extensions.ts rotateToLead); the owner switches to the new
   * committee when that block is decided (reconfig.ts does it; see README "Reconfiguration").
   */
  proposeReconfiguration(members: readonly NodeId[]): void {
    this.proposer.reconfig = members;
  }
  /**
   * The committee this replica should propose may have changed: `update` (which calls proposeReconfiguration
   * or leaves the pending one) runs when this replica next builds a block as leader, not now.
   */
  reconfigurationDue(update: () => void): void {
    this.proposer.reconfigDue = update;
  }
  get pendingReconfiguration(): readonly NodeId[] | null {
    return this.proposer.reconfig;
  }
  /** Empty the block source (BlockSource.drain) for a leader that leaves; null if it cannot or has nothing. */
  drainPending(): TxSet | null {
    return this.proposer.source.drain?.() ?? null;
  }

  /**
   * A replica for the next committee that continues this chain: same configuration and hooks, the same
   * block source object (so pending transactions carry over), the decided height and the view carried over
   * (or `at`, for a member that switches before it heard the Decide). Call it at a block boundary, when
   * the block that carries the reconfiguration is decided; this node must be a member of `members`.
   */
  continueWith(members: readonly NodeId[], at?: { readonly height: number; readonly view: number }): BftReplica {
    return new BftReplica({
      ...this.config,
      members,
      source: this.proposer.source,
      startHeight: at?.height ?? this.height_,
      startView: at?.view ?? this.view_,
    });
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
        if (!this.proposer.source.add) throw new Error('BftReplica: this block source takes no client transactions');
        this.proposer.source.add(input.txs);
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
      case 'cosiRound': return this.cosi.onRoundTimer(timer, out);
      case 'propose': return this.onProposeTimer(timer, out);
      case 'viewChange': return this.onViewChangeTimer(timer, out);
    }
  }

  private onRecover(out: Out): void {
    // Timers were lost and the mempool is volatile; the chain state (height, view, prepared) survives.
    this.proposer.source.clear?.();
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
    this.sawComputedRound();
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
    const toView = this.watch.suspect(this.view_, this.now, this.backoffSince());
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


  protected adoptView(v: number): void {
    const f = this.inflight;
    if (f && f.phase === 'prepare' && f.fromMempool) this.proposer.putBack(f.block);
    this.inflight = null;
    this.cosi.reset();
    this.view_ = v;
    this.applyBackoff();
    this.stalled = false;
    this.proposer.repropose = null;
    this.sawProgress();
    this.votes.prune(v);
  }
}
