import { msToUs, secondsToUs } from '../../../kernel/time.js';
import type { Micros } from '../../../kernel/time.js';
import type { IosConfig, Scenario } from '../../../scenario/schema.js';
import type { TxBook } from '../../../workload/book.js';
import type { NodeId, ProtocolEnv, TxSet } from '../../types.js';
import { keyedPermutation, permutationAssignment, stakes } from '../assignment/index.js';
import { ServiLedger, ShardLeagues, believabilityScores, selectBelievable } from '../pob/index.js';
import { planTransEpoch, swapBatchSize } from '../transepoch/plan.js';
import type { TransEpochPlan } from '../transepoch/plan.js';
import { AtomixSizes } from '../atomix/index.js';
import { IosAtomix, splitBad } from './atomix.js';
import { MsbStore } from '../msb/index.js';
import { ReadyBoard } from './ready-board.js';

/** The label of the EDS step-6 permutation (assignment/permutation.ts default). */
const PERMUTATION_LABEL = 'eds:permutation';

/** One epoch's agreed data: rnd_e, the assignment it gives, and the TransEpoch plan from the previous one. */
export interface TransitionViews {
  readonly prevOf: Int32Array;
  readonly prevMembers: readonly (readonly NodeId[])[];
  readonly stayers: readonly (readonly NodeId[])[];
  readonly audience: readonly (readonly NodeId[])[];
  /** Round fidelity: each node's position in audience[s] (−1 outside it), for the shard's ReadyBoard. */
  readonly audiencePositions: readonly Int32Array[] | null;
}

export interface EpochData {
  readonly epoch: number;
  readonly rnd: number;
  readonly shardOf: Int32Array;
  /** The epoch's boundary as the plan uses it: max(e·E, when the first node learnt rnd_e); 0 at genesis. */
  readonly startUs: Micros;
  /** The EDS run that produced rnd_e (-1 and 0 at genesis). */
  readonly leader: NodeId;
  readonly view: number;
  /** null for epoch 0 (genesis: nobody moves). */
  readonly plan: TransEpochPlan | null;
  /** Each shard's members in assignment (permutation) order. */
  readonly members: readonly (readonly NodeId[])[];
  /** League refresh: movers that join their new shard's believable league, not its normal one (README "Leagues"). */
  readonly believableIn: ReadonlySet<NodeId>;
}

/**
 * What every IOS node of a run shares. Two kinds of content, kept apart:
 *
 * - **Agreed data** every node would compute alike from rnd_e and the scenario (the assignment, the plan,
 *   the genesis stakes, the leagues object each node could build for itself). It is computed once per
 *   (epoch, rnd) and cached here; each node reads it only after its own EDS told it rnd_e.
 * - **Whole-run views** the host-side routing and the trace use, like bft's `entryNode` reading the
 *   replicas: who has moved away from a shard (so client batches stop going to it), and how many moves of an
 *   epoch are done (for the `epoch.ready` trace).
 */
