import type { NodeId } from '../../types.js';
import type { BlockValidator, Evidence } from '../../bft/extensions.js';
import type { BlockRef } from '../../bft/messages.js';
import { binomialFromUniform } from './sampling.js';
import { partKey } from './types.js';
import type { PobBlockMeta, PobShardContext, PobSizes } from './types.js';

/**
 * The normal league's second phase (whitepaper PoB: "normal validators sample and verify the transactions
 * in the second phase to provide finality and ensure verifiability"), as a BlockValidator for BftReplica:
 * on the prepare Announcement each member — the leader included — checks every merged optimistic block's
 * signature and re-validates a sample of its transactions, each with probability p. Modelled by cost and
 * outcome, never by computing validity: a member's sample of a block with g valid and b invalid
 * transactions holds Binomial(b, p) invalid ones, drawn by inversion of a keyed uniform of (epoch, shard,
 * signer, seq, member) — or of (…, 'shared') in `shared` mode, where everyone re-validates the leader's one
 * sample. It costs txValidateUs per sampled transaction, the valid ones counted at their mean p·g (their
 * number decides nothing, and a hash per member and block would dominate large leagues); transactions sent
 * straight to the leader (one-league fallback) are validated in full. An invalid transaction in the sample
 * is a fraud proof against the block's signer (the transaction plus the signed optimistic header), which
 * rides up the CoSi tree; the leader convicts the signer in the block's metadata (`amend`), re-validating
 * every transaction of the signer's blocks in this block so that all its invalid ones are excluded.
 */

export interface FraudProof extends Evidence {
  readonly signer: NodeId;
  readonly seq: number;
}

export class SampleValidator implements BlockValidator {
  constructor(
    private readonly self: NodeId,
    private readonly ctx: PobShardContext,
    private readonly sizes: PobSizes,
  ) {}

  inspect(block: BlockRef): { cpuUs: number; evidence: FraudProof[] } {
    return this.inspectAs(this.self, block);
  }

  /** Only invalid transactions make members' samples differ: without any, every member finds nothing. */
  differs(block: BlockRef): boolean {
    const meta = block.meta as PobBlockMeta | undefined;
    return meta !== undefined && meta.parts.some((part) => part.bad.count > 0);
  }

  inspectAs(member: NodeId, block: BlockRef): { cpuUs: number; evidence: FraudProof[] } {
    const cpu = this.ctx.cpu;
    const meta = block.meta as PobBlockMeta | undefined;
    if (!meta) return { cpuUs: cpu.txValidateUs * block.txs.count, evidence: [] };
    const p = this.ctx.pob.sampleProbability;
    const who = this.ctx.sampling === 'shared' ? 'shared' : String(member);
    const convicted = new Set(meta.detected);
    let us = cpu.txValidateUs * meta.direct.count;
    const evidence: FraudProof[] = [];
    for (const part of meta.parts) {
      const key = `pob:sample:${this.ctx.epoch}:${this.ctx.shard}:${part.signer}:${part.seq}:${who}`;
      const nBad = part.bad.count;
      const sampledBad = nBad > 0 ? binomialFromUniform(nBad, p, this.ctx.keyed(`${key}:bad`)) : 0;
      us += cpu.verifyUs + cpu.txValidateUs * (p * (part.txs.count - nBad) + sampledBad);
      if (sampledBad > 0 && !convicted.has(part.signer)) {
        evidence.push({ key: partKey(part.signer, part.seq), sizeBytes: this.sizes.fraudProof(part.txs.count), signer: part.signer, seq: part.seq });
      }
    }
    return { cpuUs: us, evidence };
  }

  amend(block: BlockRef, evidence: readonly Evidence[]): { meta: PobBlockMeta; cpuUs: number } {
    const meta = block.meta as PobBlockMeta;
    const cpu = this.ctx.cpu;
    const convicted = new Set(meta.detected);
    const fresh = new Set<NodeId>();
    for (const e of evidence) {
      const signer = (e as FraudProof).signer;
      if (!convicted.has(signer)) fresh.add(signer);
      convicted.add(signer);
    }
    // Check each proof (signature and the transaction), then re-validate the convicted signers' blocks.
    let us = evidence.length * (cpu.verifyUs + cpu.txValidateUs);
    for (const part of meta.parts) if (fresh.has(part.signer)) us += cpu.txValidateUs * part.txs.count;
    return { meta: { ...meta, detected: [...convicted].sort((a, b) => a - b) }, cpuUs: us };
  }
}
