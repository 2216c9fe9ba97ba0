#!/usr/bin/env -S node --max-semi-space-size=128
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { benchCommand } from './bench.js';
import { schemaCommand } from './schema.js';
import { analyzeCommand } from './analyze.js';
import { compareCommand } from './compare.js';
import { ScenarioError } from '../scenario/load.js';
import { installInterruptCleanup } from '../trace/atomic.js';

// The launcher line gives V8 128 MB semi-spaces (Node's default is 16 MB): paper-scale IOS runs allocate ~1 GB of
// short-lived objects per simulated minute, many living for seconds, and the larger young generation cut the
// hour's CPU to 0.94x at 64 MB and to 0.95x of that at 128 MB (bench.ts IOS_SCALE_SEMI_SPACE_MB). Small runs are unaffected: V8 grows the young
// generation only as needed. A --max-semi-space-size in NODE_OPTIONS is overridden by this line.

/** Exit codes: 0 success, 1 internal error, 2 bad input (scenario, flags), 130 interrupted. */
installInterruptCleanup();

function exitOn(err: unknown): never {
  // Bad input (ScenarioError, CompareInputError) carries exitCode 2 and a message naming the field or flag.
  if (err instanceof ScenarioError || (err instanceof Error && (err as { exitCode?: unknown }).exitCode === 2)) {
    process.stderr.write((err instanceof ScenarioError ? err.message : `shardsim: ${err.message}`) + '\n');
    process.exit(2);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`shardsim: internal error: ${e.stack ?? e.message}\n`);
  process.exit(1);
}

const cli = yargs(hideBin(process.argv))
  .scriptName('shardsim')
  .usage('$0 <command> [options]\n\nDeterministic simulator of the IOS (IOST) sharded blockchain design and its baselines.')
  .command(runCommand)
  .command(compareCommand)
  .command(validateCommand)
  .command(benchCommand)
  .command(schemaCommand)
  .command(analyzeCommand)
  .demandCommand(1, 'Name a command: run, compare, validate, analyze, bench or schema (see --help).')
  .recommendCommands()
  .strict()
  .help()
  .alias('h', 'help')
  .version(false)
  .wrap(Math.min(110, process.stdout.columns ?? 110))
  .fail((msg, err) => {
    // A `check` that returns a string fails with that string as `err`: a usage error, not an internal one.
    if (err && typeof err !== 'string') exitOn(err);
    process.stderr.write(`shardsim: ${msg}\nRun "shardsim --help" or "shardsim <command> --help".\n`);
    process.exit(2);
  });

try {
  await cli.parseAsync();
} catch (err) {
  exitOn(err);
}
