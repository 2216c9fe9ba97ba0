import type { Argv, CommandModule } from 'yargs';
import { permutationAssignment } from '../protocols/ios/assignment/permutation.js';

/**
 * `shardsim analyze shard-failure`: the probability that a shard drawn at random holds at least ⌈S/3⌉
 * malicious validators, so that its BFT committee (n = 3f+1 tolerates f) is no longer safe — the analysis
 * behind OmniLedger's shard-failure figure (Kokoris-Kogias et al., "OmniLedger: A Secure, Scale-Out,
 * Decentralized Ledger via Sharding", S&P 2018, §VI-A/§VII, Fig. "shard failure"; DESIGN §10), which IOS
 * inherits through its permutation-based assignment (whitepaper "Efficient Distributed Sharding" step 6).
 *
 * Exact values, in log space (log-factorials, log-sum-exp), so N = 100,000 neither overflows nor underflows
 * until the probability itself is below ~1e-308 (its log10 is printed regardless):
 * - hypergeometric: N validators of which K = ⌊F·N⌋ are malicious, S drawn without replacement;
 * - binomial: each of S members malicious independently with probability F (the infinite-population limit).
 * Per epoch, with m = ⌊N/S⌋ shards: the union bound Σ p_i ≥ P[some shard fails] (an upper bound), and
 * 1 − Π(1 − p_i), the independence approximation. Under the permutation the shards' malicious counts are
 * negatively associated (Joag-Dev & Proschan, Ann. Statist. 1983), so the independence value is a lower
 * bound: the truth lies between the two. A Monte Carlo run of permutationAssignment itself checks them.
 */

export interface ShardFailureInput {
  nodes: number;
  shardSize: number;
  adversary: number;
  trials: number;
  seed: number;
}

export class AnalyzeInputError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`--${flag}: ${message}`);
    this.name = 'AnalyzeInputError';
  }
}

export function validateShardFailureInput(a: ShardFailureInput): void {
  const int = (flag: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new AnalyzeInputError(flag, `expected an integer ≥ ${min}, got ${v}`);
  };
  int('nodes', a.nodes, 1);
  int('shard-size', a.shardSize, 1);
  if (a.shardSize > a.nodes) throw new AnalyzeInputError('shard-size', `shard size ${a.shardSize} exceeds --nodes ${a.nodes}`);
  if (!(a.adversary >= 0 && a.adversary < 1)) throw new AnalyzeInputError('adversary', `expected a fraction in [0, 1), got ${a.adversary}`);
  int('trials', a.trials, 0);
  int('seed', a.seed, 0);
}

// ---- Exact tails in log space ----

const SMALL = 256;
const LOG_FACT_SMALL: Float64Array = (() => {
  const t = new Float64Array(SMALL);
  for (let i = 2; i < SMALL; i++) t[i] = t[i - 1]! + Math.log(i);
  return t;
})();

/** ln n!: a table below 256, Stirling's series above (truncation error < 1e-17). */
export function logFactorial(n: number): number {
  if (n < SMALL) return LOG_FACT_SMALL[n]!;
  const n2 = n * n;
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n * n2) + 1 / (1260 * n * n2 * n2);
}

export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** ln Σ e^{x_i}, exact for all −∞ terms. */
export function logSumExp(xs: readonly number[]): number {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - max);
  return max + Math.log(s);
}

/** ln P[X ≥ t] for X ~ Hypergeometric(population N, K successes, S draws). */
export function logHypergeometricTail(N: number, K: number, S: number, t: number): number {
  const lo = Math.max(t, S - (N - K), 0);
  const hi = Math.min(S, K);
  const terms: number[] = [];
  const denom = logChoose(N, S);
  for (let x = lo; x <= hi; x++) terms.push(logChoose(K, x) + logChoose(N - K, S - x) - denom);
  return logSumExp(terms);
}

/** ln P[Y ≥ t] for Y ~ Binomial(S, F). */
export function logBinomialTail(S: number, F: number, t: number): number {
  if (F <= 0) return t <= 0 ? 0 : -Infinity;
  const terms: number[] = [];
  for (let y = Math.max(t, 0); y <= S; y++) terms.push(logChoose(S, y) + y * Math.log(F) + (S - y) * Math.log1p(-F));
  return logSumExp(terms);
}

/** The BFT failure threshold of a committee of s: ⌈s/3⌉ = f + 1 with f = ⌊(s−1)/3⌋. */
export const failureThreshold = (s: number): number => Math.ceil(s / 3);

/** 95% Wilson score interval for k successes in n trials. */
export function wilson(k: number, n: number, z = 1.959963984540054): { estimate: number; lo: number; hi: number } {
  if (n === 0) return { estimate: NaN, lo: 0, hi: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 (k = n) the bound is exactly 0 (1); computed, it comes out as a rounding residue like 1e-19.
  return { estimate: p, lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half) };
}

// ---- The analysis ----

