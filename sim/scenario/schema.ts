import { z } from 'zod';
import { LATENCY_MS_2019, defaultRegions } from './network-defaults.js';

/**
 * The one scenario schema (DESIGN §1): everything a run depends on is here, with a documented default,
 * so a scenario file plus a seed determines the run. Every object is strict: an unknown key is an error,
 * because a misspelt parameter that silently takes its default is the worst kind of wrong result.
 */

const seconds = (d: string) => z.number().nonnegative().describe(d);
const nodeList = z.array(z.int().nonnegative()).describe('node indices (0-based)');

export const Region = z.strictObject({
  name: z.string().min(1).describe('region label, e.g. NA'),
  share: z.number().min(0).max(1).describe('fraction of nodes placed in this region; shares sum to 1'),
  downloadMbps: z.number().positive().describe('download bandwidth, Mbit/s'),
  uploadMbps: z.number().positive().describe('upload bandwidth, Mbit/s'),
});

export const Partition = z.strictObject({
  startSeconds: seconds('when the partition starts'),
  endSeconds: seconds('when it heals'),
  regions: z.array(z.string()).optional().describe('regions cut off from the rest (by name)'),
  nodes: nodeList.optional().describe('nodes cut off from the rest'),
});

export const Crash = z.strictObject({
  nodes: nodeList.min(1),
  atSeconds: seconds('crash time'),
  recoverSeconds: z.number().nonnegative().optional().describe('recovery time; omitted = never recovers'),
});

export const SlowNodes = z.strictObject({
  nodes: nodeList.min(1),
  bandwidthFactor: z.number().positive().max(1).default(0.1).describe('multiplies upload and download bandwidth'),
  extraLatencyMs: z.number().nonnegative().default(0).describe('added to every message to or from these nodes'),
});

export const Network = z.strictObject({
  regions: z.array(Region).min(1).default(defaultRegions()),
  latencyMs: z
    .array(z.array(z.number().nonnegative()))
    .default(LATENCY_MS_2019)
    .describe('mean one-way latency, ms; row = sender region, column = receiver region'),
  latencyModel: z
    .enum(['simblock', 'pareto-per-message', 'fixed-per-link', 'constant'])
    .default('simblock')
    .describe(
      'simblock: SimBlock\'s Network.getLatency, a Pareto draw per message with shape 0.2·mean and scale mean − 5 ms; ' +
        'pareto-per-message: a Pareto draw per message with the table mean and shape paretoShape (JABS); ' +
        'fixed-per-link: one paretoShape draw per ordered node pair, kept for the run (Gervais et al.); constant: the table mean',
    ),
  paretoShape: z.number().gt(1).default(5).describe('Pareto shape α for pareto-per-message and fixed-per-link (JABS uses 5)'),
  lossRate: z.number().min(0).max(1).default(0).describe('probability that a message is lost'),
  gossipFanout: z.int().min(1).default(8).describe('overlay degree used for gossip (SimBlock: 8 outbound peers)'),
  uplink: z
    .enum(['fifo', 'priority'])
    .default('fifo')
    .describe(
      "fifo: each node's upload is one queue, every message waits behind the ones before it; " +
        'priority: messages of at most controlMaxBytes have their own queue that goes first and their bytes delay the bulk queue ' +
        "(SimBlock's Node.sendNextBlockMessage queues only block transfers; its inv, rec and getdata messages go at once)",
    ),
  controlMaxBytes: z
    .int()
    .positive()
    .default(1500)
    .describe('priority uplink: the largest message that takes the control queue (default one Ethernet MTU)'),
  partitions: z.array(Partition).default([]),
  crashes: z.array(Crash).default([]),
  slowNodes: z.array(SlowNodes).default([]),
});

/**
 * CPU cost of cryptographic and validation work, µs. Sources: Ed25519 sign ≈ 87.5k and verify ≈ 273k cycles
 * (Bernstein et al., ed25519.cr.yp.to) at ~2.5 GHz; EOSIO's default_min_transaction_cpu_usage = 100 µs;
 * SHA-256 at ~500 MB/s on one core (OpenSSL speed).
 */
export const Cpu = z.strictObject({
  signUs: z.number().nonnegative().default(35),
  verifyUs: z.number().nonnegative().default(110),
  txValidateUs: z.number().nonnegative().default(100).describe('per transaction (EOSIO minimum CPU per tx)'),
  hashUsPerKB: z.number().nonnegative().default(2),
  aggregateUsPerSigner: z.number().nonnegative().default(1).describe('adding one Schnorr commitment or key'),
});

export const Burst = z.strictObject({
  startSeconds: seconds('burst start'),
  endSeconds: seconds('burst end'),
  rateMultiplier: z.number().positive().describe('offered rate is multiplied by this during the burst'),
});

