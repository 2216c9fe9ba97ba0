import type { CommandModule } from 'yargs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { PROTOCOL_TYPES } from '../scenario/schema.js';
import { defaultCompareDir, planCompare } from '../compare/plan.js';
import { runCompare } from '../compare/compare.js';
import type { TraceFormat } from '../run/output.js';
import { indexEntry, insideResults, updateResultsIndex, type ResultsIndexEntry } from '../run/results-index.js';
import { wallNow } from './progress.js';
import { UsageError } from './usage-error.js';

interface CompareArgs {
  scenario: string;
  protocols?: string;
  seeds?: string;
  out?: string;
  jobs?: number;
  trace: TraceFormat;
  until?: number;
  shards?: string;
  'nodes-per-shard'?: number;
  json: boolean;
}

/** "a,b,c" → trimmed non-empty items. */
function list(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** "--seeds 5" means seeds 1..5; "--seeds 3,7,11" names them. */
export function parseSeeds(s: string): number[] {
  const items = list(s);
  const ints = items.map(Number);
  if (items.length === 0 || ints.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new UsageError(`--seeds: expected a count (e.g. 5 for seeds 1-5) or a comma-separated list of non-negative integers, got "${s}"`);
  }
  if (items.length === 1) {
    if (ints[0]! < 1) throw new UsageError(`--seeds: a count must be at least 1, got "${s}"`);
    return Array.from({ length: ints[0]! }, (_, i) => i + 1);
  }
  return ints;
}

function parseShards(s: string): number[] {
  const ints = list(s).map(Number);
  if (ints.length === 0 || ints.some((v) => !Number.isSafeInteger(v) || v < 1)) {
    throw new UsageError(`--shards: expected a comma-separated list of positive integers (e.g. 1,2,4,8,16), got "${s}"`);
  }
  return ints;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <scenario>',
  describe: 'Run one scenario under several protocols and seeds; write a table, summary.csv and figures',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file (its "compare" block sets the defaults below)' })
      .option('protocols', { type: 'string', describe: `comma-separated protocols, from: ${PROTOCOL_TYPES.join(', ')}` })
      .option('seeds', { type: 'string', describe: 'a count N (seeds 1..N) or a comma-separated list of seeds (default compare.seeds, else 1,2,3)' })
      .option('out', { type: 'string', describe: 'output directory (default results/compare-<name>)' })
      .option('jobs', { type: 'number', describe: 'runs in parallel on worker threads (default: available cores); results are identical for any value' })
      .option('trace', {
        choices: ['columnar', 'ndjson', 'none'] as const,
        default: 'columnar' as const,
        describe: 'trace format of each run',
      })
      .option('until', { type: 'number', describe: 'stop every run after this many simulated seconds' })
      .option('shards', { type: 'string', describe: 'scaling sweep: comma-separated shard counts (overrides compare.scaling.shards)' })
      .option('nodes-per-shard', { type: 'number', describe: 'scaling sweep: fixed shard size (overrides compare.scaling.nodesPerShard)' })
      .option('json', { type: 'boolean', default: false, describe: 'print compare.json (plan, run hashes, every aggregate) instead of the table' })
      .check((a) => {
        if (a.protocols !== undefined) {
          const ps = list(a.protocols);
          if (ps.length === 0) throw new UsageError('--protocols: expected a comma-separated list of protocols');
          const bad = ps.find((p) => !PROTOCOL_TYPES.includes(p));
          if (bad !== undefined) throw new UsageError(`--protocols: unknown protocol "${bad}"; known: ${PROTOCOL_TYPES.join(', ')}`);
        }
        if (a.seeds !== undefined) parseSeeds(a.seeds);
        if (a.shards !== undefined) parseShards(a.shards);
        if (a.jobs !== undefined && !(Number.isInteger(a.jobs) && a.jobs >= 1)) throw new UsageError('--jobs: expected a positive integer');
        if (a.until !== undefined && !(a.until > 0)) throw new UsageError('--until: expected a positive number of seconds');
        const nps = a['nodes-per-shard'];
        if (nps !== undefined && !(Number.isInteger(nps) && nps >= 1)) throw new UsageError('--nodes-per-shard: expected a positive integer');
        return true;
      }) as never,
  handler: async (argv) => {
    const scenario = loadScenario(argv.scenario);
    const plan = planCompare(scenario, argv.scenario, {
      ...(argv.protocols !== undefined ? { protocols: list(argv.protocols) } : {}),
      ...(argv.seeds !== undefined ? { seeds: parseSeeds(argv.seeds) } : {}),
      ...(argv.shards !== undefined ? { shards: parseShards(argv.shards) } : {}),
      ...(argv['nodes-per-shard'] !== undefined ? { nodesPerShard: argv['nodes-per-shard'] } : {}),
    });
    const dir = argv.out ?? defaultCompareDir(scenario.name);
    const jobs = argv.jobs ?? availableParallelism();
    const t0 = wallNow();
    const result = await runCompare(plan, {
      dir,
      jobs,
      traceFormat: argv.trace,
      ...(argv.until !== undefined ? { untilSeconds: argv.until } : {}),
      clockMs: wallNow,
      onDone: (r, done, total) =>
        process.stderr.write(
          `[${done}/${total}] ${r.relDir}: ${r.summary.throughputTps.toFixed(1)} tx/s final, ` +
            `${r.summary.events.toLocaleString('en')} events in ${r.summary.wallSeconds.toFixed(2)} s wall\n`,
        ),
    });
    const wall = (wallNow() - t0) / 1000;
    updateIndex(dir, result.records.map((r) => ({ relDir: r.relDir, protocol: r.protocol, seed: r.seed, scenario: r.summary.scenario, files: r.files })));
    if (argv.json) {
      process.stdout.write(result.report.files['compare.json']!);
      return;
    }
    const perf = result.report.performance
      .map((p) => `  ${p.protocol.padEnd(14)} ${p.runs} runs, ${p.events.toLocaleString('en')} events in ${p.wallSeconds.toFixed(1)} s wall = ${(p.eventsPerSecond / 1e6).toFixed(3)} M events/s`)
      .join('\n');
    process.stdout.write(
      `${result.report.text}\n` +
        `speed (${plan.runs.length} runs on ${Math.min(jobs, plan.runs.length)} worker${jobs === 1 ? '' : 's'}, ${wall.toFixed(1)} s wall in all):\n${perf}\n` +
        `wrote ${plan.runs.length} run directories under ${dir}/ and\n` +
        result.files.map((f) => `  ${f}`).join('\n') +
        '\n',
    );
  },
};

/** Record the runs in results/index.json when the compare directory is under results/ (group = that directory). */
function updateIndex(dir: string, runs: readonly { relDir: string; protocol: string; seed: number; scenario: string; files: readonly string[] }[]): void {
  const root = 'results';
  const group = insideResults(root, dir);
  if (group === null) return;
  const entries = runs
    .map((r) =>
      indexEntry(root, {
        dir: join(dir, r.relDir),
        scenario: r.scenario,
        protocol: r.protocol,
        seed: r.seed,
        files: r.files.map((f) => join(dir, f)),
        group,
      }),
    )
    .filter((e): e is ResultsIndexEntry => e !== null);
  updateResultsIndex(root, entries, { replaceGroup: group });
}
