import type { RngRoot } from '../../../kernel/rng.js';
import type { Micros } from '../../../kernel/time.js';
import type { CpuConfig } from '../../../scenario/schema.js';
import type { NodeId } from '../../types.js';
import { permutationAssignment } from '../assignment/permutation.js';
import type { EdsMsg, EdsSizes, Grouping, Out, RunKey } from './messages.js';

/**
 * The client side of one DRP run (whitepaper "Distributed Randomness Protocol"; RandHound, Syta et al.,
 * S&P 2017, §4): the elected validator is RandHound's client, every validator (itself included) a server.
 *
 * 1. Grouping: the client derives a balanced grouping of the servers (groups of ≤ drp.groupSize, sizes
 *    differing by at most one) from its run key and lottery, and sends it to all servers.
 * 2. Shares (phase 1): each server PVSS-shares a random input within its group and sends the encrypted
 *    shares to the client. The client fixes the inputs as soon as every group has ⌈2c/3⌉ of them (c = the
 *    group's size), or at Δ after the grouping if every group has at least t = ⌊c/3⌋ + 1 (RandHound's
 *    per-group threshold: one honest input per group); otherwise the run fails.
 * 3. CoSi sign-off of the fixed subsets, modelled as one announce/response round over a star: the client
 *    goes on when all servers responded, or at Δ with a quorum of 2f+1 (f = ⌊(n−1)/3⌋); otherwise fails.
 * 4. Reveal (phase 2): the client sends the sign-off; each server decrypts its shares of its group's chosen
 *    inputs; the client combines as soon as every group has t reveals, or fails at Δ.
 * 5. rnd_e = a keyed hash of (epoch, view, attempt, client, the chosen inputs): a deterministic function of
 *    the seed and the fixed subsets, as in RandHound where the output is fixed once the subsets are.
 */

export interface DrpContext {
  readonly self: NodeId;
  readonly validators: readonly NodeId[];
  /** Length of node-id-indexed arrays. */
  readonly nodeCount: number;
  readonly groupSize: number;
  readonly deltaUs: Micros;
  readonly cpu: CpuConfig;
  readonly sizes: EdsSizes;
  readonly rng: RngRoot;
  /** Send `msg` to every other validator, then hand it to this node's own server role. */
  broadcast(msg: EdsMsg, sizeBytes: number, out: Out): void;
}

export type ClientPhase = 'shares' | 'cosi' | 'reveal' | 'done' | 'failed';

/** Balanced grouping of `validators` into ⌈n/c⌉ groups, from a keyed permutation (as EDS step 6). */
export function balancedGrouping(validators: readonly NodeId[], groupSize: number, seed: string, nodeCount: number): Grouping {
  const groups = Math.max(1, Math.ceil(validators.length / groupSize));
  const groupOf = permutationAssignment(validators, seed, groups, nodeCount, 'drp:grouping');
  const sizes = new Int32Array(groups);
  for (const v of validators) sizes[groupOf[v]!]!++;
  return { groupOf, sizes };
}

export class DrpClient {
  phase: ClientPhase = 'shares';
  readonly grouping: Grouping;
  readonly groups: number;
  /** RandHound's per-group threshold t = ⌊c/3⌋ + 1. */
  private readonly need: Int32Array;
  /** Early-fix target ⌈2c/3⌉ per group. */
  private readonly fast: Int32Array;
  private readonly inputs: Uint8Array;
  private readonly inputsPerGroup: Int32Array;
  private inputsTotal = 0;
  private groupsFast = 0;
  private chosenPerGroup: Int32Array | null = null;
  private readonly responded: Uint8Array;
  private responses = 0;
  private readonly revealed: Uint8Array;
  private readonly revealsPerGroup: Int32Array;
  private groupsRevealed = 0;
  /** rnd_e once combined. */
  rnd = -1;
  signers = 0;

  constructor(
    private readonly ctx: DrpContext,
    readonly run: RunKey,
    lottery: number,
  ) {
    const seed = `${run.epoch}:${run.view}:${run.attempt}:${run.leader}:${lottery}`;
    this.grouping = balancedGrouping(ctx.validators, ctx.groupSize, seed, ctx.nodeCount);
    this.groups = this.grouping.sizes.length;
    this.need = this.grouping.sizes.map((c) => Math.floor(c / 3) + 1);
    this.fast = this.grouping.sizes.map((c) => Math.ceil((2 * c) / 3));
    this.inputs = new Uint8Array(ctx.nodeCount);
    this.inputsPerGroup = new Int32Array(this.groups);
    this.responded = new Uint8Array(ctx.nodeCount);
    this.revealed = new Uint8Array(ctx.nodeCount);
    this.revealsPerGroup = new Int32Array(this.groups);
  }

  get quorum(): number {
    const n = this.ctx.validators.length;
    return 2 * Math.floor((n - 1) / 3) + 1;
  }

