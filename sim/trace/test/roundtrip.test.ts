import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceRecorder, traceHashHex } from '../recorder.js';
import { encodeColumnar, encodeNdjson, encodeTraceFile, gunzip, gzip } from '../write.js';
import { parseTrace } from '../read.js';
import { readTraceFile } from '../read-node.js';
import { sampleEvents, sampleHeader } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'shardsim-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder(): TraceRecorder {
  const r = new TraceRecorder('messages');
  for (const ev of sampleEvents()) r.record(ev);
  return r;
}

describe('trace round trip', () => {
  it('columnar JSON parses back to the same header and events, and the same hash', () => {
    const r = recorder();
    const header = sampleHeader(r.count);
    const parsed = parseTrace(encodeColumnar(header, r.events()));
    expect(parsed.header).toEqual(header);
    expect(parsed.events).toEqual(r.events());
    expect(traceHashHex(parsed.events)).toBe(r.hashHex());
  });

  it('NDJSON parses back to the same header and events, and the same hash', () => {
    const r = recorder();
    const header = sampleHeader(r.count);
    const text = encodeNdjson(header, r.events());
    expect(text.split('\n')[0]).toMatch(/^\{"header":\{"format":"shardsim-trace","schemaVersion":1,/);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = parseTrace(text);
    expect(parsed.header).toEqual(header);
    expect(parsed.events).toEqual(r.events());
    expect(traceHashHex(parsed.events)).toBe(r.hashHex());
  });

  it('a pretty-printed columnar file is still read', () => {
    const r = recorder();
    const doc = JSON.parse(encodeColumnar(sampleHeader(r.count), r.events())) as unknown;
    expect(parseTrace(JSON.stringify(doc, null, 2)).events).toEqual(r.events());
  });

  it('encoding is byte-identical for the same events, whatever the header key order', () => {
    const r = recorder();
    const h = sampleHeader(r.count);
    const shuffled = Object.fromEntries(Object.entries(h).reverse()) as typeof h;
    expect(encodeColumnar(shuffled, r.events())).toBe(encodeColumnar(h, r.events()));
    expect(encodeNdjson(shuffled, r.events())).toBe(encodeNdjson(h, r.events()));
    expect(Buffer.from(gzip(encodeColumnar(h, r.events())))).toEqual(Buffer.from(gzip(encodeColumnar(h, r.events()))));
  });

  it('refuses to write a header whose eventCount disagrees with the events', () => {
    const r = recorder();
    expect(() => encodeColumnar(sampleHeader(r.count + 1), r.events())).toThrow(/eventCount/);
    expect(() => encodeNdjson(sampleHeader(0), r.events())).toThrow(/eventCount/);
  });

  it('gzip output has the magic bytes, a fixed OS byte, and gunzips back', () => {
    const z = gzip('hello trace');
    expect([z[0], z[1], z[9]]).toEqual([0x1f, 0x8b, 255]);
    expect(new TextDecoder().decode(gunzip(z))).toBe('hello trace');
  });

  it('readTraceFile reads both file formats from disk', async () => {
    const r = recorder();
    const header = sampleHeader(r.count);
    for (const format of ['columnar', 'ndjson'] as const) {
      const file = encodeTraceFile(format, header, r.events())!;
      const path = join(dir, file.fileName);
      writeFileSync(path, file.data);
      const parsed = await readTraceFile(path);
      expect(parsed.events).toEqual(r.events());
      expect(traceHashHex(parsed.events)).toBe(r.hashHex());
    }
    expect(encodeTraceFile('none', header, r.events())).toBeNull();
  });

  it('readTraceFile explains a truncated gzip file', async () => {
    const r = recorder();
    const z = gzip(encodeColumnar(sampleHeader(r.count), r.events()));
    const path = join(dir, 'cut.json.gz');
    writeFileSync(path, z.subarray(0, Math.floor(z.length / 2)));
    await expect(readTraceFile(path)).rejects.toThrow(/truncated gzip/);
  });
});
