import { NO_EFFECTS } from '../types.js';
import type { Effect, Input, NodeId, ProtocolNode, TxSet } from '../types.js';
import { txSetOf } from '../types.js';
import type { Micros } from '../../kernel/time.js';
import type { CpuConfig } from '../../scenario/schema.js';
import { Mempool } from '../bft/mempool.js';
import { RangeSet } from './rangeset.js';

/**
 * A slot-scheduled producer chain, shared by EOS DPoS (dpos/) and IOST mainnet PoB (iost-mainnet/).
 *
 * Time is cut into slots of `blockIntervalUs`; slot s belongs to producers[⌊s / blocksPerTurn⌋ mod n] of
 * the schedule in force at the producer's head (eosio block_header_state::get_scheduled_producer; go-iost
 * consensus/pob witnessOfNanoSec with 3 s = 6 × 0.5 s slots). The owner of a slot builds one block on its
 * head when its slot timer fires; a crashed owner's slot simply has no block and the chain goes on.
 * Blocks go straight to the other producers (a complete graph) and optionally by gossip to all nodes.
 * Fork choice is the longest chain, first seen on a tie (eosio fork_database before 3.x; go-iost
 * blockcache Link: higher number, then earlier time). A block whose parent is unknown is buffered and its
 * parent fetched from the sender.
 *
 * Finality is a header state computed by the block's producer from its parent's (like eosio's
 * block_header_state::next, which every node recomputes identically): the protocol supplies it as
 * `ChainRules.advance`. Shared pieces: `distinctQuorum` (the ⌊2N/3⌋+1-distinct-producers rule) and
 * `eosTwoStage` / `oneStage` below.
 */

export interface HeaderState {
  /** Height of the last block each producer made on this chain (eosio producer_to_last_produced). */
  readonly lastProduced: ReadonlyMap<NodeId, number>;
  /** eosio producer_to_last_implied_irb (two-stage only; null otherwise). */
  readonly implied: ReadonlyMap<NodeId, number> | null;
  /** eosio dpos_proposed_irreversible_blocknum: highest block ⌊2N/3⌋+1 distinct producers built on. */
  readonly proposed: number;
  /** Last irreversible block number on this chain (eosio dpos_irreversible_blocknum; go-iost LinkedRoot). */
  readonly lib: number;
  /** The schedule in force for the slots after this block. */
  readonly producers: readonly NodeId[];
  /** Protocol-specific state (iost-mainnet: vote scores). */
  readonly ext: unknown;
}

export interface ChainBlock extends HeaderState {
  /** slot · idStride + producer: unique, since a producer makes at most one block per slot. Genesis: -1. */
  readonly id: number;
  readonly parentId: number;
  readonly height: number;
  readonly slot: number;
  readonly producer: NodeId;
  readonly txs: TxSet;
  readonly sizeBytes: number;
}

export interface ChainRules {
  readonly blockIntervalUs: number;
  readonly blocksPerTurn: number;
  /** Header state of the block `producer` builds at `height` on `parent`. Pure. */
  advance(parent: ChainBlock, producer: NodeId, height: number): HeaderState;
}

/** ⌊2N/3⌋+1: eosio block_header_state (required_confs), go-iost blockcache (witnessNum*2/3+1). */
export function quorumOf(n: number): number {
  return Math.floor((2 * n) / 3) + 1;
}

/**
 * The highest height h such that at least q distinct members of `members` produced a block at height ≥ h
 * on this chain (0 if fewer than q ever produced). A producer's block confirms everything below it, so this
 * is eosio's proposed-irreversible number (each producer's first block of a turn confirms the blocks since
 * its previous one: producer_plugin's `confirmed` count, block_header_state::next's confirm_count loop) and
 * go-iost's confirmation (BlockCacheNode.ValidWitness: distinct witnesses of the block and its descendants).
 */
