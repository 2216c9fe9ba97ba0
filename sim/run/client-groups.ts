import { joinRanges, txSetOf } from '../protocols/types.js';
import type { TxSet } from '../protocols/types.js';

/**
 * One interval's client batches joined by group key (ProtocolInstance.clientGroupOf): groups in the order
 * their first batch appears, each group's ranges in batch order with adjacent ranges merged. Pure: the
 * batches' ids are disjoint and ascending (one book segment each, appended in route order).
 */
export function groupClientBatches<B extends { readonly txs: TxSet }>(batches: readonly B[], keyOf: (b: B) => number): TxSet[] {
  const groups = new Map<number, TxSet[]>();
  for (const b of batches) {
    const key = keyOf(b);
    const list = groups.get(key);
    if (list) list.push(b.txs);
    else groups.set(key, [b.txs]);
  }
  return [...groups.values()].map((sets) => txSetOf(joinRanges(sets)));
}
