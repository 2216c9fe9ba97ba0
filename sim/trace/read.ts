import {
  EVENT_FIELDS,
  TRACE_FORMAT,
  TRACE_SCHEMA_VERSION,
  TraceHeaderSchema,
  type EventType,
  type TraceEvent,
  type TraceHeader,
} from './schema.js';
import { describeValue, eventProblem, fieldProblem, fieldsOf, firstMisfit, isEventType, timeProblem } from './validate.js';

/**
 * Trace reader, shared by the CLI and the dashboard, so it imports no Node module: it takes text that is
 * already decompressed (read-node.ts gunzips on Node; the browser can use DecompressionStream). It accepts
 * both formats write.ts produces and explains, in the researcher's terms, why a file cannot be read.
 */

export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
}

export interface ParsedTrace {
  header: TraceHeader;
  events: TraceEvent[];
}

/** Gzip files start with 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * A trace checked but not yet turned into event objects: NDJSON gives its events, the columnar format its
 * validated columns (one record per entry of `types`), so a reader that wants columns (columnar.ts, the
 * dashboard's fast path) never builds one object per event. Both paths share every check and message.
 */
export type TraceDocument =
  | { format: 'ndjson'; header: TraceHeader; events: TraceEvent[] }
  | { format: 'columnar'; header: TraceHeader; body: CheckedBody };

/** A columnar body whose every index, column length and value has been checked. */
export interface CheckedBody {
  types: EventType[];
  order: readonly number[];
  /** `columns[i][field]` for `types[i]`: `t` then the type's EVENT_FIELDS. */
  columns: Record<string, unknown[]>[];
}

/** Parse a columnar JSON trace (`{"header","body"}`) or an NDJSON trace (header line, then one event per line). */
export function parseTrace(text: string): ParsedTrace {
  const doc = readTraceDocument(text);
  if (doc.format === 'ndjson') return { header: doc.header, events: doc.events };
  return { header: doc.header, events: eventsOfBody(doc.body) };
}

/** Check a trace in either format and return it as a TraceDocument; throws TraceFormatError saying what is wrong. */
export function readTraceDocument(text: string): TraceDocument {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new TraceFormatError('The trace is empty: the file has no header and no events.');
  if (text.charCodeAt(0) === 0x1f) {
    throw new TraceFormatError('The trace is still gzip-compressed: decompress it first (readTraceFile does this).');
  }
  const firstNewline = text.indexOf('\n');
  const firstLine = firstNewline < 0 ? text : text.slice(0, firstNewline);
  const first = tryParse(firstLine);
  if (first.ok && isObject(first.value) && 'header' in first.value && !('body' in first.value)) {
    const { header, events } = parseNdjsonLines(first.value, text, firstNewline);
    return { format: 'ndjson', header, events };
  }
  // A single JSON document: the columnar format, on one line as written or pretty-printed by a tool.
  const restBlank = firstNewline < 0 || text.slice(firstNewline + 1).trim() === '';
  const doc = first.ok && restBlank ? first : tryParse(text);
  if (!doc.ok) {
    if (!first.ok && firstLine.trimStart().startsWith('{"header"') && firstNewline >= 0) {
      throw new TraceFormatError(`Line 1 of the NDJSON trace is not valid JSON (${first.message}).`);
    }
    throw new TraceFormatError(jsonFailure(text, doc.message));
  }
  if (!isObject(doc.value)) throw new TraceFormatError('The trace is JSON but not an object with "header" and "body".');
  if (!('header' in doc.value)) throw new TraceFormatError('The trace has no "header": this is not a shardsim trace.');
  const header = parseHeader(doc.value['header']);
  const body = checkColumnarBody(doc.value['body']);
  checkEventCount(header, body.order.length, false);
  return { format: 'columnar', header, body };
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Explain a JSON failure. An unterminated string or an unclosed bracket at the end means the file was cut
 * short (an interrupted copy or download); we check that ourselves rather than trust one engine's wording.
 */
function jsonFailure(text: string, engineMessage: string): string {
  if (jsonEndsEarly(text)) {
    return `The trace is truncated: its JSON ended early, after ${text.length} characters, with an object or string still open. The file was probably cut short while being written or copied.`;
  }
  const pos = /position (\d+)/.exec(engineMessage);
  let where = '';
  if (pos) {
    const p = Number(pos[1]);
    const before = text.slice(0, p);
    const line = before.split('\n').length;
    where = ` at line ${line}, column ${p - before.lastIndexOf('\n')}`;
  }
  return `The trace is not valid JSON${where}: ${engineMessage}`;
}

/** True when the text stops inside a string or with brackets still open. */
function jsonEndsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return inString || depth > 0;
}