export function distinctQuorum(lastProduced: ReadonlyMap<NodeId, number>, members: readonly NodeId[], q: number): number {
  if (members.length < q) return 0;
  const hs = members.map((m) => lastProduced.get(m) ?? 0).sort((a, b) => b - a);
  return hs[q - 1]!;
}

/**
 * eosio before 3.x (libraries/chain/block_header_state.cpp, v1.8–2.0):
 *  - next(): producer_to_last_implied_irb[producer] = dpos_proposed_irreversible_blocknum (the parent's);
 *    dpos_irreversible_blocknum = calc_dpos_last_irreversible(producer): sort the implied values of the
 *    schedule ascending and take index (N−1)/3, so that 2/3 of the producers imply at least that block;
 *  - then the block's confirmations (its own plus `confirmed` earlier ones) decrement confirm_count, and the
 *    newest block that reached ⌊2N/3⌋+1 becomes the new dpos_proposed_irreversible_blocknum.
 * `finality: 'one-stage'` makes the LIB the proposed number itself (one round of ⌊2N/3⌋+1 confirmations).
 */
export function eosAdvance(parent: ChainBlock, producer: NodeId, height: number, twoStage: boolean): HeaderState {
  const sched = parent.producers;
  const n = sched.length;
  const lastProduced = new Map(parent.lastProduced).set(producer, height);
  const proposed = Math.max(parent.proposed, distinctQuorum(lastProduced, sched, quorumOf(n)));
  let implied: Map<NodeId, number> | null = null;
  let lib = proposed;
  if (twoStage) {
    implied = new Map(parent.implied ?? []).set(producer, parent.proposed);
    const vals = sched.map((p) => implied!.get(p) ?? 0).sort((a, b) => a - b);
    lib = vals[Math.floor((n - 1) / 3)]!;
  }
  return { lastProduced, implied, proposed, lib: Math.max(parent.lib, Math.min(lib, height)), producers: sched, ext: parent.ext };
}

export function genesisBlock(producers: readonly NodeId[], ext: unknown = null): ChainBlock {
  return {
    id: -1,
    parentId: -2,
    height: 0,
    slot: 0,
    producer: -1,
    txs: txSetOf([]),
    sizeBytes: 0,
    lastProduced: new Map(),
    implied: new Map(producers.map((p) => [p, 0])),
    proposed: 0,
    lib: 0,
    producers,
    ext,
  };
}

/**
 * What all nodes of one instance share for reporting only (never read by protocol logic): each block
 * becomes `final` once in the metrics and the trace (at the first node that learns it: the producer of the
 * block whose header state moves the LIB past it), and the finality lag (head − LIB, in blocks) sampled at
 * every produced block.
 */
export class ChainRecorder {
  finalHeight = 0;
  readonly lagBlocks: number[] = [];
  producedBlocks = 0;
  /** Highest head seen at production; LIB never passes it (checked in tests). */
  maxHead = 0;
  /** The producer schedule last traced (`schedule.change`), space-separated, and how many were traced. */
  tracedSchedule = '';
  scheduleVersion = -1;
}

export type ChainMsg =
  /** A block; `headerOnly` when sent to a node outside the schedule only so it can follow the chain. */
  | { readonly type: 'block'; readonly block: ChainBlock; readonly headerOnly?: boolean }
  | { readonly type: 'txs'; readonly txs: TxSet; readonly hops: number }
  | { readonly type: 'fetch'; readonly id: number };

export type ChainTimer = { readonly kind: 'slot'; readonly slot: number };

type Out = Effect<ChainMsg, ChainTimer>[];

export interface ProducerChainConfig {
  readonly self: NodeId;
  readonly nodeCount: number;
  readonly rules: ChainRules;
  readonly genesis: ChainBlock;
  readonly cpu: CpuConfig;
  readonly txSizeBytes: number;
  readonly maxBlockBytes: number;
  readonly headerBytes: number;
  readonly signatureBytes: number;
  readonly txRelay: 'current-and-next' | 'all-producers';
  readonly gossipToAllNodes: boolean;
  readonly blockRelay: 'direct' | 'gossip';
  readonly recorder: ChainRecorder;
  /** The schedule may change along the chain (iost-mainnet): nodes outside it re-check at turn boundaries. */
  readonly rotating: boolean;
}

