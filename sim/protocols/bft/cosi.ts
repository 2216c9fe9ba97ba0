import type { CpuConfig } from '../../scenario/schema.js';
import type { NodeId } from '../types.js';
import { compareRounds } from './messages.js';
import type { BftMsg, BlockRef, MsgOf, Out, RoundKey, TimerOf, WireSizes } from './messages.js';
import type { BlockValidator, Evidence } from './extensions.js';
import type { Committee } from './tree.js';
import type { TreeRoundSpec } from '../tree-round.js';

/**
 * One node's part in a CoSi round (Syta et al., S&P 2016 §IV-A; ByzCoin §3): Announcement down the
 * graph, Commitment aggregated up, Challenge down, Response aggregated up. The same code runs at the
 * root (the leader) and at every other member; the root hands the aggregates to its CosiRoot.
 *
 * Subtree timeout. Let D be the graph's depth and T = phaseTimeoutMs. The root waits at most T/2 for
 * commitments and T/2 for responses. A node whose subtree has h levels below it waits at most h·T/(2D)
 * after it heard the announcement (or challenge), then forwards what it has (CoSi §IV-C: absent
 * witnesses become exceptions). A child therefore gives up T/(2D) before its parent does, which leaves
 * one round trip of slack per level. In the prepare phase every window also includes the time to
 * validate the block (txValidateUs × txCount), since every member validates in parallel after forwarding.
 * A node waits for all of its children: a round with crashed members costs its timeouts, as in CoSi.
 *
 * With a BlockValidator (extensions.ts) every member, the leader included, inspects the prepare block
 * instead of validating every transaction; evidence it finds rides up with its commitment, the leader
 * amends the block and the Challenge carries the evidence down (members verify each piece: verifyUs).
 */

/** What the leader does with the aggregates its CoSi tree returns. */
export interface CosiRoot {
  onRootCommitments(round: RoundKey, signers: number, evidence: readonly Evidence[], out: Out): void;
  onRootResponses(round: RoundKey, signers: number, out: Out): void;
}

interface RoundState {
  readonly key: RoundKey;
  readonly block: BlockRef;
  /** -1 at the root. */
  readonly parent: NodeId;
  readonly children: readonly NodeId[];
  /** Levels below this node in the round's graph. */
  readonly levelsBelow: number;
  readonly depth: number;
  step: 'commitment' | 'challenge' | 'response' | 'done';
  ownReady: boolean;
  /** Children whose commitments are in the aggregate. */
  readonly committed: NodeId[];
  readonly heard: Set<NodeId>;
  signers: number;
  readonly responded: Set<NodeId>;
  responseSigners: number;
  /** Evidence of this subtree (own + children's), deduplicated by key; empty without a validator. */
  readonly evidence: Evidence[];
  readonly evidenceKeys: Set<string>;
}

const ceilUs = (us: number): number => Math.ceil(us);

function sameBlock(a: BlockRef | null, b: BlockRef): boolean {
  return a !== null && a.height === b.height && a.view === b.view && a.proposer === b.proposer;
}

/** Round fidelity: what validating one prepare block costs each position (CosiNode.computeCost). */
interface ComputedCost {
  readonly work: (pos: number) => number;
  readonly allow: (pos: number) => number;
  readonly evidence: (readonly Evidence[])[] | null;
}

/** Round fidelity: the leader's round the host is computing (tree-round.ts). */
interface ComputedRound {
  readonly key: RoundKey;
  readonly step: 'commitments' | 'challenge' | 'responses';
  readonly spec: TreeRoundSpec;
  /** Each position's evidence in the prepare round (null: nobody found any). */
  readonly evidence: (readonly Evidence[])[] | null;
  joined: Uint8Array | null;
}

