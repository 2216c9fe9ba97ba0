import { TxBook } from '../../workload/book.js';

export interface SegmentSpec {
  count: number;
  /** Arrival window [t0, t1), µs; t1 defaults to t0 (every transaction arrives at t0). */
  t0: number;
  t1?: number;
  cross?: boolean;
  invalid?: number;
  doubleSpends?: number;
}

/** A hand-made TxBook for tests: route 0 stays in shard 0, route 1 goes from shard 0 to shard 1. */
export function bookOf(segments: readonly SegmentSpec[]): TxBook {
  const book = new TxBook();
  book.routes.intern([0], [0]);
  book.routes.intern([0], [1]);
  for (const s of segments) book.append(s.t0, s.t1 ?? s.t0, s.cross ? 1 : 0, s.count, s.invalid ?? 0, s.doubleSpends ?? 0);
  return book;
}

/** One transaction per segment, transaction i arriving at submitUs[i]. */
export function pointBook(submitUs: readonly number[], cross: (id: number) => boolean = () => false): TxBook {
  return bookOf(submitUs.map((t, i) => ({ count: 1, t0: t, cross: cross(i) })));
}
