import { describe, expect, it } from 'vitest';
import { BelievableNode } from '../believable.js';
import { S, setup, submitBatches } from './helpers.js';

/** Times at which `node` sent an optimistic block or beacon, read off the pump's delivery log. */
function optimisticSendsFrom(log: readonly string[], node: number): number[] {
  const out: number[] = [];
  for (const line of log) {
    if (!line.includes(`"kind":"message","from":${node},`) || !line.includes('"type":"optimistic"')) continue;
    out.push(Number(line.slice(0, line.indexOf(' '))));
  }
  return out;
}

describe('a believable validator moving away (TransEpoch)', () => {
  it('seals and resends what it holds until final, then falls silent; the leader stops counting it live; start resumes it', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 5, extra: { livenessTimeoutMs: 1500 }, pump: { log: true } });
    submitBatches(harness, 6, 40, 100_000, 100_000); // ids 0..239, before anyone leaves
    harness.run(650_000);
    // The believable validator holding the most unsealed or unfinalised transactions leaves now.
    const believable = [...leagues.believableNodes.values()];
    const leaver = believable.reduce((a, b) => (b.heldTxs > a.heldTxs ? b : a));
    expect(leaver).toBeInstanceOf(BelievableNode);
    expect(leaver.heldTxs).toBeGreaterThan(0);
    leaver.leave();
    harness.run(20 * S);

    // Nothing it held is lost: every id is final exactly once.
    const final = harness.commitTimes('final', 240);
    for (let id = 0; id < 240; id++) expect([id, final.count[id]]).toEqual([id, 1]);
    expect(leaver.heldTxs).toBe(0);
    // It went on sealing while it held something, and sent nothing at all (beacons included) after that.
    const sends = optimisticSendsFrom(harness.pump.log, leaver.self);
    const others = believable.filter((b) => b !== leaver).map((b) => optimisticSendsFrom(harness.pump.log, b.self));
    expect(sends.some((t) => t > 650_000)).toBe(true);
    const lastSend = Math.max(...sends);
    expect(lastSend).toBeLessThan(5 * S);
    for (const o of others) expect(o.filter((t) => t > lastSend + 2 * S).length).toBeGreaterThan(20); // the others beacon on
    // So the leader counts 2 live believable validators, below minBelievable = 3: one league.
    const modes = () => harness.localsOf('leagueMode').map((l) => [l.event['mode'], l.event['liveBelievable']]);
    expect(modes()).toEqual([['one-league', 2]]);

    // Moving back as a believable validator (ShardLeagues.addBelievable steps it with `start`) resumes it.
    harness.pump.inject(leaver.self, { kind: 'start' }, 20 * S);
    harness.run(25 * S);
    expect(optimisticSendsFrom(harness.pump.log, leaver.self).filter((t) => t > 20 * S).length).toBeGreaterThan(5);
    expect(modes()).toEqual([['one-league', 2], ['two-league', 3]]);
  });
});