function parseHeader(raw: unknown): TraceHeader {
  if (!isObject(raw)) throw new TraceFormatError(`The trace header must be an object, got ${describeValue(raw)}.`);
  if (raw['format'] !== TRACE_FORMAT) {
    throw new TraceFormatError(
      `This is not a shardsim trace: header.format is ${describeValue(raw['format'])}, expected "${TRACE_FORMAT}".`,
    );
  }
  if (raw['schemaVersion'] !== TRACE_SCHEMA_VERSION) {
    const by = typeof raw['softwareVersion'] === 'string' ? ` (written by shardsim ${raw['softwareVersion']})` : '';
    throw new TraceFormatError(
      `Unsupported trace schemaVersion ${describeValue(raw['schemaVersion'])}${by}: this build of shardsim reads schemaVersion ${TRACE_SCHEMA_VERSION}. ` +
        'Open it with the shardsim version that wrote it, or re-run the scenario with this one.',
    );
  }
  const r = TraceHeaderSchema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `header${i.path.map((p) => `.${String(p)}`).join('')}: ${i.message}`);
    throw new TraceFormatError(`The trace header is invalid: ${problems.join('; ')}`);
  }
  return r.data;
}

function checkEventCount(header: TraceHeader, found: number, ndjson: boolean): void {
  if (header.eventCount === found) return;
  const hint = found < header.eventCount ? ' The file is probably truncated.' : '';
  const unit = ndjson ? 'event lines' : 'events';
  throw new TraceFormatError(`The trace header says eventCount ${header.eventCount} but the file holds ${found} ${unit}.${hint}`);
}

function unknownType(type: unknown, where: string): TraceFormatError {
  return new TraceFormatError(
    `Unknown event type ${describeValue(type)} ${where}. This build knows: ${Object.keys(EVENT_FIELDS).join(', ')}.`,
  );
}

function parseNdjsonLines(headerLine: Record<string, unknown>, text: string, firstNewline: number): ParsedTrace {
  const header = parseHeader(headerLine['header']);
  const events: TraceEvent[] = [];
  const lines = firstNewline < 0 ? [] : text.slice(firstNewline + 1).split('\n');
  const endsWithNewline = text.endsWith('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 2;
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.trim() === '') continue;
    const p = tryParse(line);
    if (!p.ok) {
      if (i === lines.length - 1 && !endsWithNewline) {
        throw new TraceFormatError(
          `The trace is truncated: line ${lineNo}, the last, ends in the middle of an event (${p.message}).`,
        );
      }
      throw new TraceFormatError(`Line ${lineNo} of the trace is not valid JSON: ${p.message}`);
    }
    if (!isObject(p.value)) throw new TraceFormatError(`Line ${lineNo} of the trace is not an event object.`);
    const ev = p.value;
    if (!isEventType(ev['type'])) throw unknownType(ev['type'], `on line ${lineNo}`);
    const problem = eventProblem(ev, true);
    if (problem) throw new TraceFormatError(`Line ${lineNo} of the trace: ${problem}.`);
    events.push(canonicalCopy(ev));
  }
  checkEventCount(header, events.length, true);
  return { header, events };
}

