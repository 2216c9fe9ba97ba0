/**
 * The README's dashboard screenshots, made again from the current code (not a test):
 *   npm run build && npx vite build && npx tsx web/e2e/doc-shots.mts
 * docs/dashboard-compare.png          ios-default and zilliqa-default (seed 1, 300 s) side by side at t = 215 s
 * docs/dashboard-compare-default.png  what `npm start` opens: compare-default, seed 1 of each protocol, t = 0
 * Runs the CLI from dist/ into a temporary results directory and drives Debian's Chromium (CHROMIUM_PATH).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startDashboard } from '../serve.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/sim/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'shardsim-shots-'));
const results = join(tmp, 'results');

// From the temporary directory, so that the CLI keeps that results/index.json (it does for runs under ./results).
const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { cwd: tmp, stdio: 'pipe' });
const scenario = (name: string) => join(ROOT, 'scenarios', `${name}.json`);
for (const name of ['ios-default', 'zilliqa-default']) cli('run', scenario(name), '--until', '300', '--out', `results/${name}`);
cli('compare', scenario('compare-default'), '--out', 'results/compare-default');

// The two single runs become one comparison group of their own.
const indexFile = join(results, 'index.json');
const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { runs: { id: string; group: string | null }[] };
for (const r of index.runs) if (r.id === 'ios-default' || r.id === 'zilliqa-default') r.group = 'ios-vs-zilliqa';
writeFileSync(indexFile, JSON.stringify(index));

const dash = await startDashboard({ resultsDir: results, port: 0, group: null });
const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const open = async (group: string, runs: number, width: number, height: number): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`${dash.url}?group=${group}`);
    await page.waitForFunction((n) => document.querySelectorAll('.run .shard-map').length === n, runs, { timeout: 120_000 });
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Home');
    return page;
  };
  const pair = await open('ios-vs-zilliqa', 2, 1800, 1000);
  for (let s = 0; s < 215; s++) await pair.keyboard.press('Shift+ArrowRight');
  await pair.waitForFunction(() => document.querySelector('#sim-time')?.getAttribute('data-us') === '215000000');
  await pair.screenshot({ path: join(ROOT, 'docs/dashboard-compare.png'), fullPage: true });
  const four = await open('compare-default', 4, 1600, 1000);
  await four.screenshot({ path: join(ROOT, 'docs/dashboard-compare-default.png'), fullPage: true });
} finally {
  await browser.close();
  await dash.close();
  rmSync(tmp, { recursive: true, force: true });
}
