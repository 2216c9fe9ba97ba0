import type { Micros } from '../../kernel/time.js';
import type { NodeId, TxSet } from '../types.js';
import type { BlockSource } from './extensions.js';
import { reconfigBytes, rotateToLead } from './extensions.js';
import type { BlockRef, Out, WireSizes } from './messages.js';

/** An idle leader polls its mempool at least every 1 ms, so a zero block interval cannot spin. */
const MIN_POLL_US = 1_000;

/**
 * The leader's block production: the mempool, the block-interval clock and the heartbeat clock.
 * A block takes up to ⌊(maxBlockBytes − headerBytes)/txSizeBytes⌋ transactions from the source (by default
 * the mempool's front); a prepared block carried over by a view change goes first (see viewchange.ts).
 * A pending reconfiguration rides in the next new block, which is proposed even when it has no transaction.
 */
export class Proposer {
  /** A block prepared in an earlier view, to be proposed again at its height. */
  repropose: BlockRef | null = null;
  /** The next committee, to be written into the next new block (reconfig.ts). */
  reconfig: readonly NodeId[] | null = null;
  /**
   * The owner's wish for the next committee may have changed: `next` calls this first, and the owner sets
   * `reconfig` from it (BftReplica.reconfigurationDue). Only a proposing leader pays for working it out.
   */
  reconfigDue: (() => void) | null = null;
  lastProposeUs: Micros = -Infinity;
  /** Last announcement, decide, NewView or heartbeat this node sent as leader. */
  lastLeaderMsgUs: Micros = 0;
  private seq = 0;

  constructor(
    private readonly self: NodeId,
    private readonly sizes: WireSizes,
    readonly maxTxsPerBlock: number,
    private readonly intervalUs: Micros,
    private readonly viewTimeoutUs: Micros,
    readonly source: BlockSource,
  ) {}

  /** Arm the propose timer; every earlier one becomes stale. */
  arm(view: number, afterUs: Micros, out: Out): void {
    out.push({ kind: 'timer', afterUs: Math.ceil(Math.max(0, afterUs)), timer: { kind: 'propose', view, seq: ++this.seq } });
  }

  isCurrent(seq: number): boolean {
    return seq === this.seq;
  }

  /** Time left before the block interval allows the next proposal (≤ 0: now). */
  waitUs(now: Micros): Micros {
    return this.lastProposeUs + this.intervalUs - now;
  }

  /** How long an idle leader sleeps before it looks at its mempool again (short enough for heartbeats). */
  idlePollUs(): Micros {
    return Math.max(MIN_POLL_US, Math.min(this.intervalUs, this.viewTimeoutUs / 4));
  }

  /** An idle leader shows life every viewChangeTimeoutMs/2, so followers do not suspect it. */
  heartbeatDue(now: Micros): boolean {
    return now - this.lastLeaderMsgUs >= this.viewTimeoutUs / 2;
  }

  /** The block to propose at `height`, or null when there is nothing to propose. */
  next(height: number, view: number, now: Micros): { block: BlockRef; fromMempool: boolean } | null {
    if (this.reconfigDue) {
      const due = this.reconfigDue;
      this.reconfigDue = null;
      due();
    }
    const carried = this.repropose !== null && this.repropose.height === height ? this.repropose : null;
    this.repropose = null;
    if (carried) return { block: { ...carried, height, view, proposer: this.self }, fromMempool: false };
    const taken = this.source.take(this.maxTxsPerBlock, now);
    if (!taken && !this.reconfig) return null;
    const txs: TxSet = taken ? taken.txs : { ranges: [], count: 0 };
    const extra = taken ? taken.extraBytes : 0;
    const reconfig = this.reconfig ? rotateToLead(this.reconfig, view, this.self) : null;
    const sizeBytes = this.sizes.blockBytes(txs.count) + extra + (reconfig ? reconfigBytes(reconfig) : 0);
    const block: BlockRef = { height, view, proposer: this.self, txs, sizeBytes };
    return {
      block: {
        ...block,
        ...(taken && taken.meta !== undefined ? { meta: taken.meta } : {}),
        ...(extra > 0 ? { extraBytes: extra } : {}),
        ...(reconfig ? { reconfig } : {}),
      },
      fromMempool: true,
    };
  }

  /** A block given up before anyone prepared it goes back to its source. */
  putBack(block: BlockRef): void {
    if (block.txs.count > 0 || block.meta !== undefined) {
      this.source.putBack?.({ txs: block.txs, extraBytes: block.extraBytes ?? 0, meta: block.meta });
    }
  }
}
