import type { Micros } from '../../kernel/time.js';
import { NO_EFFECTS } from '../types.js';
import type { Effect, Input, NodeId, ProtocolEvent, ProtocolNode, TxSet } from '../types.js';
import { Mempool, ReconfigurableReplica } from '../bft/index.js';
import type { BftCommitted, BftMsg, BftReconfigured, BftTimer, GenMsg, GenTimer } from '../bft/index.js';
import { DsSource, DsValidator } from './ds.js';
import type { DsMeta } from './ds.js';
import { zil } from './messages.js';
import type { ZilEnvelope, ZilMsg, ZilTimer, ZilTimerEnvelope } from './messages.js';
import { solveTimes } from './pow.js';
import { ShardMembership } from './shard.js';
import type { MicroblockMeta } from './shard.js';
import type { EpochPlan } from './sharding.js';
import type { ZilliqaWorld } from './world.js';
import { dsBlockEvents, installedView, wrapDsEffects, wrapShardEffects } from './wrap.js';

type Out = Effect<ZilEnvelope, ZilTimerEnvelope>[];

/** Shard messages of a DS epoch this node has not heard of yet wait here (more are dropped). */
const STASH_LIMIT = 1024;
const NO_TXS: TxSet = { ranges: [], count: 0 };

/**
 * One Zilliqa node (DESIGN §7; README.md in this folder): a miner every DS epoch it is not in the DS
 * committee, a member of at most one shard per DS epoch, and possibly a DS member. It composes:
 *
 * - **PoW** (pow.ts): on the last final block of a DS epoch (genesis: at start) it draws its solve times
 *   and submits its solutions to the DS committee (layer `zil`).
 * - **DS committee** (ds.ts): a bft ReconfigurableReplica whose DsSource proposes the DS block when the
 *   PoW window has closed and a final block per TX epoch; the DS block carries the FIFO committee change.
 * - **Shard** (shard.ts): a BftReplica per DS epoch over the shard the DS block put it in.
 * - **Pool**: client transactions it received; the leader of a shard cuts each TX epoch's packet from it.
 *   A new DS block sends pooled transactions on to the leader of their shard.
 */
export class ZilliqaNode implements ProtocolNode<ZilEnvelope, ZilTimerEnvelope> {
  readonly self: NodeId;
  private readonly world: ZilliqaWorld;
  /** The latest DS block this node received or decided; null before the first. */
  private plan_: EpochPlan | null = null;
  private shard_: ShardMembership | null = null;
  private ds_: ReconfigurableReplica | null = null;
  private dsSource_: DsSource | null = null;
  readonly pool = new Mempool();
  private miningEpoch = -1;
  /** The newest final block heard, as an ordinal (epoch, k), to drop the second forwarded copy. */
  private lastFinal = -1;
  private stash: { from: NodeId; msg: Extract<ZilEnvelope, { layer: 'shard' }> }[] = [];
  /** The DS epoch whose PoW submissions this node traced as the DS leader, and who was traced. */
  private powTraced: { epoch: number; nodes: Set<NodeId> } | null = null;
  private now: Micros = 0;

  constructor(self: NodeId, world: ZilliqaWorld) {
    this.self = self;
    this.world = world;
  }

  get plan(): EpochPlan | null {
    return this.plan_;
  }
  get shard(): ShardMembership | null {
    return this.shard_;
  }
  get ds(): ReconfigurableReplica | null {
    return this.ds_;
  }
  get dsSource(): DsSource | null {
    return this.dsSource_;
  }

  /** The DS committee as this node knows it. */
  private get committee(): readonly NodeId[] {
    return this.plan_?.dsCommittee ?? this.world.genesisCommittee;
  }

  private get isDsMember(): boolean {
    return this.ds_?.replica !== null && this.ds_?.replica !== undefined;
  }