export class IosWorld {
  readonly scenario: Scenario;
  readonly ios: IosConfig;
  readonly env: ProtocolEnv;
  readonly n: number;
  readonly m: number;
  readonly validators: readonly NodeId[];
  readonly stake: Float64Array;
  /** Genesis chain state (stake; Servi, contribution, behaviour fresh). */
  readonly ledger: ServiLedger;
  /** One ShardLeagues per shard, built at epoch 0 and kept for the run (README "Leagues"). */
  readonly leagues: readonly ShardLeagues[];
  readonly epochUs: Micros;
  /** EDS for epoch e+1 begins this long before the boundary (e+1)·E. */
  readonly leadUs: Micros;
  readonly deltaUs: Micros;
  /** TransEpoch batch size k = round(log_base(n/m)). */
  readonly k: number;
  /** Bytes a joiner downloads: stateBytesPerAccount × accounts / m (README "Bootstrap"). */
  readonly stateBytes: number;
  readonly book: TxBook | undefined;
  /** Nodes that left shard s as believable validators: client batches no longer go to them there. */
  readonly departed: NodeMarks[];
  /** The slowest region's upload, Mbit/s: what EDS's run deadline assumes for any client (eds/config.ts). */
  readonly slowestUploadMbps: number;
  private readonly views = new WeakMap<EpochData, TransitionViews>();
  /**
   * Round fidelity: per shard, the joiners' `ready` announcements and the plan's departures as timed facts
   * (ready-board.ts) instead of ~11 M deliveries per paper-scale transition; null at message level.
   */
  readonly readyBoards: readonly ReadyBoard[] | null;
  /** Per plan, the batch starts whose departures are on the boards (the first node's timer puts them there). */
  private readonly boardedStarts = new WeakMap<TransEpochPlan, Uint8Array>();
  /** Atomix's shared state (input/output shards, invariants); null without a book. README "Cross-shard". */
  readonly atomix: IosAtomix | null;
  /** The epoch whose boundary has passed (whole-run view: the epoch regular blocks belong to, for the MSB). */
  currentEpoch = 0;
  /** One micro-state-block store per shard: every node of a shard stores the same (msb/README). */
  readonly msb: readonly MsbStore[];
  private readonly epochs = new Map<string, EpochData>();
  private readonly latest = new Map<number, EpochData>();
  private readonly movesDone = new Map<number, number>();
  private readonly readyTraced = new Set<number>();
  private readonly traced = new Set<string>();

  constructor(env: ProtocolEnv) {
    const p = env.scenario.protocol;
    if (p.type !== 'ios') throw new Error(`ios: scenario protocol is "${p.type}"`);
    this.env = env;
    this.scenario = env.scenario;
    this.ios = p;
    this.n = env.nodeCount;
    this.m = env.scenario.shards;
    this.book = env.book;
    this.validators = Array.from({ length: this.n }, (_, i) => i);
    this.stake = stakes(this.n, p.stake, env.stream('ios:stakes'));
    this.ledger = new ServiLedger(this.validators.map((v) => [v, { stake: this.stake[v]! }] as const));
    this.epochUs = secondsToUs(p.epochSeconds);
    this.leadUs = Math.floor(this.epochUs / 2);
    this.slowestUploadMbps = Math.min(...env.scenario.network.regions.map((r) => r.uploadMbps));
    this.deltaUs = msToUs(p.deltaMs);
    this.k = swapBatchSize(this.n, this.m, p.transEpoch.batchLogBase);
    this.stateBytes = Math.ceil((p.transEpoch.stateBytesPerAccount * env.scenario.workload.accounts) / this.m);
    this.departed = Array.from({ length: this.m }, () => new NodeMarks(this.n));

    const rnd0 = env.rng.keyedUniform('ios:genesis');
    const genesis = this.epochData(0, rnd0, null, 0);
    const book = env.book;
    // Cross-shard ids are Atomix's: their input shards decide them when the block holding them is final
    // (lock or reject, with a proof), so PoB's validation lets them through (README "Cross-shard").
    const isBad = book
      ? (tx: number) => {
          const seg = book.segmentIndexOf(tx);
          if (book.isCross(seg)) return false;
          return book.isInvalid(tx) || book.isDoubleSpend(tx);
        }
      : () => false;
    const partitionBad = book ? (txs: TxSet) => splitBad(book, txs) : undefined;
    this.leagues = genesis.members.map(
      (members, shard) =>
        new ShardLeagues({
          shard,
          epoch: 0,
          members,
          ledger: this.ledger,
          ios: p,
          cpu: env.scenario.cpu,
          txSizeBytes: env.scenario.workload.txSizeBytes,
          keyed: (key) => env.rng.keyedUniform(key),
          isBad,
          ...(partitionBad ? { partitionBad } : {}),
        }),
    );
    this.msb = Array.from(
      { length: this.m },
      (_, shard) =>
        new MsbStore({
          shard,
          enabled: p.msb.enabled,
          headerBytes: p.msb.headerBytes,
          stateBytesPerAccount: p.transEpoch.stateBytesPerAccount,
          accountsInShard: Math.ceil(env.scenario.workload.accounts / this.m),
          hashUsPerKB: env.scenario.cpu.hashUsPerKB,
          keyedUniform: (key) => env.rng.keyedUniform(key),
        }),
    );
    const lg = this.leagues[0]!.ctx.league;
    this.readyBoards = lg.fidelity === 'round' ? Array.from({ length: this.m }, () => new ReadyBoard()) : null;
    this.atomix = book
      ? new IosAtomix(book, this.m, new AtomixSizes(lg.headerBytes, lg.signatureBytes, env.scenario.workload.txSizeBytes), env.scenario.cpu, p.atomix.lockTimeoutMs)
      : null;
  }

