import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../recorder.js';
import { encodeColumnar, encodeNdjson } from '../write.js';
import { TraceFormatError, parseTrace } from '../read.js';
import { columnarFromEvents, countOf, eventsOfTypes, numbers, parseColumnarTrace, strings } from '../columnar.js';
import type { TraceEvent } from '../schema.js';
import { sampleEvents, sampleHeader } from './fixtures.js';

const events = (() => {
  const r = new TraceRecorder('messages');
  for (const ev of sampleEvents()) r.record(ev);
  return r.events();
})();
const header = sampleHeader(events.length);
const columnar = encodeColumnar(header, events);
const ndjson = encodeNdjson(header, events);

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError);
    return (e as Error).message;
  }
  throw new Error('accepted a bad trace');
}

describe('parseColumnarTrace', () => {
  it('keeps each type as typed columns with the values of the file, in trace order', () => {
    const tr = parseColumnarTrace(columnar);
    expect(tr.eventCount).toBe(events.length);
    expect(countOf(tr, 'block.propose')).toBe(2);
    expect(Array.from(numbers(tr, 'block.propose', 'node'))).toEqual([3, 2]);
    expect(Array.from(tr.byType['block.propose']!.t)).toEqual([100, 400]);
    expect(numbers(tr, 'block.propose', 'node')).toBeInstanceOf(Float64Array);
    expect(strings(tr, 'msg.send', 'msg')).toEqual(['prepare', 'vote "quoted"']);
    expect(countOf(tr, 'node.crash')).toBe(0);
    expect(numbers(tr, 'node.crash', 'node').length).toBe(0);
  });

  it('eventsOfTypes rebuilds exactly the events parseTrace gives for those types, in the same order', () => {
    const tr = parseColumnarTrace(columnar);
    const all = parseTrace(columnar).events;
    const wanted = ['block.propose', 'msg.send', 'metrics.bucket'] as const;
    expect(eventsOfTypes(tr, wanted)).toEqual(all.filter((e) => (wanted as readonly string[]).includes(e.type)));
    expect(eventsOfTypes(tr, [...new Set(all.map((e) => e.type))])).toEqual(all);
  });

  it('an NDJSON trace gives the same columns as the columnar file', () => {
    const a = parseColumnarTrace(columnar);
    const b = parseColumnarTrace(ndjson);
    expect(b.types).toEqual(a.types);
    expect(Array.from(b.order)).toEqual(Array.from(a.order));
    for (const type of a.types) expect(b.byType[type]).toEqual(a.byType[type]);
  });

  it('booleans come back as booleans', () => {
    const evs: TraceEvent[] = [
      { t: 5, type: 'pow.submit', node: 1, epoch: 0, accepted: true },
      { t: 6, type: 'pow.submit', node: 2, epoch: 0, accepted: false },
    ];
    const tr = columnarFromEvents(sampleHeader(2), evs);
    expect(eventsOfTypes(tr, ['pow.submit'])).toEqual(evs);
  });

  it('refuses what parseTrace refuses, with the same message', () => {
    const bad = [
      columnar.slice(0, columnar.length - 20),
      columnar.replace('"schemaVersion":1', '"schemaVersion":2'),
      columnar.replace('"block.propose"', '"block.proposed"'),
      '',
      'not json',
      ndjson.slice(0, ndjson.length / 2),
    ];
    for (const text of bad) expect(messageOf(() => parseColumnarTrace(text))).toBe(messageOf(() => parseTrace(text)));
  });
});