  /** Step 1: sign and send the grouping; wait at most Δ for the shares. */
  enterGrouping(out: Out): void {
    out.push({ kind: 'cpu', us: this.ctx.cpu.signUs });
    this.ctx.broadcast({ type: 'grouping', run: this.run, grouping: this.grouping }, this.ctx.sizes.grouping(), out);
    this.window('shares', out);
  }

  /**
   * The client waits Δ for a phase's answers from when its broadcast has left its uplink: n − 1 copies of
   * the CoSi announcement are ~13 MB at 10,000 validators, ~5 s on a 20 Mbit/s uplink. (Pushed after the
   * broadcast, so the host counts its copies.)
   */
  private window(phase: 'shares' | 'cosi' | 'reveal', out: Out): void {
    out.push({ kind: 'timer', afterUs: this.ctx.deltaUs, timer: { kind: 'drp', run: this.run, phase }, fromUploadDone: true });
  }

  /** Phase 1 at the client: verify each encrypted share's NIZK proof. */
  onShares(from: NodeId, out: Out): void {
    if (this.phase !== 'shares' || this.inputs[from] === 1) return;
    const g = this.grouping.groupOf[from]!;
    if (g < 0) return;
    this.inputs[from] = 1;
    this.inputsTotal++;
    out.push({ kind: 'cpu', us: this.grouping.sizes[g]! * this.ctx.cpu.verifyUs });
    if (++this.inputsPerGroup[g]! === this.fast[g]!) this.groupsFast++;
    if (this.groupsFast === this.groups || this.inputsTotal === this.ctx.validators.length) this.enterCosi(out);
  }

  /** Fix one subset of inputs per group and ask for the CoSi sign-off. */
  private enterCosi(out: Out): void {
    this.phase = 'cosi';
    this.chosenPerGroup = this.inputsPerGroup.slice();
    out.push({ kind: 'cpu', us: this.ctx.cpu.signUs });
    this.ctx.broadcast({ type: 'cosiAnnounce', run: this.run, chosenPerGroup: this.chosenPerGroup }, this.ctx.sizes.cosiAnnounce(), out);
    this.window('cosi', out);
  }

  onCosiResponse(from: NodeId, out: Out): void {
    if (this.phase !== 'cosi' || this.responded[from] === 1) return;
    this.responded[from] = 1;
    this.responses++;
    out.push({ kind: 'cpu', us: this.ctx.cpu.aggregateUsPerSigner });
    if (this.responses === this.ctx.validators.length) this.enterReveal(out);
  }

  /** Phase 2: verify the aggregate signature, send the sign-off, wait for the decrypted shares. */
  private enterReveal(out: Out): void {
    this.phase = 'reveal';
    this.signers = this.responses;
    out.push({ kind: 'cpu', us: this.ctx.cpu.verifyUs });
    const msg: EdsMsg = { type: 'revealRequest', run: this.run, chosenPerGroup: this.chosenPerGroup!, signers: this.signers };
    this.ctx.broadcast(msg, this.ctx.sizes.revealRequest(), out);
    this.window('reveal', out);
  }

  /** Returns true when this reveal completed the run (rnd is set). */
  onReveal(from: NodeId, out: Out): boolean {
    if (this.phase !== 'reveal' || this.revealed[from] === 1) return false;
    const g = this.grouping.groupOf[from]!;
    if (g < 0) return false;
    this.revealed[from] = 1;
    out.push({ kind: 'cpu', us: this.chosenPerGroup![g]! * this.ctx.cpu.verifyUs });
    if (++this.revealsPerGroup[g]! === this.need[g]!) this.groupsRevealed++;
    if (this.groupsRevealed < this.groups) return false;
    this.combine();
    return true;
  }

  /** The client's wait for `phase` ended. Returns false if the run failed. */
  onPhaseTimeout(phase: 'shares' | 'cosi' | 'reveal', out: Out): boolean {
    if (this.phase !== phase) return true;
    if (phase === 'shares') {
      for (let g = 0; g < this.groups; g++) if (this.inputsPerGroup[g]! < this.need[g]!) return this.fail();
      this.enterCosi(out);
      return true;
    }
    if (phase === 'cosi') {
      if (this.responses < this.quorum) return this.fail();
      this.enterReveal(out);
      return true;
    }
    return this.fail();
  }

  abandon(): void {
    if (this.phase !== 'done') this.phase = 'failed';
  }

  private fail(): false {
    this.phase = 'failed';
    return false;
  }

  /** Combine the recovered group secrets: rnd_e = H(seed, epoch, view, attempt, client, chosen inputs). */
  private combine(): void {
    const parts: string[] = [];
    for (const v of this.ctx.validators) if (this.inputs[v] === 1) parts.push(String(v));
    const r = this.run;
    const u = this.ctx.rng.keyedUniform(`drp:rnd:${r.epoch}:${r.view}:${r.attempt}:${r.leader}:${parts.join(',')}`);
    this.rnd = Math.floor(u * 4503599627370496);
    this.phase = 'done';
  }
}
