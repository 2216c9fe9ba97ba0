import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { TraceFormatError, isGzip, parseTrace, type ParsedTrace } from './read.js';

const gunzipAsync = promisify(gunzip);

/** Read a trace file in either format, gunzipping it when it starts with the gzip magic bytes. */
export async function readTraceFile(path: string): Promise<ParsedTrace> {
  const bytes = await readFile(path);
  let text: string;
  if (isGzip(bytes)) {
    try {
      text = (await gunzipAsync(bytes)).toString('utf8');
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new TraceFormatError(`${path} is a damaged or truncated gzip file (zlib: ${why}).`);
    }
  } else {
    text = bytes.toString('utf8');
  }
  try {
    return parseTrace(text);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new TraceFormatError(`${path}: ${e.message}`);
    throw e;
  }
}
