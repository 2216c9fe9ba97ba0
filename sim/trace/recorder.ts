import { createHash, type Hash } from 'node:crypto';
import { MESSAGE_LEVEL_TYPES, canonicalEventLine, type EventList, type EventType, type FieldKind, type TraceEvent, type TraceLevel } from './schema.js';
import { fieldProblem, fieldsOf, fitsKind, isEventType, timeProblem } from './validate.js';

const HASH_BATCH_CHARS = 1 << 16;
/** What every canonical line starts with, before its `t`. */
const LINE_HEAD = '{"t":';

/** Field `f` of `src`, or `node` for a missing `node` field when the host stamps one (node ≥ 0). */
function fieldValue(src: Record<string, unknown>, f: string, node: number): unknown {
  const v = src[f];
  return v === undefined && node >= 0 && f === 'node' ? node : v;
}

/** One event type's rows: `t` and one column per EVENT_FIELDS field, in schema order. */
interface Rows {
  readonly type: EventType;
  readonly fields: readonly string[];
  readonly kinds: readonly FieldKind[];
  /** The canonical line's constant parts (schema.ts canonicalEventLine) after `t` and before each field. */
  readonly typePart: string;
  readonly prefixes: readonly string[];
  readonly t: number[];
  readonly cols: unknown[][];
}

/**
 * The one place trace events go (DESIGN §9). It keeps the events of its level in order and hashes them
 * as they come: the trace hash is sha256 over `canonicalEventLine(ev) + '\n'` for every kept event, so it
 * does not depend on the file format written (columnar, NDJSON, or none at all).
 *
 * Each event is kept in canonical form (`t`, `type`, the type's fields in schema order, nothing else):
 * the host stamps `node` on every protocol event, and a type without that field simply drops it. The copy
 * also means a caller that reuses or mutates its object afterwards cannot make the files disagree with
 * the hash.
 *
 * Kept as columns per type (the trace file's own layout, schema.ts ColumnarBody), not as one object per
 * event: the paper-scale hour keeps ~1.3 M events, which as objects were 310 MB of the heap at its end and
 * were copied through the young generation on the way there. `eventList()` gives them back one object at a
 * time, in order; `events()` builds them all (tests and small traces).
 */
export class TraceRecorder {
  private readonly rows: Rows[] = [];
  /** Per type seen, the index of its rows, or −1 for a type this level does not keep. */
  private readonly rowsOf = new Map<string, number>();
  /** Per kept event, the index of its type's rows. */
  private order = new Uint8Array(1024);
  private kept = 0;
  private readonly hash: Hash = createHash('sha256');
  /** Canonical lines not yet given to `hash`. */
  private pending = '';
  private readonly keepMessages: boolean;

  constructor(readonly level: TraceLevel) {
    this.keepMessages = level === 'messages';
  }

  /** Keep `ev` if its type belongs to this level. Throws on an unknown type or a badly typed field. */
  record(ev: TraceEvent): void {
    this.keep(ev as unknown as Record<string, unknown>, ev.t, -1);
  }

  /**
   * Keep `ev` stamped with time `t` and, when it has no `node` of its own, with `node`: what the host does
   * for every protocol event, without a stamped copy of each (the paper-scale hour records ~1.5 M).
   */
  recordAt(t: number, node: number, ev: { readonly type: string }): void {
    this.keep(ev as Record<string, unknown>, t, node);
  }

