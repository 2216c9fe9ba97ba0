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

export async function traceFromBytes(source: string, bytes: Uint8Array): Promise<ColumnarTrace> {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = await gunzipBytes(bytes);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new LoadError(source, `it is a damaged or truncated gzip file (the browser says: ${why}).`);
    }
  }
  const text = new TextDecoder('utf-8').decode(raw);
  try {
    return parseColumnarTrace(text);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new LoadError(source, e.message);
    throw new LoadError(source, `the trace could not be read (${e instanceof Error ? e.message : String(e)}).`);
  }
}

export async function fetchBytes(url: string, source: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new LoadError(source, `the dashboard server did not answer (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!res.ok) throw new LoadError(source, `the server answered HTTP ${res.status} ${res.statusText} for ${url}.`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function traceFromFile(file: File): Promise<ColumnarTrace> {
  return traceFromBytes(file.name, new Uint8Array(await file.arrayBuffer()));
}