export const Workload = z.strictObject({
  offeredTps: z.number().nonnegative().default(1000).describe('mean offered transactions per second (Poisson)'),
  txSizeBytes: z.int().positive().default(250).describe('bytes per transaction (Bitcoin average ≈ 250)'),
  batchIntervalMs: z.number().positive().default(10).describe('clients hand transactions over in batches this often'),
  bursts: z.array(Burst).default([]),
  accounts: z.int().min(1).default(100_000).describe('number of accounts'),
  zipfExponent: z.number().nonnegative().default(1).describe('account popularity ∝ 1/rank^s (0 = uniform)'),
  accountsPerTx: z.int().min(1).max(16).default(2).describe('u: accounts a transaction touches (inputs + outputs)'),
  inputsPerTx: z.int().min(1).default(1).describe('how many of the u accounts are inputs (the rest are outputs)'),
  shardMapping: z
    .enum(['hash', 'locality'])
    .default('hash')
    .describe('hash: account → shard by a keyed hash; locality: the other accounts share the first one\'s shard with probability `locality`'),
  locality: z.number().min(0).max(1).default(0.9).describe('with shardMapping locality: P[another account is in the first one\'s shard]'),
  invalidFraction: z.number().min(0).max(1).default(0).describe('fraction of transactions that are invalid (bad signature or overspend)'),
  doubleSpendFraction: z.number().min(0).max(1).default(0).describe('fraction that spend an input already spent by an earlier transaction'),
});

export const BftParams = z.strictObject({
  type: z.literal('bft'),
  committeeSize: z.int().min(1).optional().describe('validators in the committee; default all nodes'),
  topology: z.enum(['star', 'tree']).default('tree').describe('CoSi communication: star (leader to all) or tree'),
  treeBranching: z.int().min(2).default(16).describe('children per node in the CoSi tree'),
  treeLayout: z
    .enum(['onet', 'heap'])
    .default('onet')
    .describe(
      "how a CoSi tree whose last level is not full spreads it: 'onet' over the level's parents, as ByzCoin's implementation builds its trees (dedis/onet Roster.GenerateBigNaryTree); 'heap' fills the first parents (children of p are b·p + 1 … b·p + b; the default until stop 15)",
    ),
  maxBlockBytes: z.int().positive().default(1_000_000).describe('block size cap, bytes'),
  blockIntervalMs: z.number().nonnegative().default(1000).describe('minimum time between proposals'),
  // Sized for the six-region WAN: a CoSi round crosses a depth-3 tree four times (announce, commit,
  // challenge, response) at up to ~300 ms a hop, plus the block's upload to each node's children.
  phaseTimeoutMs: z
    .number()
    .positive()
    .default(8000)
    .describe('a CoSi round (tree, then star fallback) must reach a quorum within this, ms; ByzCoin leaves it open'),
  viewChangeTimeoutMs: z
    .number()
    .positive()
    .default(20000)
    .describe('a replica suspects the leader after this much silence, ms; must exceed blockIntervalMs + phaseTimeoutMs/2'),
  timeoutBackoff: z
    .enum(['pbft', 'none'])
    .default('pbft')
    .describe(
      "'pbft': each view in a row that decides no block doubles the next view's phase windows and view-change timeout (PBFT §4.5.2, cap 64×); 'none': every view uses phaseTimeoutMs and viewChangeTimeoutMs",
    ),
  headerBytes: z.int().positive().default(200),
  signatureBytes: z.int().positive().default(64),
  fidelity: z
    .enum(['message', 'round'])
    .default('message')
    .describe(
      "'message': every CoSi message is an event; 'round': the host computes each CoSi round and the Decide's relay in one pass over the tree from the same upload queues, latency draws and CPU costs (bft/README \"Fidelity\": statistically the same, not byte for byte)",
    ),
});

/**
 * The normal league's committee: bft's parameters with the league's own defaults, field by field, so a
 * scenario that sets one league field keeps the league defaults of the others (a whole-object default
 * would fall back to bft's 8 s phase timeout as soon as any field is given).
 */
const LeagueBft = BftParams.omit({ type: true, committeeSize: true }).extend({
  maxBlockBytes: z.int().positive().default(2_000_000).describe('block size cap, bytes'),
  blockIntervalMs: z.number().nonnegative().default(2000).describe('minimum time between proposals'),
  phaseTimeoutMs: z
    .number()
    .positive()
    .default(30000)
    .describe('a CoSi round (tree, then star fallback) must reach a quorum within this, ms (a 625-member shard on 2019 uplinks)'),
  viewChangeTimeoutMs: z
    .number()
    .positive()
    .default(60000)
    .describe('a replica suspects the leader after this much silence, ms; must exceed blockIntervalMs + phaseTimeoutMs/2'),
});