  /**
   * One pass per event: check each field, append it to the canonical line and to its column. The line is
   * canonicalEventLine's (schema.ts), byte for byte, as the trace hash is defined over those lines.
   */
  private keep(src: Record<string, unknown>, t: unknown, node: number): void {
    const type: unknown = src['type'];
    let k = typeof type === 'string' ? this.rowsOf.get(type) : undefined;
    if (k === undefined) {
      if (!isEventType(type)) throw new Error(`TraceRecorder: unknown trace event type ${JSON.stringify(type)}`);
      k = this.addRows(type);
    }
    if (k < 0) return; // a messages-level type at the summary level
    const rows = this.rows[k]!;
    const tp = timeProblem(t);
    if (tp) throw new Error(`TraceRecorder: event type "${rows.type}": ${tp}`);
    const fields = rows.fields;
    // Check every field first, so a bad event leaves no trace in the columns or the hash.
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = fieldValue(src, f, node);
      if (!fitsKind(v, rows.kinds[i]!)) throw new Error(`TraceRecorder: ${fieldProblem(rows.type, f, v, rows.kinds[i]!)}`);
    }
    // Lines are hashed in batches (the same bytes: sha256 is a stream), as one update per ~100-byte line was
    // 1% of the paper-scale hour.
    let line = LINE_HEAD + String(t) + rows.typePart;
    rows.t.push(t as number);
    for (let i = 0; i < fields.length; i++) {
      const v = fieldValue(src, fields[i]!, node);
      // A finite number or a boolean serialises as String does (ECMA-262 SerializeJSONProperty).
      line += rows.prefixes[i]! + (typeof v === 'string' ? JSON.stringify(v) : String(v));
      rows.cols[i]!.push(v);
    }
    this.pending += line + '}\n';
    if (this.pending.length >= HASH_BATCH_CHARS) this.flushHash();
    if (this.kept === this.order.length) {
      const grown = new Uint8Array(2 * this.order.length);
      grown.set(this.order);
      this.order = grown;
    }
    this.order[this.kept++] = k;
  }

  /** The rows of a type seen for the first time (−1: a type this level does not keep). */
  private addRows(type: EventType): number {
    if (!this.keepMessages && MESSAGE_LEVEL_TYPES.has(type)) {
      this.rowsOf.set(type, -1);
      return -1;
    }
    const k = this.rows.length;
    const kinds = fieldsOf(type);
    const fields = Object.keys(kinds);
    this.rows.push({
      type,
      fields,
      kinds: fields.map((f) => kinds[f]!),
      typePart: `,"type":${JSON.stringify(type)}`,
      prefixes: fields.map((f) => `,${JSON.stringify(f)}:`),
      t: [],
      cols: fields.map(() => []),
    });
    this.rowsOf.set(type, k);
    return k;
  }

  get count(): number {
    return this.kept;
  }

  /** The trace hash so far, as 64 hex digits; recording may continue afterwards. */
  hashHex(): string {
    this.flushHash();
    return this.hash.copy().digest('hex');
  }

  private flushHash(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending);
    this.pending = '';
  }

  /**
   * The kept events in order, each built when the iteration reaches it (events recorded later are not seen).
   * With `types`, only the events of those types: the others are skipped without being built (the summary's
   * derivations read a few types among the paper-scale hour's 1.5 M events).
   */
  eventList(types?: readonly EventType[]): EventList {
    const kept = this.kept;
    const order = this.order;
    const rows = this.rows;
    let want: Uint8Array | null = null;
    let length = kept;
    if (types) {
      want = new Uint8Array(rows.length);
      length = 0;
      for (const type of types) {
        const k = this.rowsOf.get(type);
        if (k === undefined || k < 0 || want[k] === 1) continue;
        want[k] = 1;
        length += rows[k]!.t.length;
      }
    }
    return {
      length,
      *[Symbol.iterator](): Iterator<TraceEvent> {
        const next = new Array<number>(rows.length).fill(0);
        for (let i = 0; i < kept; i++) {
          const k = order[i]!;
          const j = next[k]!++;
          if (want !== null && want[k] !== 1) continue;
          const r = rows[k]!;
          const ev: Record<string, unknown> = { t: r.t[j], type: r.type };
          for (let f = 0; f < r.fields.length; f++) ev[r.fields[f]!] = r.cols[f]![j];
          yield ev as unknown as TraceEvent;
        }
      },
    };
  }

  /** Every kept event as an object, in order. */
  events(): TraceEvent[] {
    return [...this.eventList()];
  }
}

/** The trace hash of a list of events (e.g. parsed from a file); equals the recorder's for the same events. */
export function traceHashHex(events: Iterable<TraceEvent>): string {
  const h = createHash('sha256');
  for (const ev of events) h.update(canonicalEventLine(ev) + '\n');
  return h.digest('hex');
}
