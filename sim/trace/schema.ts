import { z } from 'zod';

/**
 * The trace format, shared by the writer (sim/trace) and the dashboard (web/). This module imports
 * nothing but zod, so the browser can load it without the kernel.
 *
 * A trace is a header plus a sequence of events. Every event has `t` (simulated µs) and `type`; its other
 * fields are fixed per type by EVENT_FIELDS, so the body can be stored as one column per field.
 * Bump TRACE_SCHEMA_VERSION whenever a type or field changes meaning; readers refuse other versions.
 */
export const TRACE_SCHEMA_VERSION = 1;
export const TRACE_FORMAT = 'shardsim-trace';

export type FieldKind = 'int' | 'num' | 'str' | 'bool';

/** Event types and their fields, in column order. `level` says at which trace level the type is kept. */
export const EVENT_FIELDS = {
  // Blocks and consensus (every protocol).
  'block.propose': { node: 'int', shard: 'int', height: 'int', view: 'int', txCount: 'int', sizeBytes: 'int' },
  'block.commit': { node: 'int', shard: 'int', height: 'int', view: 'int', txCount: 'int', level: 'str' },
  'view.change': { node: 'int', shard: 'int', fromView: 'int', toView: 'int', reason: 'str' },
  // Faults, as the scenario scheduled them.
  'node.crash': { node: 'int' },
  'node.recover': { node: 'int' },
  'partition.start': { index: 'int' },
  'partition.end': { index: 'int' },
  // Metrics series: one row per bucket, written by sim/metrics. `lengthUs` is the bucket's length (the last
  // one may be cut short by the end of the run), so rates can be computed from the trace alone. Latency
  // percentiles are -1 when the bucket has no sample (JSON has no NaN).
  'metrics.bucket': {
    bucket: 'int',
    lengthUs: 'int',
    offered: 'int',
    confirmed: 'int',
    finalized: 'int',
    aborted: 'int',
    confirmP50Ms: 'num',
    confirmP99Ms: 'num',
    finalP50Ms: 'num',
    finalP99Ms: 'num',
  },
  // Epochs and shard membership (sharded protocols).
  // An epoch begins (IOS: the boundary e·E, where TransEpoch's first batch starts; Zilliqa: the DS epoch's
  // PoW window opens); `leader` is the node that led its election (-1 at genesis). `epoch.ready`: the
  // transition is over (IOS: the last mover voted; Zilliqa: the shards are formed).
  'epoch.start': { epoch: 'int', leader: 'int', view: 'int' },
  'epoch.ready': { epoch: 'int' },
  // EDS (IOS): a validator starts a DRP run as the elected client; `attempt` 0 = leader, 1–2 = back-ups;
  // `failed` lists the clients excluded so far in this epoch, space-separated ('' if none).
  'eds.leader': { epoch: 'int', view: 'int', attempt: 'int', leader: 'int', failed: 'str' },
  // EDS (IOS): the DRP client combined rnd_e (epoch.start comes later, at the epoch boundary).
  'eds.randomness': { epoch: 'int', leader: 'int', view: 'int' },
  // IOS micro state block: shard's committee agreed the header of epoch `epoch` (Merkle root over its txs).
  'msb.header': { shard: 'int', epoch: 'int', txCount: 'int', bodyBytes: 'int' },
  'shard.member': { node: 'int', shard: 'int', epoch: 'int', role: 'str' },
  'shard.move': { node: 'int', fromShard: 'int', toShard: 'int', epoch: 'int', batch: 'int', startUs: 'int', readyUs: 'int' },
  // IOS: a mover gave up a move still bootstrapping when its next move's batch started (t: that start).
  'shard.abandon': { node: 'int', fromShard: 'int', toShard: 'int', epoch: 'int', batch: 'int', startUs: 'int' },
  'crossshard.batch': { fromShard: 'int', toShard: 'int', committed: 'int', aborted: 'int' },
  // A window in which a shard (or the whole system, shard -1) processes no transaction, e.g. Zilliqa's PoW
  // window; `reason` names it ('pow'). The summary's idleSeconds and the dashboard's shading come from these.
  'idle.start': { shard: 'int', epoch: 'int', reason: 'str' },
  'idle.end': { shard: 'int', epoch: 'int', reason: 'str' },
  // Zilliqa: a node's PoW solution reached the DS committee (`accepted` false when it arrived after the window).
  'pow.submit': { node: 'int', epoch: 'int', accepted: 'bool' },
  // A producer schedule (DPoS, IOST mainnet) took effect: `producers` lists node indices in slot order, space-separated.
  'schedule.change': { version: 'int', producers: 'str' },
  // Messages level only.
  'msg.send': { node: 'int', to: 'int', msg: 'str', sizeBytes: 'int', arriveUs: 'int' },
} as const satisfies Record<string, Record<string, FieldKind>>;

