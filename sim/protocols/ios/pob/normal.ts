import type { Micros } from '../../../kernel/time.js';
import { NO_EFFECTS } from '../../types.js';
import type { Effect, Input, NodeId, ProtocolNode, TxSet } from '../../types.js';
import type { BftCommitted } from '../../bft/extensions.js';
import { ReconfigurableReplica } from '../../bft/reconfig.js';
import type { BftReconfigured } from '../../bft/reconfig.js';
import type { ShardChain } from './chain.js';
import type { ServiLedger } from './score.js';
import { MergeSource } from './source.js';
import { EMPTY_TXS, concatTxs, partitionBad } from './txsets.js';
import { PobSizes } from './types.js';
import type { LeagueMode, MsbHeaderItem, OptimisticBlock, PobBlockMeta, PobLocal, PobMsg, PobShardContext, PobTimer } from './types.js';
import { SampleValidator } from './validator.js';

/**
 * A normal-league validator (whitepaper "Proof-of-Believability", second phase; DESIGN §6.6): a ByzCoin
 * replica (bft/, wrapped for reconfiguration) whose leader merges the optimistic blocks it receives
 * (MergeSource) and whose members sample-validate them in the prepare round (SampleValidator).
 *
 * - onOptimisticBlock: at the leader, check the believable signature (verifyUs) and queue the block; from a
 *   slashed signer, re-validate it in full first. A member that is not the leader answers with a LeaderHint.
 * - onFinalBlock (every member, on its `bftCommitted`): the block goes into the shard's chain state (chain.ts:
 *   Servi, the slashing of convicted signers, which optimistic blocks are final, each signer's history;
 *   applied once for the league). The leader also emits the outcome:
 *   `final` for the valid transactions, `abort` for the excluded ones ("the corresponding validated
 *   transaction would be excluded from the blockchain and the validator who signed the invalid block would
 *   be detected and held accountable"), re-checks a convicted signer's earlier transactions of the epoch,
 *   and sends a FinalNotice to the believable league.
 * - Fallback ("When a shard doesn't have enough believable validators ... two-league committees would fall
 *   back to one-league"): the leader counts the believable validators it heard from within
 *   livenessTimeoutMs that are not slashed; below minBelievable it reports mode `one-league` and client
 *   transactions come straight to it (`txs` input; validated in full; bad ones aborted at admission).
 *
 * Servi and the other score inputs are the shard's chain state (chain.ts), shared by the league's members.
 */

export interface NormalConfig {
  readonly self: NodeId;
  readonly ctx: PobShardContext;
  /** The shard's chain state (one for the league). */
  readonly chain: ShardChain;
  /** The committee (default ctx.normal); null for a TransEpoch joiner that waits for its Join. */
  readonly members?: readonly NodeId[] | null;
  readonly gen?: number;
  readonly startHeight?: number;
  readonly startView?: number;
  /**
   * Called after a step that changed this member's committee generation, view or replica (ShardLeagues
   * keeps its whole-run leader view from it instead of rescanning every member per client batch).
   */
  readonly onLeadershipChange?: (node: NormalNode) => void;
}

type Out = Effect<PobMsg, PobTimer>[];

export class NormalNode implements ProtocolNode<PobMsg, PobTimer> {
  readonly self: NodeId;
  readonly bft: ReconfigurableReplica;
  readonly source: MergeSource;
  readonly stats = { finalTxs: 0, abortedTxs: 0, slashed: 0, undetectedBadFinal: 0, compensated: 0, blocks: 0 };
  private readonly ctx: PobShardContext;
  private readonly sizes: PobSizes;
  /** The believable league as this member knows it (the epoch's, minus the slashed). */
  private readonly league: Set<NodeId>;
  private readonly lastHeard = new Map<NodeId, Micros>();
  private startedUs = 0;
  /** When this member last became leader: believable validators it has not heard yet get a grace period. */
  private leaderSinceUs = 0;
  private wasLeader = false;
  private mode_: LeagueMode;
  private notes: PobLocal[] = [];
  private readonly chain: ShardChain;
  /** The height of the last block this member decided: what it knows of the chain (slashes). */
  private height: number;
  private readonly onLeadershipChange: ((node: NormalNode) => void) | undefined;

