import type { TxSet } from '../types.js';
import { txSetOf } from '../types.js';

/**
 * The leader's pending transactions, first in first out, as a queue of half-open id ranges. A block takes
 * a prefix, splitting a range when needed, so a block of thousands of transactions is a few numbers.
 */
export class Mempool {
  private ranges: number[] = [];
  private head = 0;
  private size_ = 0;

  get size(): number {
    return this.size_;
  }

  /** Append at the back; a range that continues the last one is merged into it. */
  add(txs: TxSet): void {
    const r = txs.ranges;
    for (let i = 0; i < r.length; i += 2) this.pushRange(r[i]!, r[i + 1]!);
  }

  /** Put transactions back at the front (a block the leader gave up before anyone prepared it). */
  putBack(txs: TxSet): void {
    const rest = this.ranges.slice(this.head);
    this.ranges = [];
    this.head = 0;
    this.size_ = 0;
    this.add(txs);
    for (let i = 0; i < rest.length; i += 2) this.pushRange(rest[i]!, rest[i + 1]!);
  }

  /** Remove and return up to `max` transactions from the front, or null when empty. */
  take(max: number): TxSet | null {
    if (this.size_ === 0 || max <= 0) return null;
    const out: number[] = [];
    let left = max;
    while (left > 0 && this.head < this.ranges.length) {
      const s = this.ranges[this.head]!;
      const e = this.ranges[this.head + 1]!;
      if (e - s <= left) {
        out.push(s, e);
        left -= e - s;
        this.head += 2;
      } else {
        out.push(s, s + left);
        this.ranges[this.head] = s + left;
        left = 0;
      }
    }
    this.compact();
    const set = txSetOf(out);
    this.size_ -= set.count;
    return set;
  }

  clear(): void {
    this.ranges = [];
    this.head = 0;
    this.size_ = 0;
  }

  private pushRange(s: number, e: number): void {
    if (e <= s) return;
    const n = this.ranges.length;
    if (n > this.head && this.ranges[n - 1] === s) this.ranges[n - 1] = e;
    else this.ranges.push(s, e);
    this.size_ += e - s;
  }

  /** Drop consumed ranges once they are half the array, so the queue stays amortised O(1). */
  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.ranges.length) {
      this.ranges = this.ranges.slice(this.head);
      this.head = 0;
    }
  }
}