/**
 * IOS (IOST whitepaper, refs/iost-whitepaper-en.md; DESIGN §6). The paper names mechanisms, not numbers:
 * every default below is ours and documented; none is tuned to a published figure.
 */
export const IosParams = z.strictObject({
  type: z.literal('ios'),
  epochSeconds: z.number().positive().default(120).describe('epoch length, s (OmniLedger uses a day; shortened so runs see several)'),
  deltaMs: z.number().positive().default(3000).describe('Δ, the synchrony bound of EDS and TransEpoch, ms (≥ the WAN gossip diameter)'),
  stake: z
    .strictObject({
      distribution: z.enum(['equal', 'pareto']).default('pareto'),
      paretoAlpha: z.number().gt(0).default(1.16).describe('Pareto tail index (1.16: the 80/20 rule)'),
    })
    .prefault({}),
  assignment: z
    .strictObject({
      method: z.enum(['permutation', 'sortition']).default('permutation').describe('EDS step 6, or Algorand-style stake-weighted sortition'),
      sortitionExpectedPerShard: z.int().min(1).optional().describe('τ per shard for sortition; default n/m'),
    })
    .prefault({}),
  eds: z
    .strictObject({
      lotteryCandidates: z
        .int()
        .min(1)
        .optional()
        .describe(
          'expected lottery gossipers per view: only lotteries below c/n are gossiped, Algorand-style (a view with none reruns as v+1); default 20 above 200 validators, every validator (the whitepaper) up to 200',
        ),
    })
    .prefault({}),
  drp: z
    .strictObject({
      groupSize: z.int().min(2).default(16).describe('RandHound server group size c'),
      shareBytes: z.int().positive().default(96).describe('one encrypted PVSS share with its NIZK proof'),
      commitBytes: z.int().positive().default(33).describe('one PVSS polynomial commitment (compressed point)'),
    })
    .prefault({}),
  transEpoch: z
    .strictObject({
      batchLogBase: z.number().gt(1).default(2).describe('k = log_base(n/m) nodes per swap batch (the paper writes log without a base)'),
      stateBytesPerAccount: z.int().positive().default(100).describe('bytes of state per account a joiner downloads from the last MSB'),
      bootstrapFrom: z
        .enum(['stayers', 'previous-members'])
        .default('stayers')
        .describe(
          "who serves a joiner its new shard's state (one server per joiner, a keyed choice): a validator that stays in that shard (any previous member if none stays), or any validator that was in that shard in the ending epoch, movers included: each holds the shard's last MSB (the whitepaper says only that states are bootstrapped from the shard's last MSB)",
        ),
    })
    .prefault({}),
  pob: z
    .strictObject({
      believablePerShard: z.int().min(0).default(7).describe('size of the believable league per shard'),
      minBelievable: z.int().min(1).default(3).describe('with fewer live believable validators the shard falls back to one league'),
      selection: z.enum(['top', 'sortition']).default('top').describe('top scores, or a sortition weighted by score'),
      weights: z
        .strictObject({
          stake: z.number().nonnegative().default(0.5),
          servi: z.number().nonnegative().default(0.3),
          contribution: z.number().nonnegative().default(0.1),
          behaviour: z.number().nonnegative().default(0.1),
        })
        .prefault({}),
      sampleProbability: z.number().min(0).max(1).default(0.1).describe('p: the normal league re-validates each transaction with this probability'),
      optimisticBlockMs: z.number().positive().default(500).describe('a believable validator seals a block this often'),
      optimisticBlockMaxTx: z.int().positive().default(2000),
      announce: z
        .enum(['transactions', 'short-ids'])
        .default('transactions')
        .describe(
          "what the normal leader's prepare Announcement carries per transaction: the whole transaction (ByzCoin's block), or a short id, the members holding the bodies already (BIP 152 compact blocks; spreading the bodies is not charged)",
        ),
      poolMaxTx: z
        .int()
        .positive()
        .default(30000)
        .describe(
          "a validator refuses (aborts) a client batch that would make it hold more than this many client transactions not yet final or aborted (go-iost txpool maxCacheTxs = 30,000, CacheFullError)",
        ),
      shortIdBytes: z.int().positive().default(6).describe("bytes per transaction with announce 'short-ids' (BIP 152's SipHash short ids are 6 bytes)"),
      serviPerBlock: z.number().nonnegative().default(1).describe('Servi issued for each contribution (a sealed block, a validation)'),
      maliciousBelievableFraction: z.number().min(0).max(1).default(0).describe('fraction of believable validators that sign invalid transactions'),
    })
    .prefault({}),
  league: LeagueBft.prefault({}),
  atomix: z
    .strictObject({
      lockTimeoutMs: z.number().positive().default(60000).describe('a client that sees no proof by then unlocks to abort'),
    })
    .prefault({}),
  msb: z
    .strictObject({
      enabled: z.boolean().default(true),
      headerBytes: z.int().positive().default(300),
    })
    .prefault({}),
  adversaryFraction: z.number().min(0).max(1).default(0).describe('fraction of validators that are Byzantine (crash-silent in consensus)'),
});

