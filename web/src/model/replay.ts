import { groupOf, type ReplayEvent, type Timeline } from './timeline.js';

/**
 * The replay reducer: `apply(state, event)` advances the view of the network by one timeline event, and
 * `Replayer.seek(t)` gives the state after every event at or before t. Pure data in, data out (typed arrays
 * for thousands of nodes), with checkpoints so that scrubbing backwards does not refold the whole run.
 *
 * Each node has a group (its shard, the DS committee, or none) and a slot in it: the slot fixes where its
 * dot is drawn, so a dot moves only when its node moves. A mover reserves a slot in its new shard at the
 * start of its batch and frees the old one when it is ready, so the two never collide on screen.
 */
export interface IdleOpen {
  readonly shard: number;
  readonly epoch: number;
  readonly reason: string;
  readonly startUs: number;
}

export interface ReplayState {
  /** Timeline events applied so far. */
  cursor: number;
  /** Group of each node (the destination during a move). */
  readonly group: Int16Array;
  readonly slot: Int32Array;
  /** The group and slot a mover left; -1 when the node is not moving. */
  readonly fromGroup: Int16Array;
  readonly fromSlot: Int32Array;
  readonly moveStartUs: Float64Array;
  readonly moveEndUs: Float64Array;
  /** The epoch whose transition started the node's move (meaningful while it is moving). */
  readonly moveEpoch: Int32Array;
  /** Role code: 0 none yet, else 1 + index into timeline.roles. */
  readonly role: Uint8Array;
  readonly crashed: Uint8Array;
  /** 1 + the epoch of the node's last accepted PoW submission, 0 if none. */
  readonly powEpoch: Int32Array;
  /** Per group, which slots are taken. */
  readonly occupied: Uint8Array[];
  /** Per group, the highest slot ever used + 1 (the layout sizes each group by it). */
  readonly slotsUsed: Int32Array;
  /** Per group, no slot below this is free. */
  readonly freeFrom: Int32Array;
  /** Per shard, the proposer of its latest block (-1 before the first). */
  readonly leader: Int32Array;
  /** Proposer of the latest whole-system block (shard -1, e.g. Zilliqa's DS final block), or -1. */
  systemLeader: number;
  epoch: number;
  edsLeader: number;
  readyEpoch: number;
  idle: IdleOpen[];
  schedule: { readonly version: number; readonly producers: readonly number[] } | null;
  /** Accepted PoW submissions in the current PoW window. */
  powAccepted: number;
  /** Nodes bootstrapping in their new shard, in all and per epoch whose transition started their move. */
  moving: number;
  movingByEpoch: Map<number, number>;
}

export function initialState(tl: Timeline): ReplayState {
  const n = tl.nodes;
  const s: ReplayState = {
    cursor: 0,
    group: new Int16Array(n),
    slot: new Int32Array(n),
    fromGroup: new Int16Array(n).fill(-1),
    fromSlot: new Int32Array(n).fill(-1),
    moveStartUs: new Float64Array(n),
    moveEndUs: new Float64Array(n),
    moveEpoch: new Int32Array(n),
    role: new Uint8Array(n),
    crashed: new Uint8Array(n),
    powEpoch: new Int32Array(n),
    occupied: tl.groups.map(() => new Uint8Array(n)),
    slotsUsed: new Int32Array(tl.groups.length),
    freeFrom: new Int32Array(tl.groups.length),
    leader: new Int32Array(tl.shards).fill(-1),
    systemLeader: -1,
    epoch: 0,
    edsLeader: -1,
    readyEpoch: -1,
    idle: [],
    schedule: null,
    powAccepted: 0,
    moving: 0,
    movingByEpoch: new Map(),
  };
  // Before its first membership event a node is outside every shard (or in the only one). Nodes assigned at
  // t = 0 start nowhere (group -1), so no group is sized for all n and the unassigned disc has no holes.
  const start = tl.initialGroup;
  let k = 0;
  for (let v = 0; v < n; v++) {
    const here = start >= 0 && !tl.assignedAtZero[v];
    s.group[v] = here ? start : -1;
    s.slot[v] = here ? k++ : -1;
  }
  if (start >= 0) {
    s.occupied[start]!.fill(1, 0, k);
    s.slotsUsed[start] = k;
    s.freeFrom[start] = k;
  }
  return s;
}

