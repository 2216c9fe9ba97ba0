import type { NodeId, ProtocolDefinition, ProtocolEnv, ProtocolInstance } from '../types.js';
import {
  castVotes,
  distinctQuorum,
  drawStakes,
  entryByFirstId,
  genesisBlock,
  quorumOf,
  topByVotes,
} from '../dpos/index.js';
import type { ChainBlock, ChainInstance, ChainRules, HeaderState } from '../dpos/index.js';
import type { IostMainnetConfig } from '../../scenario/schema.js';
import { buildChainNodes } from '../dpos/nodes.js';

/**
 * IOST mainnet Proof-of-Believability as go-iost deployed it (`protocol.type = "iost-mainnet"`):
 *  - 17 witnesses; time in 3 s slots of 6 consecutive 0.5 s blocks by one witness, in the order of the
 *    pending list (go-iost common.SlotInterval, BlockInterval, BlockNumPerWitness; consensus/pob
 *    witnessOfNanoSec);
 *  - a block is irreversible once witnessNum·2/3+1 = 12 distinct witnesses of the list built on it
 *    (core/blockcache/blockcache.go UpdateLib: confirmLimit, BlockCacheNode.ValidWitness);
 *  - every 1,200 blocks (vote_producer.js VOTE_STAT_INTERVAL; blockcache updateWitnessList at
 *    Number % common.VoteInterval == 0) the pending list is re-elected by vote_producer.js stat():
 *    score += votes; the top 17 by score form the list; each elected witness loses scoreReduction × the
 *    average score (the contract: scoreTotal / (count · 10)), so high scorers take turns (Servi-style
 *    decay); a listed witness that produced nothing since the last stat is dropped and its score halved;
 *    every SCORE_DECREASE_INTERVAL blocks all scores halve.
 * The chain machinery (slots, blocks, fork choice, tx relay) is dpos/chain.ts. README.md has the details.
 */

export interface Election {
  readonly height: number;
  readonly witnesses: readonly NodeId[];
}

export interface IostInstance extends ChainInstance {
  readonly votes: Float64Array;
  /** Every re-election, once per height (the first chain to compute it), in order of computation. */
  readonly elections: Election[];
}

type Scores = ReadonlyMap<NodeId, number>;

/** vote_producer.js stat(), on the chain ending in `parent`, at block `height`. */
export function statWitnesses(
  p: Pick<IostMainnetConfig, 'witnesses' | 'voteIntervalBlocks' | 'scoreReduction' | 'scoreHalvingIntervalBlocks' | 'halveDeadWitnessScore'>,
  votes: Float64Array,
  parent: ChainBlock,
  lastProduced: ReadonlyMap<NodeId, number>,
  height: number,
): { witnesses: NodeId[]; scores: Scores } {
  const old = (parent.ext as Scores | null) ?? new Map<NodeId, number>();
  const scores = new Map<NodeId, number>();
  let total = 0;
  let count = 0;
  for (let c = 0; c < votes.length; c++) {
    if (votes[c]! <= 0 && !old.has(c)) continue;
    const s = (old.get(c) ?? 0) + votes[c]!;
    scores.set(c, s);
    total += s;
    count++;
  }
  const current = new Set(parent.producers);
  const dead = new Set<NodeId>();
  if (p.halveDeadWitnessScore && height >= p.voteIntervalBlocks) {
    for (const w of parent.producers) {
      if ((lastProduced.get(w) ?? 0) <= height - p.voteIntervalBlocks) {
        dead.add(w);
        scores.set(w, (scores.get(w) ?? 0) / 2);
      }
    }
  }
  const ranked = [...scores.keys()].filter((c) => !dead.has(c));
  ranked.sort((a, b) => scores.get(b)! - scores.get(a)! || Number(current.has(b)) - Number(current.has(a)) || a - b);
  const witnesses = [...ranked, ...[...dead].sort((a, b) => a - b)].slice(0, p.witnesses);
  const avg = count > 0 ? total / count : 0;
  for (const w of witnesses) scores.set(w, Math.max(0, (scores.get(w) ?? 0) - p.scoreReduction * avg));
  if (height % p.scoreHalvingIntervalBlocks === 0) for (const [c, s] of scores) scores.set(c, s / 2);
  return { witnesses, scores };
}

export function createIostMainnetInstance(env: ProtocolEnv): IostInstance {
  const params = env.scenario.protocol;
  if (params.type !== 'iost-mainnet') throw new Error(`iost-mainnet: scenario protocol is "${params.type}"`);
  const n = env.nodeCount;
  const stakes = drawStakes(n, params.stake, env.stream('iost-mainnet:stake'));
  const votes = castVotes(stakes, params.maxVotesPerVoter, env.stream('iost-mainnet:votes'));
  // Genesis: the initial producers sorted by key (vote_producer.js initProducer); here the top by votes, by id.
  const schedule = topByVotes(votes, params.witnesses);
  const elections: Election[] = [];
  const electedAt = new Set<number>();
  const rules: ChainRules = {
    blockIntervalUs: Math.round(params.blockIntervalMs * 1000),
    blocksPerTurn: params.blocksPerSlot,
    advance(parent, producer, height): HeaderState {
      const lastProduced = new Map(parent.lastProduced).set(producer, height);
      const proposed = Math.max(parent.proposed, distinctQuorum(lastProduced, parent.producers, quorumOf(parent.producers.length)));
      let producers = parent.producers;
      let ext = parent.ext;
      if (height % params.voteIntervalBlocks === 0) {
        const r = statWitnesses(params, votes, parent, lastProduced, height);
        producers = r.witnesses;
        ext = r.scores;
        if (!electedAt.has(height)) {
          electedAt.add(height);
          elections.push({ height, witnesses: producers });
        }
      }
      return { lastProduced, implied: null, proposed, lib: Math.max(parent.lib, proposed), producers, ext };
    },
  };
  const genesis = genesisBlock(schedule, new Map<NodeId, number>());
  const { chainNodes, recorder } = buildChainNodes(env, params, rules, genesis, true);
  return {
    name: 'iost-mainnet',
    nodes: chainNodes,
    chainNodes,
    recorder,
    schedule,
    votes,
    elections,
    shards: 1,
    entryNode: (txs) => entryByFirstId(txs, n),
    finalityLagBlocks: () => recorder.lagBlocks,
  };
}

export const iostMainnetProtocol: ProtocolDefinition = {
  name: 'iost-mainnet',
  create: (env) => createIostMainnetInstance(env) as ProtocolInstance<unknown, unknown>,
};
