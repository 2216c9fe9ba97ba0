import type { CommandModule } from 'yargs';
import { basename, join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../run/runner.js';
import { summarize, writeResults, type TraceFormat } from '../run/output.js';
import { progressBar, wallNow, wallSecondsSince } from './progress.js';
import { indexEntry, updateResultsIndex } from '../run/results-index.js';
import { UsageError } from './usage-error.js';

interface RunArgs {
  scenario: string;
  seed?: number;
  out?: string;
  trace: TraceFormat;
  'trace-level'?: 'summary' | 'messages';
  until?: number;
  json: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'Run a scenario; write summary.json, metrics.csv and the trace to results/',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' })
      .option('seed', { type: 'number', describe: 'random seed (overrides the scenario\'s "seed")' })
      .option('out', { type: 'string', describe: 'output directory (default results/<name>-seed<seed>)' })
      .option('trace', {
        choices: ['columnar', 'ndjson', 'none'] as const,
        default: 'columnar' as const,
        describe: 'trace format: gzipped columnar JSON, NDJSON for jq, or none',
      })
      .option('trace-level', { choices: ['summary', 'messages'] as const, describe: 'override output.traceLevel' })
      .option('until', { type: 'number', describe: 'stop after this many simulated seconds' })
      .option('json', { type: 'boolean', default: false, describe: 'print the whole summary.json to stdout' })
      .check((a) => {
        if (a.seed !== undefined && !(Number.isInteger(a.seed) && a.seed >= 0)) throw new UsageError('--seed: expected a non-negative integer');
        if (a.until !== undefined && !(a.until > 0)) throw new UsageError('--until: expected a positive number of seconds');
        return true;
      }) as never,
  handler: (argv) => {
    const scenario = loadScenario(argv.scenario);
    const seed = argv.seed ?? scenario.seed;
    const dir = argv.out ?? join('results', `${scenario.name}-seed${seed}`);
    const bar = progressBar(basename(argv.scenario));
    const t0 = wallNow();
    const run = runScenario(scenario, {
      seed,
      ...(argv.until !== undefined ? { untilSeconds: argv.until } : {}),
      ...(argv['trace-level'] ? { traceLevel: argv['trace-level'] } : {}),
      onProgress: (p) => bar.update(p.simUs, p.endUs, p.events),
    });
    bar.done();
    const summary = summarize(run, wallSecondsSince(t0));
    const files = writeResults(run, summary, dir, argv.trace);
    // The dashboard lists runs under results/ from results/index.json; runs written elsewhere are not listed.
    const entry = indexEntry('results', { dir, scenario: summary.scenario, protocol: summary.protocol, seed, files, group: null });
    if (entry) updateResultsIndex('results', [entry]);
    if (argv.json) {
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      return;
    }
    const l = summary.latencyMs;
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(1));
    process.stdout.write(
      [
        `${summary.protocol} on ${summary.scenario} (seed ${summary.seed}): ${summary.nodes} nodes, ${summary.shards} shard(s), ${summary.simulatedSeconds} s simulated`,
        `  throughput      ${summary.throughputTps.toFixed(1)} tx/s final (offered ${summary.tx.offered}, committed ${summary.tx.committed}, aborted ${summary.tx.aborted}, pending ${summary.tx.pending})`,
        `  confirm latency p50 ${fmt(l.confirm?.p50)} ms  p90 ${fmt(l.confirm?.p90)} ms  p99 ${fmt(l.confirm?.p99)} ms`,
        `  final latency   p50 ${fmt(l.final?.p50)} ms  p90 ${fmt(l.final?.p90)} ms  p99 ${fmt(l.final?.p99)} ms`,
        `  events          ${summary.events} in ${summary.wallSeconds.toFixed(2)} s wall (${(summary.eventsPerSecond / 1e6).toFixed(2)} M events/s)`,
        `  traceHash       ${summary.traceHash}`,
        ...files.map((f) => `  wrote           ${f}`),
      ].join('\n') + '\n',
    );
  },
};
