import { describe, expect, it } from 'vitest';
import { S, setup, submitBatches } from './helpers.js';

describe('PoB determinism', () => {
  function run(seed: number) {
    // Malicious validators, invalid transactions, a crash of a believable validator and of the leader.
    const isBad = (tx: number) => tx % 13 === 0;
    const { harness } = setup({
      believable: 4,
      normal: 6,
      seed,
      malicious: [1, 2],
      isBad,
      extra: { livenessTimeoutMs: 1500 },
      pump: { log: true, delayUs: (from, to, size) => 4_000 + ((from * 7 + to * 13) % 11) * 1_000 + Math.floor(size / 10) },
    });
    submitBatches(harness, 30, 25, 100_000, 90_000);
    harness.pump.crash(3); // a believable validator
    harness.pump.crash(4); // the normal league's leader
    harness.run(8 * S);
    submitBatches(harness, 30, 25, 8 * S, 90_000, 750);
    harness.run(30 * S);
    return harness;
  }

  it('the same seed gives the same effect log, commits and local notes; another seed other samples', () => {
    const a = run(11);
    const b = run(11);
    expect(a.pump.log.length).toBeGreaterThan(500);
    expect(b.pump.log).toEqual(a.pump.log);
    expect(b.pump.commits).toEqual(a.pump.commits);
    expect(b.pump.aborts).toEqual(a.pump.aborts);
    expect(b.locals).toEqual(a.locals);
    // The scenario exercised what it is for: convictions and the fallback.
    expect(a.localsOf('slashed').length).toBeGreaterThan(0);
    expect(a.localsOf('leagueMode').length).toBeGreaterThan(0);
    expect(a.pump.traces.some((t) => t.event.type === 'view.change')).toBe(true);
    expect(a.pump.commits.some((c) => c.level === 'final' && c.node === 5 && c.txs.ranges[0]! >= 750)).toBe(true);
    const others = [12, 13, 14, 15].map((s) => JSON.stringify(run(s).localsOf('slashed').map((l) => [l.t, l.event['node']])));
    expect(others.some((o) => o !== JSON.stringify(a.localsOf('slashed').map((l) => [l.t, l.event['node']])))).toBe(true);
  });
});
