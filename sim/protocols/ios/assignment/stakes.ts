import type { RngStream } from '../../../kernel/rng.js';
import type { IosConfig } from '../../../scenario/schema.js';

/**
 * Validator stakes (IOST balances; whitepaper "Tokens and Motivations": stake is one input of the
 * believability score and of the sortition option). The paper gives no distribution; the scenario chooses
 * equal stakes or a Pareto tail (α = 1.16 is the 80/20 rule).
 *
 * Stakes are whole IOST (integers), so they double as the stake units of Algorand-style sortition
 * (one unit = one IOST). Equal: every validator holds `minStake`. Pareto: ⌊minStake · X⌋ with
 * X ~ Pareto(x_m = 1, α) drawn from `rng` in node order — so the stakes depend on the stream only.
 */
export function stakes(n: number, cfg: IosConfig['stake'], rng: RngStream, minStake = 1000): Float64Array {
  if (!Number.isInteger(minStake) || minStake < 1) throw new Error(`stakes: minStake must be a positive integer, got ${minStake}`);
  const out = new Float64Array(n);
  if (cfg.distribution === 'equal') return out.fill(minStake);
  for (let i = 0; i < n; i++) out[i] = Math.floor(minStake * rng.pareto(1, cfg.paretoAlpha));
  return out;
}

/** Sum of a stake vector. */
export function totalStake(s: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) w += s[i]!;
  return w;
}
