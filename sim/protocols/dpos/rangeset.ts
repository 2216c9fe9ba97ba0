import type { TxSet } from '../types.js';
import { txSetOf } from '../types.js';

/**
 * A set of transaction ids as sorted, disjoint, non-adjacent half-open ranges. A producer keeps the ids it
 * has seen in blocks, so that it never packs a transaction twice (eosio and go-iost reject a duplicate
 * transaction id). Ids enter blocks roughly in arrival order, so the set stays a handful of ranges.
 */
export class RangeSet {
  private r: number[] = [];

  get rangeCount(): number {
    return this.r.length / 2;
  }

  add(txs: TxSet): void {
    // The merge below needs sorted input; a block's ranges need not be (a fork switch puts older
    // transactions back at the front of the mempool). Unsorted, the set lost its order and subtractFrom's
    // binary search missed ids it held: the same transaction was packed into two canonical blocks.
    const a = sortedRanges(txs).ranges;
    if (a.length === 0) return;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    const push = (s: number, e: number) => {
      const n = out.length;
      if (n > 0 && out[n - 1]! >= s) out[n - 1] = Math.max(out[n - 1]!, e);
      else out.push(s, e);
    };
    while (i < this.r.length || j < a.length) {
      if (j >= a.length || (i < this.r.length && this.r[i]! <= a[j]!)) {
        push(this.r[i]!, this.r[i + 1]!);
        i += 2;
      } else {
        if (a[j + 1]! > a[j]!) push(a[j]!, a[j + 1]!);
        j += 2;
      }
    }
    this.r = out;
  }

  /** The ids of `txs` not in the set, in the order of `txs`. */
  subtractFrom(txs: TxSet): TxSet {
    if (this.r.length === 0) return txs;
    const out: number[] = [];
    const a = txs.ranges;
    for (let k = 0; k < a.length; k += 2) {
      let s = a[k]!;
      const e = a[k + 1]!;
      // First stored range that ends after s.
      let lo = 0;
      let hi = this.r.length / 2;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (this.r[2 * m + 1]! <= s) lo = m + 1;
        else hi = m;
      }
      for (let q = lo * 2; q < this.r.length && s < e; q += 2) {
        const rs = this.r[q]!;
        const re = this.r[q + 1]!;
        if (rs >= e) break;
        if (rs > s) out.push(s, rs);
        s = Math.max(s, re);
      }
      if (s < e) out.push(s, e);
    }
    return txSetOf(out);
  }

  /** Remove the ids of `txs` from the set. */
  remove(txs: TxSet): void {
    if (this.r.length === 0 || txs.count === 0) return;
    const cut = new RangeSet();
    cut.add(sortedRanges(txs));
    const out: number[] = [];
    const c = cut.r;
    let j = 0;
    for (let i = 0; i < this.r.length; i += 2) {
      let s = this.r[i]!;
      const e = this.r[i + 1]!;
      while (j < c.length && c[j + 1]! <= s) j += 2;
      let k = j;
      while (k < c.length && c[k]! < e && s < e) {
        if (c[k]! > s) out.push(s, c[k]!);
        s = Math.max(s, c[k + 1]!);
        k += 2;
      }
      if (s < e) out.push(s, e);
    }
    this.r = out;
  }
}

function sortedRanges(txs: TxSet): TxSet {
  const pairs: [number, number][] = [];
  for (let i = 0; i < txs.ranges.length; i += 2) pairs.push([txs.ranges[i]!, txs.ranges[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  return txSetOf(pairs.flat());
}
