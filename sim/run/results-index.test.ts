import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RESULTS_INDEX_FORMAT,
  ResultsIndexSchema,
  indexEntry,
  insideResults,
  readResultsIndex,
  updateResultsIndex,
  type ResultsIndexEntry,
} from './results-index.js';

const roots: string[] = [];
function freshRoot(): string {
  const r = mkdtempSync(join(tmpdir(), 'shardsim-index-'));
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A run directory with a summary.json (and a trace), as `run` or `compare` leaves it. */
function fakeRun(root: string, dir: string, protocol: string, seed: number, group: string | null, trace = true): ResultsIndexEntry {
  const abs = join(root, dir);
  mkdirSync(abs, { recursive: true });
  writeFileSync(join(abs, 'summary.json'), '{}\n');
  const files = [join(abs, 'summary.json')];
  if (trace) {
    writeFileSync(join(abs, 'trace.columnar.json.gz'), '');
    files.push(join(abs, 'trace.columnar.json.gz'));
  }
  return indexEntry(root, { dir: abs, scenario: 'scn', protocol, seed, files, group })!;
}

function onDisk(root: string): unknown {
  return JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
}

describe('results/index.json', () => {
  it('entries carry paths relative to results/, the trace (or null) and the group', () => {
    const root = freshRoot();
    const a = fakeRun(root, 'compare-x/ios/seed-2', 'ios', 2, 'compare-x');
    expect(a).toEqual({
      id: 'compare-x/ios/seed-2',
      dir: 'compare-x/ios/seed-2',
      scenario: 'scn',
      protocol: 'ios',
      seed: 2,
      trace: 'compare-x/ios/seed-2/trace.columnar.json.gz',
      summary: 'compare-x/ios/seed-2/summary.json',
      group: 'compare-x',
    });
    expect(fakeRun(root, 'solo-seed1', 'bft', 1, null, false).trace).toBeNull();
    expect(indexEntry(root, { dir: join(root, '..', 'elsewhere'), scenario: 's', protocol: 'bft', seed: 1, files: [], group: null })).toBeNull();
    expect(insideResults(root, root)).toBeNull();
  });

  it('adds entries sorted by id, replaces a re-run, and writes the documented format', () => {
    const root = freshRoot();
    updateResultsIndex(root, [fakeRun(root, 'b-seed1', 'dpos', 1, null)]);
    updateResultsIndex(root, [fakeRun(root, 'a-seed1', 'bft', 1, null), fakeRun(root, 'c/ios/seed-1', 'ios', 1, 'c')]);
    const rerun = { ...fakeRun(root, 'b-seed1', 'dpos', 1, null), scenario: 'renamed' };
    const index = updateResultsIndex(root, [rerun]);
    expect(index.runs.map((r) => r.id)).toEqual(['a-seed1', 'b-seed1', 'c/ios/seed-1']);
    expect(index.runs[1]!.scenario).toBe('renamed');
    const file = onDisk(root) as { format: string; version: number; runs: unknown[] };
    expect(file.format).toBe(RESULTS_INDEX_FORMAT);
    expect(file.version).toBe(1);
    expect(ResultsIndexSchema.parse(file)).toEqual(index);
    expect(readdirSync(root).filter((f) => f.includes('tmp') || f.endsWith('.lock'))).toEqual([]);
  });

  it('drops entries whose summary.json is gone, and a group re-run drops the group\'s old runs', () => {
    const root = freshRoot();
    updateResultsIndex(root, [
      fakeRun(root, 'g/ios/seed-1', 'ios', 1, 'g'),
      fakeRun(root, 'g/dpos/seed-1', 'dpos', 1, 'g'),
      fakeRun(root, 'solo-seed1', 'bft', 1, null),
      fakeRun(root, 'gone-seed1', 'bft', 1, null),
    ]);
    rmSync(join(root, 'gone-seed1'), { recursive: true });
    const index = updateResultsIndex(root, [fakeRun(root, 'g/ios/seed-1', 'ios', 1, 'g')], { replaceGroup: 'g' });
    expect(index.runs.map((r) => r.id)).toEqual(['g/ios/seed-1', 'solo-seed1']);
  });

  it('the same updates in the same order give the same bytes; a corrupt index is replaced, not fatal', () => {
    const a = freshRoot();
    const b = freshRoot();
    for (const root of [a, b]) {
      updateResultsIndex(root, [fakeRun(root, 'y-seed1', 'bft', 1, null)]);
      updateResultsIndex(root, [fakeRun(root, 'x-seed3', 'dpos', 3, null)]);
    }
    expect(readFileSync(join(a, 'index.json'), 'utf8')).toBe(readFileSync(join(b, 'index.json'), 'utf8'));
    writeFileSync(join(a, 'index.json'), '{"format": "something else"');
    expect(readResultsIndex(a).runs).toEqual([]);
    expect(updateResultsIndex(a, [fakeRun(a, 'z-seed1', 'bft', 1, null)]).runs.map((r) => r.id)).toEqual(['z-seed1']);
    expect(ResultsIndexSchema.parse(onDisk(a)).runs).toHaveLength(1);
  });

  it('a stale lock left by a dead process is broken', () => {
    const root = freshRoot();
    // A pid far above any pid_max in use: no such process.
    writeFileSync(join(root, 'index.json.lock'), '999999999');
    updateResultsIndex(root, [fakeRun(root, 'r-seed1', 'bft', 1, null)]);
    expect(existsSync(join(root, 'index.json.lock'))).toBe(false);
    expect(readResultsIndex(root).runs).toHaveLength(1);
  });

  it('two processes updating at once lose no entry (the lock serialises read-modify-write)', async () => {
    const root = freshRoot();
    const entries = (tag: string) => Array.from({ length: 25 }, (_, i) => fakeRun(root, `${tag}-${String(i).padStart(2, '0')}`, 'bft', i, null));
    const script = join(root, 'writer.ts');
    const mod = new URL('./results-index.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { updateResultsIndex } from ${JSON.stringify(mod)};\n` +
        `const entries = JSON.parse(process.argv[2]);\n` +
        `for (const e of entries) updateResultsIndex(${JSON.stringify(root)}, [e]);\n`,
    );
    const run = (tag: string) =>
      new Promise<number>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(entries(tag))], { stdio: 'inherit' });
        p.on('exit', (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run('p'), run('q')])).toEqual([0, 0]);
    const ids = readResultsIndex(root).runs.map((r) => r.id);
    expect(ids).toHaveLength(50);
    expect(ids).toEqual([...ids].sort());
  }, 60_000);
});

