import { describe, expect, it } from 'vitest';
import { deriveEpochs, deriveIdleWindows, systemIdleSeconds } from '../derive.js';

const move = (t: number, node: number, epoch: number) => ({
  t,
  type: 'shard.move',
  node,
  fromShard: 0,
  toShard: 1,
  epoch,
  batch: 0,
  startUs: t - 10,
  readyUs: t,
});

describe('deriveEpochs', () => {
  it('one epoch per epoch.start index, ready from epoch.ready, movers counted once per node, abandoned moves apart', () => {
    const epochs = deriveEpochs([
      { t: 0, type: 'epoch.start', epoch: 0, leader: -1, view: 0 },
      { t: 0, type: 'epoch.ready', epoch: 0 },
      { t: 100, type: 'epoch.start', epoch: 1, leader: 7, view: 1 },
      { t: 101, type: 'epoch.start', epoch: 1, leader: 9, view: 2 }, // a second writer: the first counts
      move(150, 3, 1),
      move(160, 3, 1), // the same node again
      move(170, 4, 1),
      // Node 5 gave its epoch-1 move up for its epoch-2 one: abandoned, not moved.
      { t: 175, type: 'shard.abandon', node: 5, fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 120 },
      { t: 180, type: 'epoch.ready', epoch: 1 },
      { t: 200, type: 'epoch.start', epoch: 2, leader: 5, view: 0 },
      move(210, 8, 2),
    ]);
    expect(epochs).toEqual([
      { index: 0, startUs: 0, readyUs: 0, moved: 0, abandoned: 0, leader: -1 },
      { index: 1, startUs: 100, readyUs: 180, moved: 2, abandoned: 1, leader: 7 },
      { index: 2, startUs: 200, readyUs: null, moved: 1, abandoned: 0, leader: 5 },
    ]);
  });
});

describe('deriveIdleWindows', () => {
  it('pairs start and end by shard and reason; an open window ends with the run', () => {
    const w = deriveIdleWindows(
      [
        { t: 10, type: 'idle.start', shard: -1, epoch: 0, reason: 'pow' },
        { t: 15, type: 'idle.start', shard: 2, epoch: 0, reason: 'pow' },
        { t: 40, type: 'idle.end', shard: -1, epoch: 0, reason: 'pow' },
        { t: 45, type: 'idle.end', shard: 2, epoch: 0, reason: 'other' }, // no matching start
        { t: 90, type: 'idle.start', shard: -1, epoch: 1, reason: 'pow' },
      ],
      100,
    );
    expect(w).toEqual([
      { shard: -1, epoch: 0, reason: 'pow', startUs: 10, endUs: 40 },
      { shard: 2, epoch: 0, reason: 'pow', startUs: 15, endUs: 100 },
      { shard: -1, epoch: 1, reason: 'pow', startUs: 90, endUs: 100 },
    ]);
    expect(systemIdleSeconds(w)).toBeCloseTo(40 / 1e6, 12);
  });

  it('systemIdleSeconds counts overlapping system windows once', () => {
    const w = [
      { shard: -1, epoch: 0, reason: 'pow', startUs: 0, endUs: 2_000_000 },
      { shard: -1, epoch: 0, reason: 'ds', startUs: 1_000_000, endUs: 3_000_000 },
      { shard: 0, epoch: 0, reason: 'pow', startUs: 5_000_000, endUs: 9_000_000 },
    ];
    expect(systemIdleSeconds(w)).toBe(3);
  });
});