const FETCH_BYTES = 48;

export class ProducerChainNode implements ProtocolNode<ChainMsg, ChainTimer> {
  private now = 0;
  head: ChainBlock;
  private readonly blocks = new Map<number, ChainBlock>();
  private readonly order: ChainBlock[] = [];
  private orderStart = 0;
  private readonly orphans = new Map<number, ChainBlock[]>();
  private readonly requested = new Set<number>();
  private readonly mempool = new Mempool();
  private readonly included = new RangeSet();
  private nextSlot = -1;
  private readonly gossipGroups = new Map<readonly NodeId[], NodeId[]>();
  /** Blocks this node produced (for tests). */
  produced = 0;

  constructor(readonly config: ProducerChainConfig) {
    this.head = config.genesis;
    this.blocks.set(config.genesis.id, config.genesis);
  }

  get self(): NodeId {
    return this.config.self;
  }

  step(now: Micros, input: Input<ChainMsg, ChainTimer>): readonly Effect<ChainMsg, ChainTimer>[] {
    this.now = now;
    const out: Out = [];
    switch (input.kind) {
      case 'start':
        this.traceSchedule(this.head, out);
        this.armNextSlot(out);
        break;
      case 'recover':
        // Timers and the mempool are volatile; the chain survives and catches up by fetching parents.
        this.mempool.clear();
        this.requested.clear();
        this.armNextSlot(out);
        break;
      case 'txs':
        this.relayTxs(input.txs, 1, out);
        break;
      case 'timer':
        this.onSlot(input.timer.slot, out);
        break;
      case 'message': {
        const m = input.msg;
        if (m.type === 'block') this.onBlock(input.from, m.block, m.headerOnly === true, out);
        else if (m.type === 'txs') this.onTxs(m.txs, m.hops, out);
        else this.onFetch(input.from, m.id, out);
        break;
      }
    }
    if (out.length === 0) return NO_EFFECTS;
    // Timers count from `now`, not from when this step's CPU work ends: put them before any `cpu` effect.
    const timers = out.filter((e) => e.kind === 'timer');
    return timers.length > 0 ? [...timers, ...out.filter((e) => e.kind !== 'timer')] : out;
  }

  producerOf(slot: number, head: ChainBlock = this.head): NodeId {
    const list = head.producers;
    return list[Math.floor(slot / this.config.rules.blocksPerTurn) % list.length]!;
  }

  // ---- Slots ----

  private armNextSlot(out: Out): void {
    const { blockIntervalUs, blocksPerTurn } = this.config.rules;
    const first = Math.floor(this.now / blockIntervalUs) + 1;
    const span = this.head.producers.length * blocksPerTurn;
    let slot = -1;
    for (let s = first; s < first + span; s++) {
      if (this.producerOf(s) === this.self) {
        slot = s;
        break;
      }
    }
    if (slot < 0) {
      if (!this.config.rotating) return;
      slot = (Math.floor(first / blocksPerTurn) + 1) * blocksPerTurn; // re-check at the next turn
    }
    if (slot === this.nextSlot) return;
    this.nextSlot = slot;
    out.push({ kind: 'timer', afterUs: slot * blockIntervalUs - this.now, timer: { kind: 'slot', slot } });
  }

  private onSlot(slot: number, out: Out): void {
    if (slot !== this.nextSlot) return; // stale
    if (this.producerOf(slot) === this.self && this.head.slot < slot) this.enterProduceBlock(slot, out);
    this.armNextSlot(out);
  }