/** Voters' stake for the DPoS-style elections (dpos, iost-mainnet): one voter per node, drawn from a seeded stream. */
const VoterStake = z
  .strictObject({
    distribution: z.enum(['equal', 'pareto']).default('pareto'),
    paretoAlpha: z.number().gt(0).default(1.16).describe('Pareto tail index (1.16: the 80/20 rule)'),
  })
  .prefault({});

/** How a client batch reaches the producers: the entry node relays it (sim/protocols/dpos/README.md). */
const TxRelay = z
  .enum(['current-and-next', 'all-producers'])
  .default('current-and-next')
  .describe('the entry node forwards each batch to the producer of the current turn and of the next turn, or to every scheduled producer');

/** How a new block reaches the other producers. */
const BlockRelay = z
  .enum(['direct', 'gossip'])
  .default('direct')
  .describe(
    'direct: the producer uploads a copy to every other producer (a complete graph; the next producer first); ' +
      'gossip: flooded over the overlay among the producers (fewer uploads per node, more hops)',
  );

/**
 * EOS DPoS (EOSIO whitepaper v2; eosio 1.x/2.0 libraries/chain). Defaults are eosio's constants:
 * config::block_interval_ms = 500, config::producer_repetitions = 12, eosio.system's 21 active producers
 * and 30 votes per voter, max_block_net_usage = 1 MiB. sim/protocols/dpos/README.md has the details.
 */
export const DposParams = z.strictObject({
  type: z.literal('dpos'),
  producers: z.int().min(1).default(21).describe('size of the active schedule (eosio.system: top 21 by votes)'),
  blockIntervalMs: z.number().positive().default(500).describe('eosio config::block_interval_ms'),
  blocksPerProducer: z.int().min(1).default(12).describe('consecutive blocks per producer turn (eosio config::producer_repetitions)'),
  maxBlockBytes: z.int().positive().default(1_048_576).describe('block size cap, bytes (eosio max_block_net_usage = 1 MiB)'),
  maxVotesPerVoter: z.int().min(1).max(30).default(30).describe('producers one voter may vote for (eosio.system voteproducer: at most 30)'),
  stake: VoterStake,
  finality: z
    .enum(['two-stage', 'one-stage'])
    .default('two-stage')
    .describe('two-stage: pre-3.x dpos_proposed_irreversible_blocknum then dpos_irreversible_blocknum; one-stage: irreversible once ⌊2N/3⌋+1 producers built on it'),
  txRelay: TxRelay,
  blockRelay: BlockRelay,
  gossipToAllNodes: z.boolean().default(false).describe('also gossip every block to the non-producer nodes'),
  headerBytes: z.int().positive().default(200).describe('block header bytes (eosio block_header + producer_signature ≈ 200)'),
  signatureBytes: z.int().positive().default(65).describe('secp256k1 compact signature (eosio)'),
});

/**
 * IOST mainnet PoB as go-iost deployed it (consensus/pob, core/blockcache, config/genesis/contract/
 * vote_producer.js). sim/protocols/iost-mainnet/README.md has the details and sources.
 */
export const IostMainnetParams = z.strictObject({
  type: z.literal('iost-mainnet'),
  witnesses: z.int().min(1).default(17).describe('witnesses in the pending list (mainnet: 17)'),
  blockIntervalMs: z.number().positive().default(500).describe('go-iost common.BlockInterval'),
  blocksPerSlot: z.int().min(1).default(6).describe('blocks per witness per 3 s slot (go-iost common.BlockNumPerWitness)'),
  voteIntervalBlocks: z.int().min(1).default(1200).describe('the witness list is re-elected every this many blocks (vote_producer.js VOTE_STAT_INTERVAL)'),
  scoreReduction: z
    .number()
    .min(0)
    .default(0.1)
    .describe('an elected witness loses this fraction of the average score at each stat (vote_producer.js: scoreTotal / (count · 10))'),
  scoreHalvingIntervalBlocks: z.int().min(1).default(31_104_000).describe('every score is halved this often (vote_producer.js SCORE_DECREASE_INTERVAL)'),
  halveDeadWitnessScore: z.boolean().default(true).describe('a listed witness that produced no block since the last stat is dropped and its score halved (vote_producer.js isDead)'),
  maxBlockBytes: z.int().positive().default(1_048_576).describe('block size cap, bytes (our choice, equal to EOS for a fair comparison)'),
  maxVotesPerVoter: z.int().min(1).default(30).describe('candidates one voter votes for (go-iost has no such cap; 30 as in EOS)'),
  stake: VoterStake,
  txRelay: TxRelay,
  blockRelay: BlockRelay,
  gossipToAllNodes: z.boolean().default(false).describe('also gossip every block to the non-witness nodes (otherwise they get headers only)'),
  headerBytes: z.int().positive().default(200),
  signatureBytes: z.int().positive().default(64).describe('ed25519 signature (go-iost witnesses sign with ed25519)'),
});

