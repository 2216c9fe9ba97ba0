/**
 * Growable typed arrays for per-bucket facts. Bucket numbers are dense from 0, so arrays indexed by them
 * beat maps; they grow by doubling. (Per-transaction facts live per segment in the workload's TxBook.)
 */

/** A Float64Array indexed from 0 that grows on write; unwritten slots read as `fill`. */
export class GrowableSeries {
  private values: Float64Array;
  /** One past the highest index written. */
  length = 0;

  constructor(private readonly fill = 0) {
    this.values = new Float64Array(64).fill(fill);
  }

  get(i: number): number {
    return i < this.values.length ? this.values[i]! : this.fill;
  }

  set(i: number, v: number): void {
    this.ensure(i);
    this.values[i] = v;
    if (i >= this.length) this.length = i + 1;
  }

  add(i: number, v: number): void {
    this.set(i, this.get(i) + v);
  }

  private ensure(i: number): void {
    if (i < this.values.length) return;
    let n = this.values.length;
    while (n <= i) n *= 2;
    const grown = new Float64Array(n).fill(this.fill);
    grown.set(this.values);
    this.values = grown;
  }
}
