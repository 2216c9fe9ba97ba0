/**
 * Decentralisation measures over a share per entity (in shardsim: blocks proposed per node).
 * Both take every node, including those with zero: a protocol where 21 of 1,000 nodes produce all the
 * blocks is concentrated, and dropping the 979 zeros would hide exactly that.
 */

function checkedSortedAscending(values: readonly number[]): Float64Array {
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`decentralisation: values must be finite and ≥ 0, got ${v}`);
  }
  // Typed-array sort is numeric, so the order (and the floating sums below) are the same on every run.
  return Float64Array.from(values).sort();
}

/**
 * Gini coefficient: 0 when all hold the same, (n−1)/n when one of n holds everything. Computed as
 * Σ (2i − n − 1)·x_i / (n·Σx) over the values sorted ascending (i from 1). An empty list or an all-zero
 * list has no inequality to measure and gives 0.
 */
export function gini(values: readonly number[]): number {
  const x = checkedSortedAscending(values);
  const n = x.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += x[i]!;
    weighted += (2 * (i + 1) - n - 1) * x[i]!;
  }
  return total === 0 ? 0 : weighted / (n * total);
}

/**
 * Nakamoto coefficient: the fewest entities whose combined share exceeds `threshold` of the total.
 * Srinivasan & Lee (2017) define it with a 50% threshold per subsystem; shardsim defaults to 1/3 because
 * every protocol here finalises with BFT, whose safety fails once more than a third of the weight
 * colludes. Pass 0.5 for the original definition. 0 when the total is 0 (no one controls anything).
 */
export function nakamoto(values: readonly number[], threshold = 1 / 3): number {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`nakamoto: threshold must be in (0, 1), got ${threshold}`);
  const x = checkedSortedAscending(values);
  let total = 0;
  for (let i = 0; i < x.length; i++) total += x[i]!;
  if (total === 0) return 0;
  let held = 0;
  for (let k = 1; k <= x.length; k++) {
    held += x[x.length - k]!;
    if (held > threshold * total) return k;
  }
  return x.length;
}
