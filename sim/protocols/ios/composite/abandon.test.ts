import { describe, expect, it } from 'vitest';
import { deriveEpochs } from '../../../trace/derive.js';
import { iosScenario, runIos } from './testworld.js';

/**
 * A state download that outlasts the gap to the node's next batch (node.ts abandonMove): the newest
 * assignment wins. Here each shard's state is 2,500 accounts × 20 kB = 50 MB, and with the default bandwidth
 * scaling a download takes tens of seconds and sometimes more than the 60 s epoch.
 */
describe('a move still bootstrapping when the node’s next batch starts', () => {
  const scenario = iosScenario({ durationSeconds: 290, protocol: { transEpoch: { stateBytesPerAccount: 20_000 } } });
  const run = runIos(scenario);
  const events = [...run.trace.eventList()];

  it('is abandoned for the newer move, and traced as such', () => {
    const abandoned = events.filter((e) => e.type === 'shard.abandon');
    expect(abandoned.length).toBeGreaterThan(0);
    expect(run.instance.iosNodes.reduce((sum, v) => sum + v.stats.movesAbandoned, 0)).toBe(abandoned.length);
    // Each abandoned move gives way to the node's next move, whose batch has just started (the node acts once its
    // CPU is free), from the shard it was heading to. That move is traced when it is ready or abandoned in turn;
    // one still downloading at the end is not traced yet.
    const moves = events.filter((e) => e.type === 'shard.move' || e.type === 'shard.abandon');
    for (const a of abandoned) {
      const next = moves.find((m) => m.node === a.node && m.epoch > a.epoch);
      if (!next) {
        expect(run.instance.iosNodes[a.node]!.bootstrapping).toBe(true);
        continue;
      }
      expect(next.fromShard).toBe(a.toShard);
      expect(a.t - next.startUs).toBeGreaterThanOrEqual(0);
      expect(a.t - next.startUs).toBeLessThan(1_000_000);
    }
  });

  it('leaves every validator in the shard its current assignment gives it, or on its way there', () => {
    const misplaced = run.instance.iosNodes.filter((v) => !v.bootstrapping && v.shard !== v.assignedShard).map((v) => v.self);
    expect(misplaced).toEqual([]);
  });

  it('lets the transitions end', () => {
    // Epoch 3's last downloads (from 189 s) are still running at 290 s.
    const epochs = deriveEpochs(events).filter((e) => e.index >= 1 && e.index <= 2);
    expect(epochs.map((e) => e.index)).toEqual([1, 2]);
    for (const e of epochs) expect(e.readyUs).not.toBeNull();
  });
});
