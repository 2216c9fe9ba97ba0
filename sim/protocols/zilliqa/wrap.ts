import type { Effect, NodeId, ProtocolEvent } from '../types.js';
import type { BftMsg, BftTimer, GenMsg, GenTimer } from '../bft/index.js';
import type { ZilEnvelope, ZilTimerEnvelope } from './messages.js';
import type { EpochPlan, Role } from './sharding.js';

/**
 * Putting a sub-machine's effects on the composite's wire (node.ts): messages and timers get the layer
 * envelope, `local` notes go to the composite, and a star leader's block announcement becomes a gossip.
 */

type Out = Effect<ZilEnvelope, ZilTimerEnvelope>[];

export interface CommitteeWire {
  readonly topology: string;
  readonly announce: string;
}

/**
 * Zilliqa's leader spreads its announcement as a rumor over the committee (ConsensusLeader::StartConsensus
 * with BROADCAST_GOSSIP_MODE) and collects commits and responses itself. With `announce: gossip` and the
 * star topology, the leader's prepare announcement (the block) becomes a gossip over the committee: every
 * member relays it once to its overlay neighbours, and the CoSi round goes on as before (a member answers
 * its round parent, the leader, whoever relayed it the block). Returns the group, or null to send directly.
 */
export function gossipGroup(msg: BftMsg, wire: CommitteeWire, members: readonly NodeId[] | undefined): readonly NodeId[] | null {
  if (wire.announce !== 'gossip' || wire.topology !== 'star' || !members) return null;
  return msg.type === 'announce' && msg.round.phase === 'prepare' ? members : null;
}

/** The DS replica's effects (bft ReconfigurableReplica). Returns its `local` notes, in order. */
export function wrapDsEffects(effects: readonly Effect<GenMsg, GenTimer>[], out: Out, wire: CommitteeWire, members: readonly NodeId[] | undefined): unknown[] {
  const notes: unknown[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case 'send':
        out.push({ kind: 'send', to: e.to, sizeBytes: e.sizeBytes, msg: { layer: 'ds', type: `ds.${e.msg.type}`, inner: e.msg } });
        break;
      case 'multicast': {
        const msg: ZilEnvelope = { layer: 'ds', type: `ds.${e.msg.type}`, inner: e.msg };
        const inner = e.msg.type === 'join' || e.msg.type === 'transfer' ? null : e.msg.inner;
        const group = inner && gossipGroup(inner, wire, members);
        out.push(group ? { kind: 'gossip', group, msg, sizeBytes: e.sizeBytes } : { kind: 'multicast', to: e.to, sizeBytes: e.sizeBytes, msg });
        break;
      }
      case 'gossip':
        throw new Error('zilliqa: the DS committee does not gossip');
      case 'treeRound':
      case 'treeCast':
      case 'announce':
        throw new Error('zilliqa: committees run at message fidelity');
      case 'timer':
        out.push({ kind: 'timer', afterUs: e.afterUs, timer: { layer: 'ds', inner: e.timer } });
        break;
      case 'local':
        notes.push(e.event);
        break;
      default:
        out.push(e);
    }
  }
  return notes;
}

/** A shard replica's effects (bft BftReplica of DS epoch `epoch`, shard `shard`). Returns its `local` notes. */
export function wrapShardEffects(
  effects: readonly Effect<BftMsg, BftTimer>[],
  out: Out,
  epoch: number,
  shard: number,
  wire: CommitteeWire,
  members: readonly NodeId[],
): unknown[] {
  const notes: unknown[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case 'send':
        out.push({ kind: 'send', to: e.to, sizeBytes: e.sizeBytes, msg: { layer: 'shard', type: `shard.${e.msg.type}`, epoch, shard, inner: e.msg } });
        break;
      case 'multicast': {
        const msg: ZilEnvelope = { layer: 'shard', type: `shard.${e.msg.type}`, epoch, shard, inner: e.msg };
        const group = gossipGroup(e.msg, wire, members);
        out.push(group ? { kind: 'gossip', group, msg, sizeBytes: e.sizeBytes } : { kind: 'multicast', to: e.to, sizeBytes: e.sizeBytes, msg });
        break;
      }
      case 'gossip':
        throw new Error('zilliqa: a shard does not gossip');
      case 'treeRound':
      case 'treeCast':
      case 'announce':
        throw new Error('zilliqa: committees run at message fidelity');
      case 'timer':
        out.push({ kind: 'timer', afterUs: e.afterUs, timer: { layer: 'shard', epoch, shard, inner: e.timer } });
        break;
      case 'local':
        notes.push(e.event);
        break;
      default:
        out.push(e);
    }
  }
  return notes;
}

/** True when `effects` hold a view change (emitted by the replica that installed the view as its leader). */
export function installedView(effects: readonly Effect<unknown, unknown>[]): boolean {
  return effects.some((e) => e.kind === 'trace' && e.event.type === 'view.change');
}

/**
 * What the DS leader traces when it decides DS block `plan.epoch`: the PoW submissions it counted, those it
 * heard too late (`late`, and anyone else it heard), the nodes whose role or shard changed since `before`,
 * and the end of the idle PoW phase. Returns the events and the submitters traced.
 */
export function dsBlockEvents(
  plan: EpochPlan,
  before: { readonly roles: readonly Role[]; readonly shardOf: Int32Array },
  heard: readonly NodeId[],
): { events: ProtocolEvent[]; traced: Set<NodeId> } {
  const events: ProtocolEvent[] = [];
  const traced = new Set<NodeId>();
  for (const v of plan.accepted) {
    traced.add(v);
    events.push({ type: 'pow.submit', node: v, epoch: plan.epoch, accepted: true });
  }
  for (const v of [...plan.late, ...heard]) {
    if (traced.has(v)) continue;
    traced.add(v);
    events.push({ type: 'pow.submit', node: v, epoch: plan.epoch, accepted: false });
  }
  for (let v = 0; v < plan.roleOf.length; v++) {
    const role = plan.roleOf[v]!;
    const shard = plan.shardOf[v]!;
    if (role !== before.roles[v] || shard !== before.shardOf[v]) events.push({ type: 'shard.member', node: v, shard, epoch: plan.epoch, role });
  }
  events.push({ type: 'idle.end', shard: -1, epoch: plan.epoch, reason: 'pow' });
  // The shards are formed: the DS epoch's transition is over (summary.epochs, sim/trace/derive.ts).
  events.push({ type: 'epoch.ready', epoch: plan.epoch });
  return { events, traced };
}