/** One Zilliqa committee's consensus settings (its pBFT is bft's ByzCoin/CoSi rounds on a star). */
const zilliqaCommittee = (d: { phaseTimeoutMs: number; viewChangeTimeoutMs: number }) =>
  z.strictObject({
    topology: z.enum(['star', 'tree']).default('star').describe('star: the leader collects every commit and response itself (Zilliqa\'s linear pBFT)'),
    treeBranching: z.int().min(2).default(16).describe('children per node, only with topology tree'),
    blockIntervalMs: z.number().nonnegative().default(100).describe('how often an idle leader looks for its next block, ms'),
    phaseTimeoutMs: z.number().positive().default(d.phaseTimeoutMs).describe('a round (announce to responses) must reach a quorum within this, ms'),
    viewChangeTimeoutMs: z.number().positive().default(d.viewChangeTimeoutMs).describe('a member suspects a silent leader after this, ms'),
    signatureBytes: z.int().positive().default(64).describe('EC-Schnorr collective signature (Zilliqa: 64 B)'),
    announce: z
      .enum(['gossip', 'direct'])
      .default('gossip')
      .describe('how a star leader sends a block proposal: gossip over the committee (BROADCAST_GOSSIP_MODE, ConsensusLeader SpreadRumor) or one copy to each member'),
  });

/**
 * Zilliqa-style PoW sharding (Zilliqa technical whitepaper v0.1, 2017; Zilliqa/Zilliqa constants.xml and
 * configuration_files/mainnet-constants.xml). sim/protocols/zilliqa/README.md says which file each default
 * comes from and where we chose otherwise.
 */
export const ZilliqaParams = z.strictObject({
  type: z.literal('zilliqa'),
  powWindowSeconds: z.number().positive().default(60).describe('PoW window per DS epoch, s (POW_WINDOW_IN_SECONDS)'),
  dsCommitteeSize: z.int().min(4).default(200).describe('DS committee size, kept by FIFO (genesis: nodes 0 … size−1)'),
  shardSize: z.int().min(4).default(600).describe('target shard size (COMM_SIZE: 600 mainnet, 200 constants.xml)'),
  shardSizeToleranceLo: z.int().nonnegative().default(50).describe('leftover ≥ shardSize − this forms one more shard (SHARD_SIZE_TOLERANCE_LO)'),
  shardSizeToleranceHi: z.int().nonnegative().default(10).describe('a smaller leftover is spread, at most this many per shard (SHARD_SIZE_TOLERANCE_HI)'),
  maxShardNodes: z.int().min(1).optional().describe('cap on sharded PoW submissions (MAX_SHARD_NODE_NUM = 1900); default no cap'),
  dsElectionPerEpoch: z.int().nonnegative().default(5).describe('DS-difficulty solvers joining (and oldest members leaving) per DS epoch (NUM_DS_ELECTION)'),
  finalBlocksPerDsEpoch: z.int().min(1).default(50).describe('TX epochs (final blocks) per DS epoch (NUM_FINAL_BLOCK_PER_POW: 50 constants.xml, 100 mainnet)'),
  vacuousEpoch: z.boolean().default(true).describe('the last TX epoch of a DS epoch processes no transaction (Zilliqa\'s vacuous epoch)'),
  pow: z
    .strictObject({
      meanSolveSeconds: z.number().positive().default(5).describe('mean time to a shard-difficulty solution for a node of mean hash power, s'),
      dsDifficultyFactor: z.number().min(1).default(4).describe('expected work of a DS solution over a shard one (2^(DS_POW_DIFFICULTY − POW_DIFFICULTY) = 2^(5−3))'),
      hashPower: z
        .strictObject({
          distribution: z.enum(['equal', 'lognormal', 'pareto']).default('lognormal'),
          sigma: z.number().nonnegative().default(0.5).describe('lognormal σ of log hash power'),
          paretoAlpha: z.number().gt(1).default(2).describe('Pareto tail index'),
        })
        .prefault({}),
      submissionBytes: z.int().positive().default(220).describe('one PoW submission (nonce, result and mix hashes, key, signature, peer)'),
      submitTo: z.enum(['ds-committee', 'ds-leader']).default('ds-committee').describe('every DS member receives each submission (Zilliqa), or only the DS leader'),
    })
    .prefault({}),
  txPacketDelayMs: z
    .number()
    .nonnegative()
    .default(3000)
    .describe('a TX epoch\'s transactions are cut from the pool and sent into the shard this long after it begins (LOOKUP_DELAY_SEND_TXNPACKET_IN_MS)'),
  txDistributeMs: z.number().nonnegative().default(6000).describe('a shard leader waits this long for its transaction packet to spread before proposing (TX_DISTRIBUTE_TIME_IN_MS, mainnet)'),
  microblockTimeoutSeconds: z.number().positive().default(96).describe('the DS leader proposes the final block without missing microblocks after this (MICROBLOCK_TIMEOUT, mainnet)'),
  microblockMaxTxs: z.int().min(1).default(8000).describe('transactions per microblock (SHARD_MICROBLOCK_GAS_LIMIT 400000 / NORMAL_TRAN_GAS 50)'),
  txHashBytes: z.int().positive().default(32).describe('a microblock lists its transactions by hash'),
  txShareBranching: z.int().min(1).default(10).describe('children per node in the tree that carries a transaction packet through a shard (MULTICAST_CLUSTER_SIZE)'),
  blockForwardCopies: z.int().min(1).default(2).describe('DS members that forward each DS block and final block to every other node'),
  sizes: z
    .strictObject({
      blockHeaderBytes: z.int().positive().default(300).describe('DS block, final block and microblock header'),
      shardingBytesPerNode: z.int().positive().default(60).describe('one entry of the DS block\'s sharding structure (key, peer, reputation)'),
      microblockInfoBytes: z.int().positive().default(68).describe('one microblock in a final block (hash, tx root, shard id)'),
    })
    .prefault({}),
  // Half a round's timeout is how long the leader waits for missing commits: COMMIT_WINDOW_IN_SECONDS = 10 s.
  shard: zilliqaCommittee({ phaseTimeoutMs: 20_000, viewChangeTimeoutMs: 30_000 }).prefault({}),
  ds: zilliqaCommittee({ phaseTimeoutMs: 20_000, viewChangeTimeoutMs: 30_000 }).prefault({}),
});

