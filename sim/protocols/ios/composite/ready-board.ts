import type { Micros } from '../../../kernel/time.js';
import type { AnnounceArrivals, NodeId } from '../../types.js';

interface Announcement {
  /** When the joiner sent it (bootstrapped). */
  readonly sentUs: Micros;
  /** Position of each node id in the audience (−1 outside it), shared by the epoch's joiners of the shard. */
  readonly positions: Int32Array;
  /** When each audience member receives it (−1: lost), left by the host's `announce` once it is sent. */
  readonly arrivals: AnnounceArrivals;
  /** The last member asked about and its answer: the proposing leader asks again at every block. */
  member: NodeId;
  at: Micros;
}

/**
 * TransEpoch at round fidelity (bft/README "Fidelity"): a shard's `ready` announcements and departures as
 * facts with times, read by the member that proposes the next block, instead of one event per copy.
 *
 * At message level each joiner's `ready` reaches every previous and new member of its shard (~1,200 at paper
 * scale), and each member files it in its own sets of leavers and joiners: ~11 M deliveries per transition,
 * 60 % of the paper-scale hour's events, of which only the proposing leader's ever matter. Here the joiner's
 * copies still go through the network (its upload queue, latency, loss: Effect `announce`, sent as one
 * burst, Network.sendBurst), but the host only says when each copy arrives, worked out when it is read. A
 * member then knows of joiner v at time t iff v's copy reached it by t, exactly the set the messages would
 * have filled.
 *
 * Departures are the TransEpoch plan's: every node knows the plan and the clock, so v has left shard s from
 * its batch's start (`left`), unless its `ready` for s reached the member after that (it came back).
 * At message level a member records the departures only while it follows the shard; here every member
 * knows all of them, as the plan is public.
 *
 * A joiner's announcement is dropped once a committee with it in is installed (`settle`), and ignored once
 * the joiner has left the shard again.
 */
export class ReadyBoard {
  private readonly announced = new Map<NodeId, Announcement>();
  /** The start of each node's latest batch out of this shard. */
  private readonly leftUs = new Map<NodeId, Micros>();
  private settledHeight = -1;

  announce(joiner: NodeId, sentUs: Micros, positions: Int32Array, arrivals: AnnounceArrivals): void {
    this.announced.set(joiner, { sentUs, positions, arrivals, member: -1, at: -1 });
  }

  /** `node`'s batch out of this shard starts at `atUs`. */
  left(node: NodeId, atUs: Micros): void {
    this.leftUs.set(node, atUs);
  }

  /** When `member` received `joiner`'s announcement, −1 if it has not (yet) or there is none. */
  private arrivalAt(joiner: NodeId, member: NodeId): Micros {
    const a = this.announced.get(joiner);
    return a ? arrivalOf(a, member) : -1;
  }

  /** Whether `member` knows at `now` that committee member `v` is leaving (its batch started, not come back). */
  isLeaving(v: NodeId, member: NodeId, now: Micros): boolean {
    const l = this.leftUs.get(v);
    if (l === undefined || l > now) return false;
    const back = this.arrivalAt(v, member);
    return !(back >= 0 && back <= now && back >= l);
  }

  /** The joiners `member` knows of at `now` that `inCommittee` does not hold, ascending. */
  joinersKnownTo(member: NodeId, now: Micros, inCommittee: (v: NodeId) => boolean): NodeId[] {
    const out: NodeId[] = [];
    for (const [v, a] of this.announced) {
      if (inCommittee(v)) continue;
      const at = arrivalOf(a, member);
      if (at < 0 || at > now) continue;
      const l = this.leftUs.get(v);
      if (l !== undefined && l > a.sentUs && l <= now) continue; // left the shard again since
      out.push(v);
    }
    return out.sort((x, y) => x - y);
  }

  /**
   * A committee with `members` is installed at block `height`: its members' announcements are done, and so
   * are the earlier departures of those that came back (without the announcement, a departure from an earlier
   * epoch would read as leaving again).
   */
  settle(height: number, members: readonly NodeId[]): void {
    if (height <= this.settledHeight) return;
    this.settledHeight = height;
    for (const v of members) {
      const a = this.announced.get(v);
      if (!a) continue;
      const l = this.leftUs.get(v);
      if (l !== undefined && l <= a.sentUs) this.leftUs.delete(v);
      this.announced.delete(v);
    }
  }

  get pending(): number {
    return this.announced.size;
  }
}

/** When `member` receives announcement `a` (−1: lost, not sent yet, or `member` outside its audience). */
function arrivalOf(a: Announcement, member: NodeId): Micros {
  const of = a.arrivals.of;
  if (of === null) return -1;
  if (a.member === member) return a.at;
  const p = a.positions[member] ?? -1;
  const at = p < 0 ? -1 : of(p);
  a.member = member;
  a.at = at;
  return at;
}
