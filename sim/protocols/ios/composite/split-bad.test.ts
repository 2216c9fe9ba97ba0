import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../kernel/rng.js';
import { TxBook } from '../../../workload/book.js';
import { txSetOf } from '../../types.js';
import { partitionTxs } from '../pob/txsets.js';
import { splitBad } from './atomix.js';

describe("splitBad: PoB's invalid ids by segments", () => {
  it('gives the same ranges as the id-by-id predicate IosWorld.isBad, over random sets', () => {
    const rng = new RngRoot(7).stream('split');
    const book = new TxBook();
    book.routes.intern([0], [0]); // intra
    book.routes.intern([1], [0, 2]); // cross
    for (let s = 0; s < 200; s++) {
      const count = 1 + Math.floor(rng.next() * 30);
      const invalid = Math.floor(rng.next() * 4);
      const ds = Math.min(count - Math.min(invalid, count), Math.floor(rng.next() * 4));
      book.append(s, s + 1, rng.next() < 0.5 ? 0 : 1, count, Math.min(invalid, count), ds);
    }
    const isBad = (id: number) => {
      const seg = book.segmentIndexOf(id);
      return !book.isCross(seg) && (book.isInvalid(id) || book.isDoubleSpend(id));
    };
    let bad = 0;
    for (let trial = 0; trial < 300; trial++) {
      const ranges: number[] = [];
      let at = Math.floor(rng.next() * 50);
      while (at < book.count) {
        const end = Math.min(book.count, at + 1 + Math.floor(rng.next() * 80));
        ranges.push(at, end);
        at = end + 1 + Math.floor(rng.next() * 60);
      }
      const txs = txSetOf(ranges);
      const got = splitBad(book, txs);
      expect(got).toEqual(partitionTxs(txs, isBad));
      bad += got.yes.count;
    }
    expect(bad).toBeGreaterThan(100); // the sets did hold invalid and double-spending ids
  });
});
