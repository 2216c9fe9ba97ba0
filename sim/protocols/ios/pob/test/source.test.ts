import { describe, expect, it } from 'vitest';
import { PartSet } from '../partset.js';
import { MergeSource } from '../source.js';
import { PobSizes } from '../types.js';
import type { MsbHeaderItem, PobBlockMeta } from '../types.js';
import { EMPTY_TXS } from '../txsets.js';
import { txSetOf } from '../../../types.js';

const sizes = new PobSizes(200, 64, 250);
const header: MsbHeaderItem = { kind: 'msb', shard: 0, epoch: 3, extraBytes: 300, txCount: 10, bodyBytes: 5000 };

describe('MergeSource: what a leader puts in its next block besides transactions', () => {
  it('an MSB header goes out alone, before anything else, and comes back if the block is given up', () => {
    const src = new MergeSource(sizes, new PartSet());
    src.add(txSetOf([0, 5]));
    src.queueHeader(header);
    const first = src.take(100, 0)!;
    expect(first.txs.count).toBe(0);
    expect(first.extraBytes).toBe(300);
    expect((first.meta as PobBlockMeta).msb).toBe(header);
    src.putBack(first);
    expect((src.take(100, 0)!.meta as PobBlockMeta).msb).toBe(header);
    expect(src.take(100, 0)!.txs.count).toBe(5);
  });

  it('carried bytes (Atomix commit records) add to the next block, even one without transactions, once', () => {
    const src = new MergeSource(sizes, new PartSet());
    expect(src.take(100, 0)).toBeNull();
    src.carry(1234);
    src.carry(66);
    const b = src.take(100, 0)!;
    expect(b.txs.count).toBe(0);
    expect(b.extraBytes).toBe(1300);
    expect(src.take(100, 0)).toBeNull();
    src.putBack(b); // given up: the records go into the next block again
    src.add(txSetOf([10, 12]));
    const c = src.take(100, 0)!;
    expect(c.extraBytes).toBe(1300);
    expect(c.txs.count).toBe(2);
  });

  it('the byte cap covers the carried records and each part\'s overhead, not only the transactions', () => {
    // 100 transactions of 250 B: 25,000 bytes of room. Parts of 30 transactions cost 7,500 + 96 bytes each.
    const part = (seq: number) => ({ signer: 7, seq, txs: txSetOf([seq * 30, seq * 30 + 30]), bad: EMPTY_TXS });
    const fill = () => {
      const src = new MergeSource(sizes, new PartSet());
      for (let seq = 0; seq < 4; seq++) src.offer(part(seq));
      src.add(txSetOf([1000, 1100]));
      return src;
    };
    const bytesOf = (b: { txs: { count: number }; extraBytes: number }) => b.txs.count * 250 + b.extraBytes;

    const plain = fill().take(100, 0)!;
    expect((plain.meta as PobBlockMeta).parts).toHaveLength(3); // 3 × 7,596 = 22,788; a fourth would not fit
    expect(plain.txs.count).toBe(90 + 8); // and 2,212 bytes of direct transactions: 8 of them
    expect(bytesOf(plain)).toBeLessThanOrEqual(25_000);

    const carrying = fill();
    carrying.carry(10_000);
    const b = carrying.take(100, 0)!;
    expect((b.meta as PobBlockMeta).parts).toHaveLength(1); // 10,000 + 7,596 leaves 7,404: no second part
    expect(b.txs.count).toBe(30 + 29);
    expect(bytesOf(b)).toBeLessThanOrEqual(25_000);
    expect(b.extraBytes).toBe(10_000 + sizes.partOverhead);
  });

  it('a part bigger than the room is still taken into an otherwise empty block, so it cannot be stuck', () => {
    const src = new MergeSource(sizes, new PartSet());
    src.offer({ signer: 1, seq: 0, txs: txSetOf([0, 100]), bad: EMPTY_TXS }); // 25,000 + 96 bytes > 25,000
    const b = src.take(100, 0)!;
    expect(b.txs.count).toBe(100);
    expect(src.take(100, 0)).toBeNull();
  });
});