  /** eosio producer_plugin::start_block/produce_block; go-iost pob.gen: pack the mempool, sign, send. */
  private enterProduceBlock(slot: number, out: Out): void {
    const c = this.config;
    const parent = this.head;
    const height = parent.height + 1;
    const maxTx = Math.max(0, Math.floor((c.maxBlockBytes - c.headerBytes - c.signatureBytes) / c.txSizeBytes));
    const txs = this.packTxs(maxTx);
    const state = c.rules.advance(parent, this.self, height);
    const sizeBytes = c.headerBytes + c.signatureBytes + txs.count * c.txSizeBytes;
    const block: ChainBlock = { ...state, id: slot * c.nodeCount + this.self, parentId: parent.id, height, slot, producer: this.self, txs, sizeBytes };
    this.included.add(txs);
    this.store(block);
    this.head = block;
    this.produced++;
    out.push({ kind: 'cpu', us: Math.ceil(c.cpu.signUs + (c.cpu.hashUsPerKB * sizeBytes) / 1000) });
    out.push({ kind: 'trace', event: { type: 'block.propose', node: this.self, shard: 0, height, view: slot, txCount: txs.count, sizeBytes } });
    if (txs.count > 0) out.push({ kind: 'commit', level: 'confirm', txs, shard: 0 });
    out.push({ kind: 'trace', event: { type: 'block.commit', node: this.self, shard: 0, height, view: slot, txCount: txs.count, level: 'confirm' } });
    this.broadcast(block, parent, out);
    this.reportFinal(block, out);
    const r = c.recorder;
    r.producedBlocks++;
    r.maxHead = Math.max(r.maxHead, height);
    r.lagBlocks.push(height - block.lib);
  }

  private packTxs(maxTx: number): TxSet {
    const ranges: number[] = [];
    let count = 0;
    while (count < maxTx && this.mempool.size > 0) {
      const fresh = this.included.subtractFrom(this.mempool.take(maxTx - count)!);
      ranges.push(...fresh.ranges);
      count += fresh.count;
    }
    return txSetOf(ranges);
  }

  private broadcast(block: ChainBlock, parent: ChainBlock, out: Out): void {
    // The upload queue serialises the copies, so send in schedule order starting with the next producer
    // (who must have this block before its first slot), then anyone only in the parent's schedule.
    const list = block.producers;
    const at = Math.max(0, list.indexOf(this.self));
    const to: NodeId[] = [];
    for (let i = 1; i <= list.length; i++) {
      const p = list[(at + i) % list.length]!;
      if (p !== this.self && !to.includes(p)) to.push(p);
    }
    for (const p of parent.producers) if (p !== this.self && !to.includes(p)) to.push(p);
    const msg: ChainMsg = { type: 'block', block };
    if (this.config.blockRelay === 'gossip') {
      const group = this.producerGroup(block.producers);
      if (group.length > 1) out.push({ kind: 'gossip', msg, sizeBytes: block.sizeBytes, group });
    } else if (to.length > 0) out.push({ kind: 'multicast', to, msg, sizeBytes: block.sizeBytes });
    if (this.config.gossipToAllNodes || this.config.rotating) {
      // With a rotating schedule every node must follow the chain to know the current list (go-iost full
      // nodes sync every block): without gossipToAllNodes they get the header only.
      const group = this.gossipGroup(block.producers);
      const full = this.config.gossipToAllNodes;
      const sizeBytes = full ? block.sizeBytes : this.config.headerBytes + this.config.signatureBytes;
      if (group.length > 1) out.push({ kind: 'gossip', msg: full ? msg : { type: 'block', block, headerOnly: true }, sizeBytes, group });
    }
  }

  private readonly producerGroups = new Map<readonly NodeId[], NodeId[]>();
  /** `producers`, plus this node if it is not one (a gossip group must hold its sender); one array per schedule. */
  private producerGroup(producers: readonly NodeId[]): NodeId[] {
    let g = this.producerGroups.get(producers);
    if (!g) {
      g = producers.includes(this.self) ? [...producers] : [this.self, ...producers];
      this.producerGroups.set(producers, g);
    }
    return g;
  }

