import type { Micros } from '../../kernel/time.js';
import { NO_EFFECTS } from '../types.js';
import type { Effect, Input, NodeId, ProtocolNode, TxSet } from '../types.js';
import type { BftReplicaConfig } from './config.js';
import type { BftCommitted } from './extensions.js';
import { reconfigBytes } from './extensions.js';
import { ENVELOPE_BYTES } from './messages.js';
import type { BftMsg, BftTimer, BlockRef } from './messages.js';
import { BftReplica } from './replica.js';

/**
 * Committee reconfiguration at a block boundary, for TransEpoch (whitepaper "Operability During Epoch
 * Transitions"; DESIGN §6.5: nodes swap in batches while at least 2/3 of the shard keeps committing).
 *
 * The change is carried in a block: `reconfigure(members)` asks the replica to write the next committee
 * into the next block it proposes as leader (every old member may be asked; only the leader acts, and a
 * new leader after a view change acts too). When that block (height h) is decided, every member switches
 * to generation g+1: a fresh BftReplica over the new members (BftReplica.continueWith), decided height h,
 * the view carried over, and the list rotated so that the proposer stays leader (no leader change).
 * A member that is not in the new list stops (no more votes or timers); the leader of block h sends the
 * joiners a Join (new list, h, view), on which they start at height h; a leaving member that holds pending
 * transactions (BlockSource.drain) transfers them to the new leader. Messages and timers carry their
 * generation: older ones are dropped, newer ones wait (a node that saw block h prepared switches at once,
 * as the newer message proves h decided; a joiner keeps them until its Join).
 */

/** A BFT message tagged with its committee generation, the Join that starts a new member, or a transfer. */
export type GenMsg =
  | { readonly type: BftMsg['type']; readonly gen: number; readonly inner: BftMsg }
  | { readonly type: 'join'; readonly gen: number; readonly height: number; readonly view: number; readonly members: readonly NodeId[] }
  /** A leaving member's pending transactions, to the new committee's leader (admitted like a client batch). */
  | { readonly type: 'transfer'; readonly gen: number; readonly txs: TxSet };

export interface GenTimer {
  readonly kind: 'bft';
  readonly gen: number;
  readonly inner: BftTimer;
}

/** A BftReplicaConfig whose `members` is null for a joiner that waits for its Join. */
export type ReconfigurableConfig = Omit<BftReplicaConfig, 'members'> & {
  readonly members: readonly NodeId[] | null;
  /** Generation of `members` (default 0). */
  readonly gen?: number;
};

/** The `local` note after a switch; `member` is false at a node that left the committee. */
export interface BftReconfigured {
  readonly type: 'bftReconfigured';
  readonly shard: number;
  readonly gen: number;
  readonly height: number;
  readonly view: number;
  readonly members: readonly NodeId[];
  readonly member: boolean;
}

/** Messages of a newer generation a node keeps until it can switch (more are dropped). */
const STASH_LIMIT = 4096;

type Out = Effect<GenMsg, GenTimer>[];

export class ReconfigurableReplica implements ProtocolNode<GenMsg, GenTimer> {
  private gen_: number;
  private replica_: BftReplica | null;
  /** A joiner before its Join. */
  private dormant: boolean;
  /** A reconfiguration block of the current generation this node saw in a commit announcement. */
  private seen: { readonly gen: number; readonly block: BlockRef; readonly view: number } | null = null;
  private stash: { from: NodeId; msg: GenMsg }[] = [];
  private readonly base: Omit<BftReplicaConfig, 'members'>;
  private readonly wantLocal: boolean;

  constructor(config: ReconfigurableConfig) {
    const { members, gen, ...base } = config;
    this.base = base;
    this.wantLocal = config.emitLocal ?? false;
    this.gen_ = gen ?? 0;
    this.dormant = members === null;
    this.replica_ = members ? new BftReplica({ ...base, members, emitLocal: true }) : null;
  }

  /** The current generation's replica; null while dormant or after leaving. */
  get replica(): BftReplica | null {
    return this.replica_;
  }
  get gen(): number {
    return this.gen_;
  }

  /** Ask for a switch to `members` (see the file comment); a no-op at a node that is not a member. */
  reconfigure(members: readonly NodeId[]): void {
    this.replica_?.proposeReconfiguration(members);
  }

