import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dashboard reads traces only: from sim/ it may import the browser-safe trace modules and the bucket
 * reductions the summary uses (sim/metrics/series.ts), never the kernel, the protocols or the Node-only
 * trace writer (DESIGN §1).
 */
const WEB_SRC = resolve(import.meta.dirname);
const ROOT = resolve(WEB_SRC, '../..');
const BROWSER_SAFE_TRACE = new Set(['sim/trace/schema.ts', 'sim/trace/read.ts', 'sim/trace/validate.ts', 'sim/trace/columnar.ts', 'sim/trace/derive.ts']);
const BROWSER_SAFE = new Set([...BROWSER_SAFE_TRACE, 'sim/metrics/series.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every module a file imports (static and dynamic), as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

describe('dashboard import boundary', () => {
  it('web/src imports from sim/ only the browser-safe trace modules, and no Node module', () => {
    const files = sources(WEB_SRC);
    expect(files.length).toBeGreaterThan(5);
    const simImports = new Set<string>();
    for (const f of files) {
      for (const spec of importsOf(f)) {
        expect(spec.startsWith('node:'), `${relative(ROOT, f)} imports ${spec}`).toBe(false);
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(f, '..', spec)).replace(/\.js$/, '.ts');
        if (!target.startsWith('sim/')) continue;
        simImports.add(target);
        expect(BROWSER_SAFE.has(target), `${relative(ROOT, f)} imports ${target}`).toBe(true);
      }
    }
    expect(simImports.size).toBeGreaterThan(0);
  });

  it('the browser-safe modules themselves import nothing from Node, only each other (and zod)', () => {
    for (const m of BROWSER_SAFE) {
      const text = readFileSync(join(ROOT, m), 'utf8');
      for (const spec of [...text.matchAll(/from\s*'([^']+)'/g)].map((x) => x[1]!)) {
        if (spec === 'zod') continue;
        expect(spec.startsWith('.'), `${m} imports ${spec}`).toBe(true);
        const target = relative(ROOT, resolve(ROOT, m, '..', spec)).replace(/\.js$/, '.ts');
        expect(BROWSER_SAFE.has(target), `${m} imports ${spec}`).toBe(true);
      }
    }
  });
});
