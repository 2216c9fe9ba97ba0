import type { TreeRoundSpec, TreeShape } from '../tree-round.js';
import type { NodeId } from '../types.js';
import type { Topology } from './messages.js';

/**
 * Computed half-rounds a committee keeps for its members' view-change clocks: a block has four, so eight
 * cover the last two blocks, or a failed tree round, its star retry and what came before.
 */
const RECENT_ROUNDS = 8;

/**
 * How a committee's positions form its CoSi tree (`bft.treeLayout`). Both number positions level by level
 * (breadth first, each parent's children consecutive), so a complete tree is the same in both; they differ
 * in how a last level that is not full is spread:
 *   - 'onet' (the scenario default): as ByzCoin's and CoSi's implementation builds its trees (dedis/onet, Roster.GenerateBigNaryTree,
 *     used by cothority's simulations): parent i of a level of L gets min(b, ⌊r·(i+1)/L⌋) children, r the
 *     members still unplaced, so the last level is spread over the level's parents;
 *   - 'heap': children(p) = b·p + 1 … b·p + b, so the last level fills the first parents. At 492 members and
 *     b = 16 one first-level member carries 235 others (onet: 120), and its uplink decides whether the round
 *     reaches a quorum (README "One stalled shard"). The default until stop 15.
 */
export type TreeLayout = 'onet' | 'heap';

/**
 * CoSi communication graphs (Syta et al., S&P 2016 §IV; ByzCoin §3). Members are laid out in
 * leader-rooted order: position p of view v is members[(v + p) mod n], so position 0 is the leader and
 * the tree rotates with the leader. Positions form a `branching`-ary tree laid out by `layout`. The star is
 * the tree with b = n − 1 (the same in both layouts).
 */
export class CosiGraph implements TreeShape {
  /** Levels below the root (0 for a one-member committee). */
  readonly depth: number;
  readonly parents: Int32Array;
  readonly childStart: Int32Array;
  /** Levels of the subtree below each position. */
  private readonly heights: Int32Array;

  constructor(
    readonly size: number,
    readonly branching: number,
    readonly layout: TreeLayout = 'heap',
  ) {
    this.parents = new Int32Array(size).fill(-1);
    this.childStart = new Int32Array(size + 1).fill(size);
    if (layout === 'heap') {
      for (let p = 0; p < size; p++) this.childStart[p] = Math.min(p * branching + 1, size);
      for (let p = 1; p < size; p++) this.parents[p] = Math.floor((p - 1) / branching);
    } else {
      // onet's GenerateBigNaryTree (Go's integer division), one member per host, so no host is skipped.
      let level = [0];
      let next = 1;
      while (next < size) {
        const below: number[] = [];
        for (let i = 0; i < level.length; i++) {
          const parent = level[i]!;
          const children = Math.min(branching, Math.floor(((size - next) * (i + 1)) / level.length));
          this.childStart[parent] = next;
          for (let c = 0; c < children; c++, next++) {
            this.parents[next] = parent;
            below.push(next);
          }
        }
        level = below;
      }
      // Parents are visited in position order and their children numbered on, so childStart never decreases and
      // a childless parent's range is empty; the last level keeps `size`.
    }
    this.heights = new Int32Array(size);
    for (let p = size - 1; p > 0; p--) {
      const up = this.parents[p]!;
      if (this.heights[p]! + 1 > this.heights[up]!) this.heights[up] = this.heights[p]! + 1;
    }
    this.depth = size > 0 ? this.heights[0]! : 0;
  }

  parent(pos: number): number {
    return pos <= 0 ? -1 : this.parents[pos]!;
  }

  /** First and one-past-last child position (equal when a leaf). */
  childRange(pos: number): [number, number] {
    return [this.childStart[pos]!, this.childStart[pos + 1]!];
  }

  /** Levels of the subtree below `pos` (0 for a leaf). */
  heightOf(pos: number): number {
    return this.heights[pos]!;
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

  get(members: readonly NodeId[], treeBranching: number, layout: TreeLayout = 'heap'): Committee {
    let byBranching = this.byMembers.get(members);
    if (!byBranching) this.byMembers.set(members, (byBranching = new Map()));
    const key = layout === 'heap' ? treeBranching : -treeBranching; // one number per (branching, layout)
    let c = byBranching.get(key);
    if (!c) byBranching.set(key, (c = new Committee(members, treeBranching, layout)));
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
    layout: TreeLayout = 'heap',
  ) {
    this.n = members.length;
    this.f = Math.floor((this.n - 1) / 3);
    this.quorum = Math.ceil((this.n + this.f + 1) / 2);
    this.tree = new CosiGraph(this.n, Math.max(1, treeBranching), layout);
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
