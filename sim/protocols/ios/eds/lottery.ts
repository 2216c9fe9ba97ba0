import type { NodeId } from '../../types.js';
import type { MsgOf } from './messages.js';

/**
 * The lottery collection of one view (whitepaper "Algorithm - Leader Election with Back-up Protocol",
 * step 2: "Each validator collects the top 3 minimum-value lottery in the gossip process"), plus the
 * lotteries of later views that arrive before this node has entered them.
 */

export interface Ticket {
  readonly node: NodeId;
  readonly value: number;
}

/** Lottery order: smaller value first; the node id breaks (improbable) ties. */
export function less(a: Ticket, b: Ticket): boolean {
  return a.value < b.value || (a.value === b.value && a.node < b.node);
}

export class LotteryBox {
  /** The three smallest valid lotteries of the current view, ascending. */
  best: Ticket[] = [];
  private early: MsgOf<'lottery'>[] = [];

  /** Start a view: forget the last one's tickets; return the early arrivals that belong to `view`. */
  enter(view: number): MsgOf<'lottery'>[] {
    this.best = [];
    const now = this.early.filter((l) => l.view === view);
    this.early = this.early.filter((l) => l.view > view);
    return now;
  }

  /** Start an epoch. */
  reset(): void {
    this.best = [];
    this.early = [];
  }

  keepForLater(msg: MsgOf<'lottery'>): void {
    this.early.push(msg);
  }

  /** Would `t` enter the three smallest (and is it new)? Only such a lottery is worth verifying. */
  improves(t: Ticket): boolean {
    if (this.best.length === 3 && !less(t, this.best[2]!)) return false;
    return !this.best.some((b) => b.node === t.node);
  }

  add(t: Ticket): void {
    const b = this.best;
    let i = b.length;
    while (i > 0 && less(t, b[i - 1]!)) i--;
    b.splice(i, 0, t);
    if (b.length > 3) b.pop();
  }
}
