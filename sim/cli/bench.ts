import type { CommandModule } from 'yargs';
import { holdBareHeap, holdKernel, type HoldResult } from '../bench/hold.js';
import { PAPER_SCALE, benchWorkload } from '../bench/workload.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../run/runner.js';

interface BenchArgs {
  events: number;
  pending: number;
  repeats: number;
  scenarios: string[];
  json: boolean;
  workload: boolean;
  workloadSeconds: number;
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
      .option('workload-seconds', { type: 'number', default: PAPER_SCALE.seconds, describe: 'simulated seconds for --workload' }) as never,
  handler: (argv) => {
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