export class CosiNode {
  /** The view's backoff (core.ts applyBackoff, PBFT §4.5.2): every window is this many times the configured one. */
  windowScale = 1;
  /** phaseTimeoutMs in µs, times the view's backoff: what every subtree window is a share of. */
  private get scaledPhaseUs(): number {
    return this.phaseTimeoutUs * this.windowScale;
  }
  private round: RoundState | null = null;
  private computed: ComputedRound | null = null;
  /** Round fidelity: the cost of validating `validated`, kept for a star retry of the same block. */
  private computedCost: ComputedCost | null = null;
  /** The last block whose transactions this node validated (a star retry does not validate again). */
  private validated: BlockRef | null = null;
  /** With a validator: what inspecting `validated` cost and found (reused by a star retry). */
  private inspected: { readonly cpuUs: number; readonly evidence: readonly Evidence[] } | null = null;

  constructor(
    private readonly self: NodeId,
    private readonly committee: Committee,
    private readonly sizes: WireSizes,
    private readonly cpu: CpuConfig,
    private readonly phaseTimeoutUs: number,
    private readonly root: CosiRoot,
    private readonly validator: BlockValidator | null = null,
    private readonly fidelity: 'message' | 'round' = 'message',
  ) {}

  /** Forget the round in progress (new view, recovery). */
  reset(): void {
    this.round = null;
    this.computed = null;
  }

  /** Leader: open a round as the root and send the Announcement (ByzCoin §3, CoSi phase 1). */
  announce(key: RoundKey, block: BlockRef, out: Out): void {
    if (this.fidelity === 'round') return this.announceComputed(key, block, out);
    const r = this.open(key, block);
    const msg: BftMsg = { type: 'announce', round: key, block };
    // Without a validator the leader validated at mempool admission; with one it inspects like everyone.
    const inspectUs = key.phase === 'prepare' ? this.inspect(block, r) : 0;
    if (key.phase === 'prepare') this.validated = block;
    if (r.children.length > 0) {
      out.push({ kind: 'multicast', to: r.children, msg, sizeBytes: this.sizes.of(msg) });
      out.push({ kind: 'timer', afterUs: this.windowUs(r, 'commitment'), timer: { kind: 'cosi', round: key, step: 'commitment' } });
    }
    out.push({ kind: 'cpu', us: ceilUs(inspectUs + this.cpu.signUs) }); // the leader's own commitment
    r.ownReady = true;
    if (r.children.length === 0) this.forwardCommitment(r, out);
  }

  /** A member hears the Announcement: relay it, validate (prepare), then commit (CoSi phase 2). */
  onAnnounce(msg: MsgOf<'announce'>, out: Out): void {
    if (this.round && compareRounds(msg.round, this.round.key) <= 0) return;
    const r = this.open(msg.round, msg.block);
    let validateUs = 0;
    if (this.validator) validateUs = msg.round.phase === 'prepare' ? this.inspect(msg.block, r) : 0;
    else if (msg.round.phase === 'prepare' && !sameBlock(this.validated, msg.block)) validateUs = this.validateUs(msg.block);
    if (msg.round.phase === 'prepare') this.validated = msg.block;
    if (r.children.length > 0) {
      out.push({ kind: 'multicast', to: r.children, msg, sizeBytes: this.sizes.of(msg) });
      out.push({ kind: 'timer', afterUs: this.windowUs(r, 'commitment'), timer: { kind: 'cosi', round: msg.round, step: 'commitment' } });
    }
    out.push({ kind: 'cpu', us: ceilUs(validateUs + this.cpu.signUs) });
    if (r.children.length === 0) {
      r.ownReady = true;
      this.forwardCommitment(r, out);
    } else {
      // Resumes after the CPU work above: an internal node must not send its aggregate before its own part.
      out.push({ kind: 'timer', afterUs: 0, timer: { kind: 'ownCommitment', round: msg.round } });
    }
  }

  onCommitment(from: NodeId, msg: MsgOf<'commitment'>, out: Out): void {
    const r = this.round;
    if (!r || r.step !== 'commitment' || compareRounds(msg.round, r.key) !== 0) return;
    if (r.heard.has(from) || this.committee.parentOf(from, r.key.view, r.key.topology) !== this.self) return;
    r.heard.add(from);
    r.committed.push(from);
    r.signers += msg.signers;
    if (msg.evidence) addEvidence(r, msg.evidence);
    if (r.ownReady && r.heard.size === r.children.length) this.forwardCommitment(r, out);
  }

