import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/**
 * The scenario schema as JSON Schema (draft 2020-12), from the zod schema itself so the two never drift.
 * It describes the input side: fields with defaults are optional. Cross-field rules (shares summing to 1,
 * shards ≤ nodes) cannot be expressed there; `shardsim validate` checks them.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'shardsim scenario',
    description: 'A shardsim scenario: network, workload, protocol and its parameters. See README "Scenario format".',
  };
}
