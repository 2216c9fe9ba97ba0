import type { RngStream } from '../../kernel/rng.js';
import type { ZilliqaConfig } from '../../scenario/schema.js';

/**
 * The PoW lottery of a DS epoch (Zilliqa whitepaper §IV; DESIGN §7: Ethash-like puzzles modelled by
 * their exponential solve times, as SimBlock samples the time to the next block).
 *
 * A node hashes at rate h (its hash power, relative to the mean). Each hash meets the shard difficulty with
 * some probability p and the DS difficulty with p/F (F = dsDifficultyFactor; a DS solution also meets the
 * shard difficulty). Its successes therefore form two independent Poisson processes: DS solutions at rate
 * h/(F·S) and shard-only solutions at rate h(1 − 1/F)/S, S = meanSolveSeconds. The first solution is the
 * earlier of the two first arrivals; the first DS solution is the first of the DS process. Zilliqa submits
 * both (POW_SUBMISSION_LIMIT = 2): the first to join a shard, the DS one to stand for the DS committee.
 */

/** Hash power of every node, normalised to mean 1, drawn in node order from `stream`. */
export function drawHashPower(n: number, cfg: ZilliqaConfig['pow']['hashPower'], stream: RngStream): Float64Array {
  const h = new Float64Array(n);
  if (cfg.distribution === 'equal') return h.fill(1);
  if (cfg.distribution === 'lognormal') {
    // exp(σZ − σ²/2) has mean 1.
    for (let i = 0; i < n; i++) h[i] = Math.exp(cfg.sigma * stream.normal() - (cfg.sigma * cfg.sigma) / 2);
    return h;
  }
  // Pareto with x_m = (α − 1)/α has mean 1.
  const xm = (cfg.paretoAlpha - 1) / cfg.paretoAlpha;
  for (let i = 0; i < n; i++) h[i] = stream.pareto(xm, cfg.paretoAlpha);
  return h;
}

export interface SolveTimes {
  /** Time from the start of mining to the first solution (shard difficulty), µs. */
  readonly firstUs: number;
  /** Time to the first DS-difficulty solution, µs (≥ firstUs). */
  readonly dsUs: number;
}

/** Two draws from the node's own stream (see the file comment). */
export function solveTimes(hashPower: number, cfg: ZilliqaConfig['pow'], stream: RngStream): SolveTimes {
  const meanUs = cfg.meanSolveSeconds * 1e6;
  if (!(hashPower > 0)) return { firstUs: Infinity, dsUs: Infinity };
  const f = cfg.dsDifficultyFactor;
  const dsUs = stream.exponential((meanUs * f) / hashPower);
  const otherUs = f > 1 ? stream.exponential(meanUs / (hashPower * (1 - 1 / f))) : Infinity;
  return { firstUs: Math.round(Math.min(dsUs, otherUs)), dsUs: Math.round(dsUs) };
}
