import { describe, expect, it } from 'vitest';
import type { SegmentSpec } from '../facts.js';
import { MS, S, outcomeCounts, world } from './harness.js';

/**
 * A three-shard world (blocks every 200 ms, 10 ms messages). Victims lock first (t = 0), the double spends
 * come a second later:
 *   0..99     0 → 1            valid
 *   100..199  1 → 2            first 10 invalid
 *   200..299  {0,2} → 1        valid, two input shards
 *   300..349  0 → 2            first 20 double-spend coins 0..19 of shard 0 (locked by txs 0..19)
 *   350..399  {0,2} → 1        first 10 double-spend coins 0..9 in BOTH input shards: shard 0 rejects
 *                              (taken by txs 0..9), shard 2 accepts (nobody spent them there) and must release
 *   400..449  2 → 0            first 5 spend coins spent before the run
 */
const SEGMENTS: SegmentSpec[] = [
  { start: 0, end: 100, inputShards: [0], outputShards: [1] },
  { start: 100, end: 200, inputShards: [1], outputShards: [2], invalid: 10 },
  { start: 200, end: 300, inputShards: [0, 2], outputShards: [1] },
  { start: 300, end: 350, inputShards: [0], outputShards: [2], doubleSpends: 20, victimDelta: -300 },
  { start: 350, end: 400, inputShards: [0, 2], outputShards: [1], doubleSpends: 10, victimDelta: -350 },
  { start: 400, end: 450, inputShards: [2], outputShards: [0], doubleSpends: 5, victimDelta: null },
];
const N = 450;

function doubleSpendWorld() {
  const w = world({ shards: 3, clients: 2, segments: SEGMENTS });
  w.submit(0, 0, 300, 0);
  w.submit(1, 300, 450, 1 * S);
  return w;
}