export const Protocol = z.discriminatedUnion('type', [BftParams, IosParams, DposParams, IostMainnetParams, ZilliqaParams]);

/** Every protocol type a scenario can name, in the order of the union (bft, ios, dpos, …). */
export const PROTOCOL_TYPES = Protocol.options.map((o) => o.shape.type.value) as [string, ...string[]];

/**
 * Each protocol's parameter object without its `type` tag, keyed by type. Built from the Protocol union,
 * so a protocol added there is accepted here with no further change.
 */
const ProtocolParamsByType = z
  .strictObject(
    Object.fromEntries(
      Protocol.options.map((o) => [o.shape.type.value, (o as z.ZodObject).omit({ type: true }).optional()]),
    ) as Record<string, z.ZodOptional<z.ZodObject>>,
  )
  .default({})
  .describe(
    'parameters per protocol, keyed by protocol type, each the protocol object without "type" (e.g. {"dpos": {"finality": "one-stage"}}); ' +
      'a protocol not listed runs with the scenario\'s own protocol object when it is of that type, else with its defaults',
  );

/**
 * A scaling sweep (`shardsim compare` on a scenario with compare.scaling): every protocol runs at each
 * shard count with the shard size fixed, so unsharded protocols get the same network and load as the
 * sharded ones at each point and the figure shows who scales.
 */
export const CompareScaling = z.strictObject({
  shards: z
    .array(z.int().min(1))
    .min(1)
    .describe('shard counts, e.g. [1, 2, 4, 8, 16]; each run sets the scenario\'s `shards` to one of them (--shards overrides)'),
  nodesPerShard: z
    .int()
    .min(1)
    .describe('fixed shard size: a run with m shards has nodes = m × nodesPerShard, for every protocol (--nodes-per-shard overrides)'),
  offeredTpsPerShard: z
    .number()
    .positive()
    .optional()
    .describe('offered load = m × this (tx/s), so load grows with capacity; omitted = workload.offeredTps at every shard count'),
});

/**
 * What `shardsim compare` runs (README "Comparing protocols"): the same network, workload and node count
 * under several protocols and seeds. Each run is this scenario with `protocol` replaced (and, in a
 * scaling sweep, `shards`, `nodes` and the offered load); `shardsim run` ignores this block, and it is no
 * part of the scenario hash. The CLI flags override each field.
 */
