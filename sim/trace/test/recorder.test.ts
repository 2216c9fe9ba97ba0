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

  it('recordAt keeps what record keeps for the stamped copy, and stamps node only where the event has none', () => {
    const stamped = new TraceRecorder('messages');
    const copied = new TraceRecorder('messages');
    for (const ev of sampleEvents()) {
      const { t, ...rest } = ev as unknown as Record<string, unknown> & { t: number };
      const node = 1000 + t;
      stamped.recordAt(t, node, rest as { type: string });
      copied.record({ ...rest, t, node: (rest['node'] as number | undefined) ?? node } as unknown as TraceEvent);
    }
    expect(stamped.hashHex()).toBe(copied.hashHex());
    expect(stamped.events()).toEqual(copied.events());
    const own = new TraceRecorder('summary');
    own.recordAt(7, 3, { type: 'node.crash', node: 5 } as { type: string });
    own.recordAt(8, 3, { type: 'epoch.ready', epoch: 1 } as { type: string });
    expect(own.events()).toEqual([
      { t: 7, type: 'node.crash', node: 5 },
      { t: 8, type: 'epoch.ready', epoch: 1 },
    ]);
  });

  it('a bad field, however late in the event, leaves nothing recorded', () => {
    const r = new TraceRecorder('summary');
    const bad = { type: 'shard.move', fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 5, readyUs: 'soon' };
    expect(() => r.recordAt(9, 4, bad)).toThrow(/event type "shard.move" field "readyUs" must be an integer, got "soon"/);
    expect(() => r.recordAt(-1, 4, { type: 'epoch.ready', epoch: 1 } as { type: string })).toThrow(/"t" must be a non-negative integer/);
    expect(r.count).toBe(0);
    expect(r.hashHex()).toBe(traceHashHex([]));
    r.recordAt(10, 4, { ...bad, readyUs: 12 } as { type: string });
    const good = { t: 10, type: 'shard.move', node: 4, fromShard: 0, toShard: 1, epoch: 1, batch: 0, startUs: 5, readyUs: 12 } as TraceEvent;
    expect(r.events()).toEqual([good]);
    expect(r.hashHex()).toBe(traceHashHex([good]));
  });

  it('eventList with types gives only those events, in recorded order, and counts only them', () => {
    const evs = sampleEvents();
    const r = recorded('summary', evs);
    const types = ['block.propose', 'metrics.bucket', 'msg.send', 'idle.start'] as const;
    const want = evs.filter((e) => (types as readonly string[]).includes(e.type) && e.type !== 'msg.send');
    expect(want.length).toBeGreaterThan(1);
    const list = r.eventList([...types]);
    expect(list.length).toBe(want.length);
    expect([...list]).toEqual(want);
    expect([...r.eventList([])]).toEqual([]);
    expect(r.eventList([]).length).toBe(0);
    expect([...r.eventList()]).toEqual(evs.filter((e) => e.type !== 'msg.send'));
  });
});
