import { createHash, type Hash } from 'node:crypto';
import { MESSAGE_LEVEL_TYPES, canonicalEventLine, type TraceEvent, type TraceLevel } from './schema.js';
import { eventProblem, fieldsOf, isEventType } from './validate.js';

/**
 * The one place trace events go (DESIGN §9). It keeps the events of its level in order and hashes them
 * as they come: the trace hash is sha256 over `canonicalEventLine(ev) + '\n'` for every kept event, so it
 * does not depend on the file format written (columnar, NDJSON, or none at all).
 *
 * Each event is copied into canonical form (`t`, `type`, the type's fields in schema order, nothing else):
 * the host stamps `node` on every protocol event, and a type without that field simply drops it. The copy
 * also means a caller that reuses or mutates its object afterwards cannot make the files disagree with
 * the hash.
 */
export class TraceRecorder {
  private readonly kept: TraceEvent[] = [];
  private readonly hash: Hash = createHash('sha256');
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
    const copy: Record<string, unknown> = { t: ev.t, type };
    for (const f in fieldsOf(type)) copy[f] = src[f];
    const canonical = copy as unknown as TraceEvent;
    this.kept.push(canonical);
    this.hash.update(canonicalEventLine(canonical) + '\n');
  }

  get count(): number {
    return this.kept.length;
  }

  /** The trace hash so far, as 64 hex digits; recording may continue afterwards. */
  hashHex(): string {
    return this.hash.copy().digest('hex');
  }

  events(): readonly TraceEvent[] {
    return this.kept;
  }
}

/** The trace hash of a list of events (e.g. parsed from a file); equals the recorder's for the same events. */
export function traceHashHex(events: Iterable<TraceEvent>): string {
  const h = createHash('sha256');
  for (const ev of events) h.update(canonicalEventLine(ev) + '\n');
  return h.digest('hex');
}
