import { describe, expect, it } from 'vitest';
import { serialisationUs } from '../../../kernel/time.js';
import { EdsSizes } from '../eds/messages.js';
import { iosScenario, runIos } from './testworld.js';

/**
 * The DRP client's phase windows open when its broadcast has left its uplink (drp.ts `window`), and the run
 * deadline counts the broadcasts at the slowest region's upload (eds/config.ts). The announcement and the
 * sign-off carry an n-bit bitmap, so the client's star broadcasts grow as n²: at 10,000 validators ~13 MB
 * each. Here (1,000 validators, 0.5 Mbit/s) they take longer than Δ to leave; a window counted from when
 * they were queued closed before 2f+1 servers could answer, and the runs failed view after view.
 */
describe('DRP on a thin uplink', () => {
  const n = 1000;
  const uploadMbps = 0.5;
  const deltaMs = 2000;
  const scenario = iosScenario({
    nodes: n,
    durationSeconds: 125,
    network: {
      regions: [{ name: 'thin', share: 1, uploadMbps, downloadMbps: 10 }],
      latencyMs: [[50]],
      latencyModel: 'constant',
    },
    workload: { offeredTps: 10, shardMapping: 'locality', locality: 1, accounts: 10_000 },
    protocol: { epochSeconds: 120, deltaMs, eds: { lotteryCandidates: 5 } },
  });

  it('the CoSi announcement and the sign-off take longer than Δ to leave the client, the grouping not (the premise)', () => {
    const sizes = new EdsSizes(n, 96, 33);
    const leave = (bytes: number) => serialisationUs((n - 1) * bytes, uploadMbps);
    expect(leave(sizes.grouping())).toBeLessThan(deltaMs * 1000); // servers see it before the start check
    expect(leave(sizes.cosiAnnounce())).toBeGreaterThan(deltaMs * 1000);
    expect(leave(sizes.revealRequest())).toBeGreaterThan(deltaMs * 1000);
  });

  it('epoch 1 starts with the first leader, and every validator adopts its rnd_e', () => {
    const run = runIos(scenario);
    const events = run.trace.events();
    const start = events.find((e) => e.type === 'epoch.start' && e.epoch === 1);
    expect(start).toMatchObject({ view: 0 });
    const leaders = events.filter((e) => e.type === 'eds.leader' && e.epoch === 1);
    expect(leaders).toHaveLength(1); // no back-up had to run
    expect(events.filter((e) => e.type === 'eds.randomness' && e.epoch === 1)).toHaveLength(1);
  });
});
