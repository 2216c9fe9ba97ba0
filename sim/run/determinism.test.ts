import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenario } from '../scenario/load.js';
import { runScenario } from './runner.js';
import { summarize } from './output.js';
import { WALL_CLOCK_KEYS } from '../metrics/summary.js';
import { canonicalEventLine } from '../trace/schema.js';

function withoutWallClock(s: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...s };
  for (const k of WALL_CLOCK_KEYS) delete copy[k];
  return copy;
}

describe('same scenario + same seed ⇒ same trace and summary', () => {
  const scenario = loadScenario('scenarios/bft-single.json');

  it('bft-single: two runs give the same traceHash and summary; another seed another hash', () => {
    const a = runScenario(scenario, { untilSeconds: 8 });
    const b = runScenario(scenario, { untilSeconds: 8 });
    const c = runScenario(scenario, { untilSeconds: 8, seed: 2 });
    const sa = summarize(a, 1.23);
    const sb = summarize(b, 4.56);
    expect(sa.tx.committed).toBeGreaterThan(0);
    expect(sa.traceHash).toBe(sb.traceHash);
    expect(JSON.stringify(withoutWallClock(sa))).toBe(JSON.stringify(withoutWallClock(sb)));
    expect(summarize(c, 0).traceHash).not.toBe(sa.traceHash);
  });

  it('the trace at level messages is also reproducible, and differs from level summary', () => {
    const small = parseScenario({ ...JSON.parse(readFileSync('scenarios/bft-tiny.json', 'utf8')), durationSeconds: 3 });
    const a = runScenario(small, { traceLevel: 'messages' });
    const b = runScenario(small, { traceLevel: 'messages' });
    const s = runScenario(small, { traceLevel: 'summary' });
    expect(a.trace.hashHex()).toBe(b.trace.hashHex());
    expect(a.trace.count).toBeGreaterThan(s.trace.count);
    expect(a.trace.events().some((e) => e.type === 'msg.send')).toBe(true);
  });
});

describe('baselines through the real host and network', () => {
  it.each(['dpos-default', 'iost-mainnet-default'])('%s: same seed, same trace; finality lag reported; no invariant violations', (name) => {
    const scenario = loadScenario(`scenarios/${name}.json`);
    const a = summarize(runScenario(scenario, { untilSeconds: 60 }), 0);
    const b = summarize(runScenario(scenario, { untilSeconds: 60 }), 0);
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.tx.committed + a.tx.pending).toBe(a.tx.offered);
    expect(a.latencyMs.confirm).not.toBeNull();
    expect(a.finalityLagBlocks).not.toBeNull();
    expect(a.invariants.checked).toBeGreaterThan(0);
    expect(a.invariants.violations).toBe(0);
  });
});

describe('ios through the real host and network', () => {
  it('ios-default at a short --until: same seed, same trace; transactions final; Atomix invariants hold', () => {
    const scenario = loadScenario('scenarios/ios-default.json');
    const a = summarize(runScenario(scenario, { untilSeconds: 15 }), 0);
    const b = summarize(runScenario(scenario, { untilSeconds: 15 }), 0);
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.tx.committed).toBeGreaterThan(0);
    expect(a.tx.committed + a.tx.aborted + a.tx.pending).toBe(a.tx.offered);
    expect(a.crossShard).not.toBeNull();
    expect(a.invariants.checked).toBeGreaterThan(0);
    expect(a.invariants.violations).toBe(0);
  });

  it('ios-paper-scale (10,000 nodes, 16 shards, 100,000 tx/s) at a short --until: same seed, same trace', () => {
    const scenario = loadScenario('scenarios/ios-paper-scale.json');
    const a = summarize(runScenario(scenario, { untilSeconds: 0.5 }), 0);
    const b = summarize(runScenario(scenario, { untilSeconds: 0.5 }), 0);
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.nodes).toBe(10_000);
    expect(a.shards).toBe(16);
    // 0.5 s of 100,000 tx/s: Poisson around 50,000 offered.
    expect(a.tx.offered).toBeGreaterThan(48_000);
    expect(a.tx.offered).toBeLessThan(52_000);
    expect(a.invariants.violations).toBe(0);
  });
});

describe('golden trace', () => {
  // Pins the exact event flow of a 7-validator committee with a leader crash (bft-tiny). If a change
  // alters it on purpose, regenerate with UPDATE_GOLDEN=1 and review the diff like code.
  it('bft-tiny matches sim/run/golden/bft-tiny.ndjson', () => {
    const run = runScenario(loadScenario('scenarios/bft-tiny.json'));
    const text = run.trace.events().map((e) => canonicalEventLine(e)).join('\n') + '\n';
    const file = join('sim', 'run', 'golden', 'bft-tiny.ndjson');
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(join('sim', 'run', 'golden'), { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
    // The golden flow must show what the scenario is for: commits, the crash, a view change, later commits.
    const types = run.trace.events().map((e) => e.type);
    const crashAt = types.indexOf('node.crash');
    expect(crashAt).toBeGreaterThan(types.indexOf('block.commit'));
    expect(types.indexOf('view.change', crashAt)).toBeGreaterThan(crashAt);
    expect(types.lastIndexOf('block.commit')).toBeGreaterThan(types.indexOf('view.change'));
  });
});
