import { EVENT_FIELDS, type EventType, type FieldKind } from './schema.js';

/**
 * Field checks shared by the recorder (a bad event is a programming error) and the reader (a bad event
 * is a damaged file). Browser-safe: imports only the schema.
 */

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(EVENT_FIELDS, type);
}

export function fieldsOf(type: EventType): Record<string, FieldKind> {
  return EVENT_FIELDS[type] as Record<string, FieldKind>;
}

/** A short, quoted rendering of a bad value for an error message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** Does `v` fit `kind`? Ints must be safe integers and nums finite, so that JSON round-trips them exactly. */
export function fitsKind(v: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'int':
      return Number.isSafeInteger(v);
    case 'num':
      return Number.isFinite(v);
    case 'str':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
  }
}

/**
 * Index of the first value in `col` that does not fit `kind` ('time' = a valid `t`), or -1. One tight loop
 * per kind: the columnar reader checks millions of values, and only the first misfit needs a message.
 */
export function firstMisfit(col: readonly unknown[], kind: FieldKind | 'time'): number {
  const n = col.length;
  switch (kind) {
    case 'time':
      for (let i = 0; i < n; i++) if (!Number.isSafeInteger(col[i]) || (col[i] as number) < 0) return i;
      return -1;
    case 'int':
      for (let i = 0; i < n; i++) if (!Number.isSafeInteger(col[i])) return i;
      return -1;
    case 'num':
      for (let i = 0; i < n; i++) if (!Number.isFinite(col[i])) return i;
      return -1;
    case 'str':
      for (let i = 0; i < n; i++) if (typeof col[i] !== 'string') return i;
      return -1;
    case 'bool':
      for (let i = 0; i < n; i++) if (typeof col[i] !== 'boolean') return i;
      return -1;
  }
}

const KIND_WORDS: Record<FieldKind, string> = {
  int: 'an integer',
  num: 'a finite number',
  str: 'a string',
  bool: 'true or false',
};

/** What `t` must be: simulated microseconds, an integer (DESIGN §3). */
export function timeProblem(t: unknown): string | null {
  return Number.isSafeInteger(t) && (t as number) >= 0
    ? null
    : `field "t" must be a non-negative integer (simulated µs), got ${describeValue(t)}`;
}

export function fieldProblem(type: string, field: string, v: unknown, kind: FieldKind): string | null {
  return fitsKind(v, kind) ? null : `event type "${type}" field "${field}" must be ${KIND_WORDS[kind]}, got ${describeValue(v)}`;
}

/**
 * The first problem with an event, or null. `strict` also rejects fields the type does not have (the
 * reader's view); the recorder is lenient because the host stamps `node` on every protocol event.
 */
export function eventProblem(ev: Record<string, unknown>, strict: boolean): string | null {
  const type = ev['type'];
  if (!isEventType(type)) return `unknown event type ${describeValue(type)}`;
  const tp = timeProblem(ev['t']);
  if (tp) return `event type "${type}": ${tp}`;
  const fields = fieldsOf(type);
  for (const f in fields) {
    const p = fieldProblem(type, f, ev[f], fields[f]!);
    if (p) return p;
  }
  if (strict) {
    for (const k of Object.keys(ev)) {
      if (k !== 't' && k !== 'type' && !(k in fields)) return `event type "${type}" has no field "${k}"`;
    }
  }
  return null;
}
