import type { Micros } from '../../../kernel/time.js';
import { NO_EFFECTS } from '../../types.js';
import type { Effect, Input, NodeId, ProtocolNode } from '../../types.js';
import { DrpClient } from './drp.js';
import type { DrpContext } from './drp.js';
import { defaultRunTimeoutUs } from './config.js';
import type { EdsConfig, EdsStats } from './config.js';
import { LotteryBox } from './lottery.js';
import { EdsSizes, sameRun } from './messages.js';
import type { EdsLocalEvent, EdsMsg, EdsTimer, MsgOf, Out, RunKey, TimerOf } from './messages.js';

/**
 * One validator's part in EDS (whitepaper "Efficient Distributed Sharding", "Algorithm - Leader Election
 * with Back-up Protocol") and in the DRP it elects a client for (whitepaper "Distributed Randomness
 * Protocol"; drp.ts). Per epoch e and view v:
 *
 * - step 1–2 (enterLottery, onLottery): lottery = VRF(sk_i, e‖v), here keyedUniform(`vrf:e:v:i`), gossiped
 *   to all validators; each keeps the 3 smallest valid lotteries it has seen (excluded clients are invalid).
 * - step 3–4 (onFixLeader): Δ later, the smallest is the leader, the next two the back-up pool.
 * - step 5 (startRun, DRP, onRandomness): the leader runs DRP and gossips rnd_e with its proof; every
 *   validator that gets it tells the composite ({type:'randomness'} local note).
 * - step 7 (onStartCheck, onRunDeadline, failRun): Δ after a run starts, a run whose client has not started
 *   DRP (no grouping seen) fails; so does one that has not delivered rnd_e by the run deadline. Its client is
 *   excluded for the rest of the epoch and the next pool member runs; after the pool, v+1 and a new lottery.
 *
 * The composite starts epoch e by calling begin(now, e) or by stepping the self-message
 * {kind:'message', from: self, msg:{type:'beginEpoch', epoch: e}}; 'start' does nothing. README.md lists the
 * timeouts, the sizes and the simplifications.
 */

type Phase = 'idle' | 'lottery' | 'run' | 'done';

export type { EdsConfig, EdsStats } from './config.js';

export class EdsNode implements ProtocolNode<EdsMsg, EdsTimer> {
  readonly stats: EdsStats = { lotteriesGossiped: 0, lotteriesVerified: 0, runsLed: 0, runsFailed: 0, views: 0 };
  readonly runTimeoutUs: Micros;
  private readonly self: NodeId;
  private readonly cfg: EdsConfig;
  private readonly sizes: EdsSizes;
  private readonly ctx: DrpContext;
  private others: NodeId[] | null = null;

  private now: Micros = 0;
  private epoch_ = -1;
  private view_ = 0;
  private attempt_ = 0;
  private phase: Phase = 'idle';
  private readonly lotteries = new LotteryBox();
  private pool: NodeId[] = [];
  /** Clients excluded for the rest of the epoch (step 7). */
  private excluded: NodeId[] = [];
  private groupingSeen = false;
  private served = { shares: false, cosi: false, reveal: false };
  private client: DrpClient | null = null;
  /** This node's group in the run it serves. */
  private myGroup: { run: RunKey; group: number } | null = null;
  private result: { rnd: number; run: RunKey } | null = null;

  constructor(cfg: EdsConfig) {
    this.cfg = cfg;
    this.self = cfg.self;
    const n = cfg.validators.length;
    if (n === 0) throw new Error('EdsNode: no validators');
    const nodeCount = cfg.nodeCount ?? cfg.validators.reduce((a, b) => Math.max(a, b), 0) + 1;
    this.sizes = new EdsSizes(n, cfg.drp.shareBytes, cfg.drp.commitBytes);
    this.runTimeoutUs = cfg.runTimeoutUs ?? defaultRunTimeoutUs(cfg);
    this.ctx = {
      self: cfg.self,
      validators: cfg.validators,
      nodeCount,
      groupSize: cfg.drp.groupSize,
      deltaUs: cfg.deltaUs,
      cpu: cfg.cpu,
      sizes: this.sizes,
      rng: cfg.rng,
      broadcast: (msg, sizeBytes, out) => this.broadcast(msg, sizeBytes, out),
    };
  }

  get epoch(): number {
    return this.epoch_;
  }
  get view(): number {
    return this.view_;
  }
  get attempt(): number {
    return this.attempt_;
  }
  /** Leader and back-ups fixed in the current view (empty before step 3). */
  get leaderPool(): readonly NodeId[] {
    return this.pool;
  }
  get excludedLeaders(): readonly NodeId[] {
    return this.excluded;
  }
  /** rnd_e of the current epoch and the run that produced it, once known. */
  get randomness(): { readonly rnd: number; readonly run: RunKey } | null {
    return this.result;
  }

