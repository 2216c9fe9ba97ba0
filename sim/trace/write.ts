import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  TraceHeaderSchema,
  canonicalEventLine,
  type ColumnarBody,
  type EventList,
  type TraceEvent,
  type TraceHeader,
} from './schema.js';
import { eventProblem, fieldsOf } from './validate.js';
import type { OutputTransaction } from './atomic.js';

/**
 * Trace encoders (DESIGN §9). Both formats hold the same header and events; readers (read.ts) accept
 * either. Key order is fixed (header in schema order, events canonical), so the same events always give
 * the same bytes.
 */

export type TraceFileFormat = 'columnar' | 'ndjson' | 'none';

export const TRACE_COLUMNAR_FILE = 'trace.columnar.json.gz';
export const TRACE_NDJSON_FILE = 'trace.ndjson';

/** zlib level 6: zlib's default, near the best ratio for JSON at a fraction of level 9's time. */
export const GZIP_LEVEL = 6;

/** The header validated and re-keyed in schema order; throws if `eventCount` disagrees with the events. */
export function canonicalHeader(header: TraceHeader, eventCount: number): TraceHeader {
  const parsed = TraceHeaderSchema.parse(header);
  if (parsed.eventCount !== eventCount) {
    throw new Error(`trace header says eventCount ${parsed.eventCount} but ${eventCount} events are being written`);
  }
  const ordered: Record<string, unknown> = {};
  for (const k of Object.keys(TraceHeaderSchema.shape)) ordered[k] = parsed[k as keyof TraceHeader];
  return ordered as TraceHeader;
}

/** Writers refuse an event the reader would refuse: a file that cannot be read back is worse than none. */
function checkedEvent(ev: TraceEvent, index: number): Record<string, number | string | boolean> {
  const rec = ev as unknown as Record<string, number | string | boolean>;
  const problem = eventProblem(rec, false);
  if (problem) throw new Error(`cannot write trace event #${index}: ${problem}`);
  return rec;
}

/** `{"header":…,"body":ColumnarBody}` on one line: one array per (type, field), types in first-seen order. */
export function encodeColumnar(header: TraceHeader, events: EventList): string {
  const h = canonicalHeader(header, events.length);
  const typeIndex = new Map<string, number>();
  const body: ColumnarBody = { types: [], order: new Array<number>(events.length), columns: {} };
  const fieldLists: string[][] = [];
  let i = 0;
  for (const event of events) {
    const ev = checkedEvent(event, i);
    const type = ev['type'] as TraceEvent['type'];
    let idx = typeIndex.get(type);
    if (idx === undefined) {
      idx = body.types.length;
      typeIndex.set(type, idx);
      body.types.push(type);
      const names = ['t', ...Object.keys(fieldsOf(type))];
      fieldLists.push(names);
      const cols: Record<string, (number | string | boolean)[]> = {};
      for (const f of names) cols[f] = [];
      body.columns[type] = cols;
    }
    body.order[i] = idx;
    const cols = body.columns[type]!;
    for (const f of fieldLists[idx]!) cols[f]!.push(ev[f]!);
    i++;
  }
  return `{"header":${JSON.stringify(h)},"body":${JSON.stringify(body)}}`;
}

/** `{"header":…}` on the first line, then one canonical event per line, newline-terminated (for jq). */
export function encodeNdjson(header: TraceHeader, events: EventList): string {
  const parts: string[] = [`{"header":${JSON.stringify(canonicalHeader(header, events.length))}}`];
  let i = 0;
  for (const ev of events) {
    checkedEvent(ev, i++);
    parts.push(canonicalEventLine(ev));
  }
  return parts.join('\n') + '\n';
}

/**
 * Gzip at GZIP_LEVEL. The header's OS byte is set to 255 ("unknown"): zlib writes 3 on Linux and 19 on
 * macOS, which would make otherwise identical files differ by platform. (The header has no CRC unless
 * FHCRC is set, which zlib does not set, so the edit is safe.) The deflate bytes still depend on the zlib
 * build; the trace hash, over the decoded events, does not.
 */
export function gzip(data: string | Uint8Array): Uint8Array {
  const out = gzipSync(data, { level: GZIP_LEVEL });
  out[9] = 255;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function gunzip(data: Uint8Array): Uint8Array {
  const out = gunzipSync(data);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The file name and bytes of a trace in `format`, or null for 'none'. */
export function encodeTraceFile(
  format: TraceFileFormat,
  header: TraceHeader,
  events: EventList,
): { fileName: string; data: string | Uint8Array } | null {
  if (format === 'columnar') return { fileName: TRACE_COLUMNAR_FILE, data: gzip(encodeColumnar(header, events)) };
  if (format === 'ndjson') return { fileName: TRACE_NDJSON_FILE, data: encodeNdjson(header, events) };
  return null;
}

/** Stage the trace file in `dir` into `tx`; returns its path, or null for 'none'. */
export function stageTrace(
  tx: OutputTransaction,
  dir: string,
  format: TraceFileFormat,
  header: TraceHeader,
  events: EventList,
): string | null {
  const file = encodeTraceFile(format, header, events);
  if (!file) return null;
  const path = join(dir, file.fileName);
  tx.stage(path, file.data);
  return path;
}
