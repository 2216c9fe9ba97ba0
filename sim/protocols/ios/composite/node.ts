import type { Micros } from '../../../kernel/time.js';
import { NO_EFFECTS } from '../../types.js';
import type { AnnounceArrivals, Effect, Input, NodeId, ProtocolNode, TxSet } from '../../types.js';
import { EdsNode } from '../eds/index.js';
import type { EdsLocalEvent, EdsMsg, EdsTimer } from '../eds/index.js';
import { wrap, wrapEffect, wrapEffects } from '../layers.js';
import type { Layered } from '../layers.js';
import { BelievableNode, MIN_NORMAL_LEAGUE, NormalNode, PobSizes } from '../pob/index.js';
import type { PobBlockMeta, PobMsg, PobTimer } from '../pob/index.js';
import { movesFrom, startNumber, type Move, type TransEpochPlan } from '../transepoch/plan.js';
import type { BftCommitted } from '../../bft/extensions.js';
import type { Committee } from '../../bft/tree.js';
import { AtomixClient, quorumOf } from '../atomix/index.js';
import type { AtomixDeliver, AtomixEffect, AtomixMsg, AtomixTimer } from '../atomix/index.js';
import { splitCross } from './atomix.js';
import { TeSizes } from './messages.js';
import type { TeMsg, TeTimer } from './messages.js';
import type { EpochData, IosWorld } from './world.js';

type L = Layered<unknown>;
type Out = Effect<L, L>[];

/** A move of this node in progress: started (left its old shard), not yet bootstrapped. */
interface OwnMove {
  readonly epoch: number;
  readonly move: Move;
  readonly total: number;
}

/**
 * One IOS validator (DESIGN §6): the composite of its EdsNode (one for the run) and its PoB node(s) — the
 * node of its current shard's leagues, plus, during a transition, the node of the shard it is leaving (it
 * keeps serving that league until the reconfiguration drops it). Inputs are dispatched by layer: `eds` to
 * the EdsNode, `pob` to the PoB node of the message's shard, `transepoch` to the composite itself. Every
 * `local` note of the sub-machines is consumed here.
 *
 * Epoch clock: epoch e's EDS begins at e·E − lead (lead = E/2) by the composite's own timer; on EDS's
 * `randomness` note for epoch e the node reads the assignment and the TransEpoch plan (IosWorld.epochData),
 * arms one timer per batch start, and at each batch start: every node records the batch's movers as
 * leaving their shard (and asks its own normal-league replica(s) for the reduced committee), and a mover
 * starts its bootstrap (stateRequest → state from a member of the new shard; the state message's size is
 * the bootstrap cost). Bootstrapped, it becomes a joiner of the new shard's normal league and announces
 * `ready` to that shard; every member then asks its replica for the committee with the joiner, and the
 * joiner starts on the Join of the block that carries it (bft/reconfig.ts).
 */
export class IosNode implements ProtocolNode<L, L> {
  readonly self: NodeId;
  readonly eds: EdsNode;
  /** PoB nodes by shard: the current one and any the node still serves while leaving. */
  /**
   * The PoB sub-machine stepPob found last, on this object itself (a lookup per PoB event, ~5·10^6 an hour at
   * paper scale). Every change of `pob` forgets it.
   */
  private pobShard = -1;
  private pobNode: ProtocolNode<PobMsg, PobTimer> | undefined = undefined;
  readonly pob = new PobByShard(() => {
    this.pobShard = -1;
    this.pobNode = undefined;
  });
  private readonly world: IosWorld;
  /** The shard this node belongs to under the latest assignment it acted on. */
  private shard_: number;
  private data: EpochData;
  /** The next epoch's data, known from rnd_e before its boundary; it takes over at the boundary. */
  private next: EpochData | null = null;
  /** Per shard: nodes that left it (their batch started) / bootstrapped joiners announced to it. */
  private readonly leaving = new Map<number, Set<NodeId>>();
  private readonly joining = new Map<number, Set<NodeId>>();
  /**
   * Shards whose committee this node has left (its replica there is gone for good; the PoB node stays for
   * handing on late batches): it keeps no leavers or joiners for them. Keeping them, every node collected a
   * shard's movers at every later epoch (526 MB of Set entries by 1,300 s at paper scale).
   */
  private readonly left = new Set<number>();
  private moving: OwnMove | null = null;
  /** Per shard this node left: the new committee's leader it was told of (bftReconfigured, member false). */
  private readonly successor = new Map<number, NodeId>();
  readonly stats = { moves: 0, movesAbandoned: 0, statesServed: 0, reconfigRequests: 0 };
  /** This node's Atomix driver, made on its first cross-shard batch (README "Cross-shard"). */
  private client_: AtomixClient | null = null;
  /** The shards the driver's contactOf was asked for, in order: the envelope shard of each send it makes. */
  private contactShards: number[] = [];
  /** The time of the step being taken (a deferred askMembership runs inside the replica's step). */
  private now: Micros = 0;
  /** Per shard, the deferred askMembership handed to its replica (membershipDue). */
  private readonly asks: (() => void)[] = [];

