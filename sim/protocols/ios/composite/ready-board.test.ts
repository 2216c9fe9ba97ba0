import { describe, expect, it } from 'vitest';
import type { AnnounceArrivals } from '../../types.js';
import { ReadyBoard } from './ready-board.js';

/** Arrivals as the host leaves them once the copies are sent. */
const sent = (at: number[]): AnnounceArrivals => ({ of: (i) => at[i]! });

/** Positions of an audience of node ids (ascending), as world.transitionViews builds them. */
function positions(audience: number[], n = 20): Int32Array {
  const pos = new Int32Array(n).fill(-1);
  audience.forEach((v, i) => (pos[v] = i));
  return pos;
}

describe('ReadyBoard: who knows of a joiner, and of a leaver, when', () => {
  const audience = [1, 2, 3, 7];
  const pos = positions(audience);
  const none = () => false;

  it('a member knows of a joiner once its copy has arrived; a lost copy or an outsider never does', () => {
    const b = new ReadyBoard();
    b.announce(7, 80, pos, sent([100, 250, -1, 90])); // 3's copy is lost
    expect(b.joinersKnownTo(1, 99, none)).toEqual([]);
    expect(b.joinersKnownTo(1, 100, none)).toEqual([7]);
    expect(b.joinersKnownTo(2, 249, none)).toEqual([]);
    expect(b.joinersKnownTo(2, 250, none)).toEqual([7]);
    expect(b.joinersKnownTo(3, 10_000, none)).toEqual([]);
    expect(b.joinersKnownTo(5, 10_000, none)).toEqual([]); // not in the audience
    expect(b.joinersKnownTo(1, 100, (v) => v === 7)).toEqual([]); // already in the member's committee
  });

  it('arrivals left after the announcement count (the host sends after the step); joiners come ascending', () => {
    const b = new ReadyBoard();
    const late: AnnounceArrivals = { of: null }; // not sent yet
    b.announce(7, 50, pos, late);
    b.announce(3, 60, pos, sent([70, 70, 60, 70]));
    expect(b.joinersKnownTo(1, 200, none)).toEqual([3]);
    late.of = sent([120, 120, 120, 50]).of;
    expect(b.joinersKnownTo(1, 200, none)).toEqual([3, 7]);
  });

  it('a leaver is leaving from its batch start until its ready for the shard reaches the member', () => {
    const b = new ReadyBoard();
    b.left(2, 500);
    expect(b.isLeaving(2, 1, 499)).toBe(false);
    expect(b.isLeaving(2, 1, 500)).toBe(true);
    // 2 comes back to the shard later: it is no longer leaving once the member hears so.
    b.announce(2, 900, pos, sent([950, 900, 960, 970]));
    expect(b.isLeaving(2, 1, 949)).toBe(true);
    expect(b.isLeaving(2, 1, 950)).toBe(false);
    // A joiner whose batch out of the shard starts after its announcement is not a joiner any more.
    b.left(2, 2_000);
    expect(b.joinersKnownTo(1, 1_999, none)).toEqual([2]);
    expect(b.joinersKnownTo(1, 2_000, none)).toEqual([]);
    expect(b.isLeaving(2, 1, 2_000)).toBe(true);
  });

  it('a committee switch settles its members once; later announcements stay', () => {
    const b = new ReadyBoard();
    b.announce(7, 10, pos, sent([20, 20, 20, 10]));
    b.announce(3, 10, pos, sent([20, 20, 10, 20]));
    b.settle(5, [1, 2, 7]);
    expect(b.pending).toBe(1);
    expect(b.joinersKnownTo(1, 30, none)).toEqual([3]);
    b.announce(7, 40, pos, sent([50, 50, 50, 40]));
    b.settle(5, [7]); // the same switch reported by another member
    expect(b.pending).toBe(2);
  });

  it('a member that left in an earlier epoch and came back is not leaving once its committee is installed', () => {
    const b = new ReadyBoard();
    b.left(7, 100);
    b.announce(7, 300, pos, sent([310, 310, 310, 300]));
    b.settle(9, [1, 2, 7]);
    expect(b.isLeaving(7, 1, 10_000)).toBe(false);
    b.left(7, 20_000); // and leaves again in a later epoch
    expect(b.isLeaving(7, 1, 20_000)).toBe(true);
  });
});
