import { describe, expect, it } from 'vitest';
import { S, committee, pumpOf, sendBatches } from './helpers.js';

describe('determinism', () => {
  function run() {
    // Faults and a view change, so every code path contributes to the log.
    const replicas = committee(31, { topology: 'tree', treeBranching: 3, viewChangeTimeoutMs: 4000 });
    const pump = pumpOf(replicas, { crashed: [2, 7], log: true, delayUs: (from, to, size) => 5_000 + ((from * 7 + to * 13) % 11) * 1_000 + size });
    sendBatches(pump, 0, 400, 50_000);
    pump.run(8 * S);
    pump.crash(0);
    sendBatches(pump, 1, 100, 20 * S);
    pump.run(40 * S);
    return { pump, replicas };
  }

  it('two pumps of the same setup produce identical effect logs', () => {
    const a = run();
    const b = run();
    expect(a.pump.log.length).toBeGreaterThan(1000);
    expect(b.pump.log).toEqual(a.pump.log);
    expect(b.pump.traces).toEqual(a.pump.traces);
    expect(b.pump.commits).toEqual(a.pump.commits);
    expect(b.pump.messages).toBe(a.pump.messages);
    // The scenario did exercise the fallback and a view change.
    expect(a.replicas[0]!.stats.starFallbacks).toBeGreaterThan(0);
    expect(a.pump.traces.some((t) => t.event.type === 'view.change')).toBe(true);
    expect(a.pump.commits.some((c) => c.node === 1)).toBe(true);
  });
});
