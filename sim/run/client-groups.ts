import type { TxSet } from '../protocols/types.js';

/**
 * One interval's client batches joined by group key (ProtocolInstance.clientGroupOf): groups in the order
 * their first batch appears, each group's ranges in batch order with adjacent ranges merged. Pure: the
 * batches' ids are disjoint and ascending (one book segment each, appended in route order).
 */
export function groupClientBatches<B extends { readonly txs: TxSet }>(batches: readonly B[], keyOf: (b: B) => number): TxSet[] {
  const order: number[] = [];
  const ranges = new Map<number, number[]>();
  const counts = new Map<number, number>();
  for (const b of batches) {
    const key = keyOf(b);
    let out = ranges.get(key);
    if (!out) {
      ranges.set(key, (out = []));
      order.push(key);
    }
    const r = b.txs.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const s = r[i]!;
      const e = r[i + 1]!;
      if (e <= s) continue;
      if (out.length > 0 && out[out.length - 1] === s) out[out.length - 1] = e;
      else out.push(s, e);
    }
    counts.set(key, (counts.get(key) ?? 0) + b.txs.count);
  }
  return order.map((k) => ({ ranges: ranges.get(k)!, count: counts.get(k)! }));
}