  step(now: Micros, input: Input<EdsMsg, EdsTimer>): readonly Effect<EdsMsg, EdsTimer>[] {
    this.now = now;
    const out: Out = [];
    switch (input.kind) {
      case 'message':
        this.onMessage(input.from, input.msg, out);
        break;
      case 'timer':
        this.onTimer(input.timer, out);
        break;
      default: // 'start', 'txs', 'recover': nothing (timers lost in a crash are not re-armed)
        break;
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  /** Start the election of epoch `epoch` (idempotent: an epoch at or below the current one is ignored). */
  begin(_now: Micros, epoch: number): readonly Effect<EdsMsg, EdsTimer>[] {
    if (epoch <= this.epoch_) return NO_EFFECTS;
    this.epoch_ = epoch;
    this.excluded = [];
    this.lotteries.reset();
    this.result = null;
    const out: Out = [];
    this.enterLottery(0, out);
    return out;
  }

  private onMessage(from: NodeId, msg: EdsMsg, out: Out): void {
    switch (msg.type) {
      case 'beginEpoch':
        if (from === this.self) out.push(...this.begin(this.now, msg.epoch));
        return;
      case 'lottery': return this.onLottery(msg, out);
      case 'grouping': return this.onGrouping(msg, out);
      case 'shares': return this.isClientOf(msg.run) ? this.client!.onShares(from, out) : undefined;
      case 'cosiAnnounce': return this.onCosiAnnounce(msg, out);
      case 'cosiResponse': return this.isClientOf(msg.run) ? this.client!.onCosiResponse(from, out) : undefined;
      case 'revealRequest': return this.onRevealRequest(msg, out);
      case 'reveal': return this.onReveal(from, msg.run, out);
      case 'randomness': return this.onRandomness(msg, out);
    }
  }

  private onTimer(timer: EdsTimer, out: Out): void {
    switch (timer.kind) {
      case 'fixLeader': return this.onFixLeader(timer, out);
      case 'startCheck':
        if (this.isCurrentAttempt(timer) && !this.groupingSeen) this.failRun(out);
        return;
      case 'runDeadline':
        if (this.isCurrentAttempt(timer)) this.failRun(out);
        return;
      case 'drp':
        if (this.isClientOf(timer.run) && !this.client!.onPhaseTimeout(timer.phase, out)) this.client = null;
        return;
      case 'combined':
        if (this.result !== null && sameRun(this.result.run, timer.msg.run)) this.announce(timer.msg, out);
        return;
    }
  }

  // ---- Leader election with back-up (whitepaper "Efficient Distributed Sharding") ----

  /** Steps 1–2: compute this view's lottery, gossip it, collect for Δ. */
  private enterLottery(view: number, out: Out): void {
    this.view_ = view;
    this.phase = 'lottery';
    const early = this.lotteries.enter(view);
    this.pool = [];
    this.client = null;
    this.stats.views++;
    // The collection window is Δ from now, not from when the VRF work below is done.
    out.push({ kind: 'timer', afterUs: this.cfg.deltaUs, timer: { kind: 'fixLeader', epoch: this.epoch_, view } });
    if (!this.excluded.includes(this.self)) {
      const value = this.cfg.rng.keyedUniform(`vrf:${this.epoch_}:${view}:${this.self}`);
      out.push({ kind: 'cpu', us: this.cfg.cpu.signUs }); // VRF evaluation ≈ one signature
      const c = this.cfg.lotteryCandidates;
      // Only a gossiped lottery is a candidate, one's own included (or a silent node would elect itself).
      if (c === undefined || value < c / this.cfg.validators.length) {
        this.lotteries.add({ node: this.self, value });
        this.stats.lotteriesGossiped++;
        const msg: EdsMsg = { type: 'lottery', epoch: this.epoch_, view, node: this.self, value };
        out.push({ kind: 'gossip', msg, sizeBytes: this.sizes.lottery(), group: this.cfg.validators, computed: this.cfg.computedGossip ?? false });
      }
    }
    for (const l of early) this.onLottery(l, out);
  }

  /** Step 2: keep the three smallest valid lotteries; only a lottery that enters them is verified. */
  private onLottery(msg: MsgOf<'lottery'>, out: Out): void {
    if (msg.epoch !== this.epoch_) return;
    if (msg.view > this.view_) return this.lotteries.keepForLater(msg);
    if (msg.view < this.view_ || this.phase !== 'lottery' || this.excluded.includes(msg.node)) return;
    const ticket = { node: msg.node, value: msg.value };
    if (!this.lotteries.improves(ticket)) return;
    out.push({ kind: 'cpu', us: this.cfg.cpu.verifyUs });
    this.stats.lotteriesVerified++;
    this.lotteries.add(ticket);
  }

  /** Steps 3–4: fix the leader (smallest lottery) and the two back-ups. */
  private onFixLeader(timer: TimerOf<'fixLeader'>, out: Out): void {
    if (timer.epoch !== this.epoch_ || timer.view !== this.view_ || this.phase !== 'lottery') return;
    this.pool = this.lotteries.best.map((t) => t.node);
    if (this.pool.length === 0) return this.enterLottery(this.view_ + 1, out);
    this.startRun(0, out);
  }

  /** Step 4/7: pool member `attempt` runs DRP; everyone arms the start check and the run deadline. */
  private startRun(attempt: number, out: Out): void {
    this.phase = 'run';
    this.attempt_ = attempt;
    this.groupingSeen = false;
    this.served = { shares: false, cosi: false, reveal: false };
    const e = this.epoch_;
    const v = this.view_;
    out.push({ kind: 'timer', afterUs: this.cfg.deltaUs, timer: { kind: 'startCheck', epoch: e, view: v, attempt } });
    out.push({ kind: 'timer', afterUs: this.runTimeoutUs, timer: { kind: 'runDeadline', epoch: e, view: v, attempt } });
    const leader = this.pool[attempt]!;
    if (leader !== this.self || this.cfg.adversary) return;
    this.stats.runsLed++;
    out.push({
      kind: 'trace',
      event: { type: 'eds.leader', epoch: e, view: v, attempt, leader, failed: this.excluded.join(' ') },
    });
    const lottery = this.lotteries.best[attempt]!.value;
    this.client = new DrpClient(this.ctx, { epoch: e, view: v, attempt, leader }, lottery);
    this.client.enterGrouping(out);
  }

  /** Step 7: mark the run failed, exclude its client for the epoch, go to the next back-up or to v+1. */
  private failRun(out: Out): void {
    this.markFailed(this.attempt_, out);
    if (this.attempt_ + 1 < this.pool.length) this.startRun(this.attempt_ + 1, out);
    else this.enterLottery(this.view_ + 1, out);
  }

  private markFailed(attempt: number, out: Out): void {
    const failed = this.pool[attempt]!;
    this.stats.runsFailed++;
    this.excluded.push(failed);
    this.client?.abandon();
    this.client = null;
    const note: EdsLocalEvent = { type: 'leaderFailed', epoch: this.epoch_, view: this.view_, attempt, leader: failed };
    out.push({ kind: 'local', event: note });
  }

  /**
   * A back-up of this view has started DRP: its client saw the earlier runs fail (step 7) before this node
   * did, e.g. because the leader's grouping never reached it. Follow it, unless this node has already
   * signed off the current run's inputs (it signs off at most one run at a time).
   */
  private maybeFollow(run: RunKey, out: Out): void {
    if (this.phase !== 'run' || run.epoch !== this.epoch_ || run.view !== this.view_) return;
    if (run.attempt <= this.attempt_ || this.pool[run.attempt] !== run.leader || this.served.cosi) return;
    for (let a = this.attempt_; a < run.attempt; a++) this.markFailed(a, out);
    this.startRun(run.attempt, out);
  }

  private isClientOf(run: RunKey): boolean {
    return this.client !== null && sameRun(this.client.run, run);
  }

  private isCurrentAttempt(t: { epoch: number; view: number; attempt: number }): boolean {
    return this.phase === 'run' && t.epoch === this.epoch_ && t.view === this.view_ && t.attempt === this.attempt_;
  }

  /** A message of the run this node currently serves (its client is the current pool member). */
  private isCurrentRun(run: RunKey): boolean {
    return this.isCurrentAttempt(run) && this.pool[this.attempt_] === run.leader;
  }

  // ---- DRP, server side (whitepaper "Distributed Randomness Protocol"; RandHound phase 1 and 2) ----

  private broadcast(msg: EdsMsg, sizeBytes: number, out: Out): void {
    if (this.others === null) this.others = this.cfg.validators.filter((v) => v !== this.self);
    if (this.others.length > 0) out.push({ kind: 'multicast', to: this.others, msg, sizeBytes });
    this.onMessage(this.self, msg, out);
  }

  /** Send to the run's client, or hand to this node's own client role. */
  private toClient(run: RunKey, msg: EdsMsg, sizeBytes: number, out: Out): void {
    if (run.leader === this.self) this.onMessage(this.self, msg, out);
    else out.push({ kind: 'send', to: run.leader, msg, sizeBytes });
  }

  /** Phase 1: check the client's signature, PVSS-share a random input within the group. */
  private onGrouping(msg: MsgOf<'grouping'>, out: Out): void {
    this.maybeFollow(msg.run, out);
    if (!this.isCurrentRun(msg.run)) return;
    this.groupingSeen = true;
    const g = msg.grouping.groupOf[this.self] ?? -1;
    this.myGroup = { run: msg.run, group: g };
    if (this.served.shares || this.cfg.adversary || g < 0) return;
    this.served.shares = true;
    const c = msg.grouping.sizes[g]!;
    out.push({ kind: 'cpu', us: this.cfg.cpu.verifyUs + c * this.cfg.cpu.signUs });
    this.toClient(msg.run, { type: 'shares', run: msg.run }, this.sizes.shares(c), out);
  }

  /** CoSi: sign the fixed subsets. */
  private onCosiAnnounce(msg: MsgOf<'cosiAnnounce'>, out: Out): void {
    if (!this.isCurrentRun(msg.run) || this.served.cosi || this.cfg.adversary) return;
    this.served.cosi = true;
    out.push({ kind: 'cpu', us: this.cfg.cpu.signUs });
    this.toClient(msg.run, { type: 'cosiResponse', run: msg.run }, this.sizes.cosiResponse(), out);
  }

  /** Phase 2: verify the sign-off, decrypt this server's shares of its group's chosen inputs. */
  private onRevealRequest(msg: MsgOf<'revealRequest'>, out: Out): void {
    if (!this.isCurrentRun(msg.run) || this.served.reveal || this.cfg.adversary) return;
    const group = this.groupOf(msg.run);
    if (group < 0) return;
    this.served.reveal = true;
    const chosen = msg.chosenPerGroup[group]!;
    out.push({ kind: 'cpu', us: this.cfg.cpu.verifyUs + chosen * this.cfg.cpu.signUs });
    this.toClient(msg.run, { type: 'reveal', run: msg.run }, this.sizes.reveal(chosen), out);
  }

  /** This node's group in `run` (learnt from the run's grouping message). */
  private groupOf(run: RunKey): number {
    return this.myGroup !== null && sameRun(this.myGroup.run, run) ? this.myGroup.group : -1;
  }

  // ---- DRP, client side: combining and step 5 ----

  private onReveal(from: NodeId, run: RunKey, out: Out): void {
    const client = this.client;
    if (client === null || !sameRun(client.run, run) || !client.onReveal(from, out)) return;
    this.client = null;
    const msg: MsgOf<'randomness'> = { type: 'randomness', run, rnd: client.rnd, signers: client.signers };
    out.push({ kind: 'gossip', msg, sizeBytes: this.sizes.randomness(), group: this.cfg.validators, computed: this.cfg.computedGossip ?? false });
    if (this.cfg.traceEpochStart !== 'all') {
      out.push({ kind: 'trace', event: { type: 'eds.randomness', epoch: run.epoch, leader: run.leader, view: run.view } });
    }
    // Adopted now; the composite hears of it once the verification work queued before it is done (a zero
    // timer after the `cpu` effects), as the other validators hear of it on arrival.
    this.adopt(msg);
    out.push({ kind: 'timer', afterUs: 0, timer: { kind: 'combined', msg } });
  }

  /** Step 5: rnd_e with a valid proof; the first one of the epoch is adopted. */
  private onRandomness(msg: MsgOf<'randomness'>, out: Out): void {
    if (!this.adopt(msg)) return;
    out.push({ kind: 'cpu', us: this.cfg.cpu.verifyUs });
    this.announce(msg, out);
  }

  private adopt(msg: MsgOf<'randomness'>): boolean {
    if (msg.run.epoch !== this.epoch_ || this.phase === 'idle' || this.result !== null) return false;
    this.result = { rnd: msg.rnd, run: msg.run };
    this.phase = 'done';
    this.client?.abandon();
    this.client = null;
    return true;
  }

  /** Tell the composite (and, with traceEpochStart 'all', the trace). */
  private announce(msg: MsgOf<'randomness'>, out: Out): void {
    const run = msg.run;
    const note: EdsLocalEvent = { type: 'randomness', epoch: run.epoch, rnd: msg.rnd, leader: run.leader, view: run.view, attempt: run.attempt };
    out.push({ kind: 'local', event: note });
    if (this.cfg.traceEpochStart === 'all') {
      out.push({ kind: 'trace', event: { type: 'eds.randomness', epoch: run.epoch, leader: run.leader, view: run.view } });
    }
  }
}
