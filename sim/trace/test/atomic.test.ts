import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutputTransaction, tempPathFor, writeFileAtomic } from '../atomic.js';

const root = mkdtempSync(join(tmpdir(), 'shardsim-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function freshDir(name: string): string {
  return mkdtempSync(join(root, `${name}-`));
}

describe('writeFileAtomic', () => {
  it('writes the content, replaces an old file, and leaves no temp file', () => {
    const dir = freshDir('w');
    const path = join(dir, 'summary.json');
    writeFileAtomic(path, 'old\n');
    writeFileAtomic(path, new TextEncoder().encode('new\n'));
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['summary.json']);
    expect(tempPathFor(path)).toBe(`${path}.tmp-${process.pid}`);
  });

  it('a failed write (missing directory) leaves nothing behind and throws', () => {
    const path = join(root, 'no-such-dir', 'x.json');
    expect(() => writeFileAtomic(path, 'x')).toThrow();
    expect(existsSync(tempPathFor(path))).toBe(false);
  });
});

describe('OutputTransaction', () => {
  it('stages to temp names, and only commit makes the real files appear', () => {
    const dir = freshDir('c');
    const tx = new OutputTransaction();
    tx.stage(join(dir, 'metrics.csv'), 'a\n');
    tx.stage(join(dir, 'summary.json'), '{}\n');
    expect(readdirSync(dir).sort()).toEqual([`metrics.csv.tmp-${process.pid}`, `summary.json.tmp-${process.pid}`]);
    expect(tx.commit()).toEqual([join(dir, 'metrics.csv'), join(dir, 'summary.json')]);
    expect(readdirSync(dir).sort()).toEqual(['metrics.csv', 'summary.json']);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe('{}\n');
  });

  it('abort removes the temps and leaves existing files untouched', () => {
    const dir = freshDir('a');
    writeFileSync(join(dir, 'summary.json'), 'previous run\n');
    const tx = new OutputTransaction();
    tx.stage(join(dir, 'summary.json'), 'half of a new run');
    tx.stage(join(dir, 'trace.ndjson'), 'x');
    expect(tx.tempPaths).toHaveLength(2);
    tx.abort();
    tx.abort();
    expect(readdirSync(dir)).toEqual(['summary.json']);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe('previous run\n');
    expect(() => tx.commit()).toThrow(/already/);
  });

  it('refuses to stage one path twice', () => {
    const dir = freshDir('d');
    const tx = new OutputTransaction();
    tx.stage(join(dir, 'a'), '1');
    expect(() => tx.stage(join(dir, 'a'), '2')).toThrow(/twice/);
    tx.abort();
  });

  it('listens for SIGINT only while something is staged, so Ctrl-C stops a run that is still simulating', () => {
    const script = join(root, 'listen-child.ts');
    const atomicUrl = pathToFileURL(resolve('sim/trace/atomic.ts')).href;
    const dir = freshDir('l');
    writeFileSync(
      script,
      `import { OutputTransaction, installInterruptCleanup } from ${JSON.stringify(atomicUrl)};
installInterruptCleanup();
const counts = [process.listenerCount('SIGINT')];
const tx = new OutputTransaction();
tx.stage(${JSON.stringify(join(dir, 'summary.json'))}, '{}');
counts.push(process.listenerCount('SIGINT'));
tx.commit();
counts.push(process.listenerCount('SIGINT'));
process.stdout.write(JSON.stringify(counts) + '\\n');
// A synchronous "simulation": with no listener the signal ends the process at once.
setTimeout(() => process.kill(process.pid, 'SIGINT'), 10);
setTimeout(() => process.exit(0), 20000);
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30000 });
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!)).toEqual([0, 1, 0]);
    expect(r.signal).toBe('SIGINT');
  });

  it('SIGINT during a staged write removes the temps and exits 130', () => {
    const dir = freshDir('s');
    const script = join(root, 'interrupt-child.ts');
    const atomicUrl = pathToFileURL(resolve('sim/trace/atomic.ts')).href;
    writeFileSync(
      script,
      `import { OutputTransaction, installInterruptCleanup } from ${JSON.stringify(atomicUrl)};
installInterruptCleanup();
installInterruptCleanup();
const tx = new OutputTransaction();
tx.stage(${JSON.stringify(join(dir, 'summary.json'))}, '{}');
tx.stage(${JSON.stringify(join(dir, 'trace.ndjson'))}, 'x');
process.stdout.write('staged\\n');
setTimeout(() => process.exit(0), 20000);
process.kill(process.pid, 'SIGINT');
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30000 });
    expect(r.stdout).toContain('staged');
    expect(r.status).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  });
});
