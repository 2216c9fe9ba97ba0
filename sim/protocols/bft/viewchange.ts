import type { Micros } from '../../kernel/time.js';
import type { NodeId } from '../types.js';
import type { BlockRef, MsgOf } from './messages.js';

/**
 * Bookkeeping for the simplified PBFT view change (Castro & Liskov, OSDI '99, §4.4) used by BftReplica:
 * the silence clock every replica keeps on its leader, and the votes a prospective leader collects.
 */

/** Backoff cap for the view-change wait and a view's phase windows: at most 2^6 × the configured value. */
const MAX_BACKOFF_EXP = 6;

/**
 * PBFT's liveness rule (Castro & Liskov, OSDI '99, §4.5.2): a replica whose view v+1 ends before it executes
 * a new request waits 2T, not T, for view v+2, and so on, so that the timeouts eventually exceed the real
 * delays (partial synchrony). `decidedView` is the last view in which this replica saw a block decided; view
 * w then runs with 2^(w − decidedView − 1) times the configured timeouts (1 for decidedView + 1, capped).
 */
export function backoffFactor(view: number, decidedView: number): number {
  return 2 ** Math.min(Math.max(0, view - decidedView - 1), MAX_BACKOFF_EXP);
}

/**
 * When to suspect the leader. A single timer re-arms itself lazily up to `deadlineUs` (timers are never
 * cancelled: `seq` marks every earlier one stale); progress only moves the deadline.
 */
export class LeaderWatch {
  /** The view this replica currently votes for (= its view while it does not suspect the leader). */
  target = 0;
  /**
   * The highest view voted for. PBFT's promise: having voted for view w, a replica signs nothing in a lower
   * view, so the prepared block it reported stays the newest it holds; it still accepts Decides (proofs of
   * commit) and heartbeats, which only stop it from escalating further.
   */
  promised = 0;
  deadlineUs: Micros = 0;
  seq = 0;
  /** The current view's backoffFactor (1 without backoff): its silence allowance is timeoutUs × scale. */
  scale = 1;

  constructor(private readonly timeoutUs: Micros) {}

  /** How long this replica waits in the current view for the leader's next sign of life. */
  get waitUs(): Micros {
    return this.timeoutUs * this.scale;
  }

  /** The leader of `view` showed life at `now`. */
  sawProgress(view: number, now: Micros): void {
    this.target = view;
    this.deadlineUs = now + this.waitUs;
  }

  /**
   * The deadline passed: vote for the next view (never below an earlier promise, which is then sent again),
   * and wait for it with PBFT's doubling: T × backoffFactor(target, since), where `since` is the last view
   * that decided a block (the current view without backoff), so the first vote after a deciding view waits T,
   * the next 2T, …. Returns the view to vote for.
   */
  suspect(view: number, now: Micros, since: number = view): number {
    this.target = Math.max(Math.max(this.target, view) + 1, this.promised);
    this.promised = Math.max(this.promised, this.target);
    this.deadlineUs = now + this.timeoutUs * backoffFactor(this.target, since);
    return this.target;
  }
}

/** Votes for one prospective view: who voted, the highest decided height, the newest prepared block. */
export interface VoteTally {
  readonly voters: Set<NodeId>;
  decidedHeight: number;
  prepared: BlockRef | null;
}

export class ViewChangeVotes {
  private readonly byView = new Map<number, VoteTally>();

  /** Count `from`'s vote; returns the tally when this vote brings it to `quorum`, else null. */
  add(from: NodeId, msg: MsgOf<'viewChange'>, quorum: number): VoteTally | null {
    let t = this.byView.get(msg.toView);
    if (!t) {
      t = { voters: new Set(), decidedHeight: 0, prepared: null };
      this.byView.set(msg.toView, t);
    }
    if (t.voters.has(from)) return null;
    t.voters.add(from);
    t.decidedHeight = Math.max(t.decidedHeight, msg.decidedHeight);
    t.prepared = newerBlock(msg.prepared, t.prepared);
    return t.voters.size === quorum ? t : null;
  }

  has(view: number, from: NodeId): boolean {
    return this.byView.get(view)?.voters.has(from) ?? false;
  }

  /** Forget votes for views up to `view` (installed or passed). */
  prune(view: number): void {
    for (const v of [...this.byView.keys()]) if (v <= view) this.byView.delete(v);
  }

  clear(): void {
    this.byView.clear();
  }
}

/** The block prepared in the later view, then at the greater height (PBFT's new-view rule). */
export function newerBlock(a: BlockRef | null, b: BlockRef | null): BlockRef | null {
  if (!a || !b) return a ?? b;
  if (a.view !== b.view) return a.view > b.view ? a : b;
  return a.height >= b.height ? a : b;
}