  constructor(self: NodeId, world: IosWorld) {
    this.self = self;
    this.world = world;
    this.data = world.genesis;
    this.shard_ = this.data.shardOf[self]!;
    const ios = world.ios;
    const adversary = world.env.rng.keyedUniform(`ios:adversary:${self}`) < ios.adversaryFraction;
    this.eds = new EdsNode({
      self,
      validators: world.validators,
      deltaUs: world.deltaUs,
      drp: ios.drp,
      cpu: world.scenario.cpu,
      rng: world.env.rng,
      adversary,
      nodeCount: world.n,
      clientUploadMbps: world.slowestUploadMbps,
      computedGossip: world.readyBoards !== null,
      ...lotteryCandidates(ios.eds.lotteryCandidates, world.n),
    });
    const mine = world.leagues[this.shard_]!.nodeFor(self);
    if (mine) this.pob.set(this.shard_, mine);
  }

  get client(): AtomixClient | null {
    return this.client_;
  }

  get shard(): number {
    return this.shard_;
  }
  get epoch(): number {
    return this.data.epoch;
  }
  /** The shard the assignment of this node's current epoch gives it. */
  get assignedShard(): number {
    return this.data.shardOf[this.self]!;
  }
  /** Whether a move of this node is still downloading its new shard's state. */
  get bootstrapping(): boolean {
    return this.moving !== null;
  }

  step(now: Micros, input: Input<L, L>): readonly Effect<L, L>[] {
    const out: Out = [];
    this.now = now;
    switch (input.kind) {
      case 'start': {
        this.ownTimer(this.world.epochUs - this.world.leadUs, { kind: 'nextEpoch', epoch: 1 }, 1, out);
        this.traceGenesis(out);
        this.stepPob(now, this.shard_, { kind: 'start' }, out);
        break;
      }
      case 'recover':
        this.stepEds(now, { kind: 'recover' }, out);
        for (const s of [...this.pob.keys()]) this.stepPob(now, s, { kind: 'recover' }, out);
        if (this.client_) this.stepClient(now, { kind: 'recover' }, out);
        break;
      case 'txs':
        this.onTxs(now, input.txs, out);
        break;
      case 'message': {
        const w = input.msg;
        if (w.layer === 'eds') this.stepEds(now, { kind: 'message', from: input.from, msg: w.inner as EdsMsg }, out);
        else if (w.layer === 'pob') this.stepPob(now, w.shard, { kind: 'message', from: input.from, msg: w.inner as PobMsg }, out);
        else if (w.layer === 'transepoch') this.onTeMessage(now, input.from, w.inner as TeMsg, out);
        else if (w.layer === 'atomix') this.onAtomixMessage(now, input.from, w.shard, w.inner as AtomixMsg, out);
        break;
      }
      case 'timer': {
        const w = input.timer;
        if (w.layer === 'eds') this.stepEds(now, { kind: 'timer', timer: w.inner as EdsTimer }, out);
        else if (w.layer === 'pob') this.stepPob(now, w.shard, { kind: 'timer', timer: w.inner as PobTimer }, out);
        else if (w.layer === 'transepoch') this.onTeTimer(now, w.inner as TeTimer, out);
        else if (w.layer === 'atomix' && this.client_) this.stepClient(now, { kind: 'timer', timer: w.inner as AtomixTimer }, out);
        break;
      }
    }
    return out.length > 0 ? out : NO_EFFECTS;
  }

  // ---- sub-machines ----

  private stepEds(now: Micros, input: Input<EdsMsg, EdsTimer>, out: Out): void {
    const effects = this.eds.step(now, input);
    // The epoch is read after the step, which may begin one.
    const notes = wrapEffects('eds', this.eds.epoch, -1, effects, out) as EdsLocalEvent[] | null;
    if (notes) for (const ev of notes) if (ev.type === 'randomness') this.onRandomness(now, ev, out);
    // leaderFailed: a behaviour record for PoB scores; unused in phase 1 (leagues are kept for the run).
  }

  private stepPob(now: Micros, shard: number, input: Input<PobMsg, PobTimer>, out: Out): void {
    let node = this.pobNode;
    if (shard !== this.pobShard) {
      node = this.pob.get(shard);
      this.pobShard = shard;
      this.pobNode = node;
    }
    if (!node) return;
    const effects = this.withoutCrossCommits(node.step(now, input));
    // The local notes are handled after the wrapping (their handlers do not touch `out`).
    const notes = wrapEffects('pob', this.world.leagues[shard]!.ctx.epoch, shard, effects, out);
    if (notes) this.onPobNotes(now, shard, node, notes, out);
  }

