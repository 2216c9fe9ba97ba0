import type { NodeId } from '../../types.js';
import { believabilityScores, selectBelievable } from './score.js';
import type { PobParams, ServiLedger } from './score.js';
import type { LeagueMode } from './types.js';

/**
 * Splitting one shard's validators into the two leagues for an epoch (whitepaper PoB: "Depending on the
 * believability score, validators will be assigned to either believable group (small) or the normal group
 * (large) within a shard"; "the sharding policy file specifies the sizes of the believable and normal
 * league"). The believable league is `pob.believablePerShard` validators chosen by score (score.ts), but
 * never so many that fewer than MIN_NORMAL_LEAGUE remain to run ByzCoin. If fewer than `pob.minBelievable`
 * can be chosen, the shard runs one league ("two-league committees would fall back to one-league"): every
 * validator is in the normal league.
 */

/** The smallest normal league we allow next to a believable league: 3f + 1 with f = 1. */
export const MIN_NORMAL_LEAGUE = 4;

export interface LeaguePlan {
  /** Best score first. */
  readonly believable: readonly NodeId[];
  /** In the shard's member order: its first member leads view 0. */
  readonly normal: readonly NodeId[];
  readonly mode: LeagueMode;
  /** Each member's believability score at the epoch's start. */
  readonly scores: ReadonlyMap<NodeId, number>;
}

export function planLeagues(
  members: readonly NodeId[],
  ledger: ServiLedger,
  pob: PobParams,
  keyed: (key: string) => number,
  key: string,
): LeaguePlan {
  const scores = believabilityScores(members, ledger, pob.weights);
  const byNode = new Map(members.map((m, i) => [m, scores[i]!] as const));
  const room = Math.max(0, members.length - MIN_NORMAL_LEAGUE);
  const chosen = selectBelievable(members, scores, Math.min(pob.believablePerShard, room), pob.selection, keyed, key);
  if (chosen.length < pob.minBelievable) return { believable: [], normal: [...members], mode: 'one-league', scores: byNode };
  const inLeague = new Set(chosen);
  return { believable: chosen, normal: members.filter((m) => !inLeague.has(m)), mode: 'two-league', scores: byNode };
}
