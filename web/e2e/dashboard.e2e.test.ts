import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../serve.js';

/**
 * End to end in real headless Chromium (Debian's, driven by playwright-core): build the dashboard with
 * Vite, run a small IOS scenario with the CLI, serve both on 127.0.0.1, and check what a researcher sees.
 * Screenshots go to test-output/. No Chromium is a failure with a message, never a silent skip.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-output');
const FIXTURE = join(ROOT, 'web/e2e/fixtures/ios-e2e.json');

function chromiumPath(): string {
  const p = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
  if (!existsSync(p)) {
    throw new Error(`the dashboard e2e test needs Chromium at ${p}: install Debian's (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`);
  }
  return p;
}

interface Move {
  startUs: number;
  readyUs: number;
}

let tmp = '';
let dash: Dashboard;
let browser: Browser;
let page: Page;
let nodes = 0;
let moves: Move[] = [];
const consoleErrors: string[] = [];
const files: Record<string, string> = {};

beforeAll(async () => {
  const exe = chromiumPath();
  mkdirSync(OUT, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'shardsim-e2e-'));
  const results = join(tmp, 'results');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe' });
  // The CLI from source (tsx), so the test does not depend on a stale dist/.
  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'sim/cli/main.ts', 'run', FIXTURE, '--out', join(results, 'ios-e2e')], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const gz = readFileSync(join(results, 'ios-e2e/trace.columnar.json.gz'));
  const text = gunzipSync(gz).toString('utf8');
  const doc = JSON.parse(text) as { header: { nodes: number }; body: { columns: Record<string, Record<string, number[]>> } };
  nodes = doc.header.nodes;
  const mv = doc.body.columns['shard.move']!;
  moves = mv['startUs']!.map((s, i) => ({ startUs: s, readyUs: mv['readyUs']![i]! }));
  const entry = (id: string, group: string | null, protocol = 'ios') => ({
    id,
    dir: 'ios-e2e',
    scenario: 'ios-e2e',
    protocol,
    seed: 1,
    trace: 'ios-e2e/trace.columnar.json.gz',
    summary: 'ios-e2e/summary.json',
    group,
  });
  // The comparison group lists the one trace twice under two protocol names: a group opens one run per
  // protocol (web/src/load/results-index.ts onePerProtocol), as compare writes one per protocol and seed.
  writeFileSync(
    join(results, 'index.json'),
    JSON.stringify({ format: 'shardsim-results-index', version: 1, runs: [entry('ios-e2e', null), entry('ios-a', 'compare-e2e'), entry('ios-b', 'compare-e2e', 'ios-variant')] }),
  );
  // Damaged inputs, as a user might pick them.
  files['truncated'] = join(tmp, 'truncated.columnar.json.gz');
  writeFileSync(files['truncated'], gz.subarray(0, Math.floor(gz.length / 2)));
  files['version'] = join(tmp, 'future.columnar.json.gz');
  writeFileSync(files['version'], gzipSync(text.replace('"schemaVersion":1', '"schemaVersion":99')));
  files['notTrace'] = join(tmp, 'notes.json');
  writeFileSync(files['notTrace'], '{"hello": "world"}');
  files['html'] = join(tmp, 'html-role.columnar.json.gz');
  writeFileSync(files['html'], gzipSync(text.replaceAll('"believable"', '"<img src=x id=pwned onerror=\\"window.pwned=1\\">"')));

  dash = await startDashboard({ resultsDir: results, port: 0, group: null });
  browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const simUs = async () => Number(await page.getAttribute('#sim-time', 'data-us'));
const marks = () => page.locator('.run').first().locator('.shard-map path.node');

async function groupsOnScreen(): Promise<number[]> {
  return marks().evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-group'))));
}

/** Click the scrubber at simulated time tUs (the scale runs from x = 8 to width - 12). */
async function scrubTo(tUs: number): Promise<void> {
  const box = (await page.locator('#scrubber').boundingBox())!;
  const endS = Number(await page.getAttribute('#scrubber', 'aria-valuemax'));
  await page.mouse.click(box.x + 8 + ((box.width - 20) * tUs) / 1e6 / endS, box.y + box.height / 2);
}

async function openFile(path: string): Promise<void> {
  await page.locator('#file-input').setInputFiles(path);
}