  private onPobNotes(now: Micros, shard: number, node: ProtocolNode<PobMsg, PobTimer>, notes: readonly unknown[], out: Out): void {
    let membership = false;
    const committed: BftCommitted[] = [];
    for (const ev of notes) {
      const t = (ev as { type?: unknown }).type;
      if (t === 'bftCommitted' && (ev as BftCommitted).leader) committed.push(ev as BftCommitted);
      // bftCommitted / bftReconfigured: a block boundary, where a lost or pending membership change is
      // re-asked; slashed, pobRecheck, leagueMode: consumed (phase 1 keeps the leagues for the run).
      if (t === 'bftCommitted' || t === 'bftReconfigured') membership = true;
      if (t === 'bftReconfigured') {
        const r = ev as { member: boolean; members: readonly NodeId[]; view: number; height: number };
        if (!r.member && r.members.length > 0) this.successor.set(shard, r.members[r.view % r.members.length]!);
        if (!r.member) this.leftCommittee(shard);
        this.world.readyBoards?.[shard]!.settle(r.height, r.members);
      }
    }
    if (membership) {
      // Round fidelity: the request is worked out when this member next proposes (its knowledge is read off
      // the ReadyBoard then); at message level every member re-asks at every block boundary.
      if (this.world.readyBoards) this.membershipDue(shard);
      else this.askMembership(shard);
    }
    for (const ev of committed) this.onShardBlockFinal(now, shard, node, ev, out);
  }