  constructor(config: NormalConfig) {
    const ctx = config.ctx;
    this.self = config.self;
    this.ctx = ctx;
    this.chain = config.chain;
    this.height = config.startHeight ?? 0;
    this.onLeadershipChange = config.onLeadershipChange;
    this.sizes = new PobSizes(ctx.league.headerBytes, ctx.league.signatureBytes, ctx.txSizeBytes);
    this.source = new MergeSource(this.sizes, this.chain.finalised, (now) => this.refreshMode(now), ctx.blockTxBytes);
    this.league = new Set(ctx.believable.filter((b) => !this.chain.isSlashed(b)));
    this.mode_ = ctx.mode;
    const members = config.members === undefined ? ctx.normal : config.members;
    this.bft = new ReconfigurableReplica({
      self: config.self,
      members,
      gen: config.gen ?? 0,
      shard: ctx.shard,
      params: ctx.league,
      cpu: ctx.cpu,
      txSizeBytes: ctx.blockTxBytes,
      source: this.source,
      validator: new SampleValidator(config.self, ctx, this.sizes),
      emitLocal: true,
      emitCommits: false,
      startHeight: config.startHeight ?? 0,
      startView: config.startView ?? 0,
      committees: ctx.committees,
    });
  }

  /** The shard's chain state (stake, Servi, contribution, behaviour) after its last decided block. */
  get ledger(): ServiLedger {
    return this.chain.ledger();
  }

  get isLeader(): boolean {
    return this.bft.replica?.isLeader ?? false;
  }
  /** The leader's view of the leagues (meaningful at the leader). */
  get mode(): LeagueMode {
    return this.mode_;
  }

  /**
   * TransEpoch: from the next block this member proposes as leader on, the normal league is `members`
   * (bft/reconfig.ts). Every member may be asked; the leader acts. Joiners are built with members: null.
   */
  reconfigure(members: readonly NodeId[]): void {
    this.bft.reconfigure(members);
  }

  /** Atomix commit records for the leader's next block: their bytes are added to its size. */
  carryBytes(bytes: number): void {
    this.source.carry(bytes);
  }

  /** MSB (../msb): the leader proposes this header as its next block, alone. */
  queueMsbHeader(header: MsbHeaderItem): void {
    this.source.queueHeader(header);
  }

  /** League refresh (ShardLeagues.addBelievable): `id` joins the believable league, live from `now`. */
  admitBelievable(id: NodeId, now: Micros): void {
    if (this.chain.slashedBy(id, this.height)) return;
    this.league.add(id);
    this.leagueSorted = null;
    this.lastHeard.set(id, now);
  }

  /** Believable validators this member counts as live at `now`: in the league, heard within the timeout; ascending. */
  liveBelievable(now: Micros, except?: { has(id: NodeId): boolean }): NodeId[] {
    const out: NodeId[] = [];
    // The league in ascending order, sorted once per change: this runs for every client batch.
    const league = (this.leagueSorted ??= [...this.league].sort((a, b) => a - b));
    for (const b of league) {
      if (except?.has(b)) continue;
      if (this.isLive(b, now)) out.push(b);
    }
    return out;
  }
  private leagueSorted: NodeId[] | null = null;

  private isLive(b: NodeId, now: Micros): boolean {
    const heard = Math.max(this.lastHeard.get(b) ?? this.startedUs, this.leaderSinceUs);
    return now - heard < this.ctx.livenessTimeoutUs;
  }