export const Compare = z.strictObject({
  protocols: z
    .array(z.enum(PROTOCOL_TYPES))
    .min(1)
    .optional()
    .describe('protocols to run, in table and legend order; omitted = the scenario\'s protocol.type only (--protocols overrides)'),
  seeds: z
    .array(z.int().nonnegative())
    .min(1)
    .default([1, 2, 3])
    .describe('seeds; every protocol runs once per seed and the table reports mean and 95% Student-t interval over them (--seeds overrides)'),
  protocolParams: ProtocolParamsByType,
  warmupSeconds: z
    .number()
    .nonnegative()
    .default(0)
    .describe('steady-state throughput (the scaling figure, the table\'s "after warm-up" row) counts only finalisations after this many simulated seconds'),
  throughputWindowSeconds: z
    .number()
    .positive()
    .default(5)
    .describe('the throughput-over-time figure averages tx/s over consecutive windows of this many seconds'),
  scaling: CompareScaling.optional(),
});

export const Output = z.strictObject({
  traceLevel: z.enum(['summary', 'messages']).default('summary'),
  metricsBucketSeconds: z.number().positive().default(1),
});

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path to scenarios/schema.json, for editors'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    description: z.string().default(''),
    seed: z.int().nonnegative().default(1),
    durationSeconds: z.number().positive().max(86_400),
    nodes: z.int().min(1).max(1_000_000),
    shards: z.int().min(1).default(1),
    protocol: Protocol,
    network: Network.prefault({}),
    cpu: Cpu.prefault({}),
    workload: Workload.prefault({}),
    output: Output.prefault({}),
    compare: Compare.optional().describe('what `shardsim compare` runs; ignored by `shardsim run`'),
  })
  .superRefine((s, ctx) => {
    const n = s.network.regions.length;
    const sum = s.network.regions.reduce((a, r) => a + r.share, 0);
    if (Math.abs(sum - 1) > 1e-3) {
      ctx.addIssue({
        code: 'custom',
        path: ['network', 'regions'],
        message: `region shares must sum to 1 (±0.001), got ${sum.toFixed(4)}`,
      });
    }
    if (s.network.latencyMs.length !== n || s.network.latencyMs.some((row) => row.length !== n)) {
      ctx.addIssue({
        code: 'custom',
        path: ['network', 'latencyMs'],
        message: `expected a ${n}x${n} matrix (one row and column per region)`,
      });
    }
    if (s.shards > s.nodes) {
      ctx.addIssue({ code: 'custom', path: ['shards'], message: `more shards (${s.shards}) than nodes (${s.nodes})` });
    }
    const names = new Set(s.network.regions.map((r) => r.name));
    s.network.partitions.forEach((p, i) => {
      if (p.endSeconds <= p.startSeconds) {
        ctx.addIssue({ code: 'custom', path: ['network', 'partitions', i, 'endSeconds'], message: 'must be after startSeconds' });
      }
      p.regions?.forEach((r, j) => {
        if (!names.has(r)) {
          ctx.addIssue({
            code: 'custom',
            path: ['network', 'partitions', i, 'regions', j],
            message: `unknown region "${r}"; expected one of ${[...names].join(', ')}`,
          });
        }
      });
    });
    const checkNodes = (list: number[], path: (string | number)[]) =>
      list.forEach((v, j) => {
        if (v >= s.nodes) ctx.addIssue({ code: 'custom', path: [...path, j], message: `node ${v} ≥ nodes (${s.nodes})` });
      });
    s.network.partitions.forEach((p, i) => p.nodes && checkNodes(p.nodes, ['network', 'partitions', i, 'nodes']));
    s.network.crashes.forEach((c, i) => {
      checkNodes(c.nodes, ['network', 'crashes', i, 'nodes']);
      if (c.recoverSeconds !== undefined && c.recoverSeconds <= c.atSeconds) {
        ctx.addIssue({ code: 'custom', path: ['network', 'crashes', i, 'recoverSeconds'], message: 'must be after atSeconds' });
      }
    });
    s.network.slowNodes.forEach((c, i) => checkNodes(c.nodes, ['network', 'slowNodes', i, 'nodes']));
    s.workload.bursts.forEach((b, i) => {
      if (b.endSeconds <= b.startSeconds) {
        ctx.addIssue({ code: 'custom', path: ['workload', 'bursts', i, 'endSeconds'], message: 'must be after startSeconds' });
      }
    });
    if (s.workload.inputsPerTx > s.workload.accountsPerTx) {
      ctx.addIssue({ code: 'custom', path: ['workload', 'inputsPerTx'], message: `more inputs than accountsPerTx (${s.workload.accountsPerTx})` });
    }
    if (s.compare) checkCompare(s.compare, ctx);
    if (s.protocol.type === 'zilliqa' && s.protocol.dsCommitteeSize >= s.nodes) {
      ctx.addIssue({
        code: 'custom',
        path: ['protocol', 'dsCommitteeSize'],
        message: `DS committee (${s.protocol.dsCommitteeSize}) must be smaller than nodes (${s.nodes})`,
      });
    }
    if (s.protocol.type === 'zilliqa' && s.protocol.txPacketDelayMs > s.protocol.txDistributeMs) {
      ctx.addIssue({ code: 'custom', path: ['protocol', 'txPacketDelayMs'], message: `must not exceed txDistributeMs (${s.protocol.txDistributeMs})` });
    }
    if (s.protocol.type === 'zilliqa' && s.protocol.shardSizeToleranceLo >= s.protocol.shardSize) {
      ctx.addIssue({ code: 'custom', path: ['protocol', 'shardSizeToleranceLo'], message: `must be smaller than shardSize (${s.protocol.shardSize})` });
    }
    if (s.protocol.type === 'ios') {
      // TransEpoch must finish within the epoch: the next epoch's plan starts from this one's assignment.
      // Worst case every member of a shard moves: ⌈(n/m)/k⌉ batches, the last starting that many Δ in.
      const p = s.protocol;
      const perShard = s.nodes / s.shards;
      // transepoch/plan.ts swapBatchSize, restated: the schema module stays free of protocol code.
      const k = Math.max(1, Math.round(Math.log(perShard) / Math.log(p.transEpoch.batchLogBase)));
      const lastBatchS = (Math.ceil(perShard / k) * p.deltaMs) / 1000;
      if (p.epochSeconds <= lastBatchS) {
        ctx.addIssue({
          code: 'custom',
          path: ['protocol', 'epochSeconds'],
          message: `must exceed the TransEpoch transition: ${Math.ceil(perShard / k)} batches of k = ${k} validators, Δ = ${p.deltaMs} ms apart, take up to ${lastBatchS} s with ${s.nodes} nodes in ${s.shards} shards`,
        });
      }
      // pob/shard.ts restated: the normal league merges whole optimistic blocks, so one must fit a league block.
      const blockTxBytes = p.pob.announce === 'short-ids' ? p.pob.shortIdBytes : s.workload.txSizeBytes;
      const leagueTxs = Math.floor((p.league.maxBlockBytes - p.league.headerBytes) / blockTxBytes);
      if (p.pob.optimisticBlockMaxTx > leagueTxs) {
        ctx.addIssue({
          code: 'custom',
          path: ['protocol', 'pob', 'optimisticBlockMaxTx'],
          message: `an optimistic block of ${p.pob.optimisticBlockMaxTx} transactions does not fit a league block (league.maxBlockBytes ${p.league.maxBlockBytes} holds ${leagueTxs} of ${blockTxBytes} bytes); lower it or raise league.maxBlockBytes`,
        });
      }
    }
    if (s.protocol.type === 'bft' && s.protocol.committeeSize !== undefined && s.protocol.committeeSize > s.nodes) {
      ctx.addIssue({
        code: 'custom',
        path: ['protocol', 'committeeSize'],
        message: `committee (${s.protocol.committeeSize}) larger than nodes (${s.nodes})`,
      });
    }
  });

