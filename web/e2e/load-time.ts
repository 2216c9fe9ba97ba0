import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { TraceEvent, TraceHeader } from '../../sim/trace/schema.js';
import { encodeColumnar, gzip } from '../../sim/trace/write.js';
import { startDashboard } from '../serve.js';

/**
 * How long the dashboard takes to open a big trace, in real headless Chromium (a measurement, not a test):
 *
 *   npx vite build && npx tsx web/e2e/load-time.ts [EVENTS=1000000 | TRACE.gz] [REPEATS=5]
 *
 * It writes a trace of EVENTS events shaped like an IOS messages-level run (2,000 nodes, 4 shards:
 * membership, TransEpoch moves, blocks, cross-shard batches, metrics, and msg.send for the rest) with
 * sim/trace/write.ts, serves it, opens it REPEATS times and prints the time from request to first
 * drawn frame, as the dashboard reports it, with its phases. Given a trace file instead, it opens that.
 */
const GIVEN = process.argv[2]?.endsWith('.gz') ? process.argv[2] : null;
const EVENTS = GIVEN ? 0 : Number(process.argv[2] ?? 1_000_000);
const REPEATS = Number(process.argv[3] ?? 5);
const N = 2000;
const M = 4;
const S = 1_000_000;

function syntheticTrace(total: number): { header: TraceHeader; events: TraceEvent[] } {
  // mulberry32: small, deterministic, full-period.
  let seed = 12345;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const durationUs = 300 * S;
  const events: TraceEvent[] = [];
  const shardOf = Array.from({ length: N }, (_, v) => v % M);
  for (let v = 0; v < N; v++) events.push({ t: 0, type: 'shard.member', node: v, shard: shardOf[v]!, epoch: 0, role: v % 25 === 0 ? 'believable' : 'normal' });
  const other: TraceEvent[] = [];
  for (let b = 0; b < 300; b++) {
    other.push({ t: b * S, type: 'metrics.bucket', bucket: b, lengthUs: S, offered: 500, confirmed: 480, finalized: b % 6 === 0 ? 2400 : 0, aborted: 3, confirmP50Ms: 250, confirmP99Ms: 500, finalP50Ms: b % 6 === 0 ? 25000 : -1, finalP99Ms: -1 });
  }
  for (let e = 1; e <= 2; e++) {
    other.push({ t: (e * 120 - 50) * S, type: 'epoch.start', epoch: e, leader: 17 * e, view: 0 });
    for (let i = 0; i < 900; i++) {
      const v = Math.floor(rnd() * N);
      const batch = Math.floor(i / 36);
      const startUs = (e * 120 + 3 + batch * 3) * S;
      const to = (shardOf[v]! + 1 + Math.floor(rnd() * (M - 1))) % M;
      other.push({ t: startUs + 900_000, type: 'shard.move', node: v, fromShard: shardOf[v]!, toShard: to, epoch: e, batch, startUs, readyUs: startUs + 900_000 });
      shardOf[v] = to;
    }
  }
  for (let i = 0; i < 40_000; i++) {
    const t = Math.floor(rnd() * durationUs);
    other.push({ t, type: 'block.commit', node: Math.floor(rnd() * N), shard: i % M, height: i, view: 0, txCount: 5, level: i % 50 === 0 ? 'final' : 'confirm' });
    if (i % 8 === 0) other.push({ t, type: 'crossshard.batch', fromShard: i % M, toShard: (i + 1) % M, committed: 20, aborted: i % 3 });
  }
  const msgs = ['lottery', 'grouping', 'shares', 'prepare', 'commit', 'txs', 'stateRequest'];
  while (events.length + other.length < total) {
    const t = Math.floor(rnd() * durationUs);
    other.push({ t, type: 'msg.send', node: Math.floor(rnd() * N), to: Math.floor(rnd() * N), msg: msgs[Math.floor(rnd() * msgs.length)]!, sizeBytes: 200 + Math.floor(rnd() * 4000), arriveUs: t + 80_000 });
  }
  other.sort((a, b) => a.t - b.t);
  for (const ev of other) events.push(ev);
  events.length = total;
  const header: TraceHeader = {
    format: 'shardsim-trace',
    schemaVersion: 1,
    softwareVersion: '0.1.0',
    protocol: 'ios',
    scenarioName: `synthetic-${total}`,
    scenarioHash: 'ab'.repeat(32),
    seed: 1,
    level: 'messages',
    nodes: N,
    shards: M,
    durationUs,
    regions: ['NA', 'EU', 'SA', 'AP', 'JP', 'AU'],
    nodeRegion: Array.from({ length: N }, (_, v) => [0, 1, 1, 0, 3, 1, 4, 5, 2, 1][v % 10]!),
    eventCount: total,
  };
  return { header, events };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'shardsim-load-'));
  try {
    mkdirSync(join(tmp, 'big'), { recursive: true });
    if (GIVEN) {
      copyFileSync(GIVEN, join(tmp, 'big/trace.columnar.json.gz'));
      process.stdout.write(`trace: ${GIVEN}\n`);
    } else {
      const { header, events } = syntheticTrace(EVENTS);
      const text = encodeColumnar(header, events);
      const gz = gzip(text);
      writeFileSync(join(tmp, 'big/trace.columnar.json.gz'), gz);
      process.stdout.write(`trace: ${EVENTS.toLocaleString('en')} events, ${(text.length / 1e6).toFixed(1)} MB JSON, ${(gz.length / 1e6).toFixed(1)} MB gzipped\n`);
    }
    const run = { id: 'big', dir: 'big', scenario: 'big', protocol: 'ios', seed: 1, trace: 'big/trace.columnar.json.gz', summary: null, group: null };
    writeFileSync(join(tmp, 'index.json'), JSON.stringify({ format: 'shardsim-results-index', version: 1, runs: [run] }));
    const dash = await startDashboard({ resultsDir: tmp, port: 0, group: null });
    const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] || '/usr/bin/chromium', args: ['--no-sandbox'] });
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      // CPU time of the page's main thread, which does not grow when other processes share the cores.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      const cpu = async () => {
        const m = await cdp.send('Performance.getMetrics');
        return (m.metrics.find((x) => x.name === 'ThreadTime')?.value ?? NaN) * 1000;
      };
      const cpu0 = await cpu();
      await page.goto(`${dash.url}?run=big`);
      await page.waitForSelector('#load-status[data-load-ms]', { timeout: 120_000 });
      const cpuMs = (await cpu()) - cpu0;
      const ms = Number(await page.getAttribute('#load-status', 'data-load-ms'));
      times.push(ms);
      cpuTimes.push(cpuMs);
      process.stdout.write(`  open ${i + 1}: ${ms} ms wall, ${cpuMs.toFixed(0)} ms main-thread CPU (${await page.getAttribute('#load-status', 'data-phases')})\n`);
      await page.close();
    }
    times.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    const med = (xs: number[]) => xs[Math.floor(xs.length / 2)]!.toFixed(0);
    process.stdout.write(`wall: median ${med(times)} ms (min ${times[0]}, max ${times.at(-1)}); main-thread CPU: median ${med(cpuTimes)} ms; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores\n`);
    await browser.close();
    await dash.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