function canonicalCopy(ev: Record<string, unknown>): TraceEvent {
  const type = ev['type'] as TraceEvent['type'];
  const out: Record<string, unknown> = { t: ev['t'], type };
  for (const f in fieldsOf(type)) out[f] = ev[f];
  return out as unknown as TraceEvent;
}

function checkColumnarBody(body: unknown): CheckedBody {
  if (!isObject(body)) throw new TraceFormatError('The trace has no "body" object: the columnar file is incomplete.');
  const { types, order, columns } = body;
  if (!Array.isArray(types)) throw new TraceFormatError('body.types must be an array of event type names.');
  if (!Array.isArray(order)) throw new TraceFormatError('body.order must be an array of type indices.');
  if (!isObject(columns)) throw new TraceFormatError('body.columns must be an object of columns per event type.');
  const perType = new Array<number>(types.length).fill(0);
  for (let i = 0; i < order.length; i++) {
    const k: unknown = order[i];
    if (!Number.isInteger(k) || (k as number) < 0 || (k as number) >= types.length) {
      throw new TraceFormatError(`body.order[${i}] is ${describeValue(k)}, not an index into body.types (0..${types.length - 1}).`);
    }
    perType[k as number]!++;
  }
  const cols: Record<string, unknown[]>[] = [];
  for (let ti = 0; ti < types.length; ti++) {
    const type: unknown = types[ti];
    if (!isEventType(type)) throw unknownType(type, `in body.types[${ti}]`);
    if (types.indexOf(type) !== ti) throw new TraceFormatError(`body.types lists "${type}" twice.`);
    cols.push(checkColumns(type, columns[type], perType[ti]!));
  }
  for (const k of Object.keys(columns)) {
    if (!types.includes(k)) throw new TraceFormatError(`body.columns has columns for "${k}", which body.types does not list.`);
  }
  return { types: types as EventType[], order: order as number[], columns: cols };
}

/** One event object per entry of body.order, in order. */
function eventsOfBody(body: CheckedBody): TraceEvent[] {
  const { types, order, columns: cols } = body;
  const cursor = new Array<number>(types.length).fill(0);
  const events = new Array<TraceEvent>(order.length);
  for (let i = 0; i < order.length; i++) {
    const ti = order[i]!;
    const type = types[ti]!;
    const c = cols[ti]!;
    const row = cursor[ti]!++;
    const ev: Record<string, unknown> = { t: c['t']![row], type };
    for (const f in fieldsOf(type)) ev[f] = c[f]![row];
    events[i] = ev as unknown as TraceEvent;
  }
  return events;
}

/** Check one type's columns: exactly `t` plus its fields, each as long as the type's share of body.order, each value of its kind. */
function checkColumns(type: TraceEvent['type'], raw: unknown, expected: number): Record<string, unknown[]> {
  if (!isObject(raw)) throw new TraceFormatError(`body.columns has no columns for event type "${type}".`);
  const fields = fieldsOf(type);
  const names = ['t', ...Object.keys(fields)];
  for (const k of Object.keys(raw)) {
    if (!names.includes(k)) throw new TraceFormatError(`body.columns["${type}"] has a column "${k}" that event type "${type}" does not have.`);
  }
  const out: Record<string, unknown[]> = {};
  for (const f of names) {
    const col = raw[f];
    if (!Array.isArray(col)) throw new TraceFormatError(`body.columns["${type}"] is missing the column "${f}".`);
    if (col.length !== expected) {
      throw new TraceFormatError(
        `Column length mismatch: event type "${type}" field "${f}" has ${col.length} values, but body.order lists ${expected} "${type}" events.`,
      );
    }
    const r = firstMisfit(col, f === 't' ? 'time' : fields[f]!);
    if (r >= 0) {
      const problem = f === 't' ? timeProblem(col[r]) : fieldProblem(type, f, col[r], fields[f]!);
      throw new TraceFormatError(`body.columns["${type}"]["${f}"][${r}]: ${problem}.`);
    }
    out[f] = col;
  }
  return out;
}
