import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { TraceRecorder, traceHashHex } from '../recorder.js';
import { canonicalEventLine, type TraceEvent } from '../schema.js';
import { sampleEvents } from './fixtures.js';

function recorded(level: 'summary' | 'messages', events: TraceEvent[]): TraceRecorder {
  const r = new TraceRecorder(level);
  for (const ev of events) r.record(ev);
  return r;
}

describe('TraceRecorder', () => {
  it('gives identical hashes for identical events', () => {
    const a = recorded('messages', sampleEvents());
    const b = recorded('messages', sampleEvents());
    expect(a.hashHex()).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hashHex()).toBe(b.hashHex());
  });

  it('hash changes when one field of one event changes', () => {
    const base = recorded('messages', sampleEvents()).hashHex();
    const evs = sampleEvents();
    (evs[3] as { height: number }).height = 2;
    expect(recorded('messages', evs).hashHex()).not.toBe(base);
    const evs2 = sampleEvents();
    evs2[0]!.t = 1;
    expect(recorded('messages', evs2).hashHex()).not.toBe(base);
  });

  it('hash is sha256 over canonical lines, and equals traceHashHex of its events', () => {
    const r = recorded('messages', sampleEvents());
    const h = createHash('sha256');
    for (const ev of sampleEvents()) h.update(canonicalEventLine(ev) + '\n');
    expect(r.hashHex()).toBe(h.digest('hex'));
    expect(traceHashHex(r.events())).toBe(r.hashHex());
  });

  it("'summary' level drops msg.send and 'messages' keeps it", () => {
    const s = recorded('summary', sampleEvents());
    const m = recorded('messages', sampleEvents());
    expect(s.events().some((e) => e.type === 'msg.send')).toBe(false);
    expect(s.count).toBe(sampleEvents().length - 2);
    expect(m.count).toBe(sampleEvents().length);
    expect(s.hashHex()).not.toBe(m.hashHex());
    expect(s.hashHex()).toBe(traceHashHex(sampleEvents().filter((e) => e.type !== 'msg.send')));
  });

  it('an empty trace still has a hash (that of no bytes)', () => {
    expect(new TraceRecorder('summary').hashHex()).toBe(createHash('sha256').digest('hex'));
  });

  it('hashHex can be read mid-run and recording continues', () => {
    const r = new TraceRecorder('summary');
    const evs = sampleEvents().filter((e) => e.type !== 'msg.send');
    r.record(evs[0]!);
    const mid = r.hashHex();
    for (const ev of evs.slice(1)) r.record(ev);
    expect(mid).not.toBe(r.hashHex());
    expect(r.hashHex()).toBe(traceHashHex(evs));
  });

  it('throws on an unknown type and on a badly typed field', () => {
    const r = new TraceRecorder('messages');
    expect(() => r.record({ t: 0, type: 'block.explode' } as unknown as TraceEvent)).toThrow(/unknown trace event type "block.explode"/);
    expect(() => r.record({ t: 0, type: 'node.crash' } as unknown as TraceEvent)).toThrow(/field "node"/);
    expect(() => r.record({ t: 1.5, type: 'node.crash', node: 1 })).toThrow(/"t"/);
    expect(r.count).toBe(0);
  });

  it('stores a canonical copy: extra fields dropped, later mutation of the input has no effect', () => {
    const r = new TraceRecorder('summary');
    const ev = { t: 5, type: 'epoch.ready', epoch: 2, node: 9 } as unknown as TraceEvent;
    r.record(ev);
    (ev as { epoch: number }).epoch = 3;
    expect(r.events()).toEqual([{ t: 5, type: 'epoch.ready', epoch: 2 }]);
    expect(r.hashHex()).toBe(traceHashHex([{ t: 5, type: 'epoch.ready', epoch: 2 }]));
  });

  it('eventList gives the events recorded so far, in order across types, as often as asked', () => {
    const evs = sampleEvents();
    const r = new TraceRecorder('messages');
    for (const ev of evs.slice(0, 4)) r.record(ev);
    const early = r.eventList();
    for (const ev of evs.slice(4)) r.record(ev);
    expect(early.length).toBe(4);
    expect([...early]).toEqual(evs.slice(0, 4));
    const all = r.eventList();
    expect([...all]).toEqual(evs);
    expect([...all]).toEqual([...all]);
    expect(new Set(evs.map((e) => e.type)).size).toBeGreaterThan(3); // interleaved types, not one column
  });
});
