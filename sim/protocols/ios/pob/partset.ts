import type { NodeId } from '../../types.js';

/**
 * A set of optimistic-block identities (signer, seq), for MergeSource's duplicate and finality checks.
 *
 * Every normal member keeps two of these for the whole run and adds every merged block to them, so a set of
 * `partKey` strings grew by one string per block per member (hundreds of millions at paper scale) and cost
 * a string build and hash per lookup. A signer's sequence numbers arrive nearly in order, so each signer's
 * seqs are kept as sorted, disjoint, non-adjacent half-open intervals [s0, e0, s1, e1, …]: adding the next
 * seq extends the last interval in O(1), and the memory is a few numbers per signer. Same membership as a
 * set of pairs.
 */
export class PartSet {
  private readonly bySigner = new Map<NodeId, number[]>();

  has(signer: NodeId, seq: number): boolean {
    const r = this.bySigner.get(signer);
    if (!r || r.length === 0) return false;
    const n = r.length;
    if (seq >= r[n - 2]!) return seq < r[n - 1]!; // the common case: at or after the last interval's start
    const k = firstEndAbove(r, seq);
    return 2 * k < n && r[2 * k]! <= seq;
  }

  /** Adds (signer, seq); false if it was there already. */
  add(signer: NodeId, seq: number): boolean {
    let r = this.bySigner.get(signer);
    if (!r) this.bySigner.set(signer, (r = []));
    const n = r.length;
    if (n === 0 || seq > r[n - 1]!) {
      r.push(seq, seq + 1);
      return true;
    }
    if (seq === r[n - 1]!) {
      r[n - 1] = seq + 1;
      return true;
    }
    const k = firstEndAbove(r, seq);
    if (r[2 * k]! <= seq) return false; // inside interval k
    // seq lies in the gap before interval k (and after interval k−1): extend or merge the neighbours.
    const joinsPrev = k > 0 && r[2 * k - 1]! === seq;
    const joinsNext = r[2 * k]! === seq + 1;
    if (joinsPrev && joinsNext) r.splice(2 * k - 1, 2); // [a, seq) + seq + [seq+1, b) → [a, b)
    else if (joinsPrev) r[2 * k - 1] = seq + 1;
    else if (joinsNext) r[2 * k] = seq;
    else r.splice(2 * k, 0, seq, seq + 1);
    return true;
  }

  clear(): void {
    this.bySigner.clear();
  }
}

/** Index of the first interval of `r` whose end is > x (r.length / 2 if none). */
function firstEndAbove(r: readonly number[], x: number): number {
  let lo = 0;
  let hi = r.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r[2 * mid + 1]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