  /** Leader: the commitments are in; send the Challenge (with the evidence it amended by) down. */
  challenge(out: Out, evidence: readonly Evidence[] = []): void {
    if (this.fidelity === 'round') return this.challengeComputed(out, evidence);
    if (this.round && this.round.step === 'challenge') this.enterChallenge(this.round, out, evidence);
  }

  // ---- Round fidelity: the leader hands each half-round to the host (tree-round.ts) ----

  /** Announcement down, commitments up, as CosiNode's members would (announce, onAnnounce, onCommitment). */
  private announceComputed(key: RoundKey, block: BlockRef, out: Out): void {
    const c = this.committee;
    const graph = c.graph(key.topology);
    const nodes = c.positions(key.view);
    const prepare = key.phase === 'prepare';
    // Validation happens once per block (a star retry of it only signs), but every prepare window allows for
    // it, as windowUs does at message level.
    let work: (pos: number) => number = () => 0;
    let allow: (pos: number) => number = () => 0;
    let evidence: (readonly Evidence[])[] | null = null;
    if (prepare) {
      const again = sameBlock(this.validated, block) && this.computedCost !== null;
      if (!again) this.computedCost = this.computeCost(nodes, block);
      const cost = this.computedCost!;
      allow = cost.allow;
      evidence = cost.evidence;
      if (!again) work = cost.work;
      this.validated = block;
    }
    const spec: TreeRoundSpec = {
      nodes,
      shape: graph,
      downBytes: this.sizes.of({ type: 'announce', round: key, block }),
      upBytes: this.sizes.of({ type: 'commitment', round: key, signers: 1 }),
      workUs: (pos) => ceilUs(work(pos) + this.cpu.signUs),
      aggregateUsPerSigner: this.cpu.aggregateUsPerSigner,
      windowUs: (pos) => ceilUs(subtreeWindowUs(this.scaledPhaseUs, graph.heightOf(pos), graph.depth) + allow(pos)),
      members: null,
      result: null,
    };
    this.computed = { key, step: 'commitments', spec, evidence, joined: null };
    c.noteComputedRound(key.view, spec);
    out.push({ kind: 'treeRound', spec, timer: { kind: 'cosiRound', round: key, step: 'commitments' } });
  }

  /**
   * Each position's validation of a prepare block: the CPU it spends (`work`), what its windows allow for
   * (`allow`) and its evidence. With a validator every member inspects (inspectAs when members differ);
   * without one the leader validated at admission and the others validate every transaction.
   */
  private computeCost(nodes: readonly NodeId[], block: BlockRef): ComputedCost {
    const v = this.validator;
    if (!v) {
      const us = this.cpu.txValidateUs * block.txs.count;
      return { work: (pos) => (pos === 0 ? 0 : us), allow: () => us, evidence: null };
    }
    const own = v.inspect(block);
    if (v.inspectAs && v.differs?.(block)) {
      const each = nodes.map((id, pos) => (pos === 0 ? own : v.inspectAs!(id, block)));
      const at = (pos: number) => each[pos]!.cpuUs;
      return { work: at, allow: at, evidence: each.map((x) => x.evidence) };
    }
    return { work: () => own.cpuUs, allow: () => own.cpuUs, evidence: own.evidence.length > 0 ? nodes.map(() => own.evidence) : null };
  }