function takeSlot(s: ReplayState, group: number): number {
  const occ = s.occupied[group]!;
  let i = s.freeFrom[group]!;
  while (i < occ.length && occ[i]) i++;
  occ[i] = 1;
  s.freeFrom[group] = i + 1;
  if (i + 1 > s.slotsUsed[group]!) s.slotsUsed[group] = i + 1;
  return i;
}

function freeSlot(s: ReplayState, group: number, slot: number): void {
  if (group < 0 || slot < 0) return;
  s.occupied[group]![slot] = 0;
  if (slot < s.freeFrom[group]!) s.freeFrom[group] = slot;
}

/** Put `node` in `group` now (membership change without travel, e.g. Zilliqa's re-formation). */
function place(s: ReplayState, node: number, group: number): void {
  endMove(s, node);
  if (s.group[node] === group) return;
  freeSlot(s, s.group[node]!, s.slot[node]!);
  s.group[node] = group;
  s.slot[node] = takeSlot(s, group);
}

function endMove(s: ReplayState, node: number): void {
  if (s.fromGroup[node]! < 0) return;
  freeSlot(s, s.fromGroup[node]!, s.fromSlot[node]!);
  s.fromGroup[node] = -1;
  s.fromSlot[node] = -1;
  s.moving--;
  const e = s.moveEpoch[node]!;
  const left = (s.movingByEpoch.get(e) ?? 0) - 1;
  if (left > 0) s.movingByEpoch.set(e, left);
  else s.movingByEpoch.delete(e);
}

function roleCode(tl: Timeline, role: string): number {
  return tl.roles.indexOf(role) + 1;
}

/** Apply one timeline event to `s` (mutates it). */
export function apply(tl: Timeline, s: ReplayState, e: ReplayEvent): void {
  switch (e.kind) {
    case 'member':
      s.role[e.node] = roleCode(tl, e.role);
      place(s, e.node, groupOf(tl, e.shard, e.role));
      break;
    case 'moveStart': {
      const to = groupOf(tl, e.to, '');
      endMove(s, e.node);
      if (s.group[e.node] === to) break;
      s.fromGroup[e.node] = s.group[e.node]!;
      s.fromSlot[e.node] = s.slot[e.node]!;
      s.group[e.node] = to;
      s.slot[e.node] = takeSlot(s, to);
      s.moveStartUs[e.node] = e.t;
      s.moveEndUs[e.node] = e.endUs;
      s.moveEpoch[e.node] = e.epoch;
      s.moving++;
      s.movingByEpoch.set(e.epoch, (s.movingByEpoch.get(e.epoch) ?? 0) + 1);
      break;
    }
    case 'moveReady':
      // The joiner's league comes from the shard.member written just before (composite/node.ts).
      place(s, e.node, groupOf(tl, e.to, ''));
      break;
    case 'crash':
      s.crashed[e.node] = 1;
      break;
    case 'recover':
      s.crashed[e.node] = 0;
      break;
    case 'propose':
      if (e.shard >= 0 && e.shard < s.leader.length) s.leader[e.shard] = e.node;
      else if (e.shard === -1) s.systemLeader = e.node;
      break;
    case 'epoch':
      s.epoch = e.epoch;
      s.edsLeader = e.leader;
      break;
    case 'ready':
      s.readyEpoch = Math.max(s.readyEpoch, e.epoch);
      break;
    case 'idleStart':
      s.idle = [...s.idle, { shard: e.shard, epoch: e.epoch, reason: e.reason, startUs: e.t }];
      if (e.reason === 'pow') s.powAccepted = 0;
      break;
    case 'idleEnd':
      s.idle = s.idle.filter((w) => !(w.shard === e.shard && w.epoch === e.epoch && w.reason === e.reason));
      break;
    case 'schedule':
      s.schedule = { version: e.version, producers: e.producers };
      break;
    case 'pow':
      if (e.accepted) {
        s.powEpoch[e.node] = e.epoch + 1;
        s.powAccepted++;
      }
      break;
  }
  s.cursor++;
}

