import type { IosConfig } from '../../../scenario/schema.js';
import type { NodeId } from '../../types.js';

/**
 * Believability (whitepaper "Consensus Mechanism": Tokens and Motivations, Proof-of-Believability; DESIGN
 * §6.6). The paper names the inputs — token balance, Servi, contributions, reviews/behaviour — but no
 * formula. Ours, with the weights of `pob.weights` (w_s, w_v, w_c, w_b):
 *
 *   score(i) = w_s · stake_i / max stake + w_v · Servi_i / max Servi + w_c · contribution_i / max contribution
 *            + w_b · behaviour_i,
 *
 * maxima over the candidates (a term whose maximum is 0 contributes 0), behaviour ∈ [0, 1] (1 = clean
 * record, 0 = slashed), and a slashed validator scores 0. Dividing by the maximum makes each input
 * scale-free (stake in IOST and Servi in units of serviPerBlock weigh as the weights say, whatever the
 * shard size), so the score lies in [0, Σw].
 */

export type PobParams = IosConfig['pob'];
export type PobWeights = PobParams['weights'];

/** What the chain records about a validator: the score's inputs. */
export interface ValidatorRecord {
  stake: number;
  /** Non-tradable, self-issued for contributions, cleared when its holder produces a block. */
  servi: number;
  /** Cumulative contributions (sealed optimistic blocks and validated blocks that became final). */
  contribution: number;
  /** 1 for a clean record, 0 once slashed. */
  behaviour: number;
  slashed: boolean;
}

/**
 * Stake, Servi and the behaviour record of a shard's validators, as every replica derives them from the
 * chain (normal.ts applies each decided block). Servi follows the paper's three attributes: non-tradable
 * (there is no transfer), self-issued (`issue`, for a contribution) and self-destructive (`clear`, when
 * its holder validates a block), so that high scorers take turns. A slashed validator loses all stake and
 * Servi and earns nothing more.
 */
export class ServiLedger {
  /**
   * Records shared with clones, copy-on-write: a map that has become a base is never written again (writes
   * go to `records`), so every normal-league replica can start from the same snapshot. Without sharing, a
   * 2,000-validator run copies 4 M records at each epoch's start (profiled: 40 % of wall time with GC).
   */
  private base: ReadonlyMap<NodeId, ValidatorRecord>;
  private records = new Map<NodeId, ValidatorRecord>();

  constructor(initial: Iterable<readonly [NodeId, Partial<ValidatorRecord>]> = []) {
    const m = new Map<NodeId, ValidatorRecord>();
    for (const [node, r] of initial) m.set(node, { ...fresh(), ...r });
    this.base = m;
  }

  get(node: NodeId): Readonly<ValidatorRecord> {
    return this.records.get(node) ?? this.base.get(node) ?? fresh();
  }

  nodes(): NodeId[] {
    const ids = new Set<NodeId>(this.base.keys());
    for (const n of this.records.keys()) ids.add(n);
    return [...ids].sort((a, b) => a - b);
  }

  isSlashed(node: NodeId): boolean {
    return this.get(node).slashed;
  }

  /** Self-issuance: Servi for a contribution (nothing for a slashed validator). */
  issue(node: NodeId, amount: number): void {
    const r = this.ensure(node);
    if (!r.slashed) r.servi += amount;
  }

  /** Self-destruction: the holder validated a block. */
  clear(node: NodeId): void {
    this.ensure(node).servi = 0;
  }

  contribute(node: NodeId, amount: number): void {
    const r = this.ensure(node);
    if (!r.slashed) r.contribution += amount;
  }

  /** "It will lose all the tokens and reputation in the system." Returns false if it already was slashed. */
  slash(node: NodeId): boolean {
    const r = this.ensure(node);
    if (r.slashed) return false;
    r.stake = 0;
    r.servi = 0;
    r.behaviour = 0;
    r.slashed = true;
    return true;
  }

  /** An independent copy: both sides share the current records and copy one only when they write it. */
  clone(): ServiLedger {
    if (this.records.size > 0) {
      // Freeze what this ledger wrote into a new shared snapshot; its later writes copy again.
      const merged = new Map(this.base);
      for (const [n, r] of this.records) merged.set(n, r);
      this.base = merged;
      this.records = new Map();
    }
    const c = new ServiLedger();
    c.base = this.base;
    return c;
  }

  private ensure(node: NodeId): ValidatorRecord {
    let r = this.records.get(node);
    if (!r) {
      const shared = this.base.get(node);
      r = shared ? { ...shared } : fresh();
      this.records.set(node, r);
    }
    return r;
  }
}

function fresh(): ValidatorRecord {
  return { stake: 0, servi: 0, contribution: 0, behaviour: 1, slashed: false };
}

/** The believability score of each candidate (same order), by the formula in the file comment. */
export function believabilityScores(candidates: readonly NodeId[], ledger: ServiLedger, w: PobWeights): number[] {
  let maxStake = 0;
  let maxServi = 0;
  let maxContribution = 0;
  for (const n of candidates) {
    const r = ledger.get(n);
    maxStake = Math.max(maxStake, r.stake);
    maxServi = Math.max(maxServi, r.servi);
    maxContribution = Math.max(maxContribution, r.contribution);
  }
  const part = (x: number, max: number) => (max > 0 ? x / max : 0);
  return candidates.map((n) => {
    const r = ledger.get(n);
    if (r.slashed) return 0;
    return (
      w.stake * part(r.stake, maxStake) +
      w.servi * part(r.servi, maxServi) +
      w.contribution * part(r.contribution, maxContribution) +
      w.behaviour * r.behaviour
    );
  });
}

/**
 * The believable league: `top` takes the `count` highest scores (ties by node id); `sortition` draws
 * `count` without replacement with probability proportional to score (Efraimidis–Spirakis: the largest
 * ln(u_i)/score_i, u_i a keyed uniform of `key` and the node, so the draw is reproducible and independent
 * of the candidates' order). Slashed and zero-score candidates are never chosen. Returned best first.
 */
export function selectBelievable(
  candidates: readonly NodeId[],
  scores: readonly number[],
  count: number,
  method: PobParams['selection'],
  keyed: (key: string) => number,
  key: string,
): NodeId[] {
  const ranked = candidates
    .map((node, i) => ({ node, score: scores[i] ?? 0 }))
    .filter((c) => c.score > 0)
    .map((c) => ({ ...c, rank: method === 'top' ? c.score : Math.log(Math.max(keyed(`${key}:${c.node}`), 1e-300)) / c.score }));
  ranked.sort((a, b) => b.rank - a.rank || a.node - b.node);
  return ranked.slice(0, Math.max(0, count)).map((c) => c.node);
}