  /** Challenge down to the members whose commitments are in the aggregate, responses up (enterChallenge). */
  private challengeComputed(out: Out, evidence: readonly Evidence[]): void {
    const r = this.computed;
    if (!r || r.step !== 'challenge' || !r.joined) return;
    const graph = this.committee.graph(r.key.topology);
    const verifyUs = evidence.length > 0 ? ceilUs(this.cpu.verifyUs * evidence.length) : 0;
    const msg: BftMsg = evidence.length > 0 ? { type: 'challenge', round: r.key, evidence } : { type: 'challenge', round: r.key };
    const spec: TreeRoundSpec = {
      nodes: r.spec.nodes,
      shape: graph,
      downBytes: this.sizes.of(msg),
      upBytes: this.sizes.of({ type: 'response', round: r.key, signers: 1 }),
      relayUs: (pos) => (pos === 0 ? 0 : verifyUs),
      workUs: () => ceilUs(this.cpu.signUs),
      aggregateUsPerSigner: this.cpu.aggregateUsPerSigner,
      windowUs: (pos) => subtreeWindowUs(this.scaledPhaseUs, graph.heightOf(pos), graph.depth),
      members: r.joined,
      result: null,
    };
    this.computed = { key: r.key, step: 'responses', spec, evidence: null, joined: r.joined };
    this.committee.noteComputedRound(r.key.view, spec);
    out.push({ kind: 'treeRound', spec, timer: { kind: 'cosiRound', round: r.key, step: 'responses' } });
  }

  /** The host's computed half-round is at the root: hand the aggregate to the leader's CosiRoot. */
  onRoundTimer(timer: TimerOf<'cosiRound'>, out: Out): void {
    const r = this.computed;
    if (!r || r.step !== timer.step || compareRounds(timer.round, r.key) !== 0 || !r.spec.result) return;
    const res = r.spec.result;
    if (timer.step === 'responses') {
      this.computed = null;
      return this.root.onRootResponses(r.key, res.signers, out);
    }
    const found: Evidence[] = [];
    if (r.evidence) {
      const keys = new Set<string>();
      r.evidence.forEach((list, pos) => {
        if (res.joined[pos] !== 1) return;
        for (const e of list) {
          if (keys.has(e.key)) continue;
          keys.add(e.key);
          found.push(e);
        }
      });
    }
    this.computed = { ...r, step: 'challenge', joined: res.joined };
    this.root.onRootCommitments(r.key, res.signers, found, out);
  }

  onChallenge(from: NodeId, msg: MsgOf<'challenge'>, out: Out): void {
    const r = this.round;
    if (!r || r.step !== 'challenge' || from !== r.parent || compareRounds(msg.round, r.key) !== 0) return;
    if (msg.evidence) out.push({ kind: 'cpu', us: ceilUs(this.cpu.verifyUs * msg.evidence.length) }); // check the amendment
    this.enterChallenge(r, out, msg.evidence ?? []);
  }

  onResponse(from: NodeId, msg: MsgOf<'response'>, out: Out): void {
    const r = this.round;
    if (!r || r.step !== 'response' || compareRounds(msg.round, r.key) !== 0) return;
    if (!r.heard.has(from) || r.responded.has(from)) return;
    r.responded.add(from);
    r.responseSigners += msg.signers;
    if (r.responded.size === r.committed.length) this.forwardResponse(r, out);
  }

  onTimer(timer: TimerOf<'cosi' | 'ownCommitment'>, out: Out): void {
    const r = this.round;
    if (!r || compareRounds(timer.round, r.key) !== 0) return; // stale: a later round replaced it
    if (timer.kind === 'ownCommitment') {
      if (r.step !== 'commitment' || r.ownReady) return;
      r.ownReady = true;
      if (r.heard.size === r.children.length) this.forwardCommitment(r, out);
    } else if (timer.step === 'commitment' && r.step === 'commitment') {
      r.ownReady = true; // the window includes our own validation time
      this.forwardCommitment(r, out);
    } else if (timer.step === 'response' && r.step === 'response') {
      this.forwardResponse(r, out);
    }
  }

  private open(key: RoundKey, block: BlockRef): RoundState {
    const graph = this.committee.graph(key.topology);
    const pos = this.committee.positionOf(this.self, key.view);
    this.round = {
      key,
      block,
      parent: this.committee.parentOf(this.self, key.view, key.topology),
      children: this.committee.childrenOf(this.self, key.view, key.topology),
      levelsBelow: graph.heightOf(pos),
      depth: graph.depth,
      step: 'commitment',
      ownReady: false,
      committed: [],
      heard: new Set(),
      signers: 1,
      responded: new Set(),
      responseSigners: 1,
      evidence: [],
      evidenceKeys: new Set(),
    };
    return this.round;
  }

