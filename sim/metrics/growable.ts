/**
 * Growable typed arrays for per-transaction and per-bucket facts. Transaction ids and bucket numbers
 * are dense from 0, so arrays indexed by them beat maps; they grow by doubling.
 */

/** One bit per transaction id: has this id reached a given state? */
export class IdBitset {
  private bits = new Uint8Array(1024);

  has(id: number): boolean {
    const byte = Math.floor(id / 8);
    return byte < this.bits.length && (this.bits[byte]! & (1 << (id & 7))) !== 0;
  }

  /** Set the bit; returns true when it was already set. */
  testAndSet(id: number): boolean {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`transaction id must be a non-negative integer, got ${id}`);
    const byte = Math.floor(id / 8);
    if (byte >= this.bits.length) {
      let n = this.bits.length;
      while (n <= byte) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (id & 7);
    const was = (this.bits[byte]! & mask) !== 0;
    this.bits[byte]! |= mask;
    return was;
  }
}

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
