import { spawnSync } from 'node:child_process';
import type { CommandModule } from 'yargs';
import { IOS_SCALE_SIZES, TARGET_WALL_PER_SIM_SECOND, runIosScale, type IosScaleResult } from '../bench/ios-scale.js';
import { holdBareHeap, holdKernel, type HoldResult } from '../bench/hold.js';
import { PAPER_SCALE, benchWorkload } from '../bench/workload.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../run/runner.js';

/**
 * The old-space limit the --ios-scale children run with by default. The paper-scale hour holds ~0.6 GB of
 * live JS heap at its end (sampled at 1,800 s: 0.4 GB) plus ~0.35 GB of typed arrays; under Node's default
 * limit V8 lets collectable garbage pile up to a 2.3 GB peak RSS, with this one the peak is ~1.4–1.9 GB
 * (README "IOS at paper scale").
 */
const IOS_SCALE_HEAP_MB = 1400;

/**
 * The young generation's semi-space limit the --ios-scale children run with by default (--max-semi-space-size,
 * MB). The IOS model allocates short-lived objects at ~1 GB per simulated minute at paper scale, and many live
 * for seconds (a lock request's pieces, messages in flight): with V8's 16 MB semi-spaces they are copied by
 * ~1,200 scavenges per half hour. 64 MB took the hour's wall time to 0.95x and its CPU to 0.94x side by side
 * (stop 12); 128 MB took its CPU to 0.95x again (stop 18: both runs at once, each pinned to its own core), for
 * a peak RSS of ~1.75 GB instead of ~1.6 GB. 192 MB gained 2% more and went past 2 GB (README "IOS at paper
 * scale"). The CLI's launcher sets the same (main.ts).
 */
const IOS_SCALE_SEMI_SPACE_MB = 128;

interface BenchArgs {
  events: number;
  pending: number;
  repeats: number;
  scenarios: string[];
  json: boolean;
  workload: boolean;
  workloadSeconds: number;
  iosScale: boolean;
  iosScaleSeconds: number;
  iosScaleSizes: number[];
  iosScaleBatchMs: number | undefined;
  iosScaleHeapMb: number;
  iosScaleSemiSpaceMb: number;
  iosScaleChild: number | undefined;
}

const clock = () => performance.now();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Benchmarks as ratios against a reference run in the same process (the machines are noisy): the kernel
 * against a bare typed-array heap doing the same hold-model work, alternated and repeated, medians reported.
 */
