import type { RngStream } from '../kernel/rng.js';
import { msToUs, secondsToUs, type Micros } from '../kernel/time.js';
import type { WorkloadConfig } from '../scenario/schema.js';
import type { TxSet } from '../protocols/types.js';

/**
 * Client transactions as a Poisson process at the offered rate (DESIGN §8), handed over in batches every
 * `batchIntervalMs`. Given the count in an interval, Poisson arrival times are uniform order statistics,
 * so each batch draws its count, then that many uniform times, sorted. A transaction is an integer id;
 * its facts live in typed arrays indexed by id, so 100,000 transactions a second cost no objects.
 */
export class Arrivals {
  private submitUs = new Float64Array(1 << 16);
  private nextId = 0;
  readonly intervalUs: Micros;
  private readonly bursts: { startUs: Micros; endUs: Micros; multiplier: number }[];

  constructor(
    private readonly cfg: WorkloadConfig,
    private readonly rng: RngStream,
  ) {
    this.intervalUs = Math.max(1, msToUs(cfg.batchIntervalMs));
    this.bursts = cfg.bursts.map((b) => ({
      startUs: secondsToUs(b.startSeconds),
      endUs: secondsToUs(b.endSeconds),
      multiplier: b.rateMultiplier,
    }));
  }

  /** Transactions issued so far. */
  get issued(): number {
    return this.nextId;
  }

  /** When transaction `id` was submitted by its client, µs. */
  submitUsOf(id: number): Micros {
    return this.submitUs[id]!;
  }

  /** Offered rate (tx/s) at time t, bursts applied. */
  rateAt(tUs: Micros): number {
    let rate = this.cfg.offeredTps;
    for (const b of this.bursts) if (tUs >= b.startUs && tUs < b.endUs) rate *= b.multiplier;
    return rate;
  }

  /** The batch of transactions that arrived in (endUs − interval, endUs]; an empty set when none did. */
  batchEndingAt(endUs: Micros): TxSet {
    const startUs = Math.max(0, endUs - this.intervalUs);
    const span = endUs - startUs;
    const count = this.rng.poisson((this.rateAt(startUs) * span) / 1e6);
    if (count === 0) return { ranges: [], count: 0 };
    const first = this.nextId;
    this.ensure(first + count);
    const times = new Float64Array(count);
    for (let i = 0; i < count; i++) times[i] = startUs + Math.floor(this.rng.next() * span) + 1;
    times.sort();
    this.submitUs.set(times, first);
    this.nextId = first + count;
    return { ranges: [first, first + count], count };
  }

  private ensure(n: number): void {
    if (n <= this.submitUs.length) return;
    let size = this.submitUs.length;
    while (size < n) size *= 2;
    const next = new Float64Array(size);
    next.set(this.submitUs.subarray(0, this.nextId));
    this.submitUs = next;
  }
}
