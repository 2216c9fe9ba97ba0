import { Kernel } from '../kernel/kernel.js';
import { RngRoot } from '../kernel/rng.js';
import { secondsToUs, type Micros } from '../kernel/time.js';
import { Network } from '../net/network.js';
import { Host } from '../protocols/host.js';
import { protocolFor } from '../protocols/registry.js';
import type { ProtocolInstance } from '../protocols/types.js';
import { Workload } from '../workload/workload.js';
import { groupClientBatches } from './client-groups.js';
import { MetricsCollector } from '../metrics/collector.js';
import { TraceRecorder } from '../trace/recorder.js';
import { TRACE_FORMAT, TRACE_SCHEMA_VERSION, type TraceHeader, type TraceLevel } from '../trace/schema.js';
import type { Scenario } from '../scenario/schema.js';
import { scenarioHash } from '../scenario/load.js';
import { SOFTWARE_VERSION } from '../version.js';

export interface RunOptions {
  /** Overrides scenario.seed. */
  readonly seed?: number;
  /** Stop earlier than scenario.durationSeconds. */
  readonly untilSeconds?: number;
  readonly traceLevel?: TraceLevel;
  /** Called now and then with simulated progress (for a progress bar outside the simulation). */
  readonly onProgress?: (p: { simUs: Micros; endUs: Micros; events: number }) => void;
  /**
   * Wrap the protocol instance before it is hosted, to observe its effects or entry choices in tests and
   * experiments (a recorder must pass inputs and effects through unchanged, or the run is another run).
   */
  readonly instrument?: (instance: ProtocolInstance<unknown, unknown>) => ProtocolInstance<unknown, unknown>;
}

export interface RunResult {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly header: TraceHeader;
  readonly trace: TraceRecorder;
  readonly kernel: Kernel;
  readonly host: Host;
  readonly network: Network;
  readonly workload: Workload;
  readonly metrics: ReturnType<MetricsCollector['finish']>;
  readonly endUs: Micros;
}

/**
 * Build the world a scenario describes and run it to the end. Deterministic: the scenario and the seed
 * decide every event; nothing here reads a clock.
 */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): RunResult {
  const seed = opts.seed ?? scenario.seed;
  const level = opts.traceLevel ?? scenario.output.traceLevel;
  const endUs = secondsToUs(Math.min(opts.untilSeconds ?? Infinity, scenario.durationSeconds));
  const rng = new RngRoot(seed);
  const kernel = new Kernel();
  const network = new Network(scenario.network, scenario.nodes, rng);
  const trace = new TraceRecorder(level);
  // Routes span scenario.shards; an unsharded protocol (bft) ignores them, and with shards = 1 every
  // transaction is intra-shard 0.
  const workload = new Workload(scenario.workload, scenario.shards, rng);
  const created = protocolFor(scenario.protocol.type).create({
    scenario,
    nodeCount: scenario.nodes,
    regionOf: network.regionOf,
    stream: (name) => rng.stream(name),
    rng,
    book: workload.book,
    workload,
  });
  const instance = opts.instrument ? opts.instrument(created) : created;
  const metrics = new MetricsCollector({
    bucketUs: secondsToUs(scenario.output.metricsBucketSeconds),
    book: workload.book,
    crossShard: instance.shards > 1,
  });
  const host = new Host(kernel, network, instance, trace, metrics, scenario.nodes, level === 'messages');

  scheduleFaults(kernel, host, network, scenario, endUs);

  // Client batches: one kernel event per batch interval, one batch (one book segment) per route in it;
  // a protocol with clientGroupOf gets the batches of one group joined (client-groups.ts).
  const groupOf = instance.clientGroupOf?.bind(instance);
  const evBatch = kernel.register(() => {
    const batches = workload.batchesEndingAt(kernel.now);
    if (groupOf) {
      for (const batch of batches) metrics.offered(batch.count, kernel.now, batch.cross ? batch.count : 0);
      for (const txs of groupClientBatches(batches, groupOf)) {
        const entry = instance.entryNode(txs, kernel.now);
        if (entry >= 0) host.step(entry, { kind: 'txs', txs });
      }
    } else {
      for (const batch of batches) {
        metrics.offered(batch.count, kernel.now, batch.cross ? batch.count : 0);
        const entry = instance.entryNode(batch.txs, kernel.now);
        if (entry >= 0) host.step(entry, { kind: 'txs', txs: batch.txs });
      }
    }
    if (kernel.now + workload.intervalUs <= endUs) kernel.after(workload.intervalUs, evBatch);
  });
  if (workload.intervalUs <= endUs) kernel.schedule(workload.intervalUs, evBatch);

  const evStart = kernel.register((node) => host.step(node, { kind: 'start' }));
  for (let n = 0; n < scenario.nodes; n++) kernel.schedule(0, evStart, n);

  const progress = opts.onProgress;
  kernel.run(endUs, progress ? () => progress({ simUs: kernel.now, endUs, events: kernel.executed }) : undefined);

  const totals = metrics.finish(endUs, (ev) => trace.record(ev));
  const header: TraceHeader = {
    format: TRACE_FORMAT,
    schemaVersion: TRACE_SCHEMA_VERSION,
    softwareVersion: SOFTWARE_VERSION,
    protocol: instance.name,
    scenarioName: scenario.name,
    scenarioHash: scenarioHash(scenario),
    seed,
    level,
    nodes: scenario.nodes,
    shards: instance.shards,
    durationUs: endUs,
    regions: network.regionNames,
    nodeRegion: Array.from(network.regionOf),
    eventCount: trace.count,
  };
  return { scenario, seed, header, trace, kernel, host, network, workload, metrics: totals, endUs };
}

/** Crashes, recoveries and partitions are scenario data, scheduled as kernel events and traced. */
function scheduleFaults(kernel: Kernel, host: Host, network: Network, scenario: Scenario, endUs: Micros): void {
  const evCrash = kernel.register((node) => host.crash(node));
  const evRecover = kernel.register((node) => host.recover(node));
  for (const c of scenario.network.crashes) {
    const at = secondsToUs(c.atSeconds);
    if (at > endUs) continue;
    for (const n of c.nodes) {
      kernel.schedule(at, evCrash, n);
      if (c.recoverSeconds !== undefined && secondsToUs(c.recoverSeconds) <= endUs) {
        kernel.schedule(secondsToUs(c.recoverSeconds), evRecover, n);
      }
    }
  }
  const evPartition = kernel.register((index, kind) =>
    host.record({ t: kernel.now, type: kind === 'start' ? 'partition.start' : 'partition.end', index }),
  );
  for (const p of network.partitionEvents()) if (p.atUs <= endUs) kernel.schedule(p.atUs, evPartition, p.index, p.kind);
}