  /**
   * PoB reports every transaction of a final block (`confirm` for the leader's direct ones, `final`); a
   * cross-shard id is only locked (or rejected) there and is reported by Atomix: final at its output shard,
   * aborted by its driver. So `commit` effects lose their cross-shard ids here (README "Cross-shard").
   */
  private withoutCrossCommits(effects: readonly Effect<PobMsg, PobTimer>[]): readonly Effect<PobMsg, PobTimer>[] {
    const book = this.world.book;
    if (!book || !this.world.atomix) return effects;
    let commits = false;
    for (let i = 0; i < effects.length; i++) if (effects[i]!.kind === 'commit') commits = true;
    if (!commits) return effects;
    const kept: Effect<PobMsg, PobTimer>[] = [];
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i]!;
      if (e.kind !== 'commit') {
        kept.push(e);
        continue;
      }
      const { intra } = splitCross(book, e.txs);
      if (intra.count === e.txs.count) kept.push(e);
      else if (intra.count > 0) kept.push({ ...e, txs: intra });
    }
    return kept;
  }

  /**
   * A block of `shard` is final at its leader (bftCommitted, leader: true; once per block). Input side: the
   * shard's Atomix input decides the block's cross-shard ids (lock or reject) and sends each driver its
   * proof, certified by the block (a quorum of the committee). Output side: the commit records taken for
   * this block at the previous final block are final now (credit, `commit` final), and the records queued
   * since go into the next block.
   */
  private onShardBlockFinal(now: Micros, shard: number, node: ProtocolNode<PobMsg, PobTimer>, ev: BftCommitted, out: Out): void {
    if (this.onMsbBlock(shard, ev, out)) return;
    const ax = this.world.atomix;
    if (!ax) return;
    ax.lastUs = Math.max(ax.lastUs, now);
    const members = node instanceof NormalNode ? (node.bft.replica?.committee.n ?? 4) : 4;
    if (ev.txs.count > 0) {
      const cert = { height: ev.height, signers: quorumOf(members), members };
      this.emitAtomix(now, shard, ax.input[shard]!.onBlockFinal(now, ev.txs, cert), out);
    }
    const part = ax.inBlock[shard];
    if (part) this.emitAtomix(now, shard, ax.output[shard]!.onBlockFinal(now, part), out);
    const league = this.world.leagues[shard]!.ctx.league;
    const taken = ax.output[shard]!.takeForBlock(league.maxBlockBytes - league.headerBytes);
    ax.inBlock[shard] = taken;
    // The records ride in this leader's next block: their bytes (unlock records with proofs) add to its size.
    if (taken && node instanceof NormalNode) node.carryBytes(taken.sizeBytes);
  }

  /**
   * MSB bookkeeping at a final block of `shard` (msb/README): a header block appends the epoch's MSB (and
   * returns true: it has nothing else in it); a regular block adds to the current epoch's body.
   */
  private onMsbBlock(shard: number, ev: BftCommitted, out: Out): boolean {
    const store = this.world.msb[shard]!;
    const msb = (ev.meta as PobBlockMeta | undefined)?.msb;
    if (msb) {
      store.onHeaderAgreed(msb.epoch);
      out.push({ kind: 'trace', event: { type: 'msb.header', shard, epoch: msb.epoch, txCount: msb.txCount, bodyBytes: msb.bodyBytes } });
      return true;
    }
    const ctx = this.world.leagues[shard]!.ctx;
    const txBytes = ev.txs.count * ctx.txSizeBytes;
    store.onBlock(this.world.currentEpoch, ctx.league.headerBytes + txBytes, ev.txs.count, txBytes);
    return false;
  }

  /**
   * MSB steps 1–3 at epoch `epoch`'s boundary: in each shard this node leads, the Merkle tree over epoch − 1's
   * transactions (CPU) and its header, proposed as the next block. Without a leader at that moment (a view
   * change) the shard has no MSB for that epoch, and its body is kept.
   */
  private buildMsbs(epoch: number, out: Out): void {
    for (const [s, node] of this.pob) {
      if (!(node instanceof NormalNode) || !node.isLeader || !this.world.traceOnce(`msb:${epoch - 1}:${s}`)) continue;
      const build = this.world.msb[s]!.endEpoch(epoch - 1);
      if (!build) continue;
      out.push({ kind: 'cpu', us: build.cpuUs });
      node.queueMsbHeader(build.block);
    }
  }

  /**
   * A client batch: its cross-shard ids to this node's Atomix driver (entryNode chose this node as the
   * entry of their first input shard), the others to the PoB node of their input shard.
   */
  private onTxs(now: Micros, txs: TxSet, out: Out): void {
    const book = this.world.book;
    if (txs.count > 0 && this.heldTxs() + txs.count > this.world.ios.pob.poolMaxTx) {
      // Pool full (README "Client batches"): the batch is refused whole, as go-iost's txpool answers
      // CacheFullError; its transactions are aborted at their input shard and never reach Atomix.
      const shard = book ? book.inputShardOf(book.segmentIndexOf(txs.ranges[0]!)) : this.shard_;
      out.push({ kind: 'abort', txs, shard });
      return;
    }
    if (book && this.world.atomix && txs.count > 0) {
      const { cross, intra } = splitCross(book, txs);
      if (cross.count > 0) this.stepClient(now, { kind: 'txs', txs: cross }, out);
      if (intra.count === 0) return;
      txs = intra;
    }
    let shard = this.shard_;
    if (book && txs.count > 0) shard = book.inputShardOf(book.segmentIndexOf(txs.ranges[0]!));
    this.admit(now, shard, txs, out);
  }

  /**
   * Transactions for `shard`'s consensus: to this node's PoB node there; a leader that has just left its
   * committee hands them on to the new leader; a node with no PoB node in `shard` hands them to the shard's
   * normal leader (whole-run view; cross-shard lock requests that reach a former contact).
   */
  private admit(now: Micros, shard: number, txs: TxSet, out: Out): void {
    if (!this.pob.has(shard)) {
      const lead = this.world.leagues[shard]?.leaderNode();
      if (this.world.atomix && lead && lead.self !== this.self && txs.count > 0) {
        const ctx = this.world.leagues[shard]!.ctx;
        const sizes = new PobSizes(ctx.league.headerBytes, ctx.league.signatureBytes, ctx.txSizeBytes);
        const msg: PobMsg = { type: 'handoff', txs };
        out.push({ kind: 'send', to: lead.self, msg: wrap('pob', ctx.epoch, shard, msg), sizeBytes: sizes.handoff(txs.count) });
        return;
      }
      shard = this.shard_;
    }
    const node = this.pob.get(shard);
    const next = this.successor.get(shard);
    if (node instanceof NormalNode && node.bft.replica === null && next !== undefined) {
      // A batch routed to a leader that has just left its committee (the other members have not switched
      // yet, so entryNode still sees it as leader): hand it to the new committee's leader, as bft's
      // reconfiguration transfers a leaver's pending transactions.
      const ctx = this.world.leagues[shard]!.ctx;
      const sizes = new PobSizes(ctx.league.headerBytes, ctx.league.signatureBytes, ctx.txSizeBytes);
      const msg: PobMsg = { type: 'handoff', txs };
      out.push({ kind: 'send', to: next, msg: wrap('pob', ctx.epoch, shard, msg), sizeBytes: sizes.handoff(txs.count) });
      return;
    }
    this.stepPob(now, shard, { kind: 'txs', txs }, out);
  }

  /**
   * Client transactions this node holds as an entry: a believable validator's unsealed and unfinalised
   * ones, a normal leader's block source (one-league entry), and the cross-shard ones its Atomix driver has
   * not resolved.
   */
  private heldTxs(): number {
    let n = this.client_ ? this.client_.pending : 0;
    for (const node of this.pob.values()) {
      if (node instanceof BelievableNode) n += node.heldTxs;
      else if (node instanceof NormalNode && node.isLeader) n += node.source.size;
    }
    return n;
  }

  // ---- Atomix ----

  private stepClient(now: Micros, input: Input<AtomixMsg, AtomixTimer>, out: Out): void {
    const ax = this.world.atomix;
    if (!ax) return;
    ax.lastUs = Math.max(ax.lastUs, now);
    if (!this.client_) {
      this.client_ = new AtomixClient({
        self: this.self,
        facts: ax.facts,
        sizes: ax.sizes,
        cpu: this.world.scenario.cpu,
        lockTimeoutUs: ax.lockTimeoutUs,
        observer: ax.invariants,
        contactOf: (shard) => {
          const to = this.world.leagues[shard]?.leaderNode()?.self ?? -1;
          if (to >= 0 && to !== this.self) this.contactShards.push(shard);
          return to;
        },
      });
    }
    this.contactShards = [];
    const effects = this.client_.step(now, input);
    const shards = this.contactShards;
    this.contactShards = [];
    let k = 0;
    const tagged: { shard: number; effect: AtomixEffect }[] = effects.map((e) => ({ shard: e.kind === 'send' ? (shards[k++] ?? -1) : -1, effect: e }));
    for (const { shard, effect } of tagged) this.emitAtomix(now, shard, [effect], out);
  }

  /**
   * Atomix effects for the host, under layer `atomix` with the epoch this node is in (Atomix state
   * outlives epochs; nothing is dropped as stale). A message to this node itself and a `deliver` note are
   * handled here at once.
   */
  private emitAtomix(now: Micros, shard: number, effects: readonly AtomixEffect[], out: Out): void {
    for (const e of effects) {
      if (e.kind === 'send' && e.to === this.self) {
        this.onAtomixMessage(now, this.self, shard, e.msg, out);
        continue;
      }
      const d = wrapEffect('atomix', this.data.epoch, shard, e, out) as AtomixDeliver | undefined;
      if (d?.type === 'atomix.deliver') this.onAtomixMessage(now, this.self, d.shard, d.msg, out);
    }
  }

  /** An Atomix message at this node: `shard` is the shard it is addressed to (lock, unlock) or from (proof). */
  private onAtomixMessage(now: Micros, from: NodeId, shard: number, msg: AtomixMsg, out: Out): void {
    const ax = this.world.atomix;
    if (!ax) return;
    ax.lastUs = Math.max(ax.lastUs, now);
    switch (msg.type) {
      case 'lockRequest': {
        // The contact of an input shard: the ids go into the shard's consensus like client transactions.
        const ids = ax.input[shard]!.onLockRequest(now, msg);
        if (ids.count > 0) this.admit(now, shard, ids, out);
        return;
      }
      case 'proof':
        this.stepClient(now, { kind: 'message', from, msg }, out);
        return;
      case 'unlockCommit':
        this.emitAtomix(now, shard, ax.output[shard]!.onUnlockCommit(now, msg), out);
        return;
      case 'unlockAbort':
        this.emitAtomix(now, shard, ax.input[shard]!.onUnlockAbort(now, msg), out);
        return;
    }
  }

  // ---- epochs and TransEpoch ----

  private ownTimer(afterUs: Micros, timer: TeTimer, epoch: number, out: Out): void {
    out.push({ kind: 'timer', afterUs: Math.max(0, afterUs), timer: wrap('transepoch', epoch, -1, timer) });
  }

  private onTeTimer(now: Micros, timer: TeTimer, out: Out): void {
    if (timer.kind === 'nextEpoch') {
      // The next election's timer first: effects after EDS's CPU work (the VRF) wait for this node's CPU,
      // and a busy CPU would start the next election late, each node by its own backlog.
      this.ownTimer(this.world.epochUs, { kind: 'nextEpoch', epoch: timer.epoch + 1 }, timer.epoch + 1, out);
      wrapEffects('eds', timer.epoch, -1, this.eds.begin(now, timer.epoch), out);
      return;
    }
    if (timer.kind === 'boundary') {
      // The epoch changes here, not when rnd_e arrived: the previous transition's last batches (which may
      // start after rnd_e is known) still belong to the previous plan.
      if (this.next && this.next.epoch === timer.epoch) {
        this.data = this.next;
        this.next = null;
      }
      const d = this.data;
      if (d.epoch !== timer.epoch) return;
      this.world.currentEpoch = Math.max(this.world.currentEpoch, d.epoch);
      if (this.world.traceOnce(`epoch.start:${d.epoch}`)) {
        out.push({ kind: 'trace', event: { type: 'epoch.start', epoch: d.epoch, leader: d.leader, view: d.view } });
      }
      this.buildMsbs(d.epoch, out);
      return;
    }
    // A batch of this epoch's plan starts.
    const data = this.data;
    if (timer.epoch !== data.epoch || !data.plan) return;
    const plan = data.plan;
    const a = startNumber(plan, timer.startUs);
    // Only the moves from the shards this node serves or is moving to: it asks for no other committee
    // (askMembership). Every node keeping every shard's leavers was 9,375 entries × 10,000 nodes at paper
    // scale, and reading every move of each batch 94 M steps per transition.
    const dest = data.shardOf[this.self]!;
    if (a >= 0 && this.world.readyBoards) this.world.boardDepartures(plan, a);
    else if (a >= 0) {
      for (const s of this.pob.keys()) if (s !== dest && !this.left.has(s)) this.leaversFrom(plan, a, s);
      this.leaversFrom(plan, a, dest);
    }
    const own = plan.moveOf[this.self]!;
    if (own >= 0 && plan.moves[own]!.startUs === timer.startUs) this.startMove(data.epoch, plan.moves[own]!, plan.moves.length, out);
    for (const s of [...this.pob.keys()]) this.membershipDue(s);
  }

  /** This node's replica in `shard` left the committee: forget the shard's movers. */
  private leftCommittee(shard: number): void {
    this.left.add(shard);
    this.leaving.delete(shard);
    this.joining.delete(shard);
  }

  /** The nodes of start number `a` leaving `shard`: no longer joiners of it, leavers until the committee drops them. */
  private leaversFrom(plan: TransEpochPlan, a: number, shard: number): void {
    const moves = movesFrom(plan, a, shard);
    if (moves.length === 0) return;
    const leave = this.setOf(this.leaving, shard);
    const join = this.joining.get(shard);
    for (const i of moves) {
      const v = plan.moves[i]!.node;
      leave.add(v);
      join?.delete(v);
    }
  }

  /** Genesis: epoch 0 starts and is ready at once (nobody moves); each node traces its own shard and league. */
  private traceGenesis(out: Out): void {
    if (this.world.traceOnce('epoch.start:0')) {
      out.push({ kind: 'trace', event: { type: 'epoch.start', epoch: 0, leader: -1, view: 0 } });
      out.push({ kind: 'trace', event: { type: 'epoch.ready', epoch: 0 } });
    }
    const role = this.world.leagues[this.shard_]!.believableNodes.has(this.self) ? 'believable' : 'normal';
    out.push({ kind: 'trace', event: { type: 'shard.member', node: this.self, shard: this.shard_, epoch: 0, role } });
  }

  /** rnd_e is known here: read the assignment and the plan, arm the boundary and batch timers. */
  private onRandomness(now: Micros, ev: Extract<EdsLocalEvent, { type: 'randomness' }>, out: Out): void {
    const epoch = ev.epoch;
    if (epoch <= (this.next ?? this.data).epoch) return;
    const data = this.world.epochData(epoch, ev.rnd, this.next ?? this.data, now, ev.leader, ev.view);
    this.next = data;
    this.ownTimer(data.startUs - now, { kind: 'boundary', epoch }, epoch, out);
    const plan = data.plan!;
    if (plan.moves.length === 0 && this.world.moveReady(epoch, 0)) {
      out.push({ kind: 'trace', event: { type: 'epoch.ready', epoch } });
    }
    if (this.world.readyBoards) {
      // Round fidelity: only a mover needs its batch's start (the plan's departures go on the boards from it,
      // and a member re-asks for its committee at every block anyway): one timer per mover instead of one per
      // node and batch start (650,000 events per paper-scale transition).
      const own = plan.moveOf[this.self]!;
      if (own >= 0) this.ownTimer(plan.moves[own]!.startUs - now, { kind: 'batch', epoch, startUs: plan.moves[own]!.startUs }, epoch, out);
    } else {
      for (const startUs of plan.starts) this.ownTimer(startUs - now, { kind: 'batch', epoch, startUs }, epoch, out);
    }
  }

  /** This node's batch starts: it leaves its old shard and asks a member of the new one for the state. */
  private startMove(epoch: number, move: Move, total: number, out: Out): void {
    if (this.moving) this.abandonMove(this.moving, out);
    this.moving = { epoch, move, total };
    this.stats.moves++;
    this.world.departed[move.fromShard]!.add(this.self);
    const old = this.pob.get(move.fromShard);
    if (old instanceof BelievableNode) old.leave();
    const server = this.bootstrapServer(epoch, move);
    const msg: TeMsg = { type: 'stateRequest', epoch, toShard: move.toShard };
    out.push({ kind: 'send', to: server, msg: wrap('transepoch', epoch, move.toShard, msg), sizeBytes: TeSizes.stateRequest });
  }

  /**
   * This node's next batch started while it was still bootstrapping an earlier move (at paper scale a state
   * download can outlast an epoch): the newest assignment wins, as every node reads it from rnd_e. The old
   * destination is given up before the node announces itself there; its state, when it arrives, is ignored
   * (onBootstrapped). The plan's new move names that destination as its source, and the departure boards mark
   * the node as leaving it, where it never sat. Until stop 15 the newer move was skipped instead: the node
   * joined the stale destination and stayed there for good, outside every later plan's audience, so as that
   * shard's leader it knew of no joiner and its committee shrank with each departure, and no epoch after the
   * first reported its transition over. The abandoned move still ends its epoch's transition (moveReady).
   */
  private abandonMove(mv: OwnMove, out: Out): void {
    const { move } = mv;
    this.stats.movesAbandoned++;
    out.push({
      kind: 'trace',
      event: { type: 'shard.abandon', node: this.self, fromShard: move.fromShard, toShard: move.toShard, epoch: mv.epoch, batch: move.batch, startUs: move.startUs },
    });
    if (this.world.moveReady(mv.epoch, mv.total)) out.push({ kind: 'trace', event: { type: 'epoch.ready', epoch: mv.epoch } });
  }

  /**
   * Who serves the state, chosen by a keyed hash of (epoch, self): with transEpoch.bootstrapFrom 'stayers' a
   * member that stays in the new shard (old and new shard both `toShard`), or any of the shard's previous
   * members if none stays; with 'previous-members' any of them (each holds the shard's last MSB).
   */
  private bootstrapServer(epoch: number, move: Move): NodeId {
    const views = this.world.transitionViews(this.data);
    const stayers = this.world.ios.transEpoch.bootstrapFrom === 'stayers';
    let pool = stayers ? without(views.stayers[move.toShard]!, this.self) : [];
    if (pool.length === 0) pool = without(views.prevMembers[move.toShard]!, this.self);
    const u = this.world.env.rng.keyedUniform(`ios:bootstrap:${epoch}:${this.self}`);
    return pool[Math.min(pool.length - 1, Math.floor(u * pool.length))]!;
  }

  private onTeMessage(now: Micros, from: NodeId, msg: TeMsg, out: Out): void {
    switch (msg.type) {
      case 'stateRequest': {
        // Serve the shard's state (phase 1: state bytes only; README "Bootstrap").
        this.stats.statesServed++;
        const reply: TeMsg = { type: 'state', epoch: msg.epoch, toShard: msg.toShard };
        out.push({
          kind: 'send',
          to: from,
          msg: wrap('transepoch', msg.epoch, msg.toShard, reply),
          sizeBytes: TeSizes.stateOverhead + this.world.msb[msg.toShard]!.bootstrapBytes(),
        });
        return;
      }
      case 'state':
        return this.onBootstrapped(now, msg, out);
      case 'ready':
        // A former member of the shard, not moving back to it: it asks for no committee there.
        if (this.left.has(msg.shard) && this.data.shardOf[this.self] !== msg.shard) return;
        this.setOf(this.joining, msg.shard).add(msg.node);
        this.leaving.get(msg.shard)?.delete(msg.node);
        this.membershipDue(msg.shard);
        return;
    }
  }

  /** The state arrived: join the new shard's normal league and tell its members. */
  private onBootstrapped(now: Micros, msg: Extract<TeMsg, { type: 'state' }>, out: Out): void {
    const mv = this.moving;
    if (!mv || mv.epoch !== msg.epoch || mv.move.toShard !== msg.toShard) return;
    this.moving = null;
    const to = mv.move.toShard;
    const leagues = this.world.leagues[to]!;
    // League refresh (README "Leagues"): a mover chosen for a vacancy joins the believable league and needs
    // no committee change; the others join the normal league and wait for their Join. A node that comes back
    // to a shard it once served replaces its old (departed) PoB node there — except a believable validator
    // returning as one, which resumes its old node (its sequence numbers and unacknowledged blocks go on).
    const believable = this.data.epoch === mv.epoch && this.data.believableIn.has(this.self);
    // A node still in the committee it left (the block that would have removed it is not decided yet) keeps
    // that replica: it has voted all along. Until stop 14 a joiner replaced it, and waited for a Join that
    // never comes to a member, while the committee kept counting it and routing its tree through it.
    const member = believable ? undefined : leagues.normalNodes.get(this.self);
    // Only a seat in the shard's current committee: a replica that missed its own removal (it was down when the
    // block was decided) is a stale member of an older generation and would ignore the Join that re-admits it
    // (a Join wakes only a dormant or departed replica), so it is replaced as before.
    const lead = leagues.leaderNode();
    const stays =
      member !== undefined && member.bft.replica !== null && lead !== null && lead.bft.gen === member.bft.gen && (lead.bft.replica?.committee.memberIndex(this.self) ?? -1) >= 0;
    if (!stays) leagues.normalNodes.delete(this.self);
    if (!believable) leagues.believableNodes.delete(this.self);
    if (believable) {
      this.pob.set(to, leagues.addBelievable(this.self, now));
      this.world.departed[to]!.delete(this.self);
    } else {
      this.pob.set(to, stays ? member : leagues.addJoiner(this.self));
    }
    this.shard_ = to;
    this.left.delete(to);
    if (!stays) this.stepPob(now, to, { kind: 'start' }, out);
    if (!believable) {
      const views = this.world.transitionViews(this.data);
      const ready: TeMsg = { type: 'ready', epoch: mv.epoch, shard: to, node: this.self };
      const board = this.world.readyBoards?.[to];
      if (board) {
        // Round fidelity: the same copies through the network, their arrivals read when needed (ready-board.ts);
        // none until the host has sent them (they may wait for this node's CPU).
        const arrivals: AnnounceArrivals = { of: null };
        out.push({ kind: 'announce', to: views.audience[to]!, msg: wrap('transepoch', mv.epoch, to, ready), sizeBytes: TeSizes.ready, arrivals });
        board.announce(this.self, now, views.audiencePositions![to]!, arrivals);
      } else {
        const audience = without(views.audience[to]!, this.self);
        out.push({ kind: 'multicast', to: audience, msg: wrap('transepoch', mv.epoch, to, ready), sizeBytes: TeSizes.ready });
      }
    }
    const role = believable ? 'believable' : 'normal';
    out.push({ kind: 'trace', event: { type: 'shard.member', node: this.self, shard: to, epoch: mv.epoch, role } });
    out.push({
      kind: 'trace',
      event: {
        type: 'shard.move',
        node: this.self,
        fromShard: mv.move.fromShard,
        toShard: to,
        epoch: mv.epoch,
        batch: mv.move.batch,
        startUs: mv.move.startUs,
        readyUs: now,
      },
    });
    if (this.world.moveReady(mv.epoch, mv.total)) out.push({ kind: 'trace', event: { type: 'epoch.ready', epoch: mv.epoch } });
  }

  /**
   * Ask this node's normal-league replica in `shard` (if it is a live member) for the committee it should
   * have: the current one minus the nodes whose batch started, plus the bootstrapped joiners, never fewer
   * than MIN_NORMAL_LEAGUE (a leaver then stays until a joiner replaces it). Every member asks; the leader
   * of the next block acts (bft/reconfig.ts), so a view change loses nothing. Re-asked at every block.
   */
  private askMembership(shard: number): void {
    const node = this.pob.get(shard);
    if (!(node instanceof NormalNode)) return;
    const r = node.bft.replica;
    if (!r) return;
    // The committee's own position index (shared, O(1)) instead of a Set of its members per call.
    const c = r.committee;
    const board = this.world.readyBoards?.[shard];
    if (board) return this.requestCommittee(node, c, board.joinersKnownTo(this.self, this.now, (v) => c.memberIndex(v) >= 0), (v) => board.isLeaving(v, this.self, this.now));
    const leave = this.leaving.get(shard);
    const join = this.joining.get(shard);
    if (leave) for (const v of leave) if (c.memberIndex(v) < 0) leave.delete(v);
    if (join) for (const v of join) if (c.memberIndex(v) >= 0) join.delete(v);
    if ((!leave || leave.size === 0) && (!join || join.size === 0)) return;
    this.requestCommittee(node, c, [...(join ?? [])].sort((a, b) => a - b), (v) => leave?.has(v) ?? false);
  }

  /**
   * Ask the replica for committee `c` minus the members known to be leaving, plus `joiners` (ascending, none
   * in `c`), never fewer than MIN_NORMAL_LEAGUE; nothing if that is `c` itself.
   */
  private requestCommittee(node: NormalNode, c: Committee, joiners: readonly NodeId[], leaving: (v: NodeId) => boolean): void {
    const committee = c.members;
    const desired = committee.filter((v) => !leaving(v));
    if (desired.length === committee.length && joiners.length === 0) return;
    for (const v of joiners) desired.push(v);
    for (const v of committee) {
      if (desired.length >= MIN_NORMAL_LEAGUE) break;
      if (!desired.includes(v)) desired.push(v);
    }
    if (desired.length === committee.length && desired.every((v) => c.memberIndex(v) >= 0)) return;
    this.stats.reconfigRequests++;
    node.reconfigure(desired);
  }

  /**
   * Leavers or joiners changed between blocks: work out the request when this member next proposes as
   * leader (bft Proposer.reconfigDue), not on every `ready`. Each of ~9,400 joiners' `ready` reaches every
   * member of its new shard, and an O(committee) request per member and `ready` was ~6 M recomputations of
   * ~600 members per paper-scale transition; only the next block's leader reads the result.
   */
  private membershipDue(shard: number): void {
    const node = this.pob.get(shard);
    if (!(node instanceof NormalNode)) return;
    const r = node.bft.replica;
    if (!r) return;
    // One closure per shard, not one per `ready` (~12 M per paper-scale transition, all garbage).
    let ask = this.asks[shard];
    if (!ask) this.asks[shard] = ask = () => this.askMembership(shard);
    r.reconfigurationDue(ask);
  }

  private setOf(map: Map<number, Set<NodeId>>, shard: number): Set<NodeId> {
    let s = map.get(shard);
    if (!s) map.set(shard, (s = new Set()));
    return s;
  }
}

