import { createHash, type Hash } from 'node:crypto';
import { MESSAGE_LEVEL_TYPES, canonicalEventLine, type EventList, type EventType, type TraceEvent, type TraceLevel } from './schema.js';
import { eventProblem, fieldsOf, isEventType } from './validate.js';

const HASH_BATCH_CHARS = 1 << 16;

/** One event type's rows: `t` and one column per EVENT_FIELDS field, in schema order. */
interface Rows {
  readonly type: EventType;
  readonly fields: readonly string[];
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
    const type: unknown = ev.type;
    if (!isEventType(type)) throw new Error(`TraceRecorder: unknown trace event type ${JSON.stringify(type)}`);
    if (!this.keepMessages && MESSAGE_LEVEL_TYPES.has(type)) return;
    const problem = eventProblem(ev as unknown as Record<string, unknown>, false);
    if (problem) throw new Error(`TraceRecorder: ${problem}`);
    const src = ev as unknown as Record<string, unknown>;
    // Lines are hashed in batches (the same bytes: sha256 is a stream), as one update per ~100-byte line was
    // 1% of the paper-scale hour. canonicalEventLine reads only `t`, `type` and the type's fields.
    this.pending += canonicalEventLine(ev) + '\n';
    if (this.pending.length >= HASH_BATCH_CHARS) this.flushHash();
    let k = this.rowsOf.get(type);
    if (k === undefined) {
      k = this.rows.length;
      const fields = Object.keys(fieldsOf(type));
      this.rows.push({ type, fields, t: [], cols: fields.map(() => []) });
      this.rowsOf.set(type, k);
    }
    const rows = this.rows[k]!;
    rows.t.push(ev.t);
    for (let i = 0; i < rows.fields.length; i++) rows.cols[i]!.push(src[rows.fields[i]!]);
    if (this.kept === this.order.length) {
      const grown = new Uint8Array(2 * this.order.length);
      grown.set(this.order);
      this.order = grown;
    }
    this.order[this.kept++] = k;
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

  /** The kept events in order, each built when the iteration reaches it (events recorded later are not seen). */
  eventList(): EventList {
    const length = this.kept;
    const order = this.order;
    const rows = this.rows;
    return {
      length,
      *[Symbol.iterator](): Iterator<TraceEvent> {
        const next = new Array<number>(rows.length).fill(0);
        for (let i = 0; i < length; i++) {
          const k = order[i]!;
          const r = rows[k]!;
          const j = next[k]!++;
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
