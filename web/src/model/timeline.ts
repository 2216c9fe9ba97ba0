import type { TraceEvent, TraceHeader } from '../../../sim/trace/schema.js';

/**
 * The replay's input: the structural trace events (membership, moves, faults, leaders, epochs, idle
 * windows, schedules, PoW) normalised and ordered by simulated time. Blocks commits, messages and metrics
 * rows are not here: charts read them from columns, so a 10^6-event trace gives a timeline of thousands.
 *
 * A `shard.move` is written when the mover is ready (t = readyUs) but carries its start, so it becomes two
 * entries: `moveStart` at startUs and `moveReady` at readyUs; in between the node is bootstrapping. A
 * `shard.abandon` (IOS: the node's next batch started first) is a `moveStart` whose move the next one ends.
 */
export type ReplayEvent =
  | { t: number; kind: 'member'; node: number; shard: number; epoch: number; role: string }
  | { t: number; kind: 'moveStart'; node: number; from: number; to: number; epoch: number; batch: number; endUs: number }
  | { t: number; kind: 'moveReady'; node: number; from: number; to: number; epoch: number }
  | { t: number; kind: 'crash' | 'recover'; node: number }
  | { t: number; kind: 'propose'; node: number; shard: number }
  | { t: number; kind: 'epoch'; epoch: number; leader: number }
  | { t: number; kind: 'ready'; epoch: number }
  | { t: number; kind: 'idleStart' | 'idleEnd'; shard: number; epoch: number; reason: string }
  | { t: number; kind: 'schedule'; version: number; producers: number[] }
  | { t: number; kind: 'pow'; node: number; epoch: number; accepted: boolean };

/** The trace event types the replay reads. */
export const STRUCTURAL_TYPES = [
  'shard.member',
  'shard.move',
  'shard.abandon',
  'node.crash',
  'node.recover',
  'block.propose',
  'epoch.start',
  'epoch.ready',
  'idle.start',
  'idle.end',
  'schedule.change',
  'pow.submit',
] as const;
export type StructuralType = (typeof STRUCTURAL_TYPES)[number];

/** Where a node is drawn: a shard, the DS committee (Zilliqa), or outside every shard. */
export interface GroupInfo {
  readonly kind: 'shard' | 'ds' | 'unassigned';
  /** The shard number for kind 'shard', else -1. */
  readonly shard: number;
  readonly label: string;
}

export interface Timeline {
  readonly nodes: number;
  readonly shards: number;
  readonly events: readonly ReplayEvent[];
  readonly groups: readonly GroupInfo[];
  /** Role names seen in shard.member, in first-seen order (index = role code - 1; 0 = no role yet). */
  readonly roles: readonly string[];
  /** The group a node starts in until its first membership event (-1 = none: every node is assigned at t = 0). */
  readonly initialGroup: number;
  /** 1 for nodes whose membership is set at t = 0: they start nowhere, so their first group is compact. */
  readonly assignedAtZero: Uint8Array;
}

/** 'ds' puts a node in the DS committee; 'none' (or a negative shard) outside every shard. */
export const DS_ROLE = 'ds';
const UNASSIGNED_ROLES = new Set(['none']);

/** Parse a space-separated node list ('' is empty); tokens that are not node indices are dropped. */
export function parseNodeList(s: string, nodes: number): number[] {
  const out: number[] = [];
  for (const tok of s.split(' ')) {
    if (tok === '') continue;
    const v = Number(tok);
    if (Number.isInteger(v) && v >= 0 && v < nodes) out.push(v);
  }
  return out;
}