/** `list` without `node` (the list itself when it does not hold it). */
function without(list: readonly NodeId[], node: NodeId): readonly NodeId[] {
  return list.includes(node) ? list.filter((v) => v !== node) : list;
}

/**
 * ios.eds.lotteryCandidates, or its default: above 200 validators a flood of every lottery costs about
 * n·n·fanout transmissions per view (eds/README "Sizes"), so only ~20 expected candidates gossip.
 */
function lotteryCandidates(c: number | undefined, n: number): { lotteryCandidates?: number } {
  const chosen = c ?? (n > 200 ? 20 : undefined);
  return chosen === undefined ? {} : { lotteryCandidates: chosen };
}

/**
 * A node's PoB sub-machines by shard, telling `onChange` of every change: the node remembers the one it looked
 * up last (stepPob, for most of a paper-scale run's events, nearly always the same shard's), as a Map's hash
 * table per node was a cache miss of its own.
 */
class PobByShard extends Map<number, ProtocolNode<PobMsg, PobTimer>> {
  constructor(private readonly onChange: () => void) {
    super();
  }

  override set(shard: number, node: ProtocolNode<PobMsg, PobTimer>): this {
    this.onChange();
    return super.set(shard, node);
  }

  override delete(shard: number): boolean {
    this.onChange();
    return super.delete(shard);
  }

  override clear(): void {
    this.onChange();
    super.clear();
  }
}

