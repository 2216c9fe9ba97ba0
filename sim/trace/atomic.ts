import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Output files appear whole or not at all. A file is written to a temporary name beside its target
 * (same directory, so the rename stays on one file system and is atomic on POSIX), fsynced, then renamed.
 * An interrupted run therefore never leaves a half-written summary or trace that a later analysis would
 * read as real. All of this is I/O at the edge of a run, not simulation state.
 */

/** Temporary name for `path`: beside it, tagged with the pid so two processes writing one path do not collide. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** Write `data` to `path` durably: temp file, fsync, rename, then (best effort) fsync the directory. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  writeDurably(tmp, data);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dirname(path));
}

function writeDurably(tmp: string, data: string | Uint8Array): void {
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Make the renames themselves durable. Some platforms (Windows) cannot open a directory; that is not an error. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Transactions with temp files on disk, so the interrupt handler can remove them. */
const pending = new Set<OutputTransaction>();

/**
 * Several output files written together: `stage` writes each to its temp name, `commit` renames them all
 * in staging order, `abort` removes the temps. Stage the file that marks a run complete (summary.json)
 * last, so that a crash between renames never leaves it beside missing companions.
 */
export class OutputTransaction {
  private readonly staged: { path: string; tmp: string }[] = [];
  private done = false;

  /** Write `data` to the temp name of `path` now; it reaches `path` at `commit()`. */
  stage(path: string, data: string | Uint8Array): void {
    if (this.done) throw new Error('OutputTransaction: already committed or aborted');
    if (this.staged.some((s) => s.path === path)) throw new Error(`OutputTransaction: ${path} staged twice`);
    const tmp = tempPathFor(path);
    this.staged.push({ path, tmp });
    pending.add(this);
    listenWhilePending();
    writeDurably(tmp, data);
  }

  /** Temp files currently on disk for this transaction. */
  get tempPaths(): readonly string[] {
    return this.done ? [] : this.staged.map((s) => s.tmp);
  }

  /** Rename every staged file into place; returns the final paths. If a rename fails, the rest are removed. */
  commit(): string[] {
    if (this.done) throw new Error('OutputTransaction: already committed or aborted');
    const dirs = new Set<string>();
    try {
      for (const s of this.staged) {
        renameSync(s.tmp, s.path);
        dirs.add(dirname(s.path));
      }
    } catch (e) {
      this.abort();
      throw e;
    }
    this.done = true;
    pending.delete(this);
    listenWhilePending();
    for (const d of dirs) syncDir(d);
    return this.staged.map((s) => s.path);
  }

  /** Remove the temp files; files already renamed by a failed commit stay. Safe to call twice. */
  abort(): void {
    if (this.done) return;
    for (const s of this.staged) rmSync(s.tmp, { force: true });
    this.done = true;
    pending.delete(this);
    listenWhilePending();
  }
}

let interruptCleanupWanted = false;
let interruptListening = false;

function exitCleaning(code: number): void {
  for (const tx of [...pending]) {
    try {
      tx.abort();
    } catch {
      // keep cleaning the others; we are exiting anyway
    }
  }
  process.exit(code);
}
const onSigint = (): void => exitCleaning(130);
const onSigterm = (): void => exitCleaning(143);

/**
 * Listen for SIGINT/SIGTERM only while temp files exist. A listener stops Node's default exit, and a run
 * simulates synchronously, so a listener held for the whole process would only run after the simulation:
 * Ctrl-C would not stop a long run. While nothing is staged the default applies (nothing to clean).
 */
function listenWhilePending(): void {
  const want = interruptCleanupWanted && pending.size > 0;
  if (want && !interruptListening) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    interruptListening = true;
  } else if (!want && interruptListening) {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    interruptListening = false;
  }
}

/**
 * On SIGINT/SIGTERM while output is staged, remove every pending temp file and exit: 130 for SIGINT (the
 * shell convention 128 + 2 the CLI documents), 143 for SIGTERM (128 + 15). At other times the signals keep
 * Node's default (the process ends at once). Idempotent.
 */
export function installInterruptCleanup(): void {
  interruptCleanupWanted = true;
  listenWhilePending();
}