export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'Kernel vs bare heap on the hold model, and events/s of reference scenarios',
  builder: (y) =>
    y
      .option('events', { type: 'number', default: 10_000_000, describe: 'hold-model events per repeat' })
      .option('pending', { type: 'number', default: 1000, describe: 'events kept pending' })
      .option('repeats', { type: 'number', default: 3, describe: 'alternating repeats; medians are reported' })
      .option('scenarios', { type: 'array', string: true, default: ['scenarios/bft-single.json'], describe: 'scenario files to time' })
      .option('json', { type: 'boolean', default: false, describe: 'print results as JSON' })
      .option('workload', {
        type: 'boolean',
        default: false,
        describe: 'only the workload + metrics benchmark: 100,000 tx/s over 16 shards in 100 ms batches (IOS paper scale)',
      })
      .option('workload-seconds', { type: 'number', default: PAPER_SCALE.seconds, describe: 'simulated seconds for --workload' })
      .option('ios-scale', {
        type: 'boolean',
        default: false,
        describe: 'only the IOS growth benchmark: 2,500/5,000/10,000 nodes, 625 nodes and 6,250 tx/s per shard, one process per size',
      })
      .option('ios-scale-seconds', { type: 'number', default: 20, describe: 'simulated seconds per size for --ios-scale' })
      .option('ios-scale-sizes', { type: 'array', number: true, default: [...IOS_SCALE_SIZES], describe: 'node counts for --ios-scale (multiples of 625)' })
      .option('ios-scale-batch-ms', { type: 'number', describe: 'client batch interval for --ios-scale (default: the schema default)' })
      .option('ios-scale-heap-mb', {
        type: 'number',
        default: IOS_SCALE_HEAP_MB,
        describe: "V8 old-space limit for each --ios-scale child (--max-old-space-size), MB; 0: Node's default",
      })
      .option('ios-scale-semi-space-mb', {
        type: 'number',
        default: IOS_SCALE_SEMI_SPACE_MB,
        describe: "V8 young-generation semi-space limit for each --ios-scale child (--max-semi-space-size), MB; 0: Node's default",
      })
      .option('ios-scale-child', { type: 'number', hidden: true, describe: 'internal: run one --ios-scale size and print JSON' })
      // A string (not a throw) makes yargs report a usage error: exit 2 without a stack.
      .check((a) => {
        const bad = (a['ios-scale-sizes'] as number[]).find((n) => !Number.isInteger(n) || n < 625 || n % 625 !== 0);
        if (bad !== undefined) return `--ios-scale-sizes: expected multiples of 625, got ${bad}`;
        if (!((a['ios-scale-seconds'] as number) > 0)) return '--ios-scale-seconds: expected a positive number of seconds';
        const ms = a['ios-scale-batch-ms'] as number | undefined;
        if (ms !== undefined && !(ms > 0)) return '--ios-scale-batch-ms: expected a positive number of milliseconds';
        const heap = a['ios-scale-heap-mb'] as number;
        if (!Number.isInteger(heap) || heap < 0) return `--ios-scale-heap-mb: expected a whole number of MB (0: Node's default), got ${heap}`;
        const semi = a['ios-scale-semi-space-mb'] as number;
        if (!Number.isInteger(semi) || semi < 0) return `--ios-scale-semi-space-mb: expected a whole number of MB (0: Node's default), got ${semi}`;
        return true;
      }) as never,
  handler: (argv) => {
    if (argv.iosScaleChild !== undefined) return iosScaleChild(argv.iosScaleChild, argv.iosScaleSeconds, argv.iosScaleBatchMs);
    if (argv.iosScale) return iosScaleBench(argv.iosScaleSizes, argv.iosScaleSeconds, argv.iosScaleBatchMs, argv.iosScaleHeapMb, argv.iosScaleSemiSpaceMb, argv.json);
    if (argv.workload) return workloadBench(argv.workloadSeconds, argv.json);
    const out: Record<string, unknown> = {};
    // Warm-up so both sides run optimised code.
    holdBareHeap(argv.pending, 200_000, 1, clock);
    holdKernel(argv.pending, 200_000, 1, clock);
    const bare: HoldResult[] = [];
    const kern: HoldResult[] = [];
    for (let r = 0; r < argv.repeats; r++) {
      bare.push(holdBareHeap(argv.pending, argv.events, 7 + r, clock));
      kern.push(holdKernel(argv.pending, argv.events, 7 + r, clock));
      if (bare[r]!.checksum !== kern[r]!.checksum) throw new Error('hold benchmark: kernel and bare heap did different work');
    }
    const bareRate = median(bare.map((b) => b.eventsPerSecond));
    const kernRate = median(kern.map((k) => k.eventsPerSecond));
    const ratios = bare.map((b, i) => kern[i]!.eventsPerSecond / b.eventsPerSecond);
    out.hold = { events: argv.events, pending: argv.pending, bareHeapEventsPerSecond: bareRate, kernelEventsPerSecond: kernRate, ratio: median(ratios), target: 0.5 };
    if (!argv.json) {
      process.stdout.write(
        `hold model (${argv.pending} pending, ${argv.events.toLocaleString('en')} events, median of ${argv.repeats}):\n` +
          `  bare typed-array heap  ${(bareRate / 1e6).toFixed(2)} M events/s\n` +
          `  shardsim kernel        ${(kernRate / 1e6).toFixed(2)} M events/s\n` +
          `  ratio kernel/bare      ${median(ratios).toFixed(2)}  (target ≥ 0.50)\n`,
      );
    }
    const scen: Record<string, unknown>[] = [];
    for (const file of argv.scenarios) {
      const s = loadScenario(file);
      const t0 = clock();
      const run = runScenario(s);
      const seconds = (clock() - t0) / 1000;
      const eps = run.kernel.executed / seconds;
      const mem = process.memoryUsage().rss;
      scen.push({ scenario: file, events: run.kernel.executed, wallSeconds: seconds, eventsPerSecond: eps, eventsPerSecondVsBareHeap: eps / bareRate, rssBytes: mem });
      if (!argv.json) {
        process.stdout.write(
          `${file}: ${run.kernel.executed.toLocaleString('en')} events in ${seconds.toFixed(2)} s wall = ` +
            `${(eps / 1e6).toFixed(2)} M events/s (${(eps / bareRate).toFixed(3)} of the bare heap), RSS ${(mem / 2 ** 20).toFixed(0)} MiB\n`,
        );
      }
    }
    out.scenarios = scen;
    if (argv.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  },
};

/** The paper-scale workload benchmark (sim/bench/workload.ts); targets: a few seconds, < 500 MB. */
function workloadBench(seconds: number, json: boolean): void {
  const r = benchWorkload({ ...PAPER_SCALE, seconds }, clock, () => process.memoryUsage().rss);
  if (json) {
    process.stdout.write(JSON.stringify({ workload: { ...PAPER_SCALE, seconds, ...r } }, null, 2) + '\n');
    return;
  }
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  process.stdout.write(
    `workload + metrics: ${PAPER_SCALE.tps.toLocaleString('en')} tx/s, ${PAPER_SCALE.shards} shards, ${PAPER_SCALE.intervalMs} ms batches, ${seconds} s simulated\n` +
      `  transactions     ${r.transactions.toLocaleString('en')} in ${r.segments.toLocaleString('en')} segments (cross-shard ${(100 * r.crossFraction).toFixed(2)}%)\n` +
      `  committed        ${r.confirmed.toLocaleString('en')} confirmed, ${r.finalized.toLocaleString('en')} final, ${r.violations} violations\n` +
      `  final latency    p50 ${r.finalP50Ms.toFixed(1)} ms  p99 ${r.finalP99Ms.toFixed(1)} ms\n` +
      `  wall             ${r.wallSeconds.toFixed(2)} s (${(r.transactionsPerWallSecond / 1e6).toFixed(1)} M tx/s)  (target: a few seconds)\n` +
      `  memory           peak RSS ${mib(r.peakMemoryBytes)} MiB, TxBook ${mib(r.bookBytes)} MiB  (target < 500 MiB)\n`,
  );
}

