import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel.js';
import { RngRoot } from './rng.js';
import { EventQueue } from './queue.js';
import { RadixQueue } from './radix-queue.js';

describe('Kernel', () => {
  it('runs simultaneous events in the order they were scheduled', () => {
    const k = new Kernel();
    const seen: number[] = [];
    const h = k.register((target) => seen.push(target));
    // Interleave two times; within each time the scheduling order must be kept, whatever the heap shape.
    for (let i = 0; i < 200; i++) k.schedule(i % 2 === 0 ? 50 : 10, h, i);
    k.run();
    const expected = [...Array(200).keys()].filter((i) => i % 2 === 1).concat([...Array(200).keys()].filter((i) => i % 2 === 0));
    expect(seen).toEqual(expected);
  });

  it('orders by time first, then by sequence', () => {
    const k = new Kernel();
    const seen: [number, number][] = [];
    const h = k.register((target) => seen.push([k.now, target]));
    k.schedule(30, h, 1);
    k.schedule(10, h, 2);
    k.schedule(20, h, 3);
    k.schedule(10, h, 4);
    k.run();
    expect(seen).toEqual([
      [10, 2],
      [10, 4],
      [20, 3],
      [30, 1],
    ]);
  });

  it('lets a handler schedule at the current time, after events already queued for it', () => {
    const k = new Kernel();
    const seen: string[] = [];
    const b = k.register(() => seen.push('b'));
    const c = k.register(() => seen.push('c'));
    const a = k.register(() => {
      seen.push('a');
      k.schedule(k.now, c);
    });
    k.schedule(5, a);
    k.schedule(5, b);
    k.run();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('cancels by tombstone, and cancelling a spent id does not hit the slot reused by a newer event', () => {
    const k = new Kernel();
    const seen: number[] = [];
    const h = k.register((t) => seen.push(t));
    const a = k.schedule(10, h, 1);
    k.schedule(20, h, 2);
    k.cancel(a);
    k.run();
    expect(seen).toEqual([2]);
    // Slot of `a` is now recycled for this event; the old id must not cancel it.
    k.schedule(30, h, 3);
    k.cancel(a);
    k.run();
    expect(seen).toEqual([2, 3]);
    expect(k.executed).toBe(2);
    // A spent id cancelled while its slot is free, before the slot is taken again: the new event runs.
    const b = k.schedule(40, h, 4);
    k.run();
    k.cancel(b);
    k.schedule(50, h, 5);
    k.run();
    expect(seen).toEqual([2, 3, 4, 5]);
  });

  it('keeps each event its handler, target, payload and aux across thousands pending, with a third cancelled', () => {
    const k = new Kernel();
    const rng = new RngRoot(3).stream('kernel');
    const ran: string[] = [];
    const hs = [0, 1, 2].map((h) => k.register((target, payload, aux) => ran.push(`${h}:${target}:${(payload as { n: number }).n}:${aux}:${k.now}`)));
    const want: { t: number; seq: number; text: string }[] = [];
    const ids: number[] = [];
    for (let n = 0; n < 5_000; n++) {
      const t = Math.floor(rng.next() * 1_000);
      const h = n % 3;
      // aux: a signed 32-bit integer (the host puts senders and incarnations there); some events have none.
      const aux = n % 5 === 0 ? undefined : n % 2 === 1 ? -n : 100_000 * n;
      ids.push(k.schedule(t, hs[h]!, 7 * n, { n }, aux));
      want.push({ t, seq: n, text: `${h}:${7 * n}:${n}:${aux ?? 0}:${t}` });
    }
    const cancelled = new Set<number>();
    for (let n = 0; n < 5_000; n++) if (rng.next() < 1 / 3) cancelled.add(n);
    for (const n of cancelled) k.cancel(ids[n]!);
    for (let i = 0; i < 10; i++) k.step(); // step() and run() read the same slots
    k.run(499);
    expect(k.now).toBe(499);
    k.run();
    const expected = want.filter((w) => !cancelled.has(w.seq)).sort((a, b) => a.t - b.t || a.seq - b.seq).map((w) => w.text);
    expect(ran).toEqual(expected);
    expect(k.executed).toBe(5_000 - cancelled.size);
  });

  it('run(until) stops at the bound, sets now to it, and resumes later', () => {
    const k = new Kernel();
    const seen: number[] = [];
    const h = k.register((t) => seen.push(t));
    for (const t of [5, 10, 15, 20]) k.schedule(t, h, t);
    k.run(12);
    expect(seen).toEqual([5, 10]);
    expect(k.now).toBe(12);
    expect(k.peek()).toBe(15);
    k.run(15);
    expect(seen).toEqual([5, 10, 15]);
    k.run();
    expect(seen).toEqual([5, 10, 15, 20]);
  });

  it('refuses to schedule in the past or at a fractional time', () => {
    const k = new Kernel();
    const h = k.register(() => undefined);
    k.schedule(10, h);
    k.run();
    expect(() => k.schedule(5, h)).toThrow(RangeError);
    expect(() => k.schedule(10.5, h)).toThrow(/integer/);
  });

  it('refuses a target outside [0, 2^21) and more than 64 handlers', () => {
    const k = new Kernel();
    const h = k.register(() => undefined);
    expect(() => k.schedule(1, h, -1)).toThrow(/target -1/);
    expect(() => k.schedule(1, h, 2 ** 21)).toThrow(/target/);
    expect(() => k.schedule(1, h, 2.5)).toThrow(/target/);
    for (let i = 1; i < 64; i++) k.register(() => undefined);
    expect(() => k.register(() => undefined)).toThrow(/at most 64 handlers/);
  });

  it('carries the largest target and extreme aux values beside times past 2^32 µs', () => {
    const k = new Kernel();
    const seen: [number, number, number][] = [];
    const h = k.register((target, _p, aux) => seen.push([k.now, target, aux]));
    k.schedule(2 ** 40 + 3, h, 2 ** 21 - 1, undefined, -(2 ** 31));
    k.schedule(2 ** 33, h, 0, undefined, 2 ** 31 - 1);
    k.schedule(2 ** 33, h, 7, undefined, -1);
    k.run();
    expect(seen).toEqual([
      [2 ** 33, 0, 2 ** 31 - 1],
      [2 ** 33, 7, -1],
      [2 ** 40 + 3, 2 ** 21 - 1, -(2 ** 31)],
    ]);
  });

  it('keeps two kernels in one process independent', () => {
    const k1 = new Kernel();
    const k2 = new Kernel();
    const s1: number[] = [];
    const h1 = k1.register((t) => s1.push(t));
    k2.register(() => undefined);
    k1.schedule(1, h1, 1);
    k2.schedule(1, 0);
    k2.run();
    expect(s1).toEqual([]);
    expect(k2.executed).toBe(1);
    k1.run();
    expect(s1).toEqual([1]);
  });

  it('stop() ends run after the current event', () => {
    const k = new Kernel();
    let n = 0;
    const h = k.register(() => {
      if (++n === 3) k.stop();
    });
    for (let i = 0; i < 10; i++) k.schedule(i, h);
    k.run();
    expect(n).toBe(3);
    expect(k.pending).toBe(7);
  });
});

describe('EventQueue', () => {
  it('pops 10,000 random keys in sorted (time, seq) order', () => {
    const q = new EventQueue(4);
    const rng = new RngRoot(3).stream('q');
    const keys: [number, number][] = [];
    q.ensureSlots(10_000);
    for (let i = 0; i < 10_000; i++) {
      const t = rng.int(500);
      keys.push([t, i]);
      q.push(i, t, i);
    }
    keys.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const popped: number[] = [];
    while (q.size > 0) popped.push(q.pop());
    expect(popped).toEqual(keys.map((k) => k[1]));
  });

  it('pops in (time, seq) order under interleaved pushes and pops, with slots reused', () => {
    const q = new EventQueue(2);
    const rng = new RngRoot(5).stream('q2');
    const live = new Map<number, [number, number]>(); // slot → (time, seq)
    const freeSlots: number[] = [];
    let nextSlot = 0;
    let seq = 0;
    let now = 0;
    let bad = 0;
    for (let step = 0; step < 20_000; step++) {
      if (live.size === 0 || rng.next() < 0.55) {
        const slot = freeSlots.pop() ?? nextSlot++;
        q.ensureSlots(nextSlot);
        const t = now + rng.int(50);
        live.set(slot, [t, seq]);
        q.push(slot, t, seq++);
      } else {
        let best = -1;
        for (const [slot, [t, s]] of live) {
          const b = live.get(best);
          if (!b || t < b[0] || (t === b[0] && s < b[1])) best = slot;
        }
        if (q.peek() !== best || q.peekTime() !== live.get(best)![0]) bad++;
        const got = q.pop();
        if (got !== best) bad++;
        now = live.get(best)![0];
        live.delete(best);
        freeSlots.push(got);
      }
      if (q.size !== live.size) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('RadixQueue', () => {
  /**
   * Against a plain model under interleaved pushes and pops as a kernel makes them (times never below the
   * last one taken out, many at the same time), plus pushes below it (a kernel stopped at `until`), across
   * the 2^32 boundary where the bucket index switches to the high words. Equal times leave in push order.
   */
  it.each([
    ['small gaps', 0, 50],
    ['gaps of every size', 0, 2 ** 34],
    ['times across 2^32', 2 ** 32 - 1000, 3000],
  ])('takes entries out by time, then push order: %s', (_name, origin, span) => {
    const q = new RadixQueue();
    const rng = new RngRoot(9).stream(`radix:${span}`);
    const live: [number, number][] = []; // time, word (= push number)
    let now = origin;
    let bad = 0;
    const byTime = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
    for (let step = 0; step < 20_000; step++) {
      if (live.length === 0 || rng.next() < 0.55) {
        // A tenth at `now`, a few below it, the rest ahead by a gap that is itself drawn on a log scale.
        const ahead = rng.next() < 0.1 ? 0 : Math.floor(Math.pow(span, rng.next()));
        const below = rng.next() < 0.02 && now > origin ? -1 - rng.int(Math.min(10, now - origin)) : 0;
        const t = now + (below < 0 ? below : ahead);
        live.push([t, step]);
        q.push(t, step, -step);
      } else {
        live.sort(byTime);
        const [t, word] = live.shift()!;
        if (q.peekTime() !== t || q.peekWord() !== word || q.peekExtra() !== -word) bad++;
        q.pop();
        now = t;
      }
      if (q.size !== live.length) bad++;
    }
    live.sort(byTime);
    for (const [t, word] of live) {
      if (q.peekTime() !== t || q.peekWord() !== word) bad++;
      q.pop();
    }
    expect(bad).toBe(0);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
  });
});

describe('RngRoot', () => {
  it('gives the same draws for the same seed and name', () => {
    const a = new RngRoot(42).stream('net');
    const b = new RngRoot(42).stream('net');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
  });

  it('keeps streams independent: drawing from one never shifts another', () => {
    const r1 = new RngRoot(42);
    const r2 = new RngRoot(42);
    const alone = Array.from({ length: 100 }, () => r1.stream('net').next());
    const mixed: number[] = [];
    for (let i = 0; i < 100; i++) {
      r2.stream('workload').next();
      r2.stream(`node:${i}`).next();
      mixed.push(r2.stream('net').next());
    }
    expect(mixed).toEqual(alone);
  });

  it('gives different sequences to different names and different seeds', () => {
    const r = new RngRoot(1);
    expect(r.stream('a').next()).not.toBe(r.stream('b').next());
    expect(new RngRoot(1).stream('a').next()).not.toBe(new RngRoot(2).stream('a').next());
  });

  it('keyedUniform depends only on (seed, key)', () => {
    const r = new RngRoot(9);
    const v = r.keyedUniform('vrf:epoch:3:node:5');
    r.stream('x').next();
    expect(r.keyedUniform('vrf:epoch:3:node:5')).toBe(v);
    expect(new RngRoot(10).keyedUniform('vrf:epoch:3:node:5')).not.toBe(v);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(1);
  });

  it('keyedUniform is built from sha256(seed, 0x01, key): its first 20 bits, then bits 32-63, over 2^52', () => {
    const r = new RngRoot(42);
    for (let i = 0; i < 300; i++) {
      const key = `pob:sample:${i % 7}:${i}:é${'x'.repeat(i % 40)}`;
      const d = createHash('sha256').update(`42\u0001${key}`).digest();
      expect(r.keyedUniform(key)).toBe(((d.readUInt32BE(0) >>> 12) * 4294967296 + d.readUInt32BE(4)) / 2 ** 52);
    }
  });

  it('draws exponential and Poisson with the right means (within sampling error)', () => {
    const s = new RngRoot(5).stream('d');
    const n = 50_000;
    let e = 0;
    let p = 0;
    let big = 0;
    for (let i = 0; i < n; i++) {
      e += s.exponential(3);
      p += s.poisson(4);
      big += s.poisson(1000);
    }
    // Standard errors: exp 3/sqrt(n) ≈ 0.013, Poisson(4) 2/sqrt(n) ≈ 0.009, Poisson(1000) ≈ 0.14.
    expect(e / n).toBeCloseTo(3, 1);
    expect(Math.abs(p / n - 4)).toBeLessThan(0.05);
    expect(Math.abs(big / n - 1000)).toBeLessThan(1);
  });
});
