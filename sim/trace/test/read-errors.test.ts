import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../recorder.js';
import { encodeColumnar, encodeNdjson } from '../write.js';
import { TraceFormatError, parseTrace } from '../read.js';
import { sampleEvents, sampleHeader } from './fixtures.js';

const events = (() => {
  const r = new TraceRecorder('messages');
  for (const ev of sampleEvents()) r.record(ev);
  return r.events();
})();
const columnar = encodeColumnar(sampleHeader(events.length), events);
const ndjson = encodeNdjson(sampleHeader(events.length), events);

/** The TraceFormatError message parseTrace throws for `text` (fails the test if it does not throw one). */
function errorOf(text: string): string {
  try {
    parseTrace(text);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError);
    return (e as Error).message;
  }
  throw new Error('parseTrace accepted a bad trace');
}

interface Doc {
  header: Record<string, unknown>;
  body: { types: string[]; order: number[]; columns: Record<string, Record<string, unknown[]>> };
}

function editColumnar(edit: (doc: Doc) => void): string {
  const doc = JSON.parse(columnar) as Doc;
  edit(doc);
  return JSON.stringify(doc);
}

describe('parseTrace errors', () => {
  it('columnar JSON cut in half: says it is truncated and ended early', () => {
    const msg = errorOf(columnar.slice(0, Math.floor(columnar.length / 2)));
    expect(msg).toMatch(/truncated/);
    expect(msg).toMatch(/ended early/);
  });

  it('NDJSON cut in half: names the line where it stops', () => {
    const cut = ndjson.slice(0, Math.floor(ndjson.length / 2));
    const lastLine = cut.split('\n').length;
    const msg = errorOf(cut);
    expect(msg).toMatch(/truncated/);
    expect(msg).toContain(`line ${lastLine}`);
  });

  it('NDJSON cut at a line boundary: the eventCount does not match', () => {
    const lines = ndjson.split('\n');
    const msg = errorOf(lines.slice(0, 4).join('\n') + '\n');
    expect(msg).toMatch(/eventCount 8 but the file holds 3 event lines/);
    expect(msg).toMatch(/truncated/);
  });

  it('a bad line in the middle of NDJSON is named', () => {
    const lines = ndjson.split('\n');
    lines[3] = '{"t":1,"type":';
    expect(errorOf(lines.join('\n'))).toMatch(/Line 4 of the trace is not valid JSON/);
  });

  it('unknown schema version: says which the file has and which this build reads', () => {
    const msg = errorOf(editColumnar((d) => (d.header['schemaVersion'] = 99)));
    expect(msg).toContain('schemaVersion 99');
    expect(msg).toContain('reads schemaVersion 1');
    const nd = ndjson.replace('"schemaVersion":1', '"schemaVersion":99');
    expect(errorOf(nd)).toContain('99');
  });

  it('wrong format name', () => {
    expect(errorOf(editColumnar((d) => (d.header['format'] = 'other-trace')))).toMatch(/not a shardsim trace.*"other-trace"/);
  });

  it('missing header', () => {
    expect(errorOf(JSON.stringify({ body: (JSON.parse(columnar) as Doc).body }))).toMatch(/no "header"/);
  });

  it('a bad header field names its zod path', () => {
    expect(errorOf(editColumnar((d) => (d.header['seed'] = -1)))).toMatch(/header\.seed/);
    expect(errorOf(editColumnar((d) => (d.header['nodeRegion'] = [0, 'x'])))).toMatch(/header\.nodeRegion\.1/);
  });

  it('column length mismatch names the type and the field', () => {
    const msg = errorOf(editColumnar((d) => d.body.columns['block.propose']!['height']!.pop()));
    expect(msg).toMatch(/length mismatch/);
    expect(msg).toContain('"block.propose"');
    expect(msg).toContain('"height"');
    expect(msg).toMatch(/has 1 values.*lists 2/);
  });

  it('unknown event type, in either format', () => {
    expect(errorOf(editColumnar((d) => (d.body.types[0] = 'epoch.explode')))).toMatch(/Unknown event type "epoch.explode"/);
    const lines = ndjson.split('\n');
    lines[2] = '{"t":1,"type":"node.melt","node":0}';
    expect(errorOf(lines.join('\n'))).toMatch(/Unknown event type "node.melt" on line 3/);
  });

  it('a value of the wrong kind names type, field and row', () => {
    const msg = errorOf(editColumnar((d) => (d.body.columns['block.commit']!['level']![0] = 3)));
    expect(msg).toContain('"block.commit" field "level" must be a string');
  });

  it('eventCount mismatch in a columnar file', () => {
    expect(errorOf(editColumnar((d) => (d.header['eventCount'] = 5)))).toMatch(/eventCount 5 but the file holds 8 events/);
  });

  it('not JSON at all, empty, and still gzipped', () => {
    expect(errorOf('hello')).toMatch(/not valid JSON/);
    expect(errorOf('   ')).toMatch(/empty/);
    expect(errorOf('\x1f\x8b\x08rest')).toMatch(/gzip/);
  });
});
