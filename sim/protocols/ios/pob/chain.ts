import type { NodeId } from '../../types.js';
import { PartSet } from './partset.js';
import type { ServiLedger } from './score.js';
import { partitionBad } from './txsets.js';
import type { PobBlockMeta, PobShardContext } from './types.js';

/**
 * A shard's chain state (stake, Servi, contribution, behaviour: score.ts) as its decided blocks make it,
 * applied once per block for the whole normal league.
 *
 * Every correct member applies the same decided blocks in the same order (BFT safety), so the state at
 * height h is one value, whoever computes it. Until stop 10 each member kept its own copy-on-write ledger:
 * crediting a 625-member committee at each reconfiguration wrote 625 records into each member's copy, and
 * at paper scale ~10,000 such copies held 1.4 GB of identical records by the second transition (heap
 * profile at 1,300 s). Here the first member to report block h (bftCommitted; the leader, which decides
 * first) applies it and the others find it applied.
 *
 * What a member reads at its own height: whether a validator is slashed (`slashedBy`), since a slash is the
 * only fact a member acts on before it has applied the block that made it. Servi and contribution are read
 * only for the next epoch's scores and by a joiner bootstrapping, both from the shard's current state (the
 * leader's, which has decided every block).
 *
 * A member that missed a Decide catches up without the block (bft core: "state transfer not modelled");
 * with a copy per member its Servi then diverged from the others', which a real node would not allow.
 *
 * Servi (whitepaper "Tokens and Motivations"): the producer (the block's proposer) is cleared; every other
 * committee member gets serviPerBlock for validating it; each signer of a finalised optimistic block gets
 * serviPerBlock for sealing it (ctx.sealerServi 'issue'; 'clear' treats sealing as validating a block
 * instead). Contribution +1 for each. The committee's credit is applied lazily (a member's Servi grows by
 * serviPerBlock per block decided since it was last credited), so a block costs O(merged blocks), not
 * O(committee).
 *
 * Which optimistic blocks are final (`finalised`, read by every member's MergeSource to drop duplicates) and
 * what each signer had finalised this epoch (`historyOf`, for the re-check of a convicted signer) are chain
 * facts too: until stop 11 each of ~10,000 members recorded every merged block of every decided block in its
 * own sets (~800,000 member-blocks in the paper-scale hour, each with hundreds of parts).
 */
export class ShardChain {
  private readonly state: ServiLedger;
  private readonly ctx: PobShardContext;
  /** Height of the last block applied (the league's start height before any). */
  private height: number;
  /** Height of the last committee switch applied. */
  private switchedAt: number;
  private members: readonly NodeId[];
  private isMember: (id: NodeId) => boolean;
  /**
   * Blocks applied, and up to which one each committee member's validation credit is in `state`:
   * `creditedAll` for every member except those in `creditedExcept` (a member credited alone, i.e. a
   * producer). Crediting the whole committee (a read, a switch) resets it to one number.
   */
  private decided = 0;
  private creditedAll = 0;
  private readonly creditedExcept = new Map<NodeId, number>();
  /** The height of the block that slashed each slashed validator (−1: slashed before this league began). */
  private readonly slashedAt = new Map<NodeId, number>();
  readonly stats = { blocks: 0, gaps: 0 };
  /** The optimistic blocks (signer, seq) that decided blocks have merged. */
  readonly finalised = new PartSet();
  /** Per signer, this epoch: transactions finalised, and invalid ones among them (undetected). */
  private readonly history = new Map<NodeId, { txs: number; bad: number }>();

  constructor(state: ServiLedger, ctx: PobShardContext, members: readonly NodeId[], startHeight: number) {
    this.state = state;
    this.ctx = ctx;
    this.height = startHeight;
    this.switchedAt = startHeight;
    this.members = members;
    this.isMember = membershipOf(members, ctx);
    for (const v of state.nodes()) if (state.isSlashed(v)) this.slashedAt.set(v, -1);
  }

