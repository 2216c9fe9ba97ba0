import type { RngRoot } from '../kernel/rng.js';

/** The stream the shuffle draws from (DESIGN §3: one named stream per model part). */
export const PLACEMENT_STREAM = 'net:placement';

/** What placement needs to know about a region: its share of the nodes. */
export interface RegionShare {
  readonly share: number;
}

/**
 * How many of `nodeCount` nodes each region gets, by the largest-remainder (Hamilton) method: every
 * region first gets ⌊quota⌋ with quota = nodeCount · share / Σshare, then the nodes left over go one each
 * to the regions with the largest fractional parts (ties to the lower region index).
 *
 * SimBlock draws each node's region independently from REGION_DISTRIBUTION, so a 600-node run gets a
 * binomial number of SA nodes; apportioning instead makes every run of the same size have the same
 * region counts (5 SA nodes in 600, not "5 on average"), which removes one source of run-to-run noise
 * from comparisons. Shares are normalised because the schema accepts sums within ±0.001 of 1.
 */
export function apportion(regions: readonly RegionShare[], nodeCount: number): Int32Array {
  const counts = new Int32Array(regions.length);
  if (regions.length === 0) {
    if (nodeCount > 0) throw new RangeError('placeNodes: no regions to place nodes in');
    return counts;
  }
  const total = regions.reduce((sum, r) => sum + r.share, 0);
  if (!(total > 0)) throw new RangeError('placeNodes: region shares sum to 0');
  const remainders = new Float64Array(regions.length);
  let assigned = 0;
  regions.forEach((r, i) => {
    const quota = (nodeCount * r.share) / total;
    const whole = Math.floor(quota);
    counts[i] = whole;
    remainders[i] = quota - whole;
    assigned += whole;
  });
  // Rounding of the quotas can leave at most regions.length nodes over; hand them out by remainder.
  const order = Array.from(regions, (_, i) => i).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (let k = 0; assigned < nodeCount; k = (k + 1) % order.length) {
    counts[order[k]!]!++;
    assigned++;
  }
  return counts;
}

/**
 * The region index of every node: the largest-remainder counts of {@link apportion}, laid out region by
 * region and then shuffled (Fisher–Yates) with `rng`, so that which node ids land in which region is
 * random but the counts are exact. The shuffle draws exactly nodeCount − 1 numbers from the
 * 'net:placement' stream, so the same seed gives the same placement whatever else the run draws.
 */
export function placeNodes(regions: readonly RegionShare[], nodeCount: number, rng: RngRoot): Int32Array {
  const stream = rng.stream(PLACEMENT_STREAM);
  const counts = apportion(regions, nodeCount);
  const regionOf = new Int32Array(nodeCount);
  let next = 0;
  for (let r = 0; r < counts.length; r++) {
    regionOf.fill(r, next, next + counts[r]!);
    next += counts[r]!;
  }
  for (let i = nodeCount - 1; i > 0; i--) {
    const j = stream.int(i + 1);
    const tmp = regionOf[i]!;
    regionOf[i] = regionOf[j]!;
    regionOf[j] = tmp;
  }
  return regionOf;
}
