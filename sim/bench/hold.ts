import { Kernel } from '../kernel/kernel.js';
import { RngRoot } from '../kernel/rng.js';

/**
 * The classic "hold" model for event-set benchmarks (Vaucher & Duval 1975; used by ns-3 and SimPy
 * comparisons): keep `pending` events; repeatedly pop the earliest and schedule one at now + U(0, 100) µs.
 * `clock` is injected so this module reads no wall clock itself.
 */
export interface HoldResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Sum of popped times: keeps the work observable and lets both sides be checked for equal work. */
  readonly checksum: number;
}

/**
 * A bare binary heap over (time, seq) in typed arrays, with no slots, payloads or handlers: the reference the kernel
 * is measured against (the kernel's radix heap, kernel/radix-queue.ts, has run faster than it since stop 19).
 */
export function holdBareHeap(pending: number, events: number, seed: number, clock: () => number): HoldResult {
  const draw = new RngRoot(seed).stream('hold');
  const cap = pending + 1;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let size = 0;
  let nextSeq = 0;
  const push = (t: number) => {
    const s = nextSeq++;
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p]! < t || (time[p] === t && seq[p]! < s)) break;
      time[i] = time[p]!;
      seq[i] = seq[p]!;
      i = p;
    }
    time[i] = t;
    seq[i] = s;
  };
  const pop = (): number => {
    const top = time[0]!;
    const lt = time[--size]!;
    const ls = seq[size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      const r = c + 1;
      if (r < size && (time[r]! < time[c]! || (time[r] === time[c] && seq[r]! < seq[c]!))) c = r;
      if (lt < time[c]! || (lt === time[c] && ls < seq[c]!)) break;
      time[i] = time[c]!;
      seq[i] = seq[c]!;
      i = c;
    }
    time[i] = lt;
    seq[i] = ls;
    return top;
  };
  for (let i = 0; i < pending; i++) push(Math.floor(draw.next() * 100));
  const t0 = clock();
  let checksum = 0;
  for (let n = 0; n < events; n++) {
    const now = pop();
    checksum += now;
    push(now + Math.floor(draw.next() * 100));
  }
  const seconds = (clock() - t0) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds, checksum };
}

/** The same work through the Kernel: a registered handler, schedule and run. */
export function holdKernel(pending: number, events: number, seed: number, clock: () => number): HoldResult {
  const draw = new RngRoot(seed).stream('hold');
  const kernel = new Kernel();
  let checksum = 0;
  let left = events;
  const hold = kernel.register(() => {
    checksum += kernel.now;
    if (--left > 0) kernel.schedule(kernel.now + Math.floor(draw.next() * 100), hold);
    else kernel.stop();
  });
  for (let i = 0; i < pending; i++) kernel.schedule(Math.floor(draw.next() * 100), hold);
  const t0 = clock();
  // Run until `events` handlers ran; the remaining pending events stay queued, as in the bare heap.
  kernel.run();
  const seconds = (clock() - t0) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds, checksum };
}