  step(now: Micros, input: Input<PobMsg, PobTimer>): readonly Effect<PobMsg, PobTimer>[] {
    const out: Out = [];
    switch (input.kind) {
      case 'start':
        this.startedUs = now;
        this.runBft(now, input, out);
        break;
      case 'recover':
        this.runBft(now, input, out);
        break;
      case 'txs':
        this.admitDirect(now, input.txs, out);
        break;
      case 'timer':
        if (input.timer.kind === 'bft') this.runBft(now, { kind: 'timer', timer: input.timer }, out);
        break;
      case 'message': {
        const msg = input.msg;
        if (msg.type === 'optimistic') this.onOptimisticBlock(now, input.from, msg.block, out);
        else if (msg.type === 'handoff') this.admitDirect(now, msg.txs, out);
        else if (msg.type !== 'leaderHint' && msg.type !== 'finalNotice') this.runBft(now, { kind: 'message', from: input.from, msg }, out);
        break;
      }
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  /** One-league path: the leader validates in full at admission; the valid ones wait in its source. */
  private admitDirect(now: Micros, txs: TxSet, out: Out): void {
    const { yes: bad, no: good } = partitionBad(this.ctx, txs);
    if (bad.count > 0) {
      out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.txValidateUs * bad.count) });
      out.push({ kind: 'abort', txs: bad, shard: this.ctx.shard });
      this.stats.abortedTxs += bad.count;
    }
    if (good.count > 0) this.runBft(now, { kind: 'txs', txs: good }, out);
  }

  private onOptimisticBlock(now: Micros, from: NodeId, block: OptimisticBlock, out: Out): void {
    const r = this.bft.replica;
    if (!r) return;
    if (!r.isLeader) {
      const msg: PobMsg = { type: 'leaderHint', gen: this.bft.gen, view: r.view, leader: r.committee.leaderOf(r.view) };
      out.push({ kind: 'send', to: from, msg, sizeBytes: this.sizes.hint });
      return;
    }
    const slashed = this.chain.slashedBy(block.signer, this.height);
    if (block.signer !== from || (!this.league.has(from) && !slashed)) return; // not a believable validator here
    out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.verifyUs) }); // its signature on the block
    if (!slashed) this.lastHeard.set(from, now);
    if (block.seq < 0 || block.txs.count === 0) return; // a beacon: liveness only
    if (!slashed) {
      this.source.offer(block);
      return;
    }
    // An expelled validator's block still in flight: validated in full, its invalid transactions aborted.
    const { yes: bad, no: good } = partitionBad(this.ctx, block.txs);
    out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.txValidateUs * block.txs.count) });
    if (!this.source.offer({ ...block, txs: good, bad: EMPTY_TXS, rechecked: true })) return;
    if (bad.count > 0) {
      out.push({ kind: 'abort', txs: bad, shard: this.ctx.shard });
      this.stats.abortedTxs += bad.count;
    }
  }

  /** Step the BFT replica and handle what it tells us. */
  private runBft(now: Micros, input: Input<PobMsg, PobTimer>, out: Out): void {
    const bftInput = input as Parameters<ReconfigurableReplica['step']>[1];
    const gen = this.bft.gen;
    const replica = this.bft.replica;
    const view = replica?.view ?? -1;
    const effects = this.bft.step(now, bftInput);
    // The replica is only ever stepped here, so this sees every change of (generation, view, replica).
    if (this.onLeadershipChange && (this.bft.gen !== gen || this.bft.replica !== replica || (replica?.view ?? -1) !== view)) {
      this.onLeadershipChange(this);
    }
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i]!;
      if (e.kind === 'local') {
        const ev = e.event as BftCommitted | BftReconfigured;
        if (ev.type === 'bftCommitted') this.onFinalBlock(ev, out);
        else if (ev.type === 'bftReconfigured') this.chain.switchTo(ev.height, ev.members);
      }
      out.push(e);
    }
    for (const n of this.notes) out.push({ kind: 'local', event: n });
    this.notes = [];
    const r = this.bft.replica;
    const leads = r !== null && r.isLeader;
    if (leads && !this.wasLeader) this.announceLeader(now, r.view, out);
    this.wasLeader = leads;
  }

  /** A new leader (view change, reconfiguration) tells the believable league where to send. */
  private announceLeader(now: Micros, view: number, out: Out): void {
    this.leaderSinceUs = now;
    const to = [...this.league].filter((b) => b !== this.self);
    const msg: PobMsg = { type: 'leaderHint', gen: this.bft.gen, view, leader: this.self };
    if (to.length > 0 && now > this.startedUs) out.push({ kind: 'multicast', to, msg, sizeBytes: this.sizes.hint });
  }

  private onFinalBlock(ev: BftCommitted, out: Out): void {
    const meta = ev.meta as PobBlockMeta | undefined;
    this.stats.blocks++;
    this.chain.apply(ev.height, ev.proposer, meta);
    if (ev.height > this.height) this.height = ev.height;
    // Which optimistic blocks are final, and each signer's history, are the chain's (chain.ts): a member
    // that does not lead and saw nobody convicted (nearly every block at every member) is done.
    if (!ev.leader && (meta?.detected.length ?? 0) === 0) return;
    const parts = meta?.parts ?? [];
    const convicted = new Set(meta?.detected ?? []);
    const finals: TxSet[] = [];
    const aborts: TxSet[] = [];
    const acks: number[] = [];
    for (const part of parts) {
      acks.push(part.signer, part.seq);
      if (convicted.has(part.signer)) {
        const split = part.bad.count > 0 ? partitionBad(this.ctx, part.txs) : { yes: EMPTY_TXS, no: part.txs };
        finals.push(split.no);
        aborts.push(split.yes);
        continue;
      }
      finals.push(part.txs);
      if (ev.leader) this.stats.undetectedBadFinal += part.bad.count;
    }
    const newlySlashed = [...convicted].filter((s) => this.chain.slashedIn(s, ev.height));
    for (const s of newlySlashed) {
      this.league.delete(s);
      this.leagueSorted = null;
      this.stats.slashed++;
      out.push({ kind: 'local', event: { type: 'slashed', node: s, shard: this.ctx.shard, epoch: this.ctx.epoch } satisfies PobLocal });
    }
    if (!ev.leader) return;
    const direct = meta?.direct ?? EMPTY_TXS;
    const final = concatTxs([...finals, direct]);
    const aborted = concatTxs(aborts);
    if (direct.count > 0) out.push({ kind: 'commit', level: 'confirm', txs: direct, shard: this.ctx.shard });
    if (final.count > 0) out.push({ kind: 'commit', level: 'final', txs: final, shard: this.ctx.shard });
    if (aborted.count > 0) out.push({ kind: 'abort', txs: aborted, shard: this.ctx.shard });
    this.stats.finalTxs += final.count;
    this.stats.abortedTxs += aborted.count;
    for (const s of newlySlashed) this.recheck(s, out);
    const notice: PobMsg = { type: 'finalNotice', gen: this.bft.gen, view: ev.view, height: ev.height, acks, slashed: [...convicted] };
    const to = this.ctx.believable.filter((b) => b !== this.self);
    if (to.length > 0) out.push({ kind: 'multicast', to, msg: notice, sizeBytes: this.sizes.notice(acks.length / 2, convicted.size) });
  }

  /** "All its previously validated transactions will be re-checked" (whitepaper PoB), at the leader. */
  private recheck(signer: NodeId, out: Out): void {
    const h = this.chain.historyOf(signer);
    const q = this.source.recheckSigner(signer, this.ctx.isBad);
    out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.txValidateUs * (h.txs + q.rechecked)) });
    out.push({ kind: 'trace', event: { type: 'shard.member', node: signer, shard: this.ctx.shard, epoch: this.ctx.epoch, role: 'slashed' } });
    if (q.bad.count > 0) {
      out.push({ kind: 'abort', txs: q.bad, shard: this.ctx.shard });
      this.stats.abortedTxs += q.bad.count;
    }
    this.stats.compensated += h.bad;
    const note: PobLocal = { type: 'pobRecheck', shard: this.ctx.shard, signer, rechecked: h.txs + q.rechecked, finalisedBad: h.bad, aborted: q.bad.count };
    out.push({ kind: 'local', event: note });
  }

  /** Called by the source before each take (the leader is about to propose): refresh the fallback mode. */
  private refreshMode(now: Micros): void {
    if (this.ctx.mode === 'one-league') return;
    // A member proposing for the first time as leader has heard no believable validator yet (they send to
    // the leader only): its grace period starts now, not after this first proposal.
    if (!this.wasLeader) this.leaderSinceUs = now;
    let live = 0;
    for (const b of this.league) if (this.isLive(b, now)) live++;
    const mode: LeagueMode = live >= this.ctx.pob.minBelievable ? 'two-league' : 'one-league';
    if (mode === this.mode_) return;
    this.mode_ = mode;
    this.notes.push({ type: 'leagueMode', shard: this.ctx.shard, mode, liveBelievable: live });
  }
}