/** One size of the IOS growth benchmark, in this process (the parent spawned it); prints one JSON line. */
function iosScaleChild(nodes: number, seconds: number, batchIntervalMs: number | undefined): void {
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const r = runIosScale({ nodes, seconds, ...(batchIntervalMs !== undefined ? { batchIntervalMs } : {}) }, clock, () => process.resourceUsage().maxRSS * 1024, cpuMs);
  process.stdout.write(JSON.stringify(r) + '\n');
}

/**
 * The IOS growth benchmark (sim/bench/ios-scale.ts): each size in a child process of its own, so that its
 * peak RSS (process.resourceUsage().maxRSS) is its own; sizes run one after the other. A child gets
 * `--max-old-space-size=heapMb` unless heapMb is 0 (or the parent was started with its own limit), and the same
 * for `--max-semi-space-size=semiMb`.
 */
function iosScaleBench(sizes: number[], seconds: number, batchIntervalMs: number | undefined, heapMb: number, semiMb: number, json: boolean): void {
  const results: IosScaleResult[] = [];
  if (!json) {
    process.stdout.write(
      `IOS growth: 625 nodes and 6,250 offered tx/s per shard, ${seconds} simulated s per size, one process each\n` +
        `target (ios-paper-scale): 10,000 nodes, 3,600 s in <= 60 s wall = ${TARGET_WALL_PER_SIM_SECOND.toFixed(4)} s wall per simulated s, <= 2 GB\n` +
        `V8 old-space limit per process: ${heapMb > 0 ? `${heapMb} MB (--ios-scale-heap-mb)` : "Node's default"}, ` +
        `semi-space limit: ${semiMb > 0 ? `${semiMb} MB (--ios-scale-semi-space-mb)` : "Node's default"}\n` +
        `${'nodes'.padStart(6)} ${'shards'.padStart(6)} ${'tx/s'.padStart(7)} ${'wall s'.padStart(8)} ${'cpu s'.padStart(7)} ${'events'.padStart(11)} ${'events/s'.padStart(9)} ` +
        `${'ev/sim-s/shard'.padStart(14)} ${'wall/sim-s'.padStart(10)} ${'x target'.padStart(8)} ${'final tx'.padStart(10)} ${'peak RSS'.padStart(9)}\n`,
    );
  }
  for (const nodes of sizes) {
    const args = [process.argv[1]!, 'bench', '--ios-scale-child', String(nodes), '--ios-scale-seconds', String(seconds)];
    if (batchIntervalMs !== undefined) args.push('--ios-scale-batch-ms', String(batchIntervalMs));
    const parentFlags = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
    const own = (flag: string) => parentFlags.some((a) => a.startsWith(flag));
    const heapArgs = heapMb > 0 && !own('--max-old-space-size') ? [`--max-old-space-size=${heapMb}`] : [];
    if (semiMb > 0 && !own('--max-semi-space-size')) heapArgs.push(`--max-semi-space-size=${semiMb}`);
    const child = spawnSync(process.execPath, [...process.execArgv, ...heapArgs, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`ios-scale: the run at ${nodes} nodes failed (exit ${child.status ?? child.signal})`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as IosScaleResult;
    results.push(r);
    if (!json) {
      process.stdout.write(
        `${String(r.nodes).padStart(6)} ${String(r.shards).padStart(6)} ${r.offeredTps.toLocaleString('en').padStart(7)} ${r.wallSeconds.toFixed(1).padStart(8)} ${r.cpuSeconds.toFixed(1).padStart(7)} ` +
          `${r.events.toLocaleString('en').padStart(11)} ${Math.round(r.eventsPerSecond).toLocaleString('en').padStart(9)} ` +
          `${Math.round(r.eventsPerSimSecondPerShard).toLocaleString('en').padStart(14)} ${r.wallPerSimSecond.toFixed(3).padStart(10)} ` +
          `${r.slowerThanTarget.toFixed(0).padStart(8)} ${r.finalTx.toLocaleString('en').padStart(10)} ${`${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`.padStart(9)}\n`,
      );
    }
  }
  if (json) process.stdout.write(JSON.stringify({ iosScale: { seconds, batchIntervalMs: batchIntervalMs ?? null, results } }, null, 2) + '\n');
}
