import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../../../kernel/rng.js';
import { PartSet } from '../partset.js';

describe('PartSet', () => {
  it('has the membership of a set of (signer, seq) pairs under nearly ordered and random adds, and clears', () => {
    const rng = new RngRoot(5).stream('partset');
    const model = new Set<string>();
    const set = new PartSet();
    const next = [0, 0, 0, 0];
    let fresh = 0;
    for (let op = 0; op < 20_000; op++) {
      const signer = Math.floor(rng.next() * 4);
      // Mostly the signer's next seq (or one skipped), sometimes any seq below it (late or duplicate).
      const u = rng.next();
      const seq = u < 0.7 ? next[signer]! + (rng.next() < 0.2 ? 1 : 0) : Math.floor(rng.next() * (next[signer]! + 3));
      next[signer] = Math.max(next[signer]!, seq + 1);
      const key = `${signer}:${seq}`;
      const added = set.add(signer, seq);
      expect(added).toBe(!model.has(key));
      if (added) fresh++;
      model.add(key);
      const probeSigner = Math.floor(rng.next() * 5); // signer 4 never added
      const probeSeq = Math.floor(rng.next() * (next[probeSigner % 4]! + 2)) - 1;
      expect(set.has(probeSigner, probeSeq)).toBe(model.has(`${probeSigner}:${probeSeq}`));
    }
    expect(fresh).toBe(model.size);
    set.clear();
    for (let s = 0; s < 4; s++) for (let q = -1; q <= next[s]!; q++) expect(set.has(s, q)).toBe(false);
    expect(set.add(0, 0)).toBe(true);
  });
});
