import type { CommandModule } from 'yargs';
import { loadScenario, scenarioHash } from '../scenario/load.js';

export const validateCommand: CommandModule<object, { scenario: string }> = {
  command: 'validate <scenario>',
  describe: 'Check a scenario file against the schema; exit 2 naming every bad field',
  builder: (y) => y.positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' }),
  handler: (argv) => {
    const s = loadScenario(argv.scenario);
    process.stdout.write(
      `${argv.scenario}: ok (${s.protocol.type}, ${s.nodes} nodes, ${s.shards} shard${s.shards > 1 ? 's' : ''}, ` +
        `${s.durationSeconds} s; scenarioHash ${scenarioHash(s)})\n`,
    );
  },
};
