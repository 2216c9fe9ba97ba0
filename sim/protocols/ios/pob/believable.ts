import type { Micros } from '../../../kernel/time.js';
import { msToUs } from '../../../kernel/time.js';
import { NO_EFFECTS } from '../../types.js';
import type { Effect, Input, NodeId, ProtocolNode, TxSet } from '../../types.js';
import { Mempool } from '../../bft/mempool.js';
import { EMPTY_TXS, partitionBad } from './txsets.js';
import { PobSizes } from './types.js';
import type { OptimisticBlock, PobLocal, PobMsg, PobOwnMsg, PobShardContext, PobTimer } from './types.js';

/**
 * A believable validator (whitepaper "Proof-of-Believability": "Believable validators also form smaller
 * groups - one validator per group. Transactions will be randomly distributed among these believable
 * validators. Consequently, they produce smaller blocks with extremely low latency").
 *
 * - enterValidate: client transactions arrive (`txs`); it validates each (txValidateUs). An honest validator
 *   drops the invalid and double-spending ones (`abort`); a malicious one keeps them.
 * - sealOptimisticBlock: every optimisticBlockMs it seals up to optimisticBlockMaxTx pending transactions
 *   (signUs + hashing), reports them at level `confirm` (the soft confirmation) and sends the block to the
 *   normal league's leader. With nothing pending it sends a header-only beacon, so the leader can tell it
 *   is alive (our addition, for the one-league fallback).
 * - Finding the leader: it starts from ctx.normal[initialView mod n]; the leader's FinalNotice after each
 *   final block, or a LeaderHint from a normal member that is not the leader, tells it of a newer leader,
 *   to which it resends every block not yet finalised. Blocks unacknowledged for ackTimeoutMs are resent too
 *   (the leader ignores duplicates).
 * - A FinalNotice naming it as slashed expels it: it stops sealing and hands its unsealed transactions to
 *   the leader (this stands for the clients resubmitting them; the leader validates them in full).
 * - TransEpoch moves it to another shard (`leave`, when its batch starts): clients stop sending to it (the
 *   composite's routing), it seals what it holds and resends until the leader reports it final, and then
 *   stops, beacons included, so the leader stops counting it as live. A validator that moves back as a
 *   believable one resumes (`start`). Before this rule a mover beaconed into every shard it had left for the
 *   rest of the run: at paper scale 274 sealing validators instead of 112 by 1,800 s, counted live by
 *   leagues they had left.
 */

export interface BelievableConfig {
  readonly self: NodeId;
  readonly ctx: PobShardContext;
  /** Signs invalid transactions instead of dropping them (`pob.maliciousBelievableFraction`). */
  readonly malicious: boolean;
  /** The normal league's view and committee generation this validator first assumes (default 0, 0). */
  readonly initialView?: number;
  readonly initialGen?: number;
  /** The leader to send to first (a league-refresh joiner knows it from the state); default ctx.normal[view mod n]. */
  readonly leader?: NodeId;
}

type Out = Effect<PobMsg, PobTimer>[];

export class BelievableNode implements ProtocolNode<PobMsg, PobTimer> {
  readonly self: NodeId;
  readonly malicious: boolean;
  readonly stats = { sealed: 0, softConfirmed: 0, dropped: 0, resent: 0 };
  private readonly ctx: PobShardContext;
  private readonly sizes: PobSizes;
  private readonly pending = new Mempool();
  private readonly intervalUs: Micros;
  private seq = 0;
  private timerSeq = 0;
  /** Sealed blocks the leader has not reported final yet, by sequence number. */
  private unacked: { block: OptimisticBlock; sentUs: Micros }[] = [];
  /** Transactions in `unacked` (heldTxs is asked at every client batch the node gets). */
  private unackedTxs = 0;
  private gen: number;
  private view: number;
  private leader_: NodeId;
  private expelled_ = false;
  /** Its TransEpoch move away from this shard has started (`leave`). */
  private leaving_ = false;
  /** Left and drained: no seal timer is armed (a late client batch wakes it). */
  private asleep = false;