  step(now: Micros, input: Input<ZilEnvelope, ZilTimerEnvelope>): readonly Effect<ZilEnvelope, ZilTimerEnvelope>[] {
    this.now = now;
    const out: Out = [];
    switch (input.kind) {
      case 'start':
        this.onStart(out);
        break;
      case 'txs':
        // Admission: signature and nonce checks where the batch enters (Zilliqa's lookups and shard leader).
        out.push({ kind: 'cpu', us: Math.ceil(this.world.scenario.cpu.txValidateUs * input.txs.count) });
        this.pool.add(input.txs);
        break;
      case 'recover':
        // Timers and memory are lost: the pool, the sources' state (bft clears them), this epoch's mining.
        this.pool.clear();
        this.miningEpoch = -1;
        if (this.ds_) this.stepDs({ kind: 'recover' }, out);
        if (this.shard_) this.stepShard({ kind: 'recover' }, out);
        break;
      case 'message':
        this.onMessage(input.from, input.msg, out);
        break;
      case 'timer': {
        const t = input.timer;
        if (t.layer === 'ds') {
          if (this.ds_) this.stepDs({ kind: 'timer', timer: t.inner }, out);
        } else if (t.layer === 'shard') {
          const s = this.shard_;
          if (s && s.epoch === t.epoch && s.shard === t.shard) this.stepShard({ kind: 'timer', timer: t.inner }, out);
        } else if (t.inner.kind === 'pow') this.onPowTimer(t.inner, out);
        else this.onCutPacket(t.inner, out);
        break;
      }
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  private onStart(out: Out): void {
    const genesis = this.world.genesisCommittee;
    if (!genesis.includes(this.self)) return this.startMining(0, out);
    this.ensureDs(genesis);
    this.stepDs({ kind: 'start' }, out);
    this.trace(out, { type: 'shard.member', node: this.self, shard: -1, epoch: 0, role: 'ds' });
    if (genesis[0] === this.self) {
      this.trace(out, { type: 'epoch.start', epoch: 0, leader: this.self, view: 0 });
      this.trace(out, { type: 'idle.start', shard: -1, epoch: 0, reason: 'pow' });
    }
  }

  private onMessage(from: NodeId, msg: ZilEnvelope, out: Out): void {
    switch (msg.layer) {
      case 'ds':
        if (!this.ds_) {
          if (msg.inner.type !== 'join') return;
          this.ensureDs(null);
        }
        return this.stepDs({ kind: 'message', from, msg: msg.inner }, out);
      case 'shard': {
        const s = this.shard_;
        if (s && s.epoch === msg.epoch && s.shard === msg.shard) return this.stepShard({ kind: 'message', from, msg: msg.inner }, out);
        // A shard of a DS block that has not reached us yet: keep it until it does.
        if (msg.epoch > (this.plan_?.epoch ?? -1) && this.stash.length < STASH_LIMIT) this.stash.push({ from, msg });
        return;
      }
      case 'zil':
        return this.onZil(from, msg.inner, out);
    }
  }

  private onZil(from: NodeId, msg: ZilMsg, out: Out): void {
    const cpu = this.world.scenario.cpu;
    switch (msg.type) {
      case 'powSubmission': {
        if (!this.dsSource_ || !this.isDsMember) return;
        out.push({ kind: 'cpu', us: Math.ceil(cpu.verifyUs) });
        this.dsSource_.onSubmission(from, msg.epoch, msg.ds, this.now);
        const t = this.powTraced;
        if (t && t.epoch === msg.epoch && !t.nodes.has(from)) {
          // After the DS block: this submission can no longer count.
          t.nodes.add(from);
          this.trace(out, { type: 'pow.submit', node: from, epoch: msg.epoch, accepted: false });
        }
        return;
      }
      case 'dsBlock':
        if (msg.epoch <= (this.plan_?.epoch ?? -1)) return;
        out.push({ kind: 'cpu', us: Math.ceil(cpu.verifyUs) });
        return this.learnPlan(msg.plan, out);
      case 'finalBlock':
        return this.onFinalBlock(msg.epoch, msg.k, msg.last, out);
      case 'txPacket': {
        const s = this.shard_;
        if (!s || s.epoch !== msg.epoch || s.shard !== msg.shard) return;
        s.source.addPacket(msg.k, msg.txs, this.now);
        const children = s.sharingChildren(this.self, msg.root);
        if (children.length > 0) out.push({ kind: 'multicast', to: children, msg: zil(msg), sizeBytes: this.world.sizes.txPacket(msg.txs.count) });
        return;
      }
      case 'microblock':
        if (!this.dsSource_ || !this.isDsMember) return;
        out.push({ kind: 'cpu', us: Math.ceil(cpu.verifyUs) });
        return this.dsSource_.onMicroblock(msg.epoch, msg.shard, msg.k, msg.height, msg.txs);
      case 'txForward':
        this.pool.add(msg.txs);
        return;
    }
  }

  // ---- PoW ----

  /** Mine for DS epoch `epoch` (not as a DS member): one timer per solution found within the window. */
  private startMining(epoch: number, out: Out): void {
    if (this.isDsMember || this.committee.includes(this.self) || epoch <= this.miningEpoch) return;
    this.miningEpoch = epoch;
    const w = this.world;
    const { firstUs, dsUs } = solveTimes(w.hashPower[this.self]!, w.cfg.pow, w.powStream(this.self));
    if (firstUs >= w.windowUs) return;
    this.powTimer(firstUs, { kind: 'pow', epoch, ds: dsUs === firstUs }, out);
    if (dsUs > firstUs && dsUs < w.windowUs) this.powTimer(dsUs, { kind: 'pow', epoch, ds: true }, out);
  }

  private powTimer(afterUs: Micros, timer: ZilTimer, out: Out): void {
    out.push({ kind: 'timer', afterUs, timer: { layer: 'zil', inner: timer } });
  }

  private onPowTimer(t: Extract<ZilTimer, { kind: 'pow' }>, out: Out): void {
    if (t.epoch !== this.miningEpoch) return;
    const w = this.world;
    const to = w.cfg.pow.submitTo === 'ds-leader' ? [w.dsLeader] : this.committee;
    out.push({ kind: 'cpu', us: Math.ceil(w.scenario.cpu.signUs) });
    out.push({ kind: 'multicast', to, msg: zil({ type: 'powSubmission', epoch: t.epoch, ds: t.ds }), sizeBytes: w.sizes.powSubmission() });
  }

  // ---- DS committee ----

  /** Build this node's DS replica (dormant until its Join when `members` is null) and its source. */
  private ensureDs(members: readonly NodeId[] | null): void {
    if (this.ds_) return;
    const w = this.world;
    const source = new DsSource(w, this.self, (m) => this.ds_?.reconfigure(m));
    this.dsSource_ = source;
    this.ds_ = new ReconfigurableReplica({
      self: this.self,
      members,
      shard: -1,
      params: w.dsBft,
      cpu: w.scenario.cpu,
      txSizeBytes: 0,
      source,
      validator: new DsValidator(source, w.scenario.cpu, () => this.now),
      emitLocal: true,
    });
  }

  private stepDs(input: Input<GenMsg, GenTimer>, out: Out): void {
    const effects = this.ds_!.step(this.now, input);
    const notes = wrapDsEffects(effects, out, this.world.cfg.ds, this.ds_!.replica?.committee.members);
    if (installedView(effects)) {
      this.world.dsLeader = this.self;
      this.dsSource_!.onNewView();
    }
    for (const ev of notes) {
      const t = (ev as { type?: unknown }).type;
      if (t === 'bftCommitted') this.onDsDecided(ev as BftCommitted, out);
      else if (t === 'bftReconfigured') {
        const r = ev as BftReconfigured;
        if (r.members.length > 0) this.world.dsLeader = r.members[r.view % r.members.length]!;
      }
    }
  }

  /** A DS-chain block was decided here (the leader, or a member on the Decide). */
  private onDsDecided(ev: BftCommitted, out: Out): void {
    const meta = ev.meta as DsMeta | undefined;
    const source = this.dsSource_!;
    if (!meta) return;
    // The committee that decided this block forwards it: the committee before a DS block changes it.
    const forwarders = source.committee;
    const heard = meta.kind === 'ds' && ev.leader ? source.heardNodes() : [];
    if (!source.onDecided(meta, ev.txs, this.now)) return;
    const w = this.world;
    if (meta.kind === 'ds') {
      const plan = meta.plan;
      if (ev.leader) this.traceDsBlock(plan, heard, out);
      this.forward(forwarders, zil({ type: 'dsBlock', epoch: plan.epoch, plan }), w.sizes.dsBlock(plan), out);
      this.learnPlan(plan, out);
      return;
    }
    this.forward(forwarders, zil({ type: 'finalBlock', epoch: meta.epoch, k: meta.k, last: meta.last }), w.sizes.finalBlock(meta.microblocks), out);
    if (meta.last && ev.leader) {
      // The DS epoch's last final block opens the next PoW window (whitepaper §IV; POW_WINDOW_IN_SECONDS).
      const view = this.ds_?.replica?.view ?? 0;
      this.trace(out, { type: 'epoch.start', epoch: meta.epoch + 1, leader: this.self, view });
      this.trace(out, { type: 'idle.start', shard: -1, epoch: meta.epoch + 1, reason: 'pow' });
    }
  }

  /** The DS leader reports the DS block (wrap.ts dsBlockEvents) and records it as the latest plan. */
  private traceDsBlock(plan: EpochPlan, heard: readonly NodeId[], out: Out): void {
    const before = this.world.commitPlan(plan);
    if (!before) return;
    const { events, traced } = dsBlockEvents(plan, before, heard);
    for (const event of events) this.trace(out, event);
    this.powTraced = { epoch: plan.epoch, nodes: traced };
  }

  /** Send a decided DS-chain block to this member's slice of the other nodes (sharding.ts forwardSlices). */
  private forward(committee: readonly NodeId[], msg: ZilEnvelope, sizeBytes: number, out: Out): void {
    const pos = committee.indexOf(this.self);
    if (pos < 0) return;
    const targets = this.world.slicesOf(committee)[pos]!;
    if (targets.length > 0) out.push({ kind: 'multicast', to: targets, msg, sizeBytes });
  }

  // ---- DS epochs at every node ----

  /** DS block `plan.epoch`: this node's new role, its shard replica, and its pool to the right leaders. */
  private learnPlan(plan: EpochPlan, out: Out): void {
    if (plan.epoch <= (this.plan_?.epoch ?? -1)) return;
    this.plan_ = plan;
    this.miningEpoch = -1;
    this.shard_ = null;
    const role = plan.roleOf[this.self];
    if (role === 'ds') {
      // A new DS member's replica starts on the leader's Join (bft reconfig); its source starts here (a
      // no-op at a member that decided this block).
      this.ensureDs(null);
      this.dsSource_!.joinAt(plan, this.now);
    }
    this.reroutePool(plan, out);
    const waiting = this.stash;
    this.stash = waiting.filter((w) => w.msg.epoch > plan.epoch);
    if (role !== 'shard') return;
    const s = new ShardMembership(this.world, plan, plan.shardOf[this.self]!, this.self);
    this.shard_ = s;
    this.stepShard({ kind: 'start' }, out);
    if (s.replica.isLeader) this.startTxEpoch(1, false, out);
    for (const w of waiting) if (w.msg.epoch === plan.epoch) this.onMessage(w.from, w.msg, out);
  }

  /** Pooled transactions go to the leader of their shard under the new plan (whole-run view of leaders). */
  private reroutePool(plan: EpochPlan, out: Out): void {
    if (this.pool.size === 0 || plan.shards.length === 0) return;
    const all = this.pool.take(this.pool.size)!;
    for (const [shard, ranges] of this.world.splitByShard(all, plan.shards.length)) {
      const txs: TxSet = { ranges, count: countOf(ranges) };
      const leader = this.world.shardLeader(plan.epoch, shard);
      if (leader === this.self || leader < 0) this.pool.add(txs);
      else out.push({ kind: 'send', to: leader, msg: zil({ type: 'txForward', txs }), sizeBytes: this.world.sizes.txForward(txs.count) });
    }
  }

  private onFinalBlock(epoch: number, k: number, last: boolean, out: Out): void {
    const F = this.world.finalBlocks;
    const o = epoch * (F + 1) + k;
    if (o <= this.lastFinal) return;
    this.lastFinal = o;
    out.push({ kind: 'cpu', us: Math.ceil(this.world.scenario.cpu.verifyUs) });
    const s = this.shard_;
    if (s && s.epoch === epoch && k + 1 > s.source.k) {
      s.source.k = Math.min(k + 1, F + 1);
      if (k < F && s.replica.isLeader && !s.source.hasPacket(k + 1)) this.startTxEpoch(k + 1, false, out);
    }
    if (last) this.startMining(epoch + 1, out);
  }

  // ---- shard ----

  /**
   * TX epoch k begins at this shard's leader. As Zilliqa's lookups send each shard its transactions
   * LOOKUP_DELAY_SEND_TXNPACKET_IN_MS into the epoch and the leader proposes TX_DISTRIBUTE_TIME_IN_MS into
   * it, the leader cuts the packet from its pool after txPacketDelayMs and may propose after txDistributeMs.
   * A leader that takes over mid-epoch (`now`) cuts at once and may propose at once.
   */
  private startTxEpoch(k: number, now: boolean, out: Out): void {
    const s = this.shard_!;
    const w = this.world;
    if (now) return this.cutPacket(s, k, this.now, out);
    const timer: ZilTimer = { kind: 'cutPacket', epoch: s.epoch, shard: s.shard, k, readyAtUs: this.now + w.txDistributeUs };
    out.push({ kind: 'timer', afterUs: w.txPacketDelayUs, timer: { layer: 'zil', inner: timer } });
  }

  private onCutPacket(t: Extract<ZilTimer, { kind: 'cutPacket' }>, out: Out): void {
    const s = this.shard_;
    if (!s || s.epoch !== t.epoch || s.shard !== t.shard || s.source.hasPacket(t.k) || !s.replica.isLeader) return;
    this.cutPacket(s, t.k, t.readyAtUs, out);
  }

  /** Cut TX epoch k's packet (at most microblockMaxTxs; none in the vacuous epoch) and push it down the sharing tree. */
  private cutPacket(s: ShardMembership, k: number, readyAtUs: Micros, out: Out): void {
    const w = this.world;
    const vacuous = k >= w.finalBlocks && w.cfg.vacuousEpoch;
    const cut = vacuous ? NO_TXS : (this.pool.take(w.cfg.microblockMaxTxs) ?? NO_TXS);
    // The leader executes what it cut (Zilliqa's ComposeMicroBlock): a transaction that fails is dropped
    // and rejected for good; the others make the packet and the microblock.
    const { good: txs, bad } = w.splitBad(cut);
    if (bad.count > 0) out.push({ kind: 'abort', txs: bad, shard: s.shard });
    s.source.addPacket(k, txs, readyAtUs);
    if (txs.count === 0) return;
    const children = s.sharingChildren(this.self, this.self);
    const msg = zil({ type: 'txPacket', epoch: s.epoch, shard: s.shard, k, root: this.self, txs });
    if (children.length > 0) out.push({ kind: 'multicast', to: children, msg, sizeBytes: w.sizes.txPacket(txs.count) });
  }

  private stepShard(input: Input<BftMsg, BftTimer>, out: Out): void {
    const s = this.shard_!;
    const effects = s.replica.step(this.now, input);
    const notes = wrapShardEffects(effects, out, s.epoch, s.shard, this.world.cfg.shard, s.members);
    for (const ev of notes) if ((ev as { type?: unknown }).type === 'bftCommitted') this.onMicroblockDecided(s, ev as BftCommitted, out);
    if (installedView(effects)) {
      // This node leads the shard now: client batches come here, and the current TX epoch needs its microblock.
      this.world.setShardLeader(s.epoch, s.shard, this.self);
      s.source.onNewView();
      if (s.source.k <= this.world.finalBlocks && !s.source.hasPacket(s.source.k)) this.startTxEpoch(s.source.k, true, out);
    }
  }

  /** The shard decided microblock k: its leader sends it to every DS member (whitepaper §V). */
  private onMicroblockDecided(s: ShardMembership, ev: BftCommitted, out: Out): void {
    const k = (ev.meta as MicroblockMeta | undefined)?.k;
    if (k === undefined) return;
    s.source.onDecided(k);
    if (!ev.leader) return;
    const msg = zil({ type: 'microblock', epoch: s.epoch, shard: s.shard, k, height: ev.height, txs: ev.txs });
    const to = this.plan_!.dsCommittee;
    out.push({ kind: 'multicast', to, msg, sizeBytes: this.world.sizes.microblock(ev.txs.count, s.members.length) });
  }

  private trace(out: Out, event: ProtocolEvent): void {
    out.push({ kind: 'trace', event });
  }
}

function countOf(ranges: readonly number[]): number {
  let c = 0;
  for (let i = 0; i < ranges.length; i += 2) c += ranges[i + 1]! - ranges[i]!;
  return c;
}
