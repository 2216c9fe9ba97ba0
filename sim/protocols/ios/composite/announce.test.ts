import { beforeAll, describe, expect, it } from 'vitest';
import { iosScenario, runIos } from './testworld.js';
import type { IosRun } from './testworld.js';

/**
 * pob.announce (README "Announcement"): what the normal leader's prepare Announcement carries per
 * transaction. On thin uplinks (2 Mbit/s everywhere) the whole transactions make every CoSi tree level
 * wait for 16 block copies; short ids (BIP 152, 6 bytes) do not.
 */

const S = 1_000_000;
const network = {
  regions: [
    { name: 'A', share: 0.5, downloadMbps: 8, uploadMbps: 2 },
    { name: 'B', share: 0.5, downloadMbps: 8, uploadMbps: 2 },
  ],
  latencyMs: [
    [30, 120],
    [120, 30],
  ],
};

function world(announce: 'transactions' | 'short-ids'): IosRun {
  return runIos(
    iosScenario({
      durationSeconds: 90,
      nodes: 120,
      shards: 2,
      network,
      workload: { offeredTps: 400, shardMapping: 'locality', locality: 1, accounts: 10_000, batchIntervalMs: 100 },
      protocol: { epochSeconds: 600, pob: { announce } },
    }),
  );
}

function proposals(run: IosRun): { txCount: number; sizeBytes: number }[] {
  const out: { txCount: number; sizeBytes: number }[] = [];
  for (const e of run.trace.events()) if (e.type === 'block.propose' && e.txCount > 0) out.push({ txCount: e.txCount, sizeBytes: e.sizeBytes });
  return out;
}

describe('pob.announce', () => {
  let full: IosRun;
  let short: IosRun;
  beforeAll(() => {
    full = world('transactions');
    short = world('short-ids');
  });

  it('sizes the prepare block by the whole transactions, or by 6-byte short ids', () => {
    const header = full.scenario.protocol.type === 'ios' ? full.scenario.protocol.league.headerBytes : 0;
    const tx = full.scenario.workload.txSizeBytes;
    const fullProps = proposals(full);
    const shortProps = proposals(short);
    expect(fullProps.length).toBeGreaterThan(2);
    expect(shortProps.length).toBeGreaterThan(5);
    // Besides header and per-transaction bytes a block carries one (hash, signature) per merged optimistic
    // block: at most one per 20 transactions here, so ≤ 96/20 ≈ 5 bytes per transaction.
    for (const p of fullProps) {
      const perTx = (p.sizeBytes - header) / p.txCount;
      expect(perTx).toBeGreaterThanOrEqual(tx);
      expect(perTx).toBeLessThan(tx + 96);
    }
    for (const p of shortProps) {
      const perTx = (p.sizeBytes - header) / p.txCount;
      expect(perTx).toBeGreaterThanOrEqual(6);
      expect(perTx).toBeLessThan(6 + 96);
    }
  });

  it('on thin uplinks, short ids finalise more and sooner; soft confirmation does not change', () => {
    expect(short.metrics.finalized).toBeGreaterThan(full.metrics.finalized);
    expect(short.metrics.finalLatencyUs.quantile(0.5)).toBeLessThan(0.5 * full.metrics.finalLatencyUs.quantile(0.5));
    // The believable league's path does not involve the announcement.
    const softFull = full.metrics.confirmLatencyUs.quantile(0.5);
    const softShort = short.metrics.confirmLatencyUs.quantile(0.5);
    expect(Math.abs(softFull - softShort)).toBeLessThan(0.2 * S);
  });

  it('hands each input shard one client batch per interval (clientGroupOf)', () => {
    const book = short.instance.world.book!;
    const seen = new Set<string>();
    for (const b of short.batches) {
      const shard = book.inputShardOf(book.segmentIndexOf(b.ranges[0]!));
      for (let i = 0; i < b.ranges.length; i += 2) {
        expect(book.inputShardOf(book.segmentIndexOf(b.ranges[i]!))).toBe(shard);
      }
      const key = `${b.t}:${shard}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});