  step(now: Micros, input: Input<GenMsg, GenTimer>): readonly Effect<GenMsg, GenTimer>[] {
    const out: Out = [];
    switch (input.kind) {
      case 'start':
      case 'recover':
      case 'txs':
        if (this.replica_) this.run(now, input, out); // a dormant or departed node drops client batches
        break;
      case 'timer':
        if (this.replica_ && input.timer.gen === this.gen_) this.run(now, { kind: 'timer', timer: input.timer.inner }, out);
        break;
      case 'message':
        this.onMessage(now, input.from, input.msg, out);
        break;
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  private onMessage(now: Micros, from: NodeId, msg: GenMsg, out: Out): void {
    if (msg.type === 'join') {
      if (msg.gen > this.gen_ && msg.members.includes(this.base.self) && (this.dormant || !this.replica_)) {
        this.dormant = false;
        this.begin(now, msg.gen, msg.members, msg.height, msg.view, out);
      }
      return;
    }
    if (msg.gen > this.gen_ || this.dormant) {
      // A newer generation runs, so block h was decided: switch now if we saw it prepared, else wait.
      const s = this.seen;
      if (s && s.gen === this.gen_ && msg.gen === this.gen_ + 1 && this.replica_) this.switchTo(now, s.block, s.view, false, true, out);
      if (msg.gen > this.gen_ || this.dormant) {
        if (this.stash.length < STASH_LIMIT) this.stash.push({ from, msg });
        return;
      }
    }
    if (msg.gen < this.gen_ || !this.replica_) return;
    if (msg.type === 'transfer') return this.run(now, { kind: 'txs', txs: msg.txs }, out);
    const inner = msg.inner;
    if (inner.type === 'announce' && inner.round.phase === 'commit' && inner.block.reconfig) {
      this.seen = { gen: this.gen_, block: inner.block, view: inner.round.view };
    }
    this.run(now, { kind: 'message', from, msg: inner }, out);
  }

  /** Step the replica, tag its messages and timers, and switch if it decided a reconfiguration block. */
  private run(now: Micros, input: Input<BftMsg, BftTimer>, out: Out): void {
    const gen = this.gen_;
    let decided: BftCommitted | null = null;
    const effects = this.replica_!.step(now, input);
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i]!;
      switch (e.kind) {
        case 'send':
          out.push({ kind: 'send', to: e.to, sizeBytes: e.sizeBytes, msg: { type: e.msg.type, gen, inner: e.msg } });
          break;
        case 'multicast':
          out.push({ kind: 'multicast', to: e.to, sizeBytes: e.sizeBytes, msg: { type: e.msg.type, gen, inner: e.msg } });
          break;
        case 'gossip':
          out.push({ ...e, msg: { type: e.msg.type, gen, inner: e.msg } });
          break;
        case 'timer':
          out.push({ kind: 'timer', afterUs: e.afterUs, timer: { kind: 'bft', gen, inner: e.timer } });
          break;
        case 'treeRound':
          out.push({ kind: 'treeRound', spec: e.spec, timer: { kind: 'bft', gen, inner: e.timer } });
          break;
        case 'treeCast':
          out.push({ kind: 'treeCast', spec: e.spec, sizeBytes: e.sizeBytes, msg: { type: e.msg.type, gen, inner: e.msg } });
          break;
        case 'announce':
          out.push({ kind: 'announce', to: e.to, sizeBytes: e.sizeBytes, arrivals: e.arrivals, msg: { type: e.msg.type, gen, inner: e.msg } });
          break;
        case 'local': {
          const ev = e.event as BftCommitted;
          if (ev.type === 'bftCommitted' && ev.reconfig) decided = ev;
          if (this.wantLocal || ev.type !== 'bftCommitted') out.push(e);
          break;
        }
        default:
          out.push(e);
      }
    }
    if (decided) {
      const block: BlockRef = { height: decided.height, view: decided.view, proposer: decided.proposer, txs: decided.txs, sizeBytes: 0, reconfig: decided.reconfig! };
      this.switchTo(now, block, decided.view, decided.leader, false, out);
    }
  }

  /** Block `block` (with its reconfiguration) is decided: move to the next generation. */
  private switchTo(now: Micros, block: BlockRef, view: number, leader: boolean, catchUp: boolean, out: Out): void {
    const old = this.replica_!;
    const members = block.reconfig!;
    if (catchUp && this.wantLocal) {
      // The Decide may never reach us now that the next generation runs: report the block here.
      const ev: BftCommitted = { type: 'bftCommitted', shard: this.base.shard, height: block.height, view, proposer: block.proposer, txs: block.txs, meta: block.meta, reconfig: members, leader: false };
      out.push({ kind: 'local', event: ev });
    }
    if (leader) {
      const joiners = members.filter((m) => old.committee.memberIndex(m) < 0);
      const msg: GenMsg = { type: 'join', gen: this.gen_ + 1, height: block.height, view, members };
      const p = this.base.params;
      const size = ENVELOPE_BYTES + p.headerBytes + p.signatureBytes + Math.ceil(old.committee.n / 8) + reconfigBytes(members);
      if (joiners.length > 0) out.push({ kind: 'multicast', to: joiners, msg, sizeBytes: size });
    }
    if (!members.includes(this.base.self)) {
      const pending = old.drainPending();
      if (pending && pending.count > 0) {
        const to = members[view % members.length]!;
        const msg: GenMsg = { type: 'transfer', gen: this.gen_ + 1, txs: pending };
        out.push({ kind: 'send', to, msg, sizeBytes: ENVELOPE_BYTES + pending.count * this.base.txSizeBytes });
      }
      this.gen_++;
      this.replica_ = null;
      this.seen = null;
      this.stash = [];
      out.push({ kind: 'local', event: this.note(block.height, view, members, false) });
      return;
    }
    this.begin(now, this.gen_ + 1, members, block.height, view, out);
  }

  /**
   * Start generation `gen` at decided height `height`, then replay what waited for it. A continuing member
   * keeps its block source (BftReplica.continueWith); a joiner starts with a fresh one.
   */
  private begin(now: Micros, gen: number, members: readonly NodeId[], height: number, view: number, out: Out): void {
    this.gen_ = gen;
    this.seen = null;
    const old = this.replica_;
    this.replica_ = old
      ? old.continueWith(members, { height, view })
      : new BftReplica({ ...this.base, members, startHeight: height, startView: view, emitLocal: true });
    out.push({ kind: 'local', event: this.note(height, view, members, true) });
    this.run(now, { kind: 'start' }, out);
    const waiting = this.stash;
    this.stash = [];
    for (const w of waiting) if (w.msg.gen >= gen) this.onMessage(now, w.from, w.msg, out);
  }

  private note(height: number, view: number, members: readonly NodeId[], member: boolean): BftReconfigured {
    return { type: 'bftReconfigured', shard: this.base.shard, gen: this.gen_, height, view, members, member };
  }
}