interface ModelResult {
  /** P[a shard of size S fails] and its log10 (finite even when the probability underflows). */
  shard: number;
  shardLog10: number;
  /** 1 − Π(1 − p_i) over the m shards: independence approximation (a lower bound, see above). */
  epochIndependence: number;
  /** Σ p_i: the union bound (an upper bound; may exceed 1), and its log10. */
  epochUnion: number;
  epochUnionLog10: number;
}

export interface ShardFailureResult {
  nodes: number;
  shardSize: number;
  shards: number;
  adversary: number;
  /** K = ⌊F·N⌋ malicious validators (rounded down). */
  malicious: number;
  threshold: number;
  /** Sizes of the m buckets permutationAssignment makes (S or S+1 when S does not divide N). */
  bucketSizes: { size: number; count: number }[];
  hypergeometric: ModelResult;
  binomial: ModelResult;
  monteCarlo: null | {
    trials: number;
    seed: number;
    shardSamples: number;
    shardFailures: number;
    shard: { estimate: number; lo: number; hi: number };
    epochFailures: number;
    epoch: { estimate: number; lo: number; hi: number };
    /** The exact hypergeometric mean over the actual buckets, which the shard estimate targets. */
    exactShardMean: number;
  };
  notes: string[];
}

function model(logTail: (s: number) => number, S: number, buckets: { size: number; count: number }[]): ModelResult {
  const lnS = logTail(S);
  let logSurvive = 0;
  const lnTerms: number[] = [];
  for (const b of buckets) {
    const ln = logTail(b.size);
    lnTerms.push(Math.log(b.count) + ln);
    logSurvive += b.count * Math.log1p(-Math.min(Math.exp(ln), 1));
  }
  const lnUnion = logSumExp(lnTerms);
  return {
    shard: Math.exp(lnS),
    shardLog10: lnS / Math.LN10,
    epochIndependence: -Math.expm1(logSurvive),
    epochUnion: Math.exp(lnUnion),
    epochUnionLog10: lnUnion / Math.LN10,
  };
}

export function analyzeShardFailure(input: ShardFailureInput): ShardFailureResult {
  validateShardFailureInput(input);
  const { nodes: N, shardSize: S, adversary: F, trials, seed } = input;
  const K = Math.floor(F * N + 1e-9); // rounded down; the epsilon keeps 0.29 × 100 at 29
  const m = Math.floor(N / S);
  const q = Math.floor(N / m);
  const r = N - q * m;
  const buckets = [{ size: q, count: m - r }, ...(r > 0 ? [{ size: q + 1, count: r }] : [])].filter((b) => b.count > 0);
  const hyperTail = (s: number) => logHypergeometricTail(N, K, s, failureThreshold(s));
  const binomTail = (s: number) => logBinomialTail(s, F, failureThreshold(s));
  const notes = [
    `K = ⌊F·N⌋ = ${K} malicious (rounded down).`,
    'Per epoch: the union bound Σp is an upper bound; 1 − Π(1 − p) (independence) is a lower bound, because the ' +
      "shards' malicious counts under a random permutation are negatively associated.",
  ];
  if (q !== S || r > 0) {
    notes.push(
      `N is not a multiple of S: the ${m} buckets have ${buckets.map((b) => `${b.count}×${b.size}`).join(' + ')} members; ` +
        'epoch values and the Monte Carlo use those sizes (threshold ⌈size/3⌉ each), the per-shard columns size S.',
    );
  }
  let monteCarlo: ShardFailureResult['monteCarlo'] = null;
  if (trials > 0) {
    const validators = Array.from({ length: N }, (_, i) => i);
    const bad = new Int32Array(m);
    const size = new Int32Array(m);
    let shardFailures = 0;
    let epochFailures = 0;
    for (let t = 0; t < trials; t++) {
      // A different rnd_e per trial; the malicious validators are nodes 0..K−1 (any fixed set will do).
      const shardOf = permutationAssignment(validators, `analyze:${seed}:${t}`, m, N);
      bad.fill(0);
      size.fill(0);
      for (let v = 0; v < N; v++) {
        const s = shardOf[v]!;
        size[s]!++;
        if (v < K) bad[s]!++;
      }
      let failed = 0;
      for (let s = 0; s < m; s++) if (bad[s]! >= failureThreshold(size[s]!)) failed++;
      shardFailures += failed;
      if (failed > 0) epochFailures++;
    }
    const exactShardMean = buckets.reduce((a, b) => a + b.count * Math.exp(hyperTail(b.size)), 0) / m;
    monteCarlo = {
      trials,
      seed,
      shardSamples: trials * m,
      shardFailures,
      shard: wilson(shardFailures, trials * m),
      epochFailures,
      epoch: wilson(epochFailures, trials),
      exactShardMean,
    };
    notes.push(
      'Monte Carlo: permutationAssignment with rnd = analyze:<seed>:<trial>; 95% Wilson intervals. Shards of one trial ' +
        'are negatively correlated, so the shard interval (which assumes independence) is conservative.',
    );
  }
  return {
    nodes: N,
    shardSize: S,
    shards: m,
    adversary: F,
    malicious: K,
    threshold: failureThreshold(S),
    bucketSizes: buckets,
    hypergeometric: model(hyperTail, S, buckets),
    binomial: model(binomTail, S, buckets),
    monteCarlo,
    notes,
  };
}