  constructor(config: BelievableConfig) {
    this.self = config.self;
    this.ctx = config.ctx;
    this.malicious = config.malicious;
    this.sizes = new PobSizes(config.ctx.league.headerBytes, config.ctx.league.signatureBytes, config.ctx.txSizeBytes);
    this.intervalUs = Math.max(1, msToUs(config.ctx.pob.optimisticBlockMs));
    this.gen = config.initialGen ?? 0;
    this.view = config.initialView ?? 0;
    const normal = config.ctx.normal;
    this.leader_ = config.leader ?? (normal.length > 0 ? normal[this.view % normal.length]! : -1);
  }

  /** The normal-league leader this validator sends to. */
  get leader(): NodeId {
    return this.leader_;
  }
  get expelled(): boolean {
    return this.expelled_;
  }
  get unackedBlocks(): number {
    return this.unacked.length;
  }
  get pendingTxs(): number {
    return this.pending.size;
  }
  /** Client transactions this validator holds: unsealed, or sealed and not yet reported final. */
  get heldTxs(): number {
    return this.pending.size + this.unackedTxs;
  }

  step(now: Micros, input: Input<PobMsg, PobTimer>): readonly Effect<PobMsg, PobTimer>[] {
    const out: Out = [];
    switch (input.kind) {
      case 'start': // also a believable validator moving back to this shard (ShardLeagues.addBelievable)
        this.leaving_ = false;
        this.asleep = false;
        if (!this.expelled_) this.armSeal(out);
        break;
      case 'recover': // timers were lost; pending transactions and unacknowledged blocks survive
        if (!this.expelled_ && !this.asleep) this.armSeal(out);
        break;
      case 'txs':
        this.enterValidate(input.txs, out);
        break;
      case 'timer':
        if (input.timer.kind === 'seal' && input.timer.seq === this.timerSeq) this.sealOptimisticBlock(now, out);
        break;
      case 'message':
        this.onMessage(now, input.from, input.msg, out);
        break;
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  /** Optimistic validation: the only validation these transactions get before their soft confirmation. */
  private enterValidate(txs: TxSet, out: Out): void {
    out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.txValidateUs * txs.count) });
    if (this.expelled_) return this.handOff(txs, out);
    if (this.asleep && txs.count > 0) {
      this.asleep = false;
      this.armSeal(out);
    }
    if (this.malicious) return this.pending.add(txs);
    const { yes: bad, no: good } = partitionBad(this.ctx, txs);
    this.pending.add(good);
    if (bad.count > 0) {
      this.stats.dropped += bad.count;
      out.push({ kind: 'abort', txs: bad, shard: this.ctx.shard });
    }
  }

  /** Its TransEpoch batch has started: it leaves this shard once what it holds is final (see above). */
  leave(): void {
    this.leaving_ = true;
  }

  private sealOptimisticBlock(now: Micros, out: Out): void {
    if (this.expelled_) return;
    if (this.leaving_ && this.pending.size === 0 && this.unacked.length === 0) {
      this.asleep = true; // drained: no block, no beacon, no next timer
      return;
    }
    this.armSeal(out);
    this.resendOverdue(now, out);
    const txs = this.pending.take(this.ctx.pob.optimisticBlockMaxTx);
    if (!txs) {
      const beacon: PobMsg = { type: 'optimistic', block: { signer: this.self, seq: -1, txs: EMPTY_TXS, bad: EMPTY_TXS } };
      out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.signUs) });
      if (this.leader_ >= 0) out.push({ kind: 'send', to: this.leader_, msg: beacon, sizeBytes: this.sizes.optimistic(0) });
      return;
    }
    const bad = this.malicious ? partitionBad(this.ctx, txs).yes : EMPTY_TXS;
    const block: OptimisticBlock = { signer: this.self, seq: ++this.seq, txs, bad };
    const bytes = this.sizes.optimistic(txs.count);
    this.stats.sealed++;
    this.stats.softConfirmed += txs.count;
    out.push({ kind: 'cpu', us: Math.ceil(this.ctx.cpu.signUs + (this.ctx.cpu.hashUsPerKB * bytes) / 1024) });
    out.push({ kind: 'commit', level: 'confirm', txs, shard: this.ctx.shard });
    // An optimistic block in the trace: view −1, height = the validator's own sequence number.
    out.push({
      kind: 'trace',
      event: { type: 'block.commit', node: this.self, shard: this.ctx.shard, height: block.seq, view: -1, txCount: txs.count, level: 'confirm' },
    });
    this.unacked.push({ block, sentUs: now });
    this.unackedTxs += block.txs.count;
    if (this.leader_ >= 0) out.push({ kind: 'send', to: this.leader_, msg: { type: 'optimistic', block }, sizeBytes: bytes });
  }

  private onMessage(now: Micros, from: NodeId, msg: PobMsg, out: Out): void {
    switch (msg.type) {
      case 'leaderHint':
        return this.followLeader(now, msg.gen, msg.view, msg.leader, out);
      case 'finalNotice':
        return this.onFinalNotice(now, from, msg, out);
      default:
        return; // BFT traffic and other validators' blocks are not for us
    }
  }

  private onFinalNotice(now: Micros, from: NodeId, msg: Extract<PobOwnMsg, { type: 'finalNotice' }>, out: Out): void {
    const acked = new Set<number>();
    for (let i = 0; i < msg.acks.length; i += 2) if (msg.acks[i] === this.self) acked.add(msg.acks[i + 1]!);
    if (acked.size > 0) {
      this.unacked = this.unacked.filter((u) => !acked.has(u.block.seq));
      this.unackedTxs = 0;
      for (const u of this.unacked) this.unackedTxs += u.block.txs.count;
    }
    if (msg.slashed.includes(this.self) && !this.expelled_) {
      this.expelled_ = true;
      this.unacked = [];
      this.unackedTxs = 0;
      const local: PobLocal = { type: 'slashed', node: this.self, shard: this.ctx.shard, epoch: this.ctx.epoch };
      out.push({ kind: 'local', event: local });
      this.leader_ = from;
      const rest = this.pending.take(this.pending.size);
      if (rest) this.handOff(rest, out);
      return;
    }
    this.followLeader(now, msg.gen, msg.view, from, out);
  }

  /** A newer (generation, view) names a leader: adopt it; a different leader gets every unfinalised block. */
  private followLeader(now: Micros, gen: number, view: number, leader: NodeId, out: Out): void {
    if (gen < this.gen || (gen === this.gen && view < this.view)) return;
    const changed = leader !== this.leader_;
    this.gen = gen;
    this.view = view;
    this.leader_ = leader;
    if (changed && !this.expelled_) this.resend(now, out);
  }

  private resendOverdue(now: Micros, out: Out): void {
    const first = this.unacked[0];
    if (first && now - first.sentUs >= this.ctx.ackTimeoutUs) this.resend(now, out);
  }

  private resend(now: Micros, out: Out): void {
    if (this.leader_ < 0) return;
    for (const u of this.unacked) {
      u.sentUs = now;
      this.stats.resent++;
      out.push({ kind: 'send', to: this.leader_, msg: { type: 'optimistic', block: u.block }, sizeBytes: this.sizes.optimistic(u.block.txs.count) });
    }
  }

  private handOff(txs: TxSet, out: Out): void {
    if (txs.count === 0 || this.leader_ < 0) return;
    out.push({ kind: 'send', to: this.leader_, msg: { type: 'handoff', txs }, sizeBytes: this.sizes.handoff(txs.count) });
  }

  private armSeal(out: Out): void {
    out.push({ kind: 'timer', afterUs: this.intervalUs, timer: { kind: 'seal', seq: ++this.timerSeq } });
  }
}