  /** This node plus every node outside `producers` (who get the block directly); one array per schedule. */
  private gossipGroup(producers: readonly NodeId[]): NodeId[] {
    let g = this.gossipGroups.get(producers);
    if (!g) {
      const inSched = new Set(producers);
      g = [this.self];
      for (let i = 0; i < this.config.nodeCount; i++) if (i !== this.self && !inSched.has(i)) g.push(i);
      this.gossipGroups.set(producers, g);
    }
    return g;
  }

  /** Blocks between the recorder's final height and this block's LIB become `final` (once per instance). */
  private reportFinal(block: ChainBlock, out: Out): void {
    const r = this.config.recorder;
    if (block.lib <= r.finalHeight) return;
    const newly: ChainBlock[] = [];
    let b: ChainBlock | undefined = block;
    while (b && b.height > r.finalHeight) {
      if (b.height <= block.lib) newly.push(b);
      b = this.blocks.get(b.parentId);
    }
    r.finalHeight = block.lib;
    for (let i = newly.length - 1; i >= 0; i--) {
      const f = newly[i]!;
      if (f.txs.count > 0) out.push({ kind: 'commit', level: 'final', txs: f.txs, shard: 0 });
      out.push({ kind: 'trace', event: { type: 'block.commit', node: this.self, shard: 0, height: f.height, view: f.slot, txCount: f.txs.count, level: 'final' } });
      this.traceSchedule(f, out);
    }
  }

  /**
   * `schedule.change` when an irreversible block (or genesis) carries a producer list other than the one
   * last traced: the schedule as the whole network agrees on it, for the dashboard's producer ring.
   */
  private traceSchedule(block: ChainBlock, out: Out): void {
    const r = this.config.recorder;
    const producers = block.producers.join(' ');
    if (producers === r.tracedSchedule) return;
    r.tracedSchedule = producers;
    r.scheduleVersion++;
    out.push({ kind: 'trace', event: { type: 'schedule.change', version: r.scheduleVersion, producers } });
  }

  // ---- Blocks ----

  private onBlock(from: NodeId, block: ChainBlock, headerOnly: boolean, out: Out): void {
    if (this.blocks.has(block.id) || block.height <= this.head.lib) return;
    if (!this.blocks.has(block.parentId) && block.lib > this.head.height) {
      // Far behind (a node back from a long crash, a newly elected witness): even the block's irreversible
      // part is beyond our head, so take its header state as a snapshot instead of fetching the blocks.
      this.orphans.clear();
      this.requested.clear();
      this.acceptBlock(block, headerOnly, out);
      return;
    }
    if (!this.blocks.has(block.parentId)) {
      const waiting = this.orphans.get(block.parentId);
      if (waiting) {
        if (!waiting.some((w) => w.id === block.id)) waiting.push(block);
      } else this.orphans.set(block.parentId, [block]);
      if (!this.requested.has(block.parentId)) {
        this.requested.add(block.parentId);
        out.push({ kind: 'send', to: from, msg: { type: 'fetch', id: block.parentId }, sizeBytes: FETCH_BYTES });
      }
      return;
    }
    const ready = [block];
    while (ready.length > 0) {
      const b = ready.shift()!;
      this.acceptBlock(b, headerOnly && b === block, out);
      const kids = this.orphans.get(b.id);
      if (kids) {
        this.orphans.delete(b.id);
        ready.push(...kids);
      }
    }
  }

  /** Validate (signature, hash, every transaction re-executed) and apply the fork choice. */
  private acceptBlock(b: ChainBlock, headerOnly: boolean, out: Out): void {
    const cpu = this.config.cpu;
    out.push({ kind: 'cpu', us: Math.ceil(cpu.verifyUs + (headerOnly ? 0 : (cpu.hashUsPerKB * b.sizeBytes) / 1000 + cpu.txValidateUs * b.txs.count)) });
    this.requested.delete(b.id);
    this.included.add(b.txs);
    this.store(b);
    if (b.height > this.head.height) {
      const before = this.head.producers;
      if (b.parentId !== this.head.id) this.reorganise(this.head, b);
      this.head = b;
      if (b.producers !== before) this.armNextSlot(out);
    }
  }