describe('Atomix: double spends are rejected and the whole transaction aborts everywhere', () => {
  it('commits the valid, aborts invalid and double spends, with every invariant holding', () => {
    const w = doubleSpendWorld();
    w.pump.run(20 * S);
    const o = w.finish();

    expect(w.invariants.log).toEqual([]);
    expect(w.invariants.violations).toBe(0);
    expect(w.invariants.checked).toBeGreaterThan(20);
    expect(o).toEqual({ offered: N, committed: 405, aborted: 45, pending: 0, awaitingProofs: 0, committing: 0, abortedStillLocked: 0 });

    // Every id reported exactly once, final or aborted, never both.
    const { commits, aborts } = outcomeCounts(w.pump, N);
    for (let x = 0; x < N; x++) expect(commits[x]! + aborts[x]!, `tx ${x}`).toBe(1);
    const aborted = [...aborts.keys()].filter((x) => aborts[x] === 1);
    const expected = [
      ...range(100, 110), // invalid
      ...range(300, 320), // coins of txs 0..19 in shard 0
      ...range(350, 360), // coin taken in shard 0, free in shard 2
      ...range(400, 405), // pre-run coins
    ];
    expect(aborted).toEqual(expected);
    // crossshard.batch traces add up to the outcome.
    const batches = w.pump.traces.filter((t) => t.event.type === 'crossshard.batch').map((t) => t.event);
    expect(batches.reduce((n, e) => n + (e.committed as number), 0)).toBe(405);
    expect(batches.reduce((n, e) => n + (e.aborted as number), 0)).toBe(45);
    // Commits are final, reported by the output shard of the route.
    for (const c of w.pump.commits) expect(c.level).toBe('final');
    expect(w.pump.commits.filter((c) => c.txs.ranges[0] === 0)[0]!.shard).toBe(1);

    // Shard 2 accepted 350..359 and released them on unlock-to-abort; no lock is left on an aborted tx.
    const s2 = w.shards[2]!.input;
    expect(s2.stats.released).toBe(10);
    expect(w.shards[0]!.input.stats.rejected).toBe(20 + 10);
    // Locks left are exactly the inputs spent by commits: 0..99, 200..299 (twice: two inputs), 320..349, 360..399 (twice), 405..449.
    expect(w.shards[0]!.input.lockedCount).toBe(100 + 100 + 30 + 40);
    expect(s2.lockedCount).toBe(100 + 40 + 45);
    expect(w.shards[1]!.input.lockedCount).toBe(90);
  });

  it('conserves value: the books sum to the initial total once locks spent by commits are removed', () => {
    const w = doubleSpendWorld();
    // Check conservation at many points in the run, not only at the end.
    for (let t = 0; t <= 10 * S; t += 50 * MS) {
      w.pump.run(t);
      expect(w.invariants.checkConservation(t, w.books())).toBe(true);
    }
    // Credits: each output shard holds exactly the value of what it committed (2 units for 2-input routes).
    expect(w.shards[1]!.output.book.balance).toBe(100 + 2 * 100 + 2 * 40);
    expect(w.shards[2]!.output.book.balance).toBe(90 + 30);
    expect(w.shards[0]!.output.book.balance).toBe(45);
    expect(w.invariants.violations).toBe(0);
  });

  it('first lock wins: a double spend that locks before its victim commits and the victim aborts', () => {
    const segments: SegmentSpec[] = [
      { start: 0, end: 20, inputShards: [0], outputShards: [1] },
      { start: 20, end: 30, inputShards: [0], outputShards: [2], doubleSpends: 10, victimDelta: -20 },
    ];
    const w = world({ shards: 3, clients: 1, segments });
    w.submit(0, 20, 30, 0);
    w.submit(0, 0, 20, 1 * S);
    w.pump.run(10 * S);
    const o = w.finish();
    expect(w.invariants.log).toEqual([]);
    expect(o).toMatchObject({ offered: 30, committed: 20, aborted: 10, pending: 0 });
    const { aborts } = outcomeCounts(w.pump, 30);
    expect([...aborts.keys()].filter((x) => aborts[x] === 1)).toEqual(range(0, 10));
  });

  it('messages have the documented sizes', () => {
    const w = doubleSpendWorld();
    const sizes: Record<string, number[]> = {};
    const orig = w.pump['send' as never] as (...a: unknown[]) => void;
    (w.pump as unknown as { send: (...a: unknown[]) => void }).send = function (this: unknown, from, to, msg, sizeBytes, at) {
      ((sizes[(msg as { type: string }).type] ??= []) as number[]).push(sizeBytes as number);
      orig.call(this, from, to, msg, sizeBytes, at);
    };
    w.pump.run(20 * S);
    const proofBytes = 200 + 64 + Math.ceil(100 / 8);
    // A lock request carries the transactions: 8 + 32 per range + 250 per tx. Client 0 asks shard 0 for 0..99 and 200..299.
    expect(sizes['lockRequest']).toContain(8 + 2 * 32 + 200 * 250);
    // Every proof: the block's collective signature with its header, plus the id summary.
    for (const b of sizes['proof']!) expect((b - proofBytes - 8) % 32).toBe(0);
    // Unlock-to-commit for a two-input route carries two proofs.
    expect(sizes['unlockCommit']).toContain(2 * proofBytes + 8 + 32);
    // Unlock-to-abort carries the proof of rejection.
    expect(sizes['unlockAbort']).toContain(proofBytes + 8 + 32);
  });

  it('is deterministic', () => {
    const run = () => {
      const w = world({ shards: 3, clients: 2, segments: SEGMENTS, pump: { log: true, delayUs: (f, t, b) => 5 * MS + ((f * 7 + t * 3) % 5) * MS + b } });
      w.submit(0, 0, 300, 0);
      w.submit(1, 300, 450, 1 * S);
      w.pump.run(20 * S);
      return w.pump.log.join('\n');
    };
    expect(run()).toBe(run());
  });
});