export type EventType = keyof typeof EVENT_FIELDS;

/** Types kept only at trace level `messages`. */
export const MESSAGE_LEVEL_TYPES: ReadonlySet<string> = new Set(['msg.send']);

export type TraceLevel = 'summary' | 'messages';

type KindValue<K extends FieldKind> = K extends 'int' | 'num' ? number : K extends 'str' ? string : boolean;

/** A typed event of type E. */
export type TraceEventOf<E extends EventType> = { t: number; type: E } & {
  [F in keyof (typeof EVENT_FIELDS)[E]]: KindValue<(typeof EVENT_FIELDS)[E][F] & FieldKind>;
};
export type TraceEvent = { [E in EventType]: TraceEventOf<E> }[EventType];

/** Events in order with their number: an array, or a recorder's lazy list (TraceRecorder.eventList). */
export interface EventList extends Iterable<TraceEvent> {
  readonly length: number;
}

export const TraceHeaderSchema = z.strictObject({
  format: z.literal(TRACE_FORMAT),
  schemaVersion: z.literal(TRACE_SCHEMA_VERSION),
  softwareVersion: z.string(),
  protocol: z.string(),
  scenarioName: z.string(),
  scenarioHash: z.string().regex(/^[0-9a-f]{64}$/),
  seed: z.int().nonnegative(),
  level: z.enum(['summary', 'messages']),
  nodes: z.int().positive(),
  shards: z.int().positive(),
  durationUs: z.int().nonnegative(),
  regions: z.array(z.string()),
  /** Region index per node, for colouring the shard map. */
  nodeRegion: z.array(z.int().nonnegative()),
  eventCount: z.int().nonnegative(),
});
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/**
 * The columnar body: `order` gives the type of each event in sequence (index into `types`), and
 * `columns[type][field]` holds that type's values in order. Together they rebuild the exact event order.
 * Each type's columns are `t` first, then its EVENT_FIELDS in schema order, no others.
 */
export interface ColumnarBody {
  types: string[];
  order: number[];
  columns: Record<string, Record<string, (number | string | boolean)[]>>;
}

/** Canonical one-line JSON of an event: `t`, `type`, then the type's fields in schema order. The trace hash is over these lines. */
export function canonicalEventLine(ev: { t: number; type: string; [k: string]: unknown }): string {
  const keys = lineKeys(ev.type);
  let s = `{"t":${ev.t},"type":${keys.type}`;
  for (let i = 0; i < keys.fields.length; i++) {
    const v = ev[keys.fields[i]!];
    // A finite number or a boolean serialises as String does (ECMA-262 SerializeJSONProperty), without
    // JSON.stringify's generic path: this runs for every field of every kept event.
    s += keys.prefixes[i]! + ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
  }
  return s + '}';
}

/** Per type, a constant table: its quoted name, its fields, and each field's `,"field":` (built once, not per line). */
const LINE_KEYS: ReadonlyMap<string, { type: string; fields: string[]; prefixes: string[] }> = new Map(
  Object.entries(EVENT_FIELDS).map(([type, fields]) => {
    const names = Object.keys(fields);
    return [type, { type: JSON.stringify(type), fields: names, prefixes: names.map((f) => `,${JSON.stringify(f)}:`) }];
  }),
);
function lineKeys(type: string): { type: string; fields: string[]; prefixes: string[] } {
  const k = LINE_KEYS.get(type);
  if (!k) throw new Error(`unknown trace event type "${type}"`);
  return k;
}