// ---- Output ----

function fmt(p: number, log10?: number): string {
  if (Number.isNaN(p)) return '—';
  if (p === 0 && log10 !== undefined && Number.isFinite(log10)) return `10^${log10.toFixed(1)}`;
  if (p === 0) return '0';
  return p >= 1e-3 ? p.toFixed(6) : p.toExponential(4);
}

export function formatShardFailure(r: ShardFailureResult): string {
  const lines = [
    `shard failure: N = ${r.nodes}, S = ${r.shardSize}, m = ${r.shards} shards, F = ${r.adversary} → K = ${r.malicious} malicious; ` +
      `a shard fails with ≥ ⌈S/3⌉ = ${r.threshold} malicious members`,
    '',
    `${'model'.padEnd(16)}${'P[shard fails]'.padEnd(34)}${'P[epoch fails] ≥ 1−Π(1−p)'.padEnd(34)}${'≤ union Σp'}`,
  ];
  for (const [name, m] of [['hypergeometric', r.hypergeometric], ['binomial', r.binomial]] as const) {
    // Below ~1e-308 the two epoch values agree to first order (1 − Π(1−p) ≈ Σp): print the union's log10.
    const epoch = `${fmt(m.epochIndependence, m.epochUnionLog10)}`;
    lines.push(`${name.padEnd(16)}${fmt(m.shard, m.shardLog10).padEnd(34)}${epoch.padEnd(34)}${fmt(m.epochUnion, m.epochUnionLog10)}`);
  }
  const mc = r.monteCarlo;
  if (mc) {
    const ci = (x: { estimate: number; lo: number; hi: number }) => `${fmt(x.estimate)} [${fmt(x.lo)}, ${fmt(x.hi)}]`;
    lines.push(`${'monte carlo'.padEnd(16)}${ci(mc.shard).padEnd(34)}${ci(mc.epoch)}`);
    lines.push(
      '',
      `Monte Carlo: ${mc.trials} epochs (seed ${mc.seed}), ${mc.shardFailures} of ${mc.shardSamples} shards and ${mc.epochFailures} epochs failed; ` +
        `exact mean over the buckets ${fmt(mc.exactShardMean)}.`,
    );
  }
  lines.push('', ...r.notes.map((n) => `note: ${n}`));
  lines.push('ref: OmniLedger (Kokoris-Kogias et al., S&P 2018), shard-failure analysis: hypergeometric/binomial tails.');
  return lines.join('\n') + '\n';
}

interface ShardFailureArgs {
  nodes: number;
  'shard-size': number;
  adversary: number;
  trials: number;
  seed: number;
  json: boolean;
}

export const shardFailureCommand: CommandModule<object, ShardFailureArgs> = {
  command: 'shard-failure',
  describe: 'P[a shard gets ≥ ⌈S/3⌉ malicious validators]: exact hypergeometric and binomial tails, and Monte Carlo',
  builder: (y) =>
    y
      .option('nodes', { type: 'number', demandOption: true, describe: 'N, validators in the system' })
      .option('shard-size', { type: 'number', demandOption: true, describe: 'S, validators per shard (m = ⌊N/S⌋ shards)' })
      .option('adversary', { type: 'number', demandOption: true, describe: 'F, fraction of malicious validators, in [0, 1)' })
      .option('trials', { type: 'number', default: 1000, describe: 'Monte Carlo epochs (0 = exact values only)' })
      .option('seed', { type: 'number', default: 1, describe: 'Monte Carlo seed' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as unknown as Argv<ShardFailureArgs>,
  handler: (argv) => {
    let result: ShardFailureResult;
    try {
      result = analyzeShardFailure({
        nodes: argv.nodes,
        shardSize: argv['shard-size'],
        adversary: argv.adversary,
        trials: argv.trials,
        seed: argv.seed,
      });
    } catch (err) {
      if (!(err instanceof AnalyzeInputError)) throw err;
      process.stderr.write(`shardsim analyze shard-failure: ${err.message}\n`);
      process.exit(2);
    }
    process.stdout.write(argv.json ? JSON.stringify(result, null, 2) + '\n' : formatShardFailure(result));
  },
};

export const analyzeCommand: CommandModule<object, object> = {
  command: 'analyze',
  describe: 'Analyses that need no simulation run (shard-failure)',
  builder: (y) => y.command(shardFailureCommand).demandCommand(1, 'Name an analysis: shard-failure'),
  handler: () => undefined,
};
