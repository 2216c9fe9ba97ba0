/** A tiny seeded generator for tests (Numerical Recipes LCG, 32-bit), so tests draw no unseeded numbers. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
