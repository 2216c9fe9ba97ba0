import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseScenario } from '../../scenario/load.js';
import { WALL_CLOCK_KEYS } from '../../metrics/summary.js';
import { planCompare } from '../plan.js';
import { runCompare, type CompareResult } from '../compare.js';
import { SUMMARY_CSV_HEADER } from '../csv.js';

/**
 * A tiny comparison (4 protocols × 2 seeds, 15 simulated seconds, 24 nodes) run twice: serially in this
 * process and on two worker threads. The two directories must agree byte for byte except the wall-clock
 * keys, and the table and summary.csv must agree with the per-run files.
 */
export const TINY = {
  name: 'tiny',
  durationSeconds: 15,
  nodes: 24,
  shards: 2,
  protocol: { type: 'ios', epochSeconds: 10 },
  workload: { offeredTps: 40, doubleSpendFraction: 0.02 },
  compare: {
    protocols: ['ios', 'dpos', 'iost-mainnet', 'zilliqa'],
    seeds: [1, 2],
    protocolParams: {
      dpos: { producers: 7, blocksPerProducer: 2, finality: 'one-stage' },
      'iost-mainnet': { witnesses: 7, blocksPerSlot: 2 },
      // A 4 s PoW window and 3 TX epochs, so that 15 s hold a window, final blocks and the next window.
      zilliqa: {
        dsCommitteeSize: 8, shardSize: 8, shardSizeToleranceLo: 2, shardSizeToleranceHi: 1,
        finalBlocksPerDsEpoch: 3, powWindowSeconds: 4, txDistributeMs: 1000, txPacketDelayMs: 500,
      },
    },
  },
};

const PROTOCOLS = TINY.compare.protocols;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** JSON without the wall-clock keys, at any depth. */
function withoutWallClock(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWallClock);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k]) => !(WALL_CLOCK_KEYS as readonly string[]).includes(k))
        .map(([k, x]) => [k, withoutWallClock(x)]),
    );
  }
  return v;
}

interface CsvRow {
  protocol: string;
  shards: number;
  seed: string;
  metric: string;
  unit: string;
  stat: string;
  value: number | null;
}

function readCsv(path: string): CsvRow[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  expect(header).toBe(SUMMARY_CSV_HEADER);
  return lines.map((l) => {
    const [protocol, shards, seed, metric, unit, stat, value] = l.split(',');
    return { protocol: protocol!, shards: Number(shards), seed: seed!, metric: metric!, unit: unit!, stat: stat!, value: value === '' ? null : Number(value) };
  });
}