  /** Send the aggregate commitment up (CoSi phase 2), or hand it to the leader at the root. */
  private forwardCommitment(r: RoundState, out: Out): void {
    r.step = 'challenge';
    if (r.committed.length > 0) out.push({ kind: 'cpu', us: ceilUs(this.cpu.aggregateUsPerSigner * r.signers) });
    if (r.parent < 0) {
      this.root.onRootCommitments(r.key, r.signers, r.evidence, out);
      return;
    }
    const msg: BftMsg =
      r.evidence.length > 0
        ? { type: 'commitment', round: r.key, signers: r.signers, evidence: r.evidence }
        : { type: 'commitment', round: r.key, signers: r.signers };
    out.push({ kind: 'send', to: r.parent, msg, sizeBytes: this.sizes.of(msg) });
  }

  /** Relay the Challenge to the children that committed, then respond (CoSi phases 3–4). */
  private enterChallenge(r: RoundState, out: Out, evidence: readonly Evidence[]): void {
    r.step = 'response';
    if (r.committed.length > 0) {
      const msg: BftMsg = evidence.length > 0 ? { type: 'challenge', round: r.key, evidence } : { type: 'challenge', round: r.key };
      out.push({ kind: 'multicast', to: r.committed, msg, sizeBytes: this.sizes.of(msg) });
      out.push({ kind: 'timer', afterUs: this.windowUs(r, 'response'), timer: { kind: 'cosi', round: r.key, step: 'response' } });
    }
    out.push({ kind: 'cpu', us: ceilUs(this.cpu.signUs) }); // r_i = v_i − c·x_i
    if (r.committed.length === 0) this.forwardResponse(r, out);
  }

  private forwardResponse(r: RoundState, out: Out): void {
    r.step = 'done';
    if (r.responded.size > 0) {
      out.push({ kind: 'cpu', us: ceilUs(this.cpu.aggregateUsPerSigner * r.responseSigners) });
    }
    if (r.parent < 0) {
      this.root.onRootResponses(r.key, r.responseSigners, out);
      return;
    }
    const msg: BftMsg = { type: 'response', round: r.key, signers: r.responseSigners };
    out.push({ kind: 'send', to: r.parent, msg, sizeBytes: this.sizes.of(msg) });
  }

  private validateUs(block: BlockRef): number {
    if (this.validator && this.inspected && sameBlock(this.validated, block)) return this.inspected.cpuUs;
    return this.cpu.txValidateUs * block.txs.count;
  }

  /** With a validator: inspect a prepare block (once per block; a star retry reuses the result). */
  private inspect(block: BlockRef, r: RoundState): number {
    if (!this.validator) return 0;
    const again = sameBlock(this.validated, block) && this.inspected !== null;
    if (!again) this.inspected = this.validator.inspect(block);
    addEvidence(r, this.inspected!.evidence);
    return again ? 0 : this.inspected!.cpuUs;
  }

  /** See the file comment: h·T/(2D), plus block validation in the prepare commitment step. */
  private windowUs(r: RoundState, step: 'commitment' | 'response'): number {
    const base = subtreeWindowUs(this.scaledPhaseUs, r.levelsBelow, r.depth);
    const validate = step === 'commitment' && r.key.phase === 'prepare' ? this.validateUs(r.block) : 0;
    return ceilUs(base + validate);
  }
}

/** The file comment's h·T/(2D): how long a member with h levels below it waits for its subtree. */
function subtreeWindowUs(phaseTimeoutUs: number, levelsBelow: number, depth: number): number {
  return depth === 0 ? 0 : Math.floor((phaseTimeoutUs / 2) * (levelsBelow / depth));
}

function addEvidence(r: RoundState, evidence: readonly Evidence[]): void {
  for (const e of evidence) {
    if (r.evidenceKeys.has(e.key)) continue;
    r.evidenceKeys.add(e.key);
    r.evidence.push(e);
  }
}