describe('dashboard in headless Chromium', () => {
  it('opens a run from results/index.json and draws one mark per node, grouped by shard', async () => {
    await page.goto(`${dash.url}?run=ios-e2e`);
    await page.waitForSelector('#load-status[data-load-ms]');
    expect(await page.locator('.run').count()).toBe(1);
    expect(await marks().count()).toBe(nodes);
    expect(await page.locator('.shard-map .group-label').allTextContents()).toEqual(['shard 0', 'shard 1', 'shard 2', 'shard 3']);
    const groups = await groupsOnScreen();
    expect(new Set(groups)).toEqual(new Set([0, 1, 2, 3]));
    expect(await page.textContent('#sim-time')).toBe('t = 0.000 s');
    await page.screenshot({ path: join(OUT, 'dashboard-ios-start.png'), fullPage: true });
  });

  it('plays across the epoch change: nodes change shard on screen, travelling while they bootstrap', async () => {
    const firstStart = Math.min(...moves.map((m) => m.startUs));
    await scrubTo(firstStart - 1_500_000);
    const t0 = await simUs();
    expect(t0).toBeLessThan(firstStart);
    const before = await groupsOnScreen();
    await page.locator('#speed').selectOption('10');
    await page.locator('body').click({ position: { x: 5, y: 300 } }); // focus out of the select, keys go to the page
    await page.keyboard.press('Space');
    await page.waitForFunction((t) => Number(document.getElementById('sim-time')!.dataset['us']) > t, firstStart + 2_000_000);
    await page.keyboard.press('Space');
    const t1 = await simUs();
    const after = await groupsOnScreen();
    const changed = after.filter((g, v) => g !== before[v]).length;
    // A mover counts in its new shard from its batch start: exactly the moves started by now.
    expect(changed).toBe(moves.filter((m) => m.startUs <= t1).length);
    expect(changed).toBeGreaterThan(0);
    // Mid-way through a batch, its nodes are drawn travelling (bootstrapping).
    const m = moves.find((x) => x.startUs > t1 && x.readyUs - x.startUs > 400_000) ?? moves[0]!;
    await scrubTo((m.startUs + m.readyUs) / 2);
    const t2 = await simUs();
    const travelling = await marks().evaluateAll((els) => els.filter((e) => e.getAttribute('data-moving') === '1').length);
    expect(travelling).toBe(moves.filter((x) => x.startUs <= t2 && t2 < x.readyUs).length);
    expect(travelling).toBeGreaterThan(0);
    expect(await page.locator('.run-head .chip.transition').textContent()).toMatch(/TransEpoch 1/);
    await page.screenshot({ path: join(OUT, 'dashboard-ios-transepoch.png'), fullPage: true });
  });

  it('arrows and buttons jump between epoch changes; play and pause', async () => {
    await page.keyboard.press('Home');
    expect(await simUs()).toBe(0);
    await page.keyboard.press('ArrowRight');
    const first = await simUs();
    expect(first).toBeGreaterThan(0);
    await page.keyboard.press('ArrowRight');
    expect(await simUs()).toBeGreaterThan(first);
    await page.keyboard.press('ArrowLeft');
    expect(await simUs()).toBe(first);
    // The mouse too; after a click, space still toggles exactly once.
    await page.click('#next-mark');
    expect(await simUs()).toBeGreaterThan(first);
    await page.click('#play');
    const from = await simUs();
    await page.waitForFunction((t) => Number(document.getElementById('sim-time')!.dataset['us']) > t, from);
    await page.keyboard.press('Space');
    const stopped = await simUs();
    await page.waitForTimeout(300);
    expect(await simUs()).toBe(stopped);
    expect(await page.getAttribute('#play', 'data-playing')).toBe('0');
  });

  it('a truncated, a future-version and a non-trace file each say what is wrong; the open run stays whole', async () => {
    const cases: [string, RegExp][] = [
      [files['truncated']!, /truncated\.columnar\.json\.gz: .*(damaged or truncated gzip|truncated)/],
      [files['version']!, /future\.columnar\.json\.gz: Unsupported trace schemaVersion 99.*reads schemaVersion 1/],
      [files['notTrace']!, /notes\.json: The trace has no "header"/],
    ];
    for (const [file, message] of cases) {
      await openFile(file);
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.textContent('#error-text')).toMatch(message);
      expect(await page.locator('.run').count()).toBe(1);
      expect(await marks().count()).toBe(nodes);
      if (file === files['version']) await page.screenshot({ path: join(OUT, 'dashboard-error.png') });
      await page.click('#error-close');
    }
  });

  it('strings from the trace are shown as text, never parsed as HTML', async () => {
    await openFile(files['html']!);
    await page.waitForFunction(() => document.querySelector('.run-head .sub')?.textContent?.includes('html-role.columnar.json.gz'));
    await page.check('input[name="colour"][value="league"]');
    const legend = await page.locator('.shard-map .legend').textContent();
    expect(legend).toContain('<img src=x id=pwned');
    expect(await page.locator('#pwned').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.check('input[name="colour"][value="region"]');
  });

  it('compares two runs side by side on one clock', async () => {
    await page.locator('#run-select').selectOption('group:compare-e2e');
    await page.waitForFunction(() => document.querySelectorAll('.run').length === 2);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    const cols = page.locator('.run');
    for (let i = 0; i < 2; i++) expect(await cols.nth(i).locator('.shard-map path.node').count()).toBe(nodes);
    const cursors = await page.locator('.run .chart .cursor').evaluateAll((els) => els.map((e) => e.getAttribute('x1')));
    expect(new Set(cursors).size).toBe(1);
    expect(page.url()).toContain('group=compare-e2e');
    await page.screenshot({ path: join(OUT, 'dashboard-compare.png'), fullPage: true });
  });

  it('logged no console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