  /**
   * Fork switch from `oldHead` to `newHead`: transactions of the abandoned branch that the new one does not
   * carry go back to the front of the mempool (eosio's unapplied transactions; go-iost's tx pool re-adds
   * the transactions of deleted blocks), so a block lost at a producer hand-off loses no transaction.
   */
  private reorganise(oldHead: ChainBlock, newHead: ChainBlock): void {
    const dropped: ChainBlock[] = [];
    const kept: ChainBlock[] = [];
    let a: ChainBlock | undefined = oldHead;
    let b: ChainBlock | undefined = newHead;
    while (a && b && a.id !== b.id) {
      if (a.height >= b.height) {
        dropped.push(a);
        a = this.blocks.get(a.parentId);
      } else {
        kept.push(b);
        b = this.blocks.get(b.parentId);
      }
    }
    if (dropped.length === 0) return;
    for (const d of dropped) this.included.remove(d.txs);
    for (const k of kept) this.included.add(k.txs);
    if (!newHead.producers.includes(this.self)) return;
    // Newest first, so that the oldest dropped block's transactions end up at the front.
    for (const d of dropped) {
      const back = this.included.subtractFrom(d.txs);
      if (back.count > 0) this.mempool.putBack(back);
    }
  }

  private store(b: ChainBlock): void {
    this.blocks.set(b.id, b);
    this.order.push(b);
    // Forget blocks well below the LIB (kept: everything a peer may still fetch or finality may walk).
    const keepFrom = this.head.lib - 64;
    while (this.orderStart < this.order.length && this.order[this.orderStart]!.height < keepFrom) {
      this.blocks.delete(this.order[this.orderStart]!.id);
      this.orderStart++;
    }
    if (this.orderStart > 1024) {
      this.order.splice(0, this.orderStart);
      this.orderStart = 0;
    }
  }

  private onFetch(from: NodeId, id: number, out: Out): void {
    const b = this.blocks.get(id);
    if (b && b.id >= 0) out.push({ kind: 'send', to: from, msg: { type: 'block', block: b }, sizeBytes: b.sizeBytes });
  }

  // ---- Transactions ----

  /**
   * A client batch (hops = 1) or a forwarded one: nodes outside the schedule forward it to the producer of
   * the current turn and of the next (or to all producers), by their own head's schedule; producers admit it.
   */
  private relayTxs(txs: TxSet, hops: number, out: Out): void {
    const { blockIntervalUs, blocksPerTurn } = this.config.rules;
    const list = this.head.producers;
    let targets: NodeId[];
    if (this.config.txRelay === 'all-producers') targets = [...list];
    else {
      const turn = Math.floor(Math.floor(this.now / blockIntervalUs) / blocksPerTurn);
      targets = [list[turn % list.length]!, list[(turn + 1) % list.length]!];
      if (targets[0] === targets[1]) targets.pop();
    }
    const sizeBytes = txs.count * this.config.txSizeBytes;
    const others = targets.filter((t) => t !== this.self);
    if (others.length > 0) out.push({ kind: 'multicast', to: others, msg: { type: 'txs', txs, hops }, sizeBytes });
    if (others.length < targets.length) this.admit(txs, out);
  }

  private onTxs(txs: TxSet, hops: number, out: Out): void {
    // A relay that reached a node which is no longer scheduled (its sender's view was stale): pass it on once.
    if (!this.head.producers.includes(this.self) && hops < 2) return this.relayTxs(txs, hops + 1, out);
    this.admit(txs, out);
  }

  /** Mempool admission: each new transaction is validated once (DESIGN §5: txValidateUs). */
  private admit(txs: TxSet, out: Out): void {
    const fresh = this.included.subtractFrom(txs);
    if (fresh.count === 0) return;
    this.mempool.add(fresh);
    out.push({ kind: 'cpu', us: Math.ceil(this.config.cpu.txValidateUs * fresh.count) });
  }

  get mempoolSize(): number {
    return this.mempool.size;
  }
}