  /** Genesis data (epoch 0). */
  get genesis(): EpochData {
    return this.latest.get(0)!;
  }

  /**
   * The assignment and TransEpoch plan of epoch `epoch` for rnd_e = `rnd`, moving from `prev`'s assignment.
   * Every node would compute the same from the same inputs, so the first node to ask computes it and the
   * others read it. The plan's start is max(e·E, now) at that first node (README "Plan start").
   */
  /**
   * Views of a transition every node derives alike from the epoch's data (agreed data, computed once per
   * EpochData instead of once per mover: at 10,000 nodes each mover rebuilt a 10,000-entry assignment):
   * - prevOf: the assignment the plan moves from (stayers keep their shard);
   * - prevMembers[s]: the validators that held shard s, ascending;
   * - stayers[s]: shard s's members (assignment order) that held it before;
   * - audience[s]: who hears a joiner of s is ready: its previous and new members, ascending.
   */
  transitionViews(d: EpochData): TransitionViews {
    let v = this.views.get(d);
    if (v) return v;
    const prevOf = Int32Array.from(d.shardOf);
    for (const mv of d.plan?.moves ?? []) prevOf[mv.node] = mv.fromShard;
    const prevMembers: NodeId[][] = Array.from({ length: this.m }, () => []);
    const audience: NodeId[][] = Array.from({ length: this.m }, () => []);
    // Ascending node ids by construction.
    for (let n = 0; n < prevOf.length; n++) {
      const was = prevOf[n]!;
      const is = d.shardOf[n]!;
      if (was >= 0) {
        prevMembers[was]!.push(n);
        audience[was]!.push(n);
      }
      if (is >= 0 && is !== was) audience[is]!.push(n);
    }
    const stayers = d.members.map((ms, s) => ms.filter((n) => prevOf[n] === s));
    const audiencePositions = this.readyBoards
      ? audience.map((list) => {
          const pos = new Int32Array(this.n).fill(-1);
          list.forEach((node, i) => (pos[node] = i));
          return pos;
        })
      : null;
    v = { prevOf, prevMembers, stayers, audience, audiencePositions };
    this.views.set(d, v);
    return v;
  }

  epochData(epoch: number, rnd: number, prev: EpochData | null, now: Micros, leader: NodeId = -1, view = 0): EpochData {
    const key = `${epoch}:${rnd}:${prev ? `${prev.epoch}:${prev.rnd}` : '-'}`;
    const hit = this.epochs.get(key);
    if (hit) return hit;
    const shardOf = permutationAssignment(this.validators, rnd, this.m, this.n, PERMUTATION_LABEL);
    const order = keyedPermutation(this.validators, rnd, PERMUTATION_LABEL);
    const members: NodeId[][] = Array.from({ length: this.m }, () => []);
    for (const v of order) members[shardOf[v]!]!.push(v);
    const startUs = prev ? Math.max(epoch * this.epochUs, now) : 0;
    const plan = prev ? planTransEpoch(epoch, prev.shardOf, shardOf, this.m, this.k, this.deltaUs, startUs, String(rnd)) : null;
    const believableIn = plan && prev ? this.refreshLeagues(epoch, prev.shardOf, shardOf, plan) : new Set<NodeId>();
    const data: EpochData = { epoch, rnd, shardOf, startUs, leader, view, plan, members, believableIn };
    this.epochs.set(key, data);
    if (!this.latest.has(epoch)) this.latest.set(epoch, data);
    return data;
  }

