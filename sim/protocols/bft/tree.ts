import type { TreeRoundSpec } from '../tree-round.js';
import type { NodeId } from '../types.js';
import type { Topology } from './messages.js';

/**
 * Computed half-rounds a committee keeps for its members' view-change clocks: a block has four, so eight
 * cover the last two blocks, or a failed tree round, its star retry and what came before.
 */
const RECENT_ROUNDS = 8;

/**
 * CoSi communication graphs (Syta et al., S&P 2016 §IV; ByzCoin §3). Members are laid out in
 * leader-rooted order: position p of view v is members[(v + p) mod n], so position 0 is the leader and
 * the tree rotates with the leader. Positions form a complete `branching`-ary tree filled level by level:
 * parent(p) = ⌊(p − 1)/b⌋, children(p) = b·p + 1 … b·p + b. The star is the same tree with b = n − 1.
 */
export class CosiGraph {
  /** Levels below the root (0 for a one-member committee). */
  readonly depth: number;

  constructor(
    readonly size: number,
    readonly branching: number,
  ) {
    this.depth = this.heightOf(0);
  }

  parent(pos: number): number {
    return pos === 0 ? -1 : Math.floor((pos - 1) / this.branching);
  }

  /** First and one-past-last child position (equal when a leaf). */
  childRange(pos: number): [number, number] {
    const first = Math.min(pos * this.branching + 1, this.size);
    return [first, Math.min(first + this.branching, this.size)];
  }

  /** Levels of the subtree below `pos` (0 for a leaf); the leftmost path is the deepest. */
  heightOf(pos: number): number {
    let h = 0;
    for (let c = pos * this.branching + 1; c < this.size; c = c * this.branching + 1) h++;
    return h;
  }
}

/**
 * Committees shared by the replicas of one protocol instance. A Committee is immutable and depends only on
 * (members, branching), yet every member built its own — each with an Int32Array over the node-id space, so
 * 16 shards of 625 at 10,000 nodes held ~400 MB of identical indexes, and every reconfiguration rebuilt
 * them. Keyed by the members array's identity: the members of one committee are built from the same array
 * (the shard's list, the reconfiguration block's list, the Join's), so a lookup needs no hashing; another
 * array with the same members gets its own (equal) Committee, which changes nothing but memory.
 */
export class CommitteeCache {
  private readonly byMembers = new WeakMap<readonly NodeId[], Map<number, Committee>>();

  get(members: readonly NodeId[], treeBranching: number): Committee {
    let byBranching = this.byMembers.get(members);
    if (!byBranching) this.byMembers.set(members, (byBranching = new Map()));
    let c = byBranching.get(treeBranching);
    if (!c) byBranching.set(treeBranching, (c = new Committee(members, treeBranching)));
    return c;
  }
}

/** The committee's graphs for both topologies and the mapping between node ids and positions. */
export class Committee {
  readonly n: number;
  /** f = ⌊(n − 1)/3⌋ Byzantine faults tolerated. */
  readonly f: number;
  /**
   * Signers needed: ⌈(n + f + 1)/2⌉, the smallest size whose any two quorums share f + 1 members, so at
   * least one correct one (Malkhi & Reiter's Byzantine quorums). It is PBFT's 2f + 1 when n = 3f + 1
   * (n = 16 → 11) and one more when n = 3f + 2 or 3f + 3 (n = 600 → 400, where 2f + 1 = 399 would let
   * two quorums overlap in only 198 < f + 1 members).
   */
  readonly quorum: number;
  readonly tree: CosiGraph;
  readonly star: CosiGraph;
  /**
   * Round fidelity (tree-round.ts): the leader's latest computed half-rounds (the last RECENT_ROUNDS) with
   * their views. The members do not receive their Announcements and Challenges, which at message level tell
   * them the leader is alive; their view-change timers read when each would have arrived (the result's
   * `arrivals`, at their own position) instead. Shared by the members through CommitteeCache.
   */
  readonly computedRounds: { readonly view: number; readonly spec: TreeRoundSpec }[] = [];
  /** Position of each node id in `members` (−1 for others): a dense array, this is on every message's path. */
  private readonly indexOf: Int32Array;

  constructor(
    readonly members: readonly NodeId[],
    treeBranching: number,
  ) {
    this.n = members.length;
    this.f = Math.floor((this.n - 1) / 3);
    this.quorum = Math.ceil((this.n + this.f + 1) / 2);
    this.tree = new CosiGraph(this.n, Math.max(1, treeBranching));
    this.star = new CosiGraph(this.n, Math.max(1, this.n - 1));
    let maxId = -1;
    for (const id of members) if (id > maxId) maxId = id;
    this.indexOf = new Int32Array(maxId + 1).fill(-1);
    members.forEach((id, i) => (this.indexOf[id] = i));
  }

  graph(topology: Topology): CosiGraph {
    return topology === 'tree' ? this.tree : this.star;
  }

  /** Round fidelity: the leader computed a half-round (its `spec.result` is filled when the host runs it). */
  noteComputedRound(view: number, spec: TreeRoundSpec): void {
    this.computedRounds.push({ view, spec });
    if (this.computedRounds.length > RECENT_ROUNDS) this.computedRounds.shift();
  }

  leaderOf(view: number): NodeId {
    return this.members[view % this.n]!;
  }

  /** Index of `id` in members, or -1 for a non-member. */
  memberIndex(id: NodeId): number {
    return id >= 0 && id < this.indexOf.length ? this.indexOf[id]! : -1;
  }

  positionOf(id: NodeId, view: number): number {
    const i = this.memberIndex(id);
    return i < 0 ? -1 : (i - (view % this.n) + this.n) % this.n;
  }

  nodeAt(pos: number, view: number): NodeId {
    return this.members[(view + pos) % this.n]!;
  }

  /** Node id at every position of view `view` (position 0 is the leader). */
  positions(view: number): NodeId[] {
    const out = new Array<NodeId>(this.n);
    for (let p = 0; p < this.n; p++) out[p] = this.members[(view + p) % this.n]!;
    return out;
  }

  parentOf(id: NodeId, view: number, topology: Topology): NodeId {
    const p = this.graph(topology).parent(this.positionOf(id, view));
    return p < 0 ? -1 : this.nodeAt(p, view);
  }

  childrenOf(id: NodeId, view: number, topology: Topology): NodeId[] {
    const [first, end] = this.graph(topology).childRange(this.positionOf(id, view));
    const out: NodeId[] = [];
    for (let p = first; p < end; p++) out.push(this.nodeAt(p, view));
    return out;
  }
}
