import { joinRanges, pushRange, txSetOf } from '../../types.js';
import type { TxSet } from '../../types.js';

/** Small helpers over TxSet (half-open id ranges, sim/protocols/types.ts). */

export const EMPTY_TXS: TxSet = Object.freeze({ ranges: Object.freeze([]) as readonly number[], count: 0 });

/** Split `txs` into the ids for which `pred` holds and the rest, keeping runs as ranges. */
export function partitionTxs(txs: TxSet, pred: (id: number) => boolean): { yes: TxSet; no: TxSet } {
  const yes: number[] = [];
  const no: number[] = [];
  const r = txs.ranges;
  for (let i = 0; i < r.length; i += 2) {
    const end = r[i + 1]!;
    let s = r[i]!;
    while (s < end) {
      const side = pred(s);
      let e = s + 1;
      while (e < end && pred(e) === side) e++;
      pushRange(side ? yes : no, s, e);
      s = e;
    }
  }
  return { yes: txSetOf(yes), no: txSetOf(no) };
}

/**
 * partitionTxs by the shard's invalid-transaction predicate: the composite's segment-wise split when it gives
 * one (PobShardContext.partitionBad: O(segments), where the predicate costs a segment search per id), else
 * id by id. Both give the same ranges.
 */
export function partitionBad(ctx: { readonly isBad: (id: number) => boolean; readonly partitionBad?: (txs: TxSet) => { yes: TxSet; no: TxSet } }, txs: TxSet): { yes: TxSet; no: TxSet } {
  return ctx.partitionBad ? ctx.partitionBad(txs) : partitionTxs(txs, ctx.isBad);
}

/** The union of disjoint sets, as one set (ranges concatenated, adjacent ones merged). */
export function concatTxs(sets: readonly TxSet[]): TxSet {
  const out = joinRanges(sets);
  return out.length === 0 ? EMPTY_TXS : txSetOf(out);
}
