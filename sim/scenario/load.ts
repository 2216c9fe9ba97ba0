import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ScenarioSchema, type Scenario } from './schema.js';

/** One problem in a scenario: where (a dotted JSON path, or '(file)') and what was expected. */
export interface ScenarioProblem {
  readonly path: string;
  readonly message: string;
}

/** Bad input: carries every problem found, so the user fixes them all in one pass. Exit code 2. */
export class ScenarioError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(`${file}: invalid scenario\n` + problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): ScenarioProblem {
  let value: unknown = input;
  for (const k of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k] : undefined;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against scenarios/schema.json)`;
  } else if (issue.code === 'invalid_type' && value === undefined) {
    message = `required: ${issue.message.replace(/^Invalid input: /, '')}`;
  } else if (value !== undefined && typeof value !== 'object') {
    message = `${message} (got ${JSON.stringify(value)})`;
  }
  return { path: formatPath(issue.path), message };
}

/** Validate an already-parsed JSON value; throws ScenarioError naming every bad path. */
export function parseScenario(input: unknown, file = '(scenario)'): Scenario {
  const r = ScenarioSchema.safeParse(input);
  if (r.success) return r.data;
  throw new ScenarioError(
    file,
    r.error.issues.map((i) => describeIssue(i, input)),
  );
}

/** Read, parse and validate a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, [{ path: '(file)', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(file, [{ path: '(file)', message: `not valid JSON: ${(e as Error).message}` }]);
  }
  return parseScenario(json, file);
}

/** Canonical JSON: object keys sorted, so equal scenarios hash equally however the file orders them. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * sha256 of the scenario with every default filled in, without `seed`, `$schema` and `compare`: two files that
 * run the same experiment share a hash, and the seed is reported beside it.
 */
export function scenarioHash(s: Scenario): string {
  // `compare` says what else to run, not what this run is: a compare run hashes like `shardsim run` of it.
  const { seed: _seed, $schema: _schema, compare: _compare, ...rest } = s;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
