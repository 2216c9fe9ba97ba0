import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../trace/atomic.js';
import { scenarioJsonSchema } from '../scenario/json-schema.js';

export const schemaCommand: CommandModule<object, { out: string }> = {
  command: 'schema',
  describe: 'Write the scenario JSON Schema (for editors) to scenarios/schema.json',
  builder: (y) => y.option('out', { type: 'string', default: 'scenarios/schema.json', describe: 'where to write it' }),
  handler: (argv) => {
    writeFileAtomic(argv.out, JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
    process.stdout.write(`wrote ${argv.out}\n`);
  },
};
