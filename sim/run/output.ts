import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OutputTransaction } from '../trace/atomic.js';
import { encodeColumnar, encodeNdjson, gzip } from '../trace/write.js';
import { buildSummary, summaryJson, type Summary } from '../metrics/summary.js';
import { metricsCsv } from '../metrics/csv.js';
import { gini, nakamoto } from '../metrics/decentralization.js';
import { usToSeconds } from '../kernel/time.js';
import type { RunResult } from './runner.js';
import type { ProtocolInstance } from '../protocols/types.js';
import { Histogram } from '../metrics/histogram.js';
import { EPOCH_EVENT_TYPES, IDLE_EVENT_TYPES, deriveEpochs, deriveIdleWindows, systemIdleSeconds } from '../trace/derive.js';

export type TraceFormat = 'columnar' | 'ndjson' | 'none';

/** The summary of a finished run (DESIGN §9); `wallSeconds` comes from the caller, the only clock reader. */
export function summarize(run: RunResult, wallSeconds: number): Summary {
  const m = run.metrics;
  const blocks = Array.from({ length: run.scenario.nodes }, (_, i) => m.blocksByNode[i] ?? 0);
  return buildSummary({
    protocol: run.header.protocol,
    scenario: run.scenario.name,
    scenarioHash: run.header.scenarioHash,
    seed: run.seed,
    traceHash: run.trace.hashHex(),
    simulatedSeconds: usToSeconds(run.endUs),
    wallSeconds,
    events: run.kernel.executed,
    nodes: run.scenario.nodes,
    shards: run.header.shards,
    totals: m,
    // Cross-shard figures only mean something for a sharded protocol.
    crossShard: run.header.shards > 1 ? m.crossShard : null,
    // Epochs come from the trace (epoch.start / epoch.ready / shard.move), as the dashboard reads them.
    epochs: epochsOf(run),
    // Idle = windows in which the protocol processes nothing by design (Zilliqa's PoW window), from the
    // trace's idle.start / idle.end, as the dashboard shades them; 0 for protocols without such windows.
    idleSeconds: systemIdleSeconds(deriveIdleWindows(run.trace.eventList(IDLE_EVENT_TYPES), run.endUs)),
    finalityLagBlocks: finalityLag(run.host.instance),
    decentralization: { gini: gini(blocks), nakamoto: nakamoto(blocks) },
    invariants: addInvariants(m.invariants, protocolInvariants(run.host.instance)),
    storage: run.host.instance.storage?.() ?? null,
  });
}

function epochsOf(run: RunResult): { index: number; startUs: number; readyUs: number | null; moved: number; abandoned: number }[] | null {
  const epochs = deriveEpochs(run.trace.eventList(EPOCH_EVENT_TYPES));
  return epochs.length > 0 ? epochs : null;
}

interface Invariants {
  checked: number;
  violations: number;
}

function addInvariants(a: Invariants, b: Invariants): Invariants {
  return { checked: a.checked + b.checked, violations: a.violations + b.violations };
}

/** A protocol's own invariant checks (ProtocolInstance.invariants), added to the metrics' once-per-level check. */
function protocolInvariants(instance: ProtocolInstance<unknown, unknown>): Invariants {
  return instance.invariants?.() ?? { checked: 0, violations: 0 };
}

/** Finality lag in blocks for chain protocols (ProtocolInstance.finalityLagBlocks); null for the others. */
function finalityLag(instance: ProtocolInstance<unknown, unknown>): Histogram | null {
  const samples = instance.finalityLagBlocks?.();
  if (!samples || samples.length === 0) return null;
  const h = new Histogram();
  for (const lag of samples) h.add(lag);
  return h;
}

/**
 * Write summary.json, metrics.csv and the trace into `dir`, all or nothing: each file goes to a
 * temporary name first and all are renamed at the end, so an interrupted run leaves no half file.
 */
export function writeResults(
  run: RunResult,
  summary: Summary,
  dir: string,
  format: TraceFormat,
  /** More files for the same directory (file name → contents), committed with the rest (`shardsim compare` adds its own). */
  extraFiles: Readonly<Record<string, string>> = {},
): string[] {
  mkdirSync(dir, { recursive: true });
  const tx = new OutputTransaction();
  try {
    const events = run.trace.eventList();
    for (const [name, data] of Object.entries(extraFiles)) tx.stage(join(dir, name), data);
    tx.stage(join(dir, 'summary.json'), summaryJson(summary));
    tx.stage(join(dir, 'metrics.csv'), metricsCsv(run.trace.eventList(['metrics.bucket'])));
    if (format === 'columnar') tx.stage(join(dir, 'trace.columnar.json.gz'), gzip(encodeColumnar(run.header, events)));
    if (format === 'ndjson') tx.stage(join(dir, 'trace.ndjson'), encodeNdjson(run.header, events));
    return tx.commit();
  } catch (e) {
    tx.abort();
    throw e;
  }
}