describe('Atomix: routes and delivery', () => {
  it('several output shards: each is credited its share, the tx counts committed once all have committed', () => {
    const segments: SegmentSpec[] = [{ start: 0, end: 20, inputShards: [0], outputShards: [1, 2], valuePerInput: 3 }];
    const w = world({ shards: 3, clients: 1, segments, blockMs: (s) => (s === 2 ? 3000 : 200) });
    w.submit(0, 0, 20, 0);
    w.pump.run(1 * S);
    // Shard 1 has committed, shard 2 (slow) not yet: still pending, and value is conserved mid-way.
    expect(w.shards[1]!.output.stats.committed).toBe(20);
    expect(w.invariants.checkConservation(w.pump.now, w.books())).toBe(true);
    expect(w.invariants.finish(w.pump.now)).toMatchObject({ committed: 0, pending: 20, committing: 20 });
    w.pump.run(10 * S);
    expect(w.finish()).toMatchObject({ committed: 20, pending: 0 });
    expect(w.shards[1]!.output.book.balance).toBe(2 * 20);
    expect(w.shards[2]!.output.book.balance).toBe(1 * 20);
    expect(w.invariants.log).toEqual([]);
  });

  it('a message for a shard this node is the contact of becomes a local deliver note', () => {
    const segments: SegmentSpec[] = [{ start: 0, end: 5, inputShards: [0], outputShards: [1] }];
    const w = world({ shards: 2, clients: 1, segments, client: { contactOf: (s) => (s === 0 ? 2 : s) } });
    const effects = w.clients[0]!.step(0, { kind: 'txs', txs: { ranges: [0, 5], count: 5 } });
    const local = effects.find((e) => e.kind === 'local');
    expect(local).toEqual({ kind: 'local', event: { type: 'atomix.deliver', shard: 0, msg: { type: 'lockRequest', txs: { ranges: [0, 5], count: 5 }, driver: 2 } } });
  });

  it('intra-shard transactions are not Atomix business', () => {
    const segments: SegmentSpec[] = [{ start: 0, end: 5, inputShards: [1], outputShards: [1] }];
    const w = world({ shards: 2, clients: 1, segments });
    expect(w.clients[0]!.step(0, { kind: 'txs', txs: { ranges: [0, 5], count: 5 } })).toEqual([]);
    expect(w.clients[0]!.stats.offered).toBe(0);
  });
});

describe('Atomix: aborts by timeout (a crashed or slow input shard)', () => {
  const segments: SegmentSpec[] = [
    { start: 0, end: 50, inputShards: [0, 1], outputShards: [2] },
    { start: 50, end: 100, inputShards: [0], outputShards: [2] },
  ];

  it('a crashed input shard: the driver aborts after lockTimeoutMs, the other input shard releases', () => {
    const w = world({ shards: 3, clients: 1, segments, lockTimeoutMs: 2000, pump: { crashed: [1] } });
    w.submit(0, 0, 100, 0);
    w.pump.run(10 * S);
    const o = w.finish();
    expect(w.invariants.log).toEqual([]);
    expect(o).toMatchObject({ offered: 100, committed: 50, aborted: 50, pending: 0, abortedStillLocked: 0 });
    expect(w.clients[0]!.stats.timedOut).toBe(50);
    expect(w.shards[0]!.input.stats.released).toBe(50);
    // The aborts come at the timeout, not before.
    for (const a of w.pump.aborts) expect(a.t).toBe(2000 * MS);
  });

  it('a late acceptance after the abort never commits: the lock is released when its proof arrives', () => {
    // Shard 1 crashes after it admitted the lock request (10 ms) and before its block (200 ms); the abort
    // sent at the timeout is lost; it recovers at 3 s and locks the inputs in its next block.
    const w = world({ shards: 3, clients: 1, segments, lockTimeoutMs: 2000 });
    w.submit(0, 0, 100, 0);
    w.pump.run(50 * MS);
    w.pump.crash(1);
    w.pump.run(3 * S);
    w.pump.recover(1, 3 * S);
    w.pump.run(10 * S);
    const o = w.finish();
    expect(w.invariants.log).toEqual([]);
    expect(o).toMatchObject({ offered: 100, committed: 50, aborted: 50, pending: 0, abortedStillLocked: 0 });
    expect(w.shards[1]!.input.stats.locked).toBe(50);
    expect(w.shards[1]!.input.stats.released).toBe(50);
    expect(w.clients[0]!.stats.lateAcceptances).toBe(50);
    expect(w.shards[2]!.output.stats.committed).toBe(50);
    expect(w.invariants.checkConservation(w.pump.now, w.books())).toBe(true);
  });

  it('a slow input shard gets the unlock-to-abort before it decides: the tombstone makes it reject', () => {
    const w = world({ shards: 3, clients: 1, segments, lockTimeoutMs: 2000, blockMs: (s) => (s === 1 ? 4000 : 200) });
    w.submit(0, 0, 100, 0);
    w.pump.run(10 * S);
    const o = w.finish();
    expect(w.invariants.log).toEqual([]);
    expect(o).toMatchObject({ committed: 50, aborted: 50, pending: 0 });
    const s1 = w.shards[1]!.input;
    expect(s1.stats.locked).toBe(0);
    expect(s1.stats.tombstonedUndecided).toBe(50);
    expect(s1.stats.rejected).toBe(50);
    expect(w.clients[0]!.stats.lateAcceptances).toBe(0);
  });

  it('a crashed driver leaves its transactions pending (locked), counted, never lost', () => {
    const w = world({ shards: 3, clients: 1, segments, lockTimeoutMs: 2000 });
    w.submit(0, 0, 100, 0);
    w.pump.run(20 * MS); // lock requests are out
    w.pump.crash(3);
    w.pump.run(10 * S);
    const o = w.finish();
    expect(w.invariants.violations).toBe(0);
    expect(o).toMatchObject({ offered: 100, committed: 0, aborted: 0, pending: 100, awaitingProofs: 100 });
    expect(w.shards[0]!.input.lockedCount).toBe(100);
  });
});

