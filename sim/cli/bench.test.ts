import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli/main.ts', 'bench', '--ios-scale', '--ios-scale-sizes', '625', '--ios-scale-seconds', '1', '--json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });

const MB = 2 ** 20;

describe('bench --ios-scale: the V8 heap limit of each size child', () => {
  it('is --ios-scale-heap-mb (default 1,400 MB) plus the young generation of --ios-scale-semi-space-mb (default 128), and Node’s defaults with 0', () => {
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
    const nodeYoung = limitOf('--ios-scale-semi-space-mb', '0');
    const semi32 = limitOf('--ios-scale-semi-space-mb', '32');
    // heap_size_limit = old space + the young generation: three semi-spaces' worth (128 MB by default here).
    expect(capped / MB).toBeGreaterThanOrEqual(1400 + 3 * 128);
    expect(capped / MB).toBeLessThan(1400 + 3 * 128 + 100);
    expect(small / MB).toBeGreaterThanOrEqual(600 + 3 * 128);
    expect(small / MB).toBeLessThan(600 + 3 * 128 + 100);
    expect(node).not.toBe(capped);
    // The semi-space flag moves only the young generation: 3 × (128 − 32) MB, and more against Node's 16 MB.
    expect((capped - semi32) / MB).toBe(3 * 96);
    expect((capped - nodeYoung) / MB).toBeGreaterThan(3 * 96);
  }, 120_000);

  it('reports the CPU time of the run beside its wall time, and the table shows both', () => {
    const out = bench();
    expect(out.status, out.stderr).toBe(0);
    const r = (JSON.parse(out.stdout) as { iosScale: { results: { wallSeconds: number; cpuSeconds: number }[] } }).iosScale.results[0]!;
    // One simulated second of 625 nodes: some CPU, and not more than the few threads a Node process runs could use.
    expect(r.cpuSeconds).toBeGreaterThan(0);
    expect(r.cpuSeconds).toBeLessThan(8 * r.wallSeconds + 0.5);
    const table = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli/main.ts', 'bench', '--ios-scale', '--ios-scale-sizes', '625', '--ios-scale-seconds', '1'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines.find((l) => l.includes('wall s'))).toMatch(/tx\/s\s+wall s\s+cpu s\s+events/);
    const row = lines.at(-1)!.trim().split(/\s+/);
    expect(row[0]).toBe('625');
    // Wall and CPU seconds as numbers (one simulated second of 625 nodes may print as 0.0 on a fast machine).
    expect(row[3]).toMatch(/^\d+\.\d$/);
    expect(row[4]).toMatch(/^\d+\.\d$/);
  }, 120_000);

  it('refuses a heap limit that is not a whole number of MB: exit 2, naming the flag', () => {
    for (const bad of ['-5', '1.5']) {
      const out = bench('--ios-scale-heap-mb', bad);
      expect(out.status).toBe(2);
      expect(out.stderr).toMatch(/--ios-scale-heap-mb: expected a whole number of MB/);
      const semi = bench('--ios-scale-semi-space-mb', bad);
      expect(semi.status).toBe(2);
      expect(semi.stderr).toMatch(/--ios-scale-semi-space-mb: expected a whole number of MB/);
    }
  }, 60_000);
});