  /** Block `height` is decided: apply it unless a member applied it already (the slashed: `slashedIn`). */
  apply(height: number, proposer: NodeId, meta: PobBlockMeta | undefined): void {
    if (height <= this.height) return;
    if (height > this.height + 1) this.stats.gaps++;
    this.height = height;
    this.stats.blocks++;
    const spb = this.ctx.pob.serviPerBlock;
    const convicted = meta?.detected ?? [];
    for (const part of meta?.parts ?? []) {
      this.finalised.add(part.signer, part.seq);
      const h = this.historyOf(part.signer);
      if (convicted.includes(part.signer)) {
        // Its invalid transactions are aborted, not finalised (normal.ts onFinalBlock).
        h.txs += part.bad.count > 0 ? partitionBad(this.ctx, part.txs).no.count : part.txs.count;
        continue;
      }
      h.txs += part.txs.count;
      h.bad += part.bad.count;
      if (this.ctx.sealerServi === 'issue') this.state.issue(part.signer, spb);
      else this.state.clear(part.signer);
      this.state.contribute(part.signer, 1);
    }
    // The members that validated the block earn Servi (lazily, see credit); its producer's is cleared.
    this.decided++;
    if (this.isMember(proposer)) this.credit(proposer);
    else this.state.contribute(proposer, 1);
    this.state.clear(proposer);
    for (const s of convicted) if (this.state.slash(s)) this.slashedAt.set(s, height);
  }

  /** The committee switched at block `height` (bftReconfigured): credit the old one up to the switch. */
  switchTo(height: number, members: readonly NodeId[]): void {
    if (height <= this.switchedAt) return;
    this.switchedAt = height;
    // Every old member is credited up to `decided`, and the newcomers start there: one number for all.
    this.creditAll();
    this.members = members;
    this.isMember = membershipOf(members, this.ctx);
  }

  /** What `signer` had finalised in this league so far: transactions, and invalid ones among them. */
  historyOf(signer: NodeId): { txs: number; bad: number } {
    let h = this.history.get(signer);
    if (!h) {
      h = { txs: 0, bad: 0 };
      this.history.set(signer, h);
    }
    return h;
  }

  /** Whether `node` is slashed for a member that has applied the blocks up to `height`. */
  slashedBy(node: NodeId, height: number): boolean {
    const at = this.slashedAt.get(node);
    return at !== undefined && at <= height;
  }

  /** Whether block `height` slashed `node`. */
  slashedIn(node: NodeId, height: number): boolean {
    return this.slashedAt.get(node) === height;
  }

  /** Whether `node` is slashed in the current state. */
  isSlashed(node: NodeId): boolean {
    return this.slashedAt.has(node);
  }

  /** The current state, every member credited up to the last block. */
  ledger(): ServiLedger {
    this.creditAll();
    return this.state;
  }

  /** Apply member m's validation credit: serviPerBlock and one contribution per block decided since. */
  private credit(m: NodeId): void {
    const since = this.creditedExcept.get(m) ?? this.creditedAll;
    const blocks = this.decided - since;
    this.creditedExcept.set(m, this.decided);
    if (blocks <= 0) return;
    this.state.issue(m, blocks * this.ctx.pob.serviPerBlock);
    this.state.contribute(m, blocks);
  }

  /** credit(m) for every member, in member order; then all of them are credited up to `decided`. */
  private creditAll(): void {
    if (this.creditedAll === this.decided && this.creditedExcept.size === 0) return;
    for (const m of this.members) {
      const blocks = this.decided - (this.creditedExcept.get(m) ?? this.creditedAll);
      if (blocks <= 0) continue;
      this.state.issue(m, blocks * this.ctx.pob.serviPerBlock);
      this.state.contribute(m, blocks);
    }
    this.creditedAll = this.decided;
    this.creditedExcept.clear();
  }
}

/** O(1) membership of a committee list: the shard's shared Committee index if there is one, else a Set. */
function membershipOf(members: readonly NodeId[], ctx: PobShardContext): (id: NodeId) => boolean {
  if (members.length === 0) return () => false;
  if (ctx.committees) {
    const c = ctx.committees.get(members, ctx.league.treeBranching, ctx.league.treeLayout);
    return (id) => c.memberIndex(id) >= 0;
  }
  const set = new Set(members);
  return (id) => set.has(id);
}
