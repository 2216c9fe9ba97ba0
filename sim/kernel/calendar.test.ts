import { describe, expect, it } from 'vitest';
import { BusyCalendar, CALENDAR_ROW } from './calendar.js';
import { RngRoot } from './rng.js';

/** The reference: every busy interval ever, no pruning; work from t uses the free time from t on. */
function timeline() {
  const busy: [number, number][] = [];
  return (t: number, need: number): number => {
    busy.sort((x, y) => x[0] - y[0]);
    let pos = t;
    let left = need;
    const used: [number, number][] = [];
    for (const [s, e] of busy) {
      if (e <= pos) continue;
      if (s > pos) {
        const take = Math.min(left, s - pos);
        used.push([pos, pos + take]);
        left -= take;
        if (left === 0) break;
      }
      pos = Math.max(pos, e);
    }
    if (left > 0 || used.length === 0) used.push([pos, pos + left]);
    busy.push(...used);
    return used.at(-1)![1];
  };
}

describe('BusyCalendar', () => {
  it('is a plain busy-until queue for work that starts now', () => {
    const c = new BusyCalendar(2);
    expect(c.take(0, 100, 50)).toBe(150);
    expect(c.take(0, 120, 10)).toBe(160);
    expect(c.take(0, 500, 10)).toBe(510);
    expect(c.freeAt(0)).toBe(510);
    expect(c.freeAt(1)).toBe(0);
  });

  it('keeps work booked ahead as an island: work now runs before it, and around it', () => {
    const c = new BusyCalendar(1);
    expect(c.take(0, 1_000, 100, 0)).toBe(1_100); // booked for 1,000–1,100 while it is 0
    expect(c.freeAt(0)).toBe(0);
    expect(c.take(0, 0, 300)).toBe(300); // fits before
    expect(c.take(0, 0, 1_000)).toBe(1_400); // 700 before the island, 300 after it
    expect(c.freeAt(0)).toBe(1_400);
  });

  it('reset forgets what was queued and booked', () => {
    const c = new BusyCalendar(1);
    c.take(0, 0, 5_000);
    c.take(0, 9_000, 100, 0);
    c.reset(0, 1_000);
    expect(c.take(0, 1_000, 10)).toBe(1_010);
    expect(c.take(0, 8_995, 10, 1_010)).toBe(9_005); // the old island is gone
  });

  it('matches a plain timeline model over 5,000 random bookings, now and ahead', () => {
    const rng = new RngRoot(11).stream('calendar');
    const c = new BusyCalendar(1);
    const place = timeline();
    let now = 0;
    for (let k = 0; k < 5_000; k++) {
      now += Math.floor(rng.next() * 3_000);
      const need = 1 + Math.floor(rng.next() * 8_000);
      const at = rng.next() < 0.5 ? now : now + Math.floor(rng.next() * 200_000);
      expect(c.take(0, at, need, now)).toBe(place(at, need));
    }
  });

  it('keeps resources apart, one with many islands and others mostly booking now, against one model each', () => {
    const rng = new RngRoot(12).stream('calendar');
    const size = 5;
    const c = new BusyCalendar(size);
    const models = Array.from({ length: size }, () => timeline());
    let now = 0;
    for (let k = 0; k < 20_000; k++) {
      now += Math.floor(rng.next() * 400);
      const r = Math.floor(rng.next() * size);
      // Resource 0 mostly books far ahead in short pieces (hundreds of islands); the others mostly book now.
      const ahead = rng.next() < (r === 0 ? 0.9 : 0.3);
      const need = 1 + Math.floor(rng.next() * (r === 0 ? 300 : 200));
      const at = ahead ? now + Math.floor(rng.next() * (r === 0 ? 400_000 : 2_000)) : now;
      expect(c.take(r, at, need, now)).toBe(models[r]!(at, need));
    }
  });

  it('keeps two calendars and the caller\'s own numbers apart when they share rows', () => {
    const rng = new RngRoot(13).stream('calendar');
    const size = 4;
    const stride = 8 + 2 * CALENDAR_ROW; // as the network's: 8 numbers of its own, then two calendar rows
    const rows = new Float64Array(size * stride);
    for (let r = 0; r < size; r++) for (let k = 0; k < 8; k++) rows[r * stride + k] = 1_000 * r + k;
    const first = new BusyCalendar(size, { rows, stride, offset: 8 });
    const second = new BusyCalendar(size, { rows, stride, offset: 8 + CALENDAR_ROW });
    expect(second.take(1, 0, 50)).toBe(50);
    expect([first.freeAt(1), second.freeAt(1), second.freeAt(0)]).toEqual([0, 50, 0]);
    second.reset(1, 0);
    const models = [Array.from({ length: size }, () => timeline()), Array.from({ length: size }, () => timeline())];
    let now = 0;
    for (let k = 0; k < 20_000; k++) {
      now += Math.floor(rng.next() * 300);
      const r = Math.floor(rng.next() * size);
      const which = rng.next() < 0.5 ? 0 : 1;
      // Enough bookings ahead that resources go past the islands a row holds (dozens) and back.
      const at = rng.next() < 0.7 ? now + Math.floor(rng.next() * 80_000) : now;
      const need = 1 + Math.floor(rng.next() * 150);
      expect((which === 0 ? first : second).take(r, at, need, now)).toBe(models[which]![r]!(at, need));
    }
    for (let r = 0; r < size; r++) for (let k = 0; k < 8; k++) expect(rows[r * stride + k]).toBe(1_000 * r + k);
  });

  it('refuses a shared row that does not fit its stride', () => {
    const stride = 8 + CALENDAR_ROW;
    expect(() => new BusyCalendar(2, { rows: new Float64Array(2 * stride), stride, offset: 10 })).toThrow(/inside the stride/);
    expect(() => new BusyCalendar(3, { rows: new Float64Array(2 * stride), stride, offset: 8 })).toThrow(/size × stride/);
  });
});