  /**
   * League refresh (README "Leagues"): each two-league shard keeps its believable validators that stay and
   * fills the places of those that leave (or were slashed) with the best-scored validators moving in
   * (score.ts selection over the shard's chain state as its leader has it; a mover's Servi and contribution
   * earned in another shard are not in that state). The whitepaper reselects the leagues by score each
   * epoch without saying how TransEpoch and the leagues meet; choosing among the joiners keeps the normal
   * league's committee out of it (nobody leaves a committee to become believable).
   */
  private refreshLeagues(epoch: number, prevOf: Int32Array, nextOf: Int32Array, plan: TransEpochPlan): Set<NodeId> {
    const chosen = new Set<NodeId>();
    for (let s = 0; s < this.m; s++) {
      const lg = this.leagues[s]!;
      if (lg.plan.mode !== 'two-league') continue;
      const ledger = lg.ledger() ?? this.ledger;
      const staying = lg.ctx.believable.filter((b) => {
        const node = lg.believableNodes.get(b);
        return prevOf[b] === s && nextOf[b] === s && node !== undefined && !node.expelled && !ledger.isSlashed(b);
      });
      const vacancies = lg.plan.believable.length - staying.length;
      if (vacancies <= 0) continue;
      const movers = plan.moves.filter((mv) => mv.toShard === s).map((mv) => mv.node).sort((a, b) => a - b);
      const scores = believabilityScores(movers, ledger, this.ios.pob.weights);
      const key = `pob:refresh:${epoch}:${s}`;
      for (const v of selectBelievable(movers, scores, vacancies, this.ios.pob.selection, (k) => this.env.rng.keyedUniform(k), key)) chosen.add(v);
    }
    return chosen;
  }

  /**
   * Round fidelity: batch start number `a` of `plan` has come; its movers leave their shards (ReadyBoard.left),
   * once for all nodes.
   */
  boardDepartures(plan: TransEpochPlan, a: number): void {
    if (!this.readyBoards) return;
    let done = this.boardedStarts.get(plan);
    if (!done) this.boardedStarts.set(plan, (done = new Uint8Array(plan.starts.length)));
    if (done[a] === 1) return;
    done[a] = 1;
    for (let i = plan.startIndex[a]!; i < plan.startIndex[a + 1]!; i++) {
      const mv = plan.moves[i]!;
      this.readyBoards[mv.fromShard]!.left(mv.node, mv.startUs);
    }
  }

  /** True the first time `key` is asked: a trace event of the whole system that one node writes (first come). */
  traceOnce(key: string): boolean {
    if (this.traced.has(key)) return false;
    this.traced.add(key);
    return true;
  }

  /**
   * A move of epoch `epoch` finished bootstrapping. Returns true exactly once per epoch, for the call that
   * completes the plan (or, for a plan with no move, for the first call with `total` 0).
   */
  moveReady(epoch: number, total: number): boolean {
    const done = (this.movesDone.get(epoch) ?? 0) + (total > 0 ? 1 : 0);
    this.movesDone.set(epoch, done);
    if (done >= total && !this.readyTraced.has(epoch)) {
      this.readyTraced.add(epoch);
      return true;
    }
    return false;
  }
}

/**
 * A set of node ids as one byte per node. The departed sets grow to most of the validators over a run, and
 * entryNode asks them about each believable validator for every client batch: a byte read, not a hash
 * lookup in a table of thousands.
 */
export class NodeMarks {
  private readonly marks: Uint8Array;

  constructor(nodes: number) {
    this.marks = new Uint8Array(nodes);
  }

  has(id: NodeId): boolean {
    return this.marks[id] === 1;
  }

  add(id: NodeId): void {
    this.marks[id] = 1;
  }

  delete(id: NodeId): void {
    this.marks[id] = 0;
  }
}
