import { EventQueue } from './queue.js';
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

// A slot's numbers in Kernel.slots: the handler (with the CANCELLED bit once cancelled), target, generation, aux.
const SLOT_STRIDE = 4;
const HANDLER = 0;
const TARGET = 1;
const GEN = 2;
const AUX = 3;
/** Set in a slot's handler number when the event is cancelled (handler numbers stay far below it). */
const CANCELLED = 1 << 30;

/**
 * The discrete-event kernel, after SimPy's core: `now`, `schedule`, `cancel`, `step`, `peek`, `run(until)`.
 *
 * Events are (time µs, sequence) keyed slots in a typed-array heap; a handler is registered once and
 * referred to by number, so an event is three numbers and an optional payload reference.
 * Each Kernel owns all of its state: many kernels can run in one process.
 */
export class Kernel {
  private now_: Micros = 0;
  private seq = 0;
  private executed_ = 0;
  private readonly queue = new EventQueue();
  private readonly handlers: Handler[] = [];
  private stopRequested = false;

  /**
   * Slot storage, SLOT_STRIDE numbers per slot (handler and cancelled bit, target, generation, aux) in one array, so that
   * running an event reads one cache line for them: with ~10^5 events pending at paper scale the slots at
   * the heap's top are scattered, and four parallel arrays were a cache miss each. The payload beside it.
   * Slots are recycled through a free list.
   */
  private slots = new Int32Array(1024 * SLOT_STRIDE);
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
    if (this.handlers.length + 1 >= CANCELLED) throw new RangeError('Kernel.register: too many handlers');
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Schedule handler `kind` at absolute time `at` (≥ now, integer µs); `aux` is a 32-bit signed integer. */
  schedule(at: Micros, kind: number, target = 0, payload: unknown = undefined, aux = 0): EventId {
    if (!(at >= this.now_) || !Number.isInteger(at)) {
      throw new RangeError(`Kernel.schedule: time ${at} must be an integer ≥ now (${this.now_})`);
    }
    const slot = this.allocSlot();
    const o = slot * SLOT_STRIDE;
    const slots = this.slots;
    slots[o + HANDLER] = kind;
    slots[o + TARGET] = target;
    slots[o + AUX] = aux;
    this.payloadOf[slot] = payload;
    this.queue.push(slot, at, this.seq++);
    return slot + slots[o + GEN]! * GEN_BITS;
  }

  /** Schedule `delay` µs from now. */
  after(delay: Micros, kind: number, target = 0, payload: unknown = undefined): EventId {
    return this.schedule(this.now_ + delay, kind, target, payload);
  }

  /** Cancel by tombstone; cancelling an event that already ran or was cancelled does nothing. */
  cancel(id: EventId): void {
    const slot = id % GEN_BITS;
    const gen = Math.floor(id / GEN_BITS);
    if (slot < this.nextSlot && this.slots[slot * SLOT_STRIDE + GEN] === gen) this.slots[slot * SLOT_STRIDE + HANDLER]! |= CANCELLED;
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
    const slot = this.queue.pop();
    const kind = this.slots[slot * SLOT_STRIDE + HANDLER]!;
    const target = this.slots[slot * SLOT_STRIDE + TARGET]!;
    const aux = this.slots[slot * SLOT_STRIDE + AUX]!;
    const payload = this.payloadOf[slot];
    this.releaseSlot(slot);
    this.executed_++;
    this.handlers[kind]!(target, payload, aux);
    return true;
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
    const handlers = this.handlers;
    let sinceProgress = 0;
    this.stopRequested = false;
    for (;;) {
      if (queue.size === 0) break;
      const slot = queue.peek();
      const o = slot * SLOT_STRIDE;
      const slots = this.slots;
      const kind = slots[o + HANDLER]!;
      if (kind >= CANCELLED) {
        queue.pop();
        this.releaseSlot(slot);
        continue;
      }
      const t = queue.peekTime(); // the top's time, read beside its slot number
      if (t > until) break;
      queue.pop();
      this.now_ = t;
      const target = slots[o + TARGET]!;
      const aux = slots[o + AUX]!;
      const payload = this.payloadOf[slot];
      this.releaseSlot(slot);
      this.executed_++;
      handlers[kind]!(target, payload, aux);
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
      const slot = this.queue.peek();
      if (this.slots[slot * SLOT_STRIDE + HANDLER]! < CANCELLED) return;
      this.queue.pop();
      this.releaseSlot(slot);
    }
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.nextSlot++;
    if (slot * SLOT_STRIDE >= this.slots.length) this.grow();
    this.queue.ensureSlots(this.nextSlot);
    return slot;
  }

  private releaseSlot(slot: number): void {
    this.payloadOf[slot] = undefined;
    const g = slot * SLOT_STRIDE + GEN;
    this.slots[g] = (this.slots[g]! + 1) % GEN_BITS;
    this.freeSlots.push(slot);
  }

  private grow(): void {
    const grown = new Int32Array(this.slots.length * 2);
    grown.set(this.slots);
    this.slots = grown;
  }
}
