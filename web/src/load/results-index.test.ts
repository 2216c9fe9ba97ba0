import { describe, expect, it } from 'vitest';
import { defaultSelection, groupsOf, onePerProtocol, parseResultsIndex, resultsUrl, seedsOf } from './results-index.js';

const run = (id: string, group: string | null) => ({
  id,
  dir: id,
  scenario: 's',
  protocol: 'ios',
  seed: 1,
  trace: `${id}/trace.columnar.json.gz`,
  summary: `${id}/summary.json`,
  group,
});
const index = (runs: ReturnType<typeof run>[]) => ({ format: 'shardsim-results-index', version: 1, runs });

describe('results index', () => {
  it('a comparison opens one run per protocol: the lowest seed, or the seed asked for', () => {
    const r = (protocol: string, seed: number) => ({ ...run(`${protocol}/seed-${seed}`, 'g'), protocol, seed });
    const runs = parseResultsIndex(index([r('dpos', 2), r('dpos', 1), r('ios', 3), r('ios', 1), r('ios', 2), r('zilliqa', 3)])).runs;
    expect(seedsOf(runs)).toEqual([1, 2, 3]);
    expect(onePerProtocol(runs).map((x) => x.id)).toEqual(['dpos/seed-1', 'ios/seed-1', 'zilliqa/seed-3']);
    expect(onePerProtocol(runs, 2).map((x) => x.id)).toEqual(['dpos/seed-2', 'ios/seed-2', 'zilliqa/seed-3']);
  });

  it('groups runs and picks the group asked for, else the newest group, else the newest run', () => {
    const idx = parseResultsIndex(index([run('a', null), run('b', 'g1'), run('c', 'g1'), run('d', 'g2'), run('e', null)]));
    expect([...groupsOf(idx).entries()].map(([g, rs]) => [g, rs.map((r) => r.id)])).toEqual([
      [null, ['a', 'e']],
      ['g1', ['b', 'c']],
      ['g2', ['d']],
    ]);
    expect(defaultSelection(idx, 'g1')).toEqual({ group: 'g1' });
    expect(defaultSelection(idx, 'nope')).toEqual({ group: 'g2' });
    expect(defaultSelection(idx, null)).toEqual({ group: 'g2' });
    expect(defaultSelection(parseResultsIndex(index([run('a', null), run('z', null)])), null)).toEqual({ run: 'z' });
    expect(defaultSelection(parseResultsIndex(index([])), null)).toBeNull();
  });

  it('says what is wrong with a bad index', () => {
    expect(() => parseResultsIndex({ ...index([]), version: 2 })).toThrow(/version 2; this dashboard reads version 1/);
    expect(() => parseResultsIndex({ format: 'x', version: 1, runs: [] })).toThrow(/format/);
    const bad = index([run('a', null)]) as { runs: Record<string, unknown>[] };
    delete bad.runs[0]!['trace'];
    expect(() => parseResultsIndex(bad)).toThrow(/runs\.0\.trace/);
  });

  it('paths stay under results/', () => {
    expect(resultsUrl('./', 'compare-default/ios seed/trace.columnar.json.gz')).toBe('./results/compare-default/ios%20seed/trace.columnar.json.gz');
    for (const p of ['../secret', '/etc/passwd', 'a/../../b', 'a//b']) expect(() => resultsUrl('./', p)).toThrow(/outside results/);
  });
});