function normalise(ev: Extract<TraceEvent, { type: StructuralType }>, nodes: number, push: (e: ReplayEvent) => void): void {
  switch (ev.type) {
    case 'shard.member':
      return push({ t: ev.t, kind: 'member', node: ev.node, shard: ev.shard, epoch: ev.epoch, role: ev.role });
    case 'shard.move': {
      const startUs = Math.min(ev.startUs, ev.t);
      push({ t: startUs, kind: 'moveStart', node: ev.node, from: ev.fromShard, to: ev.toShard, epoch: ev.epoch, batch: ev.batch, endUs: ev.t });
      return push({ t: ev.t, kind: 'moveReady', node: ev.node, from: ev.fromShard, to: ev.toShard, epoch: ev.epoch });
    }
    case 'shard.abandon':
      // Given up for the node's next move, which starts now (from the shard it was heading to): drawn as a
      // move that ends here, where the next one takes over.
      return push({ t: Math.min(ev.startUs, ev.t), kind: 'moveStart', node: ev.node, from: ev.fromShard, to: ev.toShard, epoch: ev.epoch, batch: ev.batch, endUs: ev.t });
    case 'node.crash':
      return push({ t: ev.t, kind: 'crash', node: ev.node });
    case 'node.recover':
      return push({ t: ev.t, kind: 'recover', node: ev.node });
    case 'block.propose':
      return push({ t: ev.t, kind: 'propose', node: ev.node, shard: ev.shard });
    case 'epoch.start':
      return push({ t: ev.t, kind: 'epoch', epoch: ev.epoch, leader: ev.leader });
    case 'epoch.ready':
      return push({ t: ev.t, kind: 'ready', epoch: ev.epoch });
    case 'idle.start':
    case 'idle.end':
      return push({ t: ev.t, kind: ev.type === 'idle.start' ? 'idleStart' : 'idleEnd', shard: ev.shard, epoch: ev.epoch, reason: ev.reason });
    case 'schedule.change':
      return push({ t: ev.t, kind: 'schedule', version: ev.version, producers: parseNodeList(ev.producers, nodes) });
    case 'pow.submit':
      return push({ t: ev.t, kind: 'pow', node: ev.node, epoch: ev.epoch, accepted: ev.accepted });
  }
}

/** Is `node` a valid index (a damaged or hand-edited trace must not make the replay write out of bounds)? */
function nodeOk(e: ReplayEvent, nodes: number): boolean {
  return !('node' in e) || (e.node >= 0 && e.node < nodes);
}

/** Build the replay timeline from trace events (any types; the non-structural ones are skipped). */
export function buildTimeline(header: Pick<TraceHeader, 'nodes' | 'shards'>, events: readonly TraceEvent[]): Timeline {
  const wanted = new Set<string>(STRUCTURAL_TYPES);
  const list: { e: ReplayEvent; seq: number }[] = [];
  let seq = 0;
  for (const ev of events) {
    if (!wanted.has(ev.type)) continue;
    normalise(ev as Extract<TraceEvent, { type: StructuralType }>, header.nodes, (e) => {
      if (nodeOk(e, header.nodes)) list.push({ e, seq: seq++ });
    });
  }
  list.sort((a, b) => a.e.t - b.e.t || a.seq - b.seq);
  const sorted = list.map((x) => x.e);

  const roles: string[] = [];
  let hasDs = false;
  let hasUnassigned = false;
  const atZero = new Uint8Array(header.nodes);
  let assignedAtZero = 0;
  for (const e of sorted) {
    if (e.kind !== 'member') continue;
    if (e.t === 0 && !atZero[e.node]) {
      atZero[e.node] = 1;
      assignedAtZero++;
    }
    if (!roles.includes(e.role)) roles.push(e.role);
    if (e.role === DS_ROLE) hasDs = true;
    else if (UNASSIGNED_ROLES.has(e.role) || e.shard < 0 || e.shard >= header.shards) hasUnassigned = true;
  }
  const single = header.shards === 1;
  const allAtZero = assignedAtZero === header.nodes;
  if (!single && !allAtZero) hasUnassigned = true;
  const groups: GroupInfo[] = [];
  for (let s = 0; s < header.shards; s++) groups.push({ kind: 'shard', shard: s, label: single ? 'all nodes' : `shard ${s}` });
  if (hasDs) groups.push({ kind: 'ds', shard: -1, label: 'DS committee' });
  if (hasUnassigned) groups.push({ kind: 'unassigned', shard: -1, label: 'no shard' });
  const initialGroup = single ? 0 : allAtZero ? -1 : groups.findIndex((g) => g.kind === 'unassigned');
  return { nodes: header.nodes, shards: header.shards, events: sorted, groups, roles, initialGroup, assignedAtZero: atZero };
}

/** The group a node with this membership is drawn in. */
export function groupOf(timeline: Timeline, shard: number, role: string): number {
  if (role === DS_ROLE) {
    const i = timeline.groups.findIndex((g) => g.kind === 'ds');
    if (i >= 0) return i;
  }
  if (UNASSIGNED_ROLES.has(role) || shard < 0 || shard >= timeline.shards) {
    const i = timeline.groups.findIndex((g) => g.kind === 'unassigned');
    return i >= 0 ? i : 0;
  }
  return shard;
}
