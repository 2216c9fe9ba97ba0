import { EVENT_FIELDS, type EventType, type FieldKind, type TraceEvent, type TraceHeader } from './schema.js';
import { readTraceDocument, type CheckedBody } from './read.js';
import { fieldsOf } from './validate.js';

/**
 * The columnar fast path: a trace kept as typed columns per event type, never as one object per event, so
 * the dashboard opens 10^6-event traces quickly and small-memory. Browser-safe. It reads through
 * read.ts's readTraceDocument, so every check and error message is the one parseTrace gives.
 *
 * Numbers (int and num fields, and `t`) become Float64Array (µs times exceed 2^31), booleans Uint8Array,
 * strings stay arrays. Rows of a type are in trace order; `order` interleaves the types as in the file.
 */

export type Column = Float64Array | Uint8Array | readonly string[];

export interface TypeColumns {
  readonly type: EventType;
  readonly count: number;
  /** Simulated µs of each row. */
  readonly t: Float64Array;
  /** One column per EVENT_FIELDS field of the type. */
  readonly fields: Readonly<Record<string, Column>>;
}

export interface ColumnarTrace {
  readonly header: TraceHeader;
  readonly eventCount: number;
  /** The types present, in first-seen order. */
  readonly types: readonly EventType[];
  /** For each event in trace order, its index into `types`. */
  readonly order: Uint8Array;
  readonly byType: Readonly<Partial<Record<EventType, TypeColumns>>>;
}

/** Parse a trace in either format (already decompressed) into columns; throws TraceFormatError like parseTrace. */
export function parseColumnarTrace(text: string): ColumnarTrace {
  const doc = readTraceDocument(text);
  return doc.format === 'columnar' ? fromCheckedBody(doc.header, doc.body) : columnarFromEvents(doc.header, doc.events);
}

function toColumn(values: readonly unknown[], kind: FieldKind | 'time'): Column {
  if (kind === 'str') return values as string[];
  if (kind === 'bool') {
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
    return out;
  }
  return Float64Array.from(values as number[]);
}

/** Define `obj[key]` as computed once, on first read. */
function lazy(obj: object, key: string, make: () => unknown): void {
  let value: unknown;
  let made = false;
  Object.defineProperty(obj, key, {
    enumerable: true,
    get: () => {
      if (!made) {
        value = make();
        made = true;
      }
      return value;
    },
  });
}

function fromCheckedBody(header: TraceHeader, body: CheckedBody): ColumnarTrace {
  if (body.types.length > 255) throw new Error('columnar: more than 255 event types'); // EVENT_FIELDS has ~20
  const byType: Partial<Record<EventType, TypeColumns>> = {};
  body.types.forEach((type, i) => {
    const raw = body.columns[i]!;
    const kinds = fieldsOf(type);
    // Typed on first use: a reader that never looks at a type (msg.send, for the dashboard) never pays for it.
    const fields: Record<string, Column> = {};
    for (const f in kinds) lazy(fields, f, () => toColumn(raw[f]!, kinds[f]!));
    const cols = { type, count: raw['t']!.length, fields } as TypeColumns;
    lazy(cols, 't', () => toColumn(raw['t']!, 'time'));
    byType[type] = cols;
  });
  return { header, eventCount: body.order.length, types: body.types, order: Uint8Array.from(body.order), byType };
}

/** Columns from event objects (an NDJSON trace, or events a test builds). */
export function columnarFromEvents(header: TraceHeader, events: readonly TraceEvent[]): ColumnarTrace {
  const types: EventType[] = [];
  const index = new Map<EventType, number>();
  const order = new Uint8Array(events.length);
  const raw: Record<string, unknown[]>[] = [];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]! as unknown as Record<string, unknown> & { type: EventType };
    let ti = index.get(ev.type);
    if (ti === undefined) {
      ti = types.length;
      index.set(ev.type, ti);
      types.push(ev.type);
      const cols: Record<string, unknown[]> = { t: [] };
      for (const f in fieldsOf(ev.type)) cols[f] = [];
      raw.push(cols);
    }
    order[i] = ti;
    const cols = raw[ti]!;
    for (const f in cols) cols[f]!.push(ev[f]);
  }
  return fromCheckedBody(header, { types, order: Array.from(order), columns: raw });
}

/** The number column `field` of `type`, or an empty one if the trace has no such event. */
export function numbers(trace: ColumnarTrace, type: EventType, field: string): Float64Array {
  const c = trace.byType[type]?.fields[field];
  if (c === undefined) return new Float64Array(0);
  if (!(c instanceof Float64Array)) throw new Error(`columnar: ${type}.${field} is not a number column`);
  return c;
}

/** The string column `field` of `type`, or an empty one. */
export function strings(trace: ColumnarTrace, type: EventType, field: string): readonly string[] {
  const c = trace.byType[type]?.fields[field];
  if (c === undefined) return [];
  if (c instanceof Float64Array || c instanceof Uint8Array) throw new Error(`columnar: ${type}.${field} is not a string column`);
  return c;
}

/** How many events of `type` the trace holds. */
export function countOf(trace: ColumnarTrace, type: EventType): number {
  return trace.byType[type]?.count ?? 0;
}

/**
 * The events of the given types as objects, in trace order: for the derivations that take event lists
 * (derive.ts, series.ts) over the few structural types, without building objects for the rest.
 */
export function eventsOfTypes<E extends EventType>(trace: ColumnarTrace, wanted: readonly E[]): Extract<TraceEvent, { type: E }>[] {
  const want = new Uint8Array(trace.types.length);
  let total = 0;
  trace.types.forEach((type, i) => {
    if ((wanted as readonly EventType[]).includes(type)) {
      want[i] = 1;
      total += trace.byType[type]!.count;
    }
  });
  const out = new Array<Extract<TraceEvent, { type: E }>>(total);
  if (total === 0) return out;
  const cursor = new Uint32Array(trace.types.length);
  const cols = trace.types.map((type) => trace.byType[type]!);
  const names = trace.types.map((type) => Object.keys(EVENT_FIELDS[type]));
  let k = 0;
  for (let i = 0; i < trace.order.length; i++) {
    const ti = trace.order[i]!;
    const row = cursor[ti]!++;
    if (!want[ti]) continue;
    const c = cols[ti]!;
    const ev: Record<string, unknown> = { t: c.t[row], type: c.type };
    for (const f of names[ti]!) {
      const col = c.fields[f]!;
      ev[f] = col instanceof Uint8Array ? col[row] === 1 : col[row];
    }
    out[k++] = ev as unknown as Extract<TraceEvent, { type: E }>;
  }
  return out;
}
