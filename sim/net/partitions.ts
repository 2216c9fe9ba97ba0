import { secondsToUs, type Micros } from '../kernel/time.js';
import type { NetworkConfig } from '../scenario/schema.js';

export type PartitionConfig = NetworkConfig['partitions'][number];

/** A partition starting or healing, for the host to put in the trace. */
export interface PartitionEvent {
  readonly atUs: Micros;
  /** Index into the scenario's `network.partitions`. */
  readonly index: number;
  readonly kind: 'start' | 'end';
}

/**
 * The scenario's network partitions. Partition i names a set S_i (its regions by name, plus its listed
 * nodes) and, during [startSeconds, endSeconds), cuts every link between S_i and the rest: a message is
 * dropped if exactly one of its ends is in S_i. Membership is decided once, at construction, as one
 * Uint8Array per partition, so a check is a few array reads. Several partitions may overlap in time;
 * then a message is dropped if any active one separates its ends.
 */
export class PartitionSchedule {
  readonly count: number;
  private readonly startUs: Float64Array;
  private readonly endUs: Float64Array;
  private readonly members: Uint8Array[];

  constructor(partitions: readonly PartitionConfig[], regionNames: readonly string[], regionOf: Int32Array) {
    const n = regionOf.length;
    this.count = partitions.length;
    this.startUs = new Float64Array(this.count);
    this.endUs = new Float64Array(this.count);
    this.members = partitions.map((p, i) => {
      this.startUs[i] = secondsToUs(p.startSeconds);
      this.endUs[i] = secondsToUs(p.endSeconds);
      const inRegion = new Uint8Array(regionNames.length);
      for (const name of p.regions ?? []) {
        const r = regionNames.indexOf(name);
        if (r < 0) throw new RangeError(`partition ${i}: unknown region "${name}" (regions: ${regionNames.join(', ')})`);
        inRegion[r] = 1;
      }
      const member = new Uint8Array(n);
      for (let v = 0; v < n; v++) member[v] = inRegion[regionOf[v]!]!;
      for (const v of p.nodes ?? []) {
        if (!Number.isInteger(v) || v < 0 || v >= n) throw new RangeError(`partition ${i}: node ${v} is not in 0..${n - 1}`);
        member[v] = 1;
      }
      return member;
    });
  }

  /** Whether an active partition separates a from b at time `atUs`. */
  separates(a: number, b: number, atUs: Micros): boolean {
    for (let i = 0; i < this.count; i++) {
      if (atUs >= this.startUs[i]! && atUs < this.endUs[i]!) {
        const m = this.members[i]!;
        if (m[a] !== m[b]) return true;
      }
    }
    return false;
  }

  /** Whether node v is in the set that partition i cuts off. */
  isMember(i: number, v: number): boolean {
    return this.members[i]![v] === 1;
  }

  /**
   * Every start and end, sorted by time; at equal times an end comes before a start (the state after
   * both is the same either way, but a trace reads better healing first), then by partition index.
   */
  events(): PartitionEvent[] {
    const events: PartitionEvent[] = [];
    for (let i = 0; i < this.count; i++) {
      events.push({ atUs: this.startUs[i]!, index: i, kind: 'start' });
      events.push({ atUs: this.endUs[i]!, index: i, kind: 'end' });
    }
    const rank = (e: PartitionEvent) => (e.kind === 'end' ? 0 : 1);
    return events.sort((x, y) => x.atUs - y.atUs || rank(x) - rank(y) || x.index - y.index);
  }
}