export function cloneState(s: ReplayState): ReplayState {
  return {
    ...s,
    group: s.group.slice(),
    slot: s.slot.slice(),
    fromGroup: s.fromGroup.slice(),
    fromSlot: s.fromSlot.slice(),
    moveStartUs: s.moveStartUs.slice(),
    moveEndUs: s.moveEndUs.slice(),
    moveEpoch: s.moveEpoch.slice(),
    movingByEpoch: new Map(s.movingByEpoch),
    role: s.role.slice(),
    crashed: s.crashed.slice(),
    powEpoch: s.powEpoch.slice(),
    occupied: s.occupied.map((o) => o.slice()),
    slotsUsed: s.slotsUsed.slice(),
    freeFrom: s.freeFrom.slice(),
    leader: s.leader.slice(),
    idle: [...s.idle],
  };
}

/** Index of the first timeline event with t > tUs. */
export function upperBound(events: readonly ReplayEvent[], tUs: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.t <= tUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Seeks a timeline to any time, forwards incrementally, backwards from the nearest checkpoint. */
export class Replayer {
  private state: ReplayState;
  /** checkpoints[i] is the state after i·every events. */
  private readonly checkpoints: ReplayState[];

  constructor(
    readonly timeline: Timeline,
    private readonly every = 512,
  ) {
    this.state = initialState(timeline);
    this.checkpoints = [cloneState(this.state)];
  }

  /** The state after every event with t ≤ tUs. The returned object is reused: read it, do not keep it. */
  seek(tUs: number): ReplayState {
    const target = upperBound(this.timeline.events, tUs);
    if (target < this.state.cursor) {
      const k = Math.min(Math.floor(target / this.every), this.checkpoints.length - 1);
      this.state = cloneState(this.checkpoints[k]!);
    }
    const evs = this.timeline.events;
    while (this.state.cursor < target) {
      apply(this.timeline, this.state, evs[this.state.cursor]!);
      const c = this.state.cursor;
      if (c % this.every === 0 && c / this.every === this.checkpoints.length) this.checkpoints.push(cloneState(this.state));
    }
    return this.state;
  }
}

/** The state at tUs from scratch: the reducer folded over the timeline (what Replayer.seek must equal). */
export function replay(tl: Timeline, tUs: number): ReplayState {
  const s = initialState(tl);
  for (const e of tl.events) {
    if (e.t > tUs) break;
    apply(tl, s, e);
  }
  return s;
}

/** Where node `v` is at tUs: its group, or its old and new group and how far it has travelled (0..1). */
export function nodePlace(s: ReplayState, v: number, tUs: number): { group: number; fromGroup: number; progress: number } {
  const from = s.fromGroup[v]!;
  if (from < 0) return { group: s.group[v]!, fromGroup: -1, progress: 1 };
  const start = s.moveStartUs[v]!;
  const end = s.moveEndUs[v]!;
  const progress = end > start ? Math.min(1, Math.max(0, (tUs - start) / (end - start))) : 1;
  return { group: s.group[v]!, fromGroup: from, progress };
}

/** Members per group (a mover counts in its new group). */
export function groupCounts(tl: Timeline, s: ReplayState): number[] {
  const counts = tl.groups.map(() => 0);
  for (let v = 0; v < tl.nodes; v++) if (s.group[v]! >= 0) counts[s.group[v]!]!++;
  return counts;
}