describe('shardsim compare', () => {
  const root = mkdtempSync(join(tmpdir(), 'shardsim-compare-'));
  const serialDir = join(root, 'serial');
  const parallelDir = join(root, 'parallel');
  let serial: CompareResult;
  let tick = 0;
  const fakeClockMs = () => (tick += 250);

  beforeAll(async () => {
    const plan = planCompare(parseScenario(TINY, 'tiny'), 'tiny');
    serial = await runCompare(plan, { dir: serialDir, jobs: 1, traceFormat: 'columnar', clockMs: fakeClockMs });
    await runCompare(plan, { dir: parallelDir, jobs: 2, traceFormat: 'columnar', clockMs: fakeClockMs });
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes every run directory and the compare files', () => {
    const list = files(serialDir);
    for (const p of PROTOCOLS) {
      for (const seed of [1, 2]) {
        for (const f of ['summary.json', 'metrics.csv', 'trace.columnar.json.gz', 'latency-cdf.csv', 'run-extras.json']) {
          expect(list).toContain(join(p, `seed-${seed}`, f));
        }
      }
    }
    for (const f of ['summary.csv', 'table.md', 'compare.json', 'figures/throughput-over-time.svg', 'figures/latency-cdf.svg']) expect(list).toContain(f);
    expect(list.some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('serial and worker-thread runs give the same bytes, wall-clock keys aside', () => {
    const a = files(serialDir);
    expect(files(parallelDir)).toEqual(a);
    for (const f of a) {
      const x = readFileSync(join(serialDir, f));
      const y = readFileSync(join(parallelDir, f));
      if (f.endsWith('summary.json') || f.endsWith('compare.json')) {
        expect(withoutWallClock(JSON.parse(y.toString())), f).toEqual(withoutWallClock(JSON.parse(x.toString())));
      } else {
        expect(y.equals(x), f).toBe(true);
      }
    }
  });

  it('the two seeds differ (the seed list is honoured) and every run is invariant-clean', () => {
    const h = (p: string, s: number) => JSON.parse(readFileSync(join(serialDir, p, `seed-${s}`, 'summary.json'), 'utf8'));
    for (const p of PROTOCOLS) {
      expect(h(p, 1).traceHash).not.toBe(h(p, 2).traceHash);
      expect(h(p, 1).seed).toBe(1);
      expect(h(p, 2).invariants.violations).toBe(0);
    }
    // Same network and workload under each protocol: the same transactions are offered.
    expect(h('dpos', 1).tx.offered).toBe(h('ios', 1).tx.offered);
    expect(h('iost-mainnet', 2).tx.offered).toBe(h('ios', 2).tx.offered);
  });

  it('summary.csv value rows equal the per-run summary.json and run-extras.json', () => {
    const rows = readCsv(join(serialDir, 'summary.csv'));
    const value = (p: string, seed: number, metric: string) =>
      rows.find((r) => r.protocol === p && r.seed === String(seed) && r.metric === metric && r.stat === 'value')?.value;
    let checked = 0;
    for (const p of PROTOCOLS) {
      for (const seed of [1, 2]) {
        const dir = join(serialDir, p, `seed-${seed}`);
        const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
        const x = JSON.parse(readFileSync(join(dir, 'run-extras.json'), 'utf8'));
        expect(value(p, seed, 'throughput_final_tps')).toBe(s.throughputTps);
        expect(value(p, seed, 'final_latency_p50_ms')).toBe(s.latencyMs.final?.p50 ?? null);
        expect(value(p, seed, 'confirm_latency_p99_ms')).toBe(s.latencyMs.confirm?.p99 ?? null);
        expect(value(p, seed, 'finality_lag_p50_blocks')).toBe(s.finalityLagBlocks?.p50 ?? null);
        expect(value(p, seed, 'cross_shard_committed')).toBe(s.crossShard?.committed ?? null);
        expect(value(p, seed, 'cross_shard_aborted')).toBe(s.crossShard?.aborted ?? null);
        expect(value(p, seed, 'gini_blocks')).toBe(s.decentralization?.gini ?? null);
        expect(value(p, seed, 'nakamoto_coefficient')).toBe(s.decentralization?.nakamoto ?? null);
        expect(value(p, seed, 'messages_per_node')).toBe(x.messagesPerNode);
        expect(value(p, seed, 'bytes_per_node')).toBe(x.bytesPerNode);
        expect(value(p, seed, 'idle_seconds_per_epoch')).toBe(x.idleSecondsPerEpoch);
        expect(x.idleSecondsPerEpoch).toBeCloseTo(s.idleSeconds / Math.max(1, x.epochs), 5);
        checked++;
      }
    }
    expect(checked).toBe(8);
    // Zilliqa's PoW window is idle by design: at least the 4 s window per DS epoch.
    expect(value('zilliqa', 1, 'idle_seconds_per_epoch')).toBeGreaterThanOrEqual(4);
    expect(value('zilliqa', 1, 'epochs')).toBeGreaterThanOrEqual(1);
    expect(value('ios', 1, 'idle_seconds_per_epoch')).toBe(0);
    // IOS is sharded, the chains are not.
    expect(value('ios', 1, 'cross_shard_committed')).toBeGreaterThan(0);
    expect(value('dpos', 1, 'cross_shard_committed')).toBeNull();
  });

  it('summary.csv aggregates are the mean and the t interval (t(0.975, 1) = 12.7062) of the value rows', () => {
    const rows = readCsv(join(serialDir, 'summary.csv'));
    const metrics = [...new Set(rows.map((r) => r.metric))];
    for (const p of PROTOCOLS) {
      for (const m of metrics) {
        const values = rows.filter((r) => r.protocol === p && r.metric === m && r.stat === 'value' && r.value !== null).map((r) => r.value!);
        const stat = (name: string) => rows.find((r) => r.protocol === p && r.metric === m && r.seed === '' && r.stat === name)!.value;
        expect(stat('n')).toBe(values.length);
        if (values.length < 2) continue;
        const mean = (values[0]! + values[1]!) / 2;
        const hw = (12.706204736 * Math.abs(values[0]! - values[1]!)) / Math.SQRT2 / Math.SQRT2;
        // summary.csv rounds to 6 decimals; t is given here to 1e-9 relative.
        const close = (got: number | null, want: number) => expect(Math.abs(got! - want)).toBeLessThanOrEqual(1e-6 + 1e-8 * Math.abs(want));
        close(stat('mean'), mean);
        close(stat('ci95_low'), mean - hw);
        close(stat('ci95_high'), mean + hw);
        expect(stat('ci95_low')!).toBeLessThanOrEqual(stat('mean')!);
      }
    }
  });

  it('the table shows the same mean and interval as summary.csv, in the table unit', () => {
    const rows = readCsv(join(serialDir, 'summary.csv'));
    const md = readFileSync(join(serialDir, 'table.md'), 'utf8').split('\n');
    const header = md.find((l) => l.startsWith('| metric'))!.split('|').map((c) => c.trim());
    const check = (label: string, metric: string, scale: number) => {
      const cells = md.find((l) => l.startsWith(`| ${label} |`))!.split('|').map((c) => c.trim());
      for (const p of PROTOCOLS) {
        const cell = cells[header.indexOf(p)]!;
        const stat = (name: string) => rows.find((r) => r.protocol === p && r.metric === metric && r.seed === '' && r.stat === name)!.value;
        if (stat('n') === 0) {
          expect(cell).toBe('–');
          continue;
        }
        const m = /^(-?[\d.]+) ± ([\d.]+)$/.exec(cell);
        expect(m, `${label} ${p}: "${cell}"`).not.toBeNull();
        const decimals = (m![1]!.split('.')[1] ?? '').length;
        const tol = 0.5 * 10 ** -decimals + 1e-9;
        expect(Math.abs(Number(m![1]) - stat('mean')! * scale)).toBeLessThanOrEqual(tol);
        expect(Math.abs(Number(m![2]) - (stat('ci95_high')! - stat('mean')!) * scale)).toBeLessThanOrEqual(tol);
      }
    };
    check('throughput, final (tx/s)', 'throughput_final_tps', 1);
    check('final latency p50 (s)', 'final_latency_p50_ms', 1e-3);
    check('bytes sent per node (MB)', 'bytes_per_node', 1e-6);
    expect(serial.report.text).toContain('throughput, final (tx/s)');
  });

  it('latency-cdf.csv is the quantile function of the run (nondecreasing, p50 as in summary.json)', () => {
    const dir = join(serialDir, 'ios', 'seed-1');
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const lines = readFileSync(join(dir, 'latency-cdf.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const final = lines.filter((l) => l.startsWith('final,')).map((l) => l.split(',').map(Number));
    expect(final.length).toBe(1001);
    for (let i = 1; i < final.length; i++) expect(final[i]![2]!).toBeGreaterThanOrEqual(final[i - 1]![2]!);
    expect(final[500]![1]).toBe(0.5);
    expect(final[500]![2]).toBe(s.latencyMs.final.p50);
    expect(final[990]![2]).toBe(s.latencyMs.final.p99);
  });
});

describe('shardsim compare: bad flags', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'shardsim-compare-bad-'));
  const scenario = join(tmp, 'tiny.json');
  writeFileSync(scenario, JSON.stringify(TINY));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli/main.ts', 'compare', scenario, '--out', join(tmp, 'out'), ...args], { encoding: 'utf8' });

  it.each([
    [['--protocols', 'ios,pbft'], /--protocols: unknown protocol "pbft"/],
    [['--seeds', '1,x'], /--seeds: expected/],
    [['--jobs', '0'], /--jobs: expected a positive integer/],
    [['--nodes-per-shard', '10'], /--nodes-per-shard: only with --shards/],
  ])('%j → exit 2 naming the flag, nothing written', (args, message) => {
    const r = cli(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(tmp, 'out'))).toBe(false);
  });
});
