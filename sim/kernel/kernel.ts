import { RadixQueue } from './radix-queue.js';
import type { Micros } from './time.js';

/**
 * A handler receives the event's integer target, its payload and its integer `aux` (DESIGN §3: no closures
 * in the queue). `aux` carries a second number without an object to hold it (the host: a message's sender, a
 * timer's incarnation).
 */
export type Handler = (target: number, payload: unknown, aux: number) => void;

/** Opaque handle: slot number and the slot's generation, so cancelling a recycled slot is a no-op. */
export type EventId = number;

// slot < 2^26 and generation < 2^26 keep an id below 2^52, exact in a double.
const GEN_BITS = 2 ** 26;

/**
 * An event travels in its queue entry (radix-queue.ts) as two numbers besides its time: WORD =
 * slot · 2^KIND_BITS + handler, EXTRA = target · 2^32 + (aux as uint32). Running it reads the entry at the
 * front, already in cache, and the payload: at paper scale ~10^5 events are pending, and a per-slot record
 * of handler, target and aux was a cache miss per event.
 */
const KIND_BITS = 6;
const MAX_HANDLERS = 2 ** KIND_BITS;
/** Targets are node ids and the like: below 2^21 (the schema allows 10^6 nodes), so EXTRA stays below 2^53. */
const TARGET_LIMIT = 2 ** 21;
const TWO_32 = 2 ** 32;

/**
 * The discrete-event kernel, after SimPy's core: `now`, `schedule`, `cancel`, `step`, `peek`, `run(until)`.
 *
 * Events are time-keyed entries in a radix heap of typed arrays, leaving in the order they were scheduled
 * among equal times; a handler is registered once and referred to by number, so an event is three numbers
 * and an optional payload reference in its slot.
 * Each Kernel owns all of its state: many kernels can run in one process.
 */
export class Kernel {
  private now_: Micros = 0;
  private executed_ = 0;
  private readonly queue = new RadixQueue();
  private readonly handlers: Handler[] = [];
  private stopRequested = false;

  /**
   * Per slot: its generation (so that a spent id cannot cancel the slot's next event), whether its event is
   * cancelled, and its payload. Slots are recycled through a free list, last freed first.
   */
  private gen = new Int32Array(1024);
  private cancelled = new Uint8Array(1024);
  private payloadOf: unknown[] = [];
  private freeSlots: number[] = [];
  private nextSlot = 0;

  get now(): Micros {
    return this.now_;
  }

  /** Events executed so far (cancelled ones are not counted). */
  get executed(): number {
    return this.executed_;
  }

  /** Events waiting, including cancelled ones not yet popped. */
  get pending(): number {
    return this.queue.size;
  }

  /** Register a handler; the returned number names it in `schedule`. */
  register(handler: Handler): number {
    if (this.handlers.length >= MAX_HANDLERS) throw new RangeError(`Kernel.register: at most ${MAX_HANDLERS} handlers`);
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /**
   * Schedule handler `kind` at absolute time `at` (≥ now, integer µs); `target` an integer in [0, 2^21), `aux`
   * a 32-bit signed integer.
   */
  schedule(at: Micros, kind: number, target = 0, payload: unknown = undefined, aux = 0): EventId {
    if (!(at >= this.now_) || !Number.isInteger(at)) {
      throw new RangeError(`Kernel.schedule: time ${at} must be an integer ≥ now (${this.now_})`);
    }
    if (!(target >= 0 && target < TARGET_LIMIT) || !Number.isInteger(target)) {
      throw new RangeError(`Kernel.schedule: target ${target} must be an integer in [0, ${TARGET_LIMIT})`);
    }
    const slot = this.allocSlot();
    this.payloadOf[slot] = payload;
    this.queue.push(at, slot * MAX_HANDLERS + kind, target * TWO_32 + (aux >>> 0));
    return slot + this.gen[slot]! * GEN_BITS;
  }

  /** Schedule `delay` µs from now. */
  after(delay: Micros, kind: number, target = 0, payload: unknown = undefined): EventId {
    return this.schedule(this.now_ + delay, kind, target, payload);
  }

  /** Cancel by tombstone; cancelling an event that already ran or was cancelled does nothing. */
  cancel(id: EventId): void {
    const slot = id % GEN_BITS;
    const gen = Math.floor(id / GEN_BITS);
    // A spent id whose slot is free still matches its generation: the flag is cleared when the slot is taken.
    if (slot < this.nextSlot && this.gen[slot] === gen) this.cancelled[slot] = 1;
  }

  /** Time of the next live event, or Infinity. */
  peek(): Micros {
    this.dropCancelledHead();
    return this.queue.peekTime();
  }

  /** Run the next live event; false when none is left. */
  step(): boolean {
    this.dropCancelledHead();
    if (this.queue.size === 0) return false;
    this.now_ = this.queue.peekTime();
    this.runFront();
    return true;
  }

  /** Take the front event (live) out of the queue and run it. */
  private runFront(): void {
    const queue = this.queue;
    const word = queue.peekWord();
    const extra = queue.peekExtra();
    queue.pop();
    const slot = word >>> KIND_BITS;
    const payload = this.payloadOf[slot];
    this.releaseSlot(slot);
    this.executed_++;
    // EXTRA | 0 is its low 32 bits as a signed integer: aux.
    this.handlers[word & (MAX_HANDLERS - 1)]!(Math.floor(extra / TWO_32), payload, extra | 0);
  }

  /** Make the running `run` return after the current event (SimPy's `env.exit`-like stop). */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Run every event with time ≤ until, then set now = until (if later than now).
   * `onProgress` is called every `progressEvery` events, for progress bars outside the simulation.
   */
  run(until: Micros = Infinity, onProgress?: () => void, progressEvery = 1 << 18): void {
    const queue = this.queue;
    let sinceProgress = 0;
    this.stopRequested = false;
    for (;;) {
      if (queue.size === 0) break;
      const t = queue.peekTime();
      const slot = queue.peekWord() >>> KIND_BITS;
      if (this.cancelled[slot] === 1) {
        queue.pop();
        this.releaseSlot(slot);
        continue;
      }
      if (t > until) break;
      this.now_ = t;
      this.runFront();
      if (this.stopRequested) return;
      if (onProgress && ++sinceProgress >= progressEvery) {
        sinceProgress = 0;
        onProgress();
      }
    }
    if (until !== Infinity && until > this.now_) this.now_ = until;
  }

  private dropCancelledHead(): void {
    while (this.queue.size > 0) {
      const slot = this.queue.peekWord() >>> KIND_BITS;
      if (this.cancelled[slot] !== 1) return;
      this.queue.pop();
      this.releaseSlot(slot);
    }
  }

  private allocSlot(): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot >= GEN_BITS) throw new RangeError(`Kernel: more than ${GEN_BITS} events pending`);
      if (slot >= this.gen.length) this.grow();
    }
    // The generation moves on when a slot is taken (its line is warm: the free list gives the last freed).
    this.gen[slot] = (this.gen[slot]! + 1) % GEN_BITS;
    this.cancelled[slot] = 0;
    return slot;
  }

  private releaseSlot(slot: number): void {
    this.payloadOf[slot] = undefined;
    this.freeSlots.push(slot);
  }

  private grow(): void {
    const gen = new Int32Array(this.gen.length * 2);
    gen.set(this.gen);
    this.gen = gen;
    const cancelled = new Uint8Array(this.cancelled.length * 2);
    cancelled.set(this.cancelled);
    this.cancelled = cancelled;
  }
}
