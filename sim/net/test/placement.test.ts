import { describe, it, expect } from 'vitest';
import { RngRoot } from '../../kernel/rng.js';
import { apportion, placeNodes } from '../index.js';
import { defaultRegions } from '../../scenario/network-defaults.js';

function countsOf(regionOf: Int32Array, regions: number): number[] {
  const counts = new Array<number>(regions).fill(0);
  for (const r of regionOf) counts[r]!++;
  return counts;
}

describe('placeNodes', () => {
  const regions = defaultRegions();

  it('gives each region its largest-remainder share of 600 nodes exactly', () => {
    // quotas 198.96, 299.88, 5.4, 70.62, 13.44, 11.7: floors sum to 596, the 4 spare go to NA, EU, AU, AP.
    const regionOf = placeNodes(regions, 600, new RngRoot(7));
    expect(regionOf.length).toBe(600);
    expect(countsOf(regionOf, 6)).toEqual([199, 300, 5, 71, 13, 12]);
  });

  it('gives each region its largest-remainder share of 1000 nodes exactly', () => {
    // quotas 331.6, 499.8, 9, 117.7, 22.4, 19.5: 997 by floors, the 3 spare go to EU, AP, NA.
    expect(Array.from(apportion(regions, 1000))).toEqual([332, 500, 9, 118, 22, 19]);
    expect(countsOf(placeNodes(regions, 1000, new RngRoot(3)), 6)).toEqual([332, 500, 9, 118, 22, 19]);
  });

  it('always places every node, even with fewer nodes than regions', () => {
    for (const n of [1, 2, 5, 7, 13]) {
      const counts = apportion(regions, n);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    }
    expect(Array.from(apportion([{ share: 0.5 }, { share: 0.5 }], 3))).toEqual([2, 1]); // tie → lower index
  });

  it('is the same for the same seed', () => {
    expect(placeNodes(regions, 600, new RngRoot(42))).toEqual(placeNodes(regions, 600, new RngRoot(42)));
  });

  it('shuffles differently for a different seed, with the same counts', () => {
    const a = placeNodes(regions, 600, new RngRoot(1));
    const b = placeNodes(regions, 600, new RngRoot(2));
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(countsOf(a, 6)).toEqual(countsOf(b, 6));
  });

  it('does not depend on draws from other streams', () => {
    const rng = new RngRoot(9);
    rng.stream('workload').next();
    rng.stream('net:latency').next();
    expect(placeNodes(regions, 600, rng)).toEqual(placeNodes(regions, 600, new RngRoot(9)));
  });
});
