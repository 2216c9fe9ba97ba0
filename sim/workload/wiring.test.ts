import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../scenario/load.js';
import { runScenario } from '../run/runner.js';
import { summarize } from '../run/output.js';

/** The runner hands the workload's batches to the protocol and the collector reads the same book. */
describe('runner ⇄ workload wiring', () => {
  const base = JSON.parse(readFileSync('scenarios/bft-tiny.json', 'utf8'));

  it('every offered transaction is in the book; an unsharded protocol gets no cross-shard summary', () => {
    // bft ignores shards: the workload still routes over 4 shards, one batch per route per interval.
    const scenario = parseScenario({ ...base, shards: 4, durationSeconds: 6, workload: { offeredTps: 2000 } });
    const run = runScenario(scenario);
    const book = run.workload.book;
    const s = summarize(run, 0);
    expect(s.tx.offered).toBe(book.count);
    expect(book.segments).toBeGreaterThan(6 / 0.01); // several routes per 10 ms interval
    expect(s.tx.committed).toBeGreaterThan(0);
    expect(s.crossShard).toBeNull();
    // The collector checked every id it was told about, and nothing was reported twice.
    expect(s.invariants.checked).toBeGreaterThanOrEqual(2 * s.tx.committed);
    expect(s.invariants.violations).toBe(0);
    // Segments are contiguous and their windows are the 10 ms batch intervals.
    let next = 0;
    let bad = 0;
    for (let seg = 0; seg < book.segments; seg++) {
      if (book.startOf(seg) !== next || book.t1Of(seg) - book.t0Of(seg) !== 10_000) bad++;
      next = book.endOf(seg);
    }
    expect(bad).toBe(0);
  });
});
