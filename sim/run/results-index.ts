import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../trace/atomic.js';

/**
 * results/index.json: the list of runs under results/ that the dashboard offers. `shardsim run` and
 * `shardsim compare` update it whenever they write under results/:
 *
 *   { "format": "shardsim-results-index", "version": 1,
 *     "runs": [ { "id", "dir", "scenario", "protocol", "seed", "trace", "summary", "group" } ] }
 *
 * Paths are relative to results/ with '/' separators; `id` is the run's directory; `trace` is null when
 * the run wrote no trace; `group` is the compare directory (e.g. "compare-default"), null for a single
 * run. A re-run replaces its entry; entries whose summary.json is gone are dropped; runs are sorted by id
 * (code-point order), so the file is deterministic. The file is replaced by rename (never half-written),
 * and a lock file serialises concurrent updaters, so two runs finishing together lose no entry.
 */

export const RESULTS_INDEX_FORMAT = 'shardsim-results-index';
export const RESULTS_INDEX_VERSION = 1;

const RelPath = z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path relative to results/');

export const ResultsIndexEntrySchema = z.strictObject({
  id: RelPath,
  dir: RelPath,
  scenario: z.string(),
  protocol: z.string(),
  seed: z.int().nonnegative(),
  trace: RelPath.nullable(),
  summary: RelPath,
  group: z.string().nullable(),
});
export type ResultsIndexEntry = z.infer<typeof ResultsIndexEntrySchema>;

export const ResultsIndexSchema = z.strictObject({
  format: z.literal(RESULTS_INDEX_FORMAT),
  version: z.literal(RESULTS_INDEX_VERSION),
  runs: z.array(ResultsIndexEntrySchema),
});
export type ResultsIndex = z.infer<typeof ResultsIndexSchema>;

/** `path` relative to `root` with '/' separators, or null when it is not inside `root`. */
export function insideResults(root: string, path: string): string | null {
  const rel = relative(resolve(root), resolve(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/** What a run wrote, as the index describes it; `dir` and the files are paths on disk. */
export interface WrittenRun {
  readonly dir: string;
  readonly scenario: string;
  readonly protocol: string;
  readonly seed: number;
  /** Files the run wrote (the trace is recognised by its name). */
  readonly files: readonly string[];
  readonly group: string | null;
}

const TRACE_FILE = /(^|[/\\])trace\.(columnar\.json\.gz|ndjson)$/;

/** The index entry of a run under `root`, or null when its directory is outside `root`. */
export function indexEntry(root: string, run: WrittenRun): ResultsIndexEntry | null {
  const dir = insideResults(root, run.dir);
  if (dir === null) return null;
  const trace = run.files.find((f) => TRACE_FILE.test(f));
  return {
    id: dir,
    dir,
    scenario: run.scenario,
    protocol: run.protocol,
    seed: run.seed,
    trace: trace ? insideResults(root, trace) : null,
    summary: `${dir}/summary.json`,
    group: run.group,
  };
}

function emptyIndex(): ResultsIndex {
  return { format: RESULTS_INDEX_FORMAT, version: RESULTS_INDEX_VERSION, runs: [] };
}

/**
 * The current index; an absent file is empty, and so is an unreadable or foreign one: the next update
 * replaces it, and the runs it listed reappear as they are run again.
 */
export function readResultsIndex(root: string): ResultsIndex {
  const file = join(root, 'index.json');
  if (!existsSync(file)) return emptyIndex();
  try {
    return ResultsIndexSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return emptyIndex();
  }
}

export function resultsIndexJson(index: ResultsIndex): string {
  return JSON.stringify(ResultsIndexSchema.parse(index), null, 2) + '\n';
}

/**
 * Add or replace `entries` (by id), drop entries whose summary is gone, sort by id, write atomically.
 * With `replaceGroup`, the group's old entries go first: a comparison re-run with fewer protocols or
 * seeds does not leave the runs it no longer has in its group.
 */
export function updateResultsIndex(root: string, entries: readonly ResultsIndexEntry[], opts: { replaceGroup?: string } = {}): ResultsIndex {
  mkdirSync(root, { recursive: true });
  return withLock(join(root, 'index.json.lock'), () => {
    const byId = new Map<string, ResultsIndexEntry>();
    for (const e of readResultsIndex(root).runs) if (opts.replaceGroup === undefined || e.group !== opts.replaceGroup) byId.set(e.id, e);
    for (const e of entries) byId.set(e.id, ResultsIndexEntrySchema.parse(e));
    const runs = [...byId.values()]
      .filter((e) => existsSync(join(root, e.summary)))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const index: ResultsIndex = { format: RESULTS_INDEX_FORMAT, version: RESULTS_INDEX_VERSION, runs };
    writeFileAtomic(join(root, 'index.json'), resultsIndexJson(index));
    return index;
  });
}

/** Waiting longer than this for the lock (in 20 ms steps) means its holder hangs: the lock is broken. */
const MAX_WAIT_STEPS = 1500;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Whether the process that wrote `lock` is gone (so the lock is stale); false when unsure. */
function holderGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Run `fn` holding an exclusive lock file (created with O_EXCL, holding our pid). Waits while another
 * live process holds it; breaks it when its holder is gone or after about 30 s.
 */
function withLock<T>(lock: string, fn: () => T): T {
  for (let step = 0; ; step++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (step >= MAX_WAIT_STEPS || holderGone(lock)) rmSync(lock, { force: true });
      else Atomics.wait(sleepCell, 0, 0, 20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
