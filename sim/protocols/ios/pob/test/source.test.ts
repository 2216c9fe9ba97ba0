import { describe, expect, it } from 'vitest';
import { PartSet } from '../partset.js';
import { MergeSource } from '../source.js';
import { PobSizes } from '../types.js';
import type { MsbHeaderItem, PobBlockMeta } from '../types.js';
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
});
