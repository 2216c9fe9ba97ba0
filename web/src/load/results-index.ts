import { z } from 'zod';

/**
 * results/index.json, which the CLI keeps up to date: every run with its directory, trace and summary
 * (paths relative to results/) and, for runs made by `shardsim compare`, the comparison group.
 */
export const RESULTS_INDEX_FORMAT = 'shardsim-results-index';
export const RESULTS_INDEX_VERSION = 1;

const RunEntry = z.object({
  id: z.string(),
  dir: z.string(),
  scenario: z.string(),
  protocol: z.string(),
  seed: z.number(),
  trace: z.string().nullable(),
  summary: z.string().nullable(),
  group: z.string().nullable(),
});
export type RunEntry = z.infer<typeof RunEntry>;

const ResultsIndex = z.object({
  format: z.literal(RESULTS_INDEX_FORMAT),
  version: z.literal(RESULTS_INDEX_VERSION),
  runs: z.array(RunEntry),
});
export type ResultsIndex = z.infer<typeof ResultsIndex>;

/** Check a parsed results/index.json; throws an Error saying which field is wrong. */
export function parseResultsIndex(raw: unknown): ResultsIndex {
  if (typeof raw === 'object' && raw !== null && 'version' in raw && (raw as { version: unknown }).version !== RESULTS_INDEX_VERSION) {
    throw new Error(`results/index.json has version ${JSON.stringify((raw as { version: unknown }).version)}; this dashboard reads version ${RESULTS_INDEX_VERSION}.`);
  }
  const r = ResultsIndex.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`);
  throw new Error(`results/index.json is not a shardsim results index (${problems.join('; ')}).`);
}

/** Runs by group, in index order; runs without a group are listed under null. */
export function groupsOf(index: ResultsIndex): Map<string | null, RunEntry[]> {
  const out = new Map<string | null, RunEntry[]>();
  for (const r of index.runs) {
    const list = out.get(r.group) ?? [];
    list.push(r);
    out.set(r.group, list);
  }
  return out;
}

/** The seeds of a group's runs, ascending. */
export function seedsOf(runs: readonly RunEntry[]): number[] {
  return [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
}

/**
 * The runs of a comparison to show side by side: one per protocol (in the group's order), the one with
 * `seed`, or the lowest seed when none is asked. A compare of 4 protocols × 3 seeds opens 4 columns, not 12.
 */
export function onePerProtocol(runs: readonly RunEntry[], seed: number | null = null): RunEntry[] {
  const byProtocol = new Map<string, RunEntry>();
  for (const r of runs) {
    const had = byProtocol.get(r.protocol);
    const better = !had || (seed !== null ? r.seed === seed && had.seed !== seed : r.seed < had.seed);
    if (better) byProtocol.set(r.protocol, r);
  }
  return [...byProtocol.values()];
}

/** What to open first: the group asked for, else the newest group (the last one in the index), else the newest run. */
export function defaultSelection(index: ResultsIndex, wantedGroup: string | null): { group: string } | { run: string } | null {
  if (wantedGroup !== null && index.runs.some((r) => r.group === wantedGroup)) return { group: wantedGroup };
  for (let i = index.runs.length - 1; i >= 0; i--) {
    const g = index.runs[i]!.group;
    if (g !== null) return { group: g };
  }
  const last = index.runs.at(-1);
  return last ? { run: last.id } : null;
}

/** A path from the index as a URL under results/, refusing anything that would leave results/. */
export function resultsUrl(base: string, path: string): string {
  const parts = path.split('/');
  if (path.startsWith('/') || parts.some((p) => p === '..' || p === '')) throw new Error(`results/index.json lists a path outside results/: ${JSON.stringify(path)}`);
  return `${base}results/${parts.map(encodeURIComponent).join('/')}`;
}