describe('run and compare keep results/index.json', () => {
  it('`shardsim run` and `shardsim compare` writing under ./results add their runs (compare with its group); --out elsewhere does not', () => {
    const cwd = freshRoot();
    const repo = new URL('../../', import.meta.url).pathname;
    const tsx = join(repo, 'node_modules/tsx/dist/loader.mjs');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', tsx, join(repo, 'sim/cli/main.ts'), ...args], { cwd, encoding: 'utf8' });
    const scenario = join(repo, 'scenarios/bft-tiny.json');
    expect(cli('run', scenario, '--until', '2').status).toBe(0);
    expect(cli('run', scenario, '--until', '2', '--trace', 'none', '--out', join(cwd, 'elsewhere')).status).toBe(0);
    const c = cli('compare', scenario, '--protocols', 'bft', '--seeds', '3,4', '--until', '2', '--jobs', '1', '--out', 'results/cmp');
    expect(c.status, c.stderr).toBe(0);
    const index = ResultsIndexSchema.parse(JSON.parse(readFileSync(join(cwd, 'results/index.json'), 'utf8')));
    expect(index.runs).toEqual([
      {
        id: 'bft-tiny-seed7', dir: 'bft-tiny-seed7', scenario: 'bft-tiny', protocol: 'bft', seed: 7,
        trace: 'bft-tiny-seed7/trace.columnar.json.gz', summary: 'bft-tiny-seed7/summary.json', group: null,
      },
      {
        id: 'cmp/bft/seed-3', dir: 'cmp/bft/seed-3', scenario: 'bft-tiny', protocol: 'bft', seed: 3,
        trace: 'cmp/bft/seed-3/trace.columnar.json.gz', summary: 'cmp/bft/seed-3/summary.json', group: 'cmp',
      },
      {
        id: 'cmp/bft/seed-4', dir: 'cmp/bft/seed-4', scenario: 'bft-tiny', protocol: 'bft', seed: 4,
        trace: 'cmp/bft/seed-4/trace.columnar.json.gz', summary: 'cmp/bft/seed-4/summary.json', group: 'cmp',
      },
    ]);
    for (const r of index.runs) expect(existsSync(join(cwd, 'results', r.trace!))).toBe(true);
  }, 60_000);
});
