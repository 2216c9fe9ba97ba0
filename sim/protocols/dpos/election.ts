import type { RngStream } from '../../kernel/rng.js';
import type { NodeId } from '../types.js';

/**
 * Stake-weighted approval voting, as eosio.system's voteproducer (and go-iost's vote_producer) count it:
 * every node is a voter and a candidate; a voter gives its full stake to each candidate it approves
 * (eosio: up to 30 producers per vote, each receiving the voter's whole vote weight). eosio's time-based
 * vote-weight inflation (stake2vote, 2^(weeks/52)) is the same factor for votes cast at the same time, so
 * it is left out.
 *
 * Which candidates a voter approves is not in any source: we draw `maxVotes` distinct candidates with
 * probability proportional to the candidates' own stake (large holders run the better-known producers),
 * from one seeded stream in voter order (sampling with rejection of repeats). Documented in README.md.
 */

export interface StakeParams {
  readonly distribution: 'equal' | 'pareto';
  readonly paretoAlpha: number;
}

export function drawStakes(n: number, p: StakeParams, rng: RngStream): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = p.distribution === 'equal' ? 1 : rng.pareto(1, p.paretoAlpha);
  return s;
}

/** Total approval votes per candidate. */
export function castVotes(stakes: Float64Array, maxVotes: number, rng: RngStream): Float64Array {
  const n = stakes.length;
  const votes = new Float64Array(n);
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cum[i] = total += stakes[i]!;
  const k = Math.min(maxVotes, n);
  const picked = new Uint8Array(n);
  for (let voter = 0; voter < n; voter++) {
    const chosen: number[] = [];
    if (k === n) for (let c = 0; c < n; c++) chosen.push(c);
    else {
      for (let tries = 0; chosen.length < k && tries < k * 50; tries++) {
        const x = rng.next() * total;
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const m = (lo + hi) >> 1;
          if (cum[m]! > x) hi = m;
          else lo = m + 1;
        }
        if (picked[lo] === 0) {
          picked[lo] = 1;
          chosen.push(lo);
        }
      }
      for (const c of chosen) picked[c] = 0;
    }
    for (const c of chosen) votes[c]! += stakes[voter]!;
  }
  return votes;
}

/** The `count` candidates with the most votes (ties: lower id), sorted by id — eosio sorts the schedule by producer name. */
export function topByVotes(votes: Float64Array, count: number): NodeId[] {
  const ids = Array.from({ length: votes.length }, (_, i) => i);
  ids.sort((a, b) => votes[b]! - votes[a]! || a - b);
  return ids.slice(0, Math.min(count, ids.length)).sort((a, b) => a - b);
}
