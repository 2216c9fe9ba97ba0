import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../../kernel/rng.js';
import { MsbStore, merkleBuildUs } from '../msb.js';
import type { MsbStoreConfig } from '../msb.js';

const TX_BYTES = 250;
const TX_PER_BLOCK = 4000;
const BLOCK_BYTES = 200 + TX_PER_BLOCK * TX_BYTES; // ≈ 1 MB
const BLOCKS_PER_EPOCH = 60; // a 2 s block interval over a 120 s epoch
const EPOCH_BYTES = BLOCKS_PER_EPOCH * BLOCK_BYTES;
const ACCOUNTS = 25_000;
const STATE = ACCOUNTS * 100;
const HEADER = 300;

function store(over: Partial<MsbStoreConfig> = {}): MsbStore {
  const rng = new RngRoot(1);
  return new MsbStore({
    shard: 3,
    enabled: true,
    headerBytes: HEADER,
    stateBytesPerAccount: 100,
    accountsInShard: ACCOUNTS,
    hashUsPerKB: 2,
    keyedUniform: (k) => rng.keyedUniform(k),
    ...over,
  });
}

function fillEpoch(s: MsbStore, epoch: number, blocks = BLOCKS_PER_EPOCH): void {
  for (let i = 0; i < blocks; i++) s.onBlock(epoch, BLOCK_BYTES, TX_PER_BLOCK, TX_PER_BLOCK * TX_BYTES);
}

/** Epoch e: its blocks, then at its end the MSB is built and its header agreed (before epoch e+1's blocks). */
function runEpochs(s: MsbStore, from: number, to: number): void {
  for (let e = from; e < to; e++) {
    fillEpoch(s, e);
    s.endEpoch(e);
    s.onHeaderAgreed(e);
  }
}

describe('MSB storage (whitepaper "Blockchain Storage Pruning")', () => {
  it('storage per node stays bounded with MSB and grows linearly without', () => {
    const s = store();
    const withMsb: number[] = [];
    const without: number[] = [];
    for (let e = 0; e < 50; e++) {
      runEpochs(s, e, e + 1);
      withMsb.push(s.storageBytesPerNode(true));
      without.push(s.storageBytesPerNode(false));
    }
    // Without MSB: the state plus every block since genesis — exactly linear.
    without.forEach((b, i) => expect(b).toBe(STATE + (i + 1) * EPOCH_BYTES));
    // With MSB (step 5 read literally): after an epoch ends, the bodies of it and the epoch before it are
    // kept; the only growth is 300 bytes of header per epoch.
    for (let i = 1; i < 50; i++) expect(withMsb[i]).toBe(STATE + (i + 1) * HEADER + 2 * EPOCH_BYTES);
    expect(withMsb[49]! - withMsb[10]!).toBe(39 * HEADER);
    expect(without[49]! / withMsb[49]!).toBeGreaterThan(20);
  });

  it('a joiner downloads far less with MSB: state + headers + the last MSB body + the current blocks', () => {
    const s = store();
    runEpochs(s, 0, 20);
    fillEpoch(s, 20, 15); // a quarter into epoch 20
    const current = 15 * BLOCK_BYTES;
    expect(s.bootstrapBytes(true)).toBe(STATE + 20 * HEADER + EPOCH_BYTES + current);
    expect(s.bootstrapBytes(false)).toBe(20 * EPOCH_BYTES + current);
    expect(s.bootstrapBytes(false) / s.bootstrapBytes(true)).toBeGreaterThan(15);
    expect(s.report()).toEqual({
      withMsb: { storageBytesPerNode: s.storageBytesPerNode(true), bootstrapBytes: s.bootstrapBytes(true) },
      withoutMsb: { storageBytesPerNode: s.storageBytesPerNode(false), bootstrapBytes: s.bootstrapBytes(false) },
    });
  });

  it('step 5: the body of msb_{e−1} is dropped at the end of epoch e+1, not earlier', () => {
    const s = store();
    runEpochs(s, 0, 2); // epochs 0 and 1 ended, msb_0 and msb_1 appended
    fillEpoch(s, 2);
    // During epoch 2 (= e+1 with e = 1): the bodies of msb_0 and msb_1 and epoch 2's blocks are all kept.
    expect(s.body(0)!.dropped).toBe(false);
    expect(s.keptBlockBytes).toBe(3 * EPOCH_BYTES);
    s.endEpoch(2); // the end of epoch e+1 = 2: drop the body of msb_{e−1} = msb_0, keep epoch 1's
    expect(s.body(0)!.dropped).toBe(true);
    expect(s.body(1)!.dropped).toBe(false);
    expect(s.keptBlockBytes).toBe(2 * EPOCH_BYTES);
    s.onHeaderAgreed(2);
    fillEpoch(s, 3);
    s.endEpoch(3);
    expect(s.body(1)!.dropped).toBe(true);
    expect(s.body(2)!.dropped).toBe(false);
  });

  it('the Analysis reading (retention 1): the previous body goes once the next MSB header is appended', () => {
    const s = store({ bodyRetentionEpochs: 1 });
    runEpochs(s, 0, 1);
    fillEpoch(s, 1);
    s.endEpoch(1);
    // msb_1 not agreed yet: msb_0 is still the newest MSB in the chain, its body stays.
    expect(s.body(0)!.dropped).toBe(false);
    s.onHeaderAgreed(1);
    expect(s.body(0)!.dropped).toBe(true);
    fillEpoch(s, 2, 10);
    expect(s.keptBlockBytes).toBe(EPOCH_BYTES + 10 * BLOCK_BYTES); // previous epoch's body + current epoch
  });

  it('a body whose header was never agreed is not dropped', () => {
    const s = store();
    fillEpoch(s, 0);
    s.endEpoch(0); // built, never appended
    runEpochs(s, 1, 5);
    expect(s.body(0)!.dropped).toBe(false);
    expect(s.body(2)!.dropped).toBe(true);
    expect(s.headers).toBe(4);
  });

  it('without MSB nothing is built or dropped, and the joiner downloads the whole history', () => {
    const s = store({ enabled: false });
    for (let e = 0; e < 5; e++) {
      fillEpoch(s, e);
      expect(s.endEpoch(e)).toBeNull();
    }
    expect(s.storageBytesPerNode()).toBe(STATE + 5 * EPOCH_BYTES);
    expect(s.bootstrapBytes()).toBe(5 * EPOCH_BYTES);
    expect(s.headers).toBe(0);
  });

  it('the leader pays hashUsPerKB over the tx bytes plus 2·count 64-byte hashes, and proposes a header-only block', () => {
    const s = store();
    fillEpoch(s, 0, 2);
    const build = s.endEpoch(0)!;
    const txCount = 2 * TX_PER_BLOCK;
    expect(build.cpuUs).toBe(Math.round((2 * (txCount * TX_BYTES + 2 * txCount * 64)) / 1024));
    expect(build.cpuUs).toBe(merkleBuildUs(txCount, txCount * TX_BYTES, 2));
    expect(build.block).toMatchObject({ kind: 'msb', shard: 3, epoch: 0, txs: { ranges: [], count: 0 }, extraBytes: HEADER, txCount, bodyBytes: 2 * BLOCK_BYTES });
    // The root is a keyed hash of (seed, shard, epoch): reproducible, different per epoch.
    const again = store();
    fillEpoch(again, 0, 2);
    expect(again.endEpoch(0)!.block.root).toBe(build.block.root);
    fillEpoch(s, 1, 1);
    expect(s.endEpoch(1)!.block.root).not.toBe(build.block.root);
  });
});
