import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario, ScenarioError, scenarioHash, loadScenario } from './load.js';
import { scenarioJsonSchema } from './json-schema.js';

const minimal = { name: 't', durationSeconds: 10, nodes: 8, protocol: { type: 'bft' } };

function problems(input: unknown): { path: string; message: string }[] {
  try {
    parseScenario(input, 'x.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return [...(e as ScenarioError).problems];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario validation names every offending path', () => {
  it('accepts a minimal scenario and fills the defaults', () => {
    const s = parseScenario(minimal);
    expect(s.network.regions).toHaveLength(6);
    expect(s.workload.offeredTps).toBe(1000);
    expect(s.seed).toBe(1);
  });

  it.each([
    ['missing field', { ...minimal, nodes: undefined }, 'nodes', /required/],
    ['wrong type', { ...minimal, nodes: 'many' }, 'nodes', /number.*"many"/],
    ['out of range', { ...minimal, workload: { offeredTps: -5 } }, 'workload.offeredTps', />=0|-5/],
    ['non-integer', { ...minimal, nodes: 2.5 }, 'nodes', /int/],
    ['unknown key', { ...minimal, nodez: 3 }, '(top level)', /unknown key "nodez"/],
    ['unknown nested key', { ...minimal, protocol: { type: 'bft', topolgy: 'star' } }, 'protocol', /"topolgy"/],
    ['bad enum', { ...minimal, network: { latencyModel: 'gauss' } }, 'network.latencyModel', /pareto-per-message/],
    ['more shards than nodes', { ...minimal, shards: 9 }, 'shards', /more shards \(9\) than nodes \(8\)/],
    [
      'shares not summing to 1',
      { ...minimal, network: { regions: [{ name: 'A', share: 0.7, downloadMbps: 10, uploadMbps: 10 }], latencyMs: [[10]] } },
      'network.regions',
      /sum to 1.*0\.7000/,
    ],
    ['unknown region in partition', { ...minimal, network: { partitions: [{ startSeconds: 1, endSeconds: 2, regions: ['XX'] }] } }, 'network.partitions[0].regions[0]', /unknown region "XX"/],
    ['crash of a node that does not exist', { ...minimal, network: { crashes: [{ nodes: [8], atSeconds: 1 }] } }, 'network.crashes[0].nodes[0]', /node 8/],
  ])('%s', (_label, input, path, message) => {
    const p = problems(input);
    const hit = p.find((x) => x.path === path);
    expect(hit, JSON.stringify(p)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it('reports all problems at once, not just the first', () => {
    const p = problems({ ...minimal, nodes: 'x', durationSeconds: -1, foo: 1 });
    expect(p.map((x) => x.path).sort()).toEqual(['(top level)', 'durationSeconds', 'nodes']);
  });

  it('an IOS epoch too short for its TransEpoch transition is refused, naming the numbers', () => {
    // 2,000 nodes in 4 shards: k = round(log2 500) = 9, ⌈500/9⌉ = 56 batches, 3 s apart: 168 s.
    const ios = (epochSeconds: number) => ({ name: 't', durationSeconds: 10, nodes: 2000, shards: 4, protocol: { type: 'ios', epochSeconds } });
    const p = problems(ios(120));
    expect(p.map((x) => x.path)).toEqual(['protocol.epochSeconds']);
    expect(p[0]!.message).toMatch(/56 batches of k = 9 .* up to 168 s/);
    expect(() => parseScenario(ios(180))).not.toThrow();
  });

  it('an IOS league block too small for one optimistic block is refused, naming both fields', () => {
    // 2,000 optimistic transactions of 250 bytes need (500,000 − 200) / 250 ≥ 2,000, i.e. ≥ 500,200 bytes.
    const ios = (maxBlockBytes: number) => ({
      name: 't', durationSeconds: 10, nodes: 2000, shards: 4, protocol: { type: 'ios', epochSeconds: 180, league: { maxBlockBytes } },
    });
    const p = problems(ios(500_000));
    expect(p.map((x) => x.path)).toEqual(['protocol.pob.optimisticBlockMaxTx']);
    expect(p[0]!.message).toMatch(/2000 transactions .*league.maxBlockBytes 500000 holds 1999/);
    expect(() => parseScenario(ios(500_200))).not.toThrow();
  });

  it('hashes equal experiments equally, whatever the key order or seed', () => {
    const a = parseScenario({ ...minimal, seed: 1 });
    const b = parseScenario({ protocol: { type: 'bft' }, nodes: 8, durationSeconds: 10, name: 't', seed: 2 });
    const c = parseScenario({ ...minimal, nodes: 9 });
    expect(scenarioHash(a)).toBe(scenarioHash(b));
    expect(scenarioHash(a)).not.toBe(scenarioHash(c));
  });
});

describe('scenario files', () => {
  const dir = 'scenarios';
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'schema.json');

  it('every shipped scenario validates and points at the schema', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      expect(raw.$schema, f).toBe('./schema.json');
      expect(() => loadScenario(join(dir, f))).not.toThrow();
    }
  });

  it('scenarios/schema.json is the current export of the zod schema (run `npm run schema` after changing it)', () => {
    const onDisk = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});

describe('shardsim validate / run on bad input', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'shardsim-bad-'));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli/main.ts', ...args], { encoding: 'utf8' });
  const write = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  it.each([
    ['not JSON', '{"name": "x", ', /not valid JSON/],
    ['missing field', JSON.stringify({ name: 'x', nodes: 4, protocol: { type: 'bft' } }), /durationSeconds: required/],
    ['unknown key', JSON.stringify({ ...minimal, colour: 'red' }), /unknown key "colour"/],
    ['more shards than nodes', JSON.stringify({ ...minimal, shards: 99 }), /shards: more shards/],
  ])('validate: %s → exit 2 with the path', (label, text, message) => {
    const r = cli('validate', write(`${label.replace(/\W/g, '_')}.json`, text));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('validate: a missing file → exit 2', () => {
    const r = cli('validate', join(tmp, 'nope.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read: ENOENT/);
  });

  it('run: a bad scenario writes nothing', () => {
    const out = join(tmp, 'out');
    const r = cli('run', write('bad-run.json', JSON.stringify({ ...minimal, nodes: -1 })), '--out', out);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('unknown flags and commands are refused with exit 2 and a suggestion', () => {
    const r1 = cli('run', 'scenarios/bft-single.json', '--sed', '3');
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/Unknown argument: sed/i);
    const r2 = cli('valdate', 'x.json');
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/Did you mean validate/);
  });
});