describe('the invariant checker can fail', () => {
  // Shard 1 locks coins 0..9 for txs 0..9; txs 10..19 spend coins 0..9 in shards 0 and 1: shard 0 accepts
  // (nobody spent them there), shard 1 rejects. Shard 1 is slower, so shard 0's acceptance comes first.
  const segments: SegmentSpec[] = [
    { start: 0, end: 10, inputShards: [1], outputShards: [2] },
    { start: 10, end: 20, inputShards: [0, 1], outputShards: [2], doubleSpends: 10, victimDelta: -10 },
  ];
  const run = (opts: { skipProofCheck: boolean }) => {
    const w = world({
      shards: 3,
      clients: 1,
      segments,
      blockMs: (s) => (s === 1 ? 600 : 100),
      client: { unsafeCommitOnFirstProof: true },
      output: { unsafeSkipProofCheck: opts.skipProofCheck },
    });
    w.submit(0, 0, 10, 0);
    w.submit(0, 10, 20, 1 * S);
    w.pump.run(10 * S);
    return { w, o: w.finish() };
  };

  it('a driver that unlocks early is stopped by the output shard checking every proof', () => {
    const { w, o } = run({ skipProofCheck: false });
    expect(w.shards[2]!.output.stats.refused).toBe(10);
    // Nothing was committed without every proof; the broken driver's transactions stay pending
    // (it believes it committed them), with shard 0's locks held.
    expect(w.invariants.log).toEqual([]);
    expect(o).toMatchObject({ committed: 10, aborted: 0, pending: 10, committing: 10 });
    expect(w.shards[0]!.input.lockedCount).toBe(10);
  });

  it('an output shard that commits without all proofs is caught: atomicity and conservation fail', () => {
    const { w } = run({ skipProofCheck: true });
    expect(w.invariants.violations).toBeGreaterThan(0);
    const kinds = new Set(w.invariants.log.map((v) => v.invariant));
    expect(kinds).toContain('atomicity');
    expect(kinds).toContain('conservation');
    expect(w.invariants.log.some((v) => /committed in output shard 2 while input shard 1 has not locked it/.test(v.message))).toBe(true);
  });

  it('an input shard that skips the double-spend check is caught: a coin is spent twice', () => {
    const w = world({
      shards: 3,
      clients: 2,
      segments: SEGMENTS,
      input: { unsafeSkipDoubleSpendCheck: true },
    });
    w.submit(0, 0, 300, 0);
    w.submit(1, 300, 450, 1 * S);
    w.pump.run(20 * S);
    w.finish();
    const ds = w.invariants.log.filter((v) => v.invariant === 'double-spend');
    expect(ds.length).toBeGreaterThan(0);
    expect(ds[0]!.message).toMatch(/coin 0\.\.19 of shard 0 spent twice \(by tx 300\.\.319\)/);
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
