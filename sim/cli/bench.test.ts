import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli/main.ts', 'bench', '--ios-scale', '--ios-scale-sizes', '625', '--ios-scale-seconds', '1', '--json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });

const MB = 2 ** 20;

describe('bench --ios-scale: the V8 heap limit of each size child', () => {
  it('is --ios-scale-heap-mb (default 1,400 MB) plus the young generation, and Node’s default with 0', () => {
    const limitOf = (...args: string[]) => {
      const out = bench(...args);
      expect(out.status, out.stderr).toBe(0);
      const doc = JSON.parse(out.stdout) as { iosScale: { results: { heapLimitBytes: number; nodes: number }[] } };
      expect(doc.iosScale.results.map((x) => x.nodes)).toEqual([625]);
      return doc.iosScale.results[0]!.heapLimitBytes;
    };
    const capped = limitOf();
    const small = limitOf('--ios-scale-heap-mb', '600');
    const node = limitOf('--ios-scale-heap-mb', '0');
    // heap_size_limit = old space + the young generation (tens of MB).
    expect(capped / MB).toBeGreaterThanOrEqual(1400);
    expect(capped / MB).toBeLessThan(1400 + 200);
    expect(small / MB).toBeGreaterThanOrEqual(600);
    expect(small / MB).toBeLessThan(600 + 200);
    expect(node).not.toBe(capped);
  }, 120_000);

  it('refuses a heap limit that is not a whole number of MB: exit 2, naming the flag', () => {
    for (const bad of ['-5', '1.5']) {
      const out = bench('--ios-scale-heap-mb', bad);
      expect(out.status).toBe(2);
      expect(out.stderr).toMatch(/--ios-scale-heap-mb: expected a whole number of MB/);
    }
  }, 60_000);
});
