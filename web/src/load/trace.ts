import { isGzip, TraceFormatError } from '../../../sim/trace/read.js';
import { parseColumnarTrace, type ColumnarTrace } from '../../../sim/trace/columnar.js';

/**
 * Bytes → ColumnarTrace in the browser: gunzip with DecompressionStream when the file starts with the
 * gzip magic, decode UTF-8, then the shared reader (sim/trace/columnar.ts). Every failure becomes a
 * LoadError naming the file and saying what is wrong in the reader's words.
 */
export class LoadError extends Error {
  override name = 'LoadError';
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`Could not open ${source}: ${reason}`);
  }
}

async function gunzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Milliseconds spent per loading phase, summed over the runs being opened. */
export type Timings = Record<string, number>;

function lap(timings: Timings | undefined, phase: string, since: number): number {
  const now = performance.now();
  if (timings) timings[phase] = (timings[phase] ?? 0) + (now - since);
  return now;
}

/** Parse the decompressed text; a format problem becomes a LoadError naming the source, in the reader's words. */
function parseExplained(source: string, text: string, timings: Timings | undefined, since: number): ColumnarTrace {
  try {
    const trace = parseColumnarTrace(text);
    lap(timings, 'parse+check', since);
    return trace;
  } catch (e) {
    if (e instanceof TraceFormatError) throw new LoadError(source, e.message);
    throw new LoadError(source, `the trace could not be read (${e instanceof Error ? e.message : String(e)}).`);
  }
}

export async function traceFromBytes(source: string, bytes: Uint8Array, timings?: Timings): Promise<ColumnarTrace> {
  let t = performance.now();
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = await gunzipBytes(bytes);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new LoadError(source, `it is a damaged or truncated gzip file (the browser says: ${why}).`);
    }
  }
  t = lap(timings, 'gunzip', t);
  const text = new TextDecoder('utf-8').decode(raw);
  t = lap(timings, 'decode', t);
  return parseExplained(source, text, timings, t);
}

/** Thrown out of a wrapped stream when the network, not the decompressor, failed. */
class NetworkFailure extends Error {}

/**
 * Fetch a trace and parse it, decompressing and decoding while it downloads (the three overlap, which is
 * most of the load time of a big trace). Gzip is recognised by its magic bytes, as for files.
 */
export async function fetchTrace(url: string, source: string, timings?: Timings): Promise<ColumnarTrace> {
  let t = performance.now();
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new LoadError(source, `the dashboard server did not answer (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!res.ok || !res.body) throw new LoadError(source, `the server answered HTTP ${res.status} ${res.statusText} for ${url}.`);
  const reader = res.body.getReader();
  const read = async () => {
    try {
      return await reader.read();
    } catch (e) {
      throw new NetworkFailure(e instanceof Error ? e.message : String(e));
    }
  };
  // Enough bytes to see the gzip magic (1f 8b), then the rest as it arrives.
  let head = new Uint8Array(0);
  let ended = false;
  while (head.length < 2 && !ended) {
    const r = await read();
    if (r.done) ended = true;
    else {
      const joined = new Uint8Array(head.length + r.value.length);
      joined.set(head);
      joined.set(r.value, head.length);
      head = joined;
    }
  }
  let sent = false;
  const bytes = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (!sent) {
        sent = true;
        if (head.length > 0) c.enqueue(head);
        if (ended) c.close();
        return;
      }
      const r = await read();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
  });
  const gz = isGzip(head);
  const decoded = (gz ? bytes.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : bytes).pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>);
  const parts: string[] = [];
  try {
    const r = decoded.getReader();
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      parts.push(value);
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (e instanceof NetworkFailure) throw new LoadError(source, `the download broke off (${why}).`);
    throw new LoadError(source, gz ? `it is a damaged or truncated gzip file (the browser says: ${why}).` : `it could not be read (${why}).`);
  }
  t = lap(timings, gz ? 'fetch+gunzip+decode' : 'fetch+decode', t);
  const text = parts.join('');
  parts.length = 0;
  return parseExplained(source, text, timings, t);
}

export async function traceFromFile(file: File, timings?: Timings): Promise<ColumnarTrace> {
  const t = performance.now();
  const bytes = new Uint8Array(await file.arrayBuffer());
  lap(timings, 'read', t);
  return traceFromBytes(file.name, bytes, timings);
}