/** Lists in the compare block name each protocol, seed and shard count once. */
function checkCompare(c: z.output<typeof Compare>, ctx: z.RefinementCtx): void {
  const unique = (list: readonly (string | number)[] | undefined, path: (string | number)[], what: string) =>
    list?.forEach((v, i) => {
      if (list.indexOf(v) !== i) ctx.addIssue({ code: 'custom', path: ['compare', ...path, i], message: `${what} ${JSON.stringify(v)} listed twice` });
    });
  unique(c.protocols, ['protocols'], 'protocol');
  unique(c.seeds, ['seeds'], 'seed');
  unique(c.scaling?.shards, ['scaling', 'shards'], 'shard count');
  const sc = c.scaling;
  if (sc) {
    const most = Math.max(...sc.shards) * sc.nodesPerShard;
    if (most > 1_000_000) {
      ctx.addIssue({ code: 'custom', path: ['compare', 'scaling', 'nodesPerShard'], message: `the largest run would have ${most} nodes (at most 1,000,000)` });
    }
  }
}

export type Scenario = z.output<typeof ScenarioSchema>;
export type CompareConfig = z.output<typeof Compare>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type NetworkConfig = Scenario['network'];
export type CpuConfig = Scenario['cpu'];
export type WorkloadConfig = Scenario['workload'];
export type BftConfig = z.output<typeof BftParams>;
export type IosConfig = z.output<typeof IosParams>;
export type DposConfig = z.output<typeof DposParams>;
export type IostMainnetConfig = z.output<typeof IostMainnetParams>;
export type ZilliqaConfig = z.output<typeof ZilliqaParams>;
