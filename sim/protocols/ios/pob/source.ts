import type { Micros } from '../../../kernel/time.js';
import type { NodeId, TxSet } from '../../types.js';
import type { BlockSource, SourceBlock } from '../../bft/extensions.js';
import { Mempool } from '../../bft/mempool.js';
import { EMPTY_TXS, concatTxs, partitionTxs } from './txsets.js';
import { PartSet } from './partset.js';
import type { MsbHeaderItem, OptimisticBlock, PobBlockMeta, PobSizes } from './types.js';

/**
 * The normal-league leader's block source (whitepaper PoB: "The normal league also combines inputs from
 * multiple optimistic processing groups"): optimistic blocks in arrival order, whole, as many as fit in
 * one block, then transactions sent straight to the leader (one-league fallback, handoffs). Every member
 * keeps one (any member may become leader); only the leader's is fed.
 *
 * Duplicates (a believable validator resends what it has not seen finalised) are dropped by (signer, seq):
 * a block is taken at most once per node, and never after a decided block finalised it (the chain's record).
 */
export class MergeSource implements BlockSource {
  readonly direct = new Mempool();
  private queue: OptimisticBlock[] = [];
  private queuedTxs = 0;
  /** Blocks queued at this node at some point. */
  private readonly known = new PartSet();
  private header: MsbHeaderItem | null = null;
  private carried = 0;

  constructor(
    private readonly sizes: PobSizes,
    /** The optimistic blocks decided blocks have finalised: the shard's chain state (ShardChain.finalised). */
    private readonly finalised: PartSet,
    /** Called before each take, so the owner can refresh its view of the leagues. */
    private readonly beforeTake: (now: Micros) => void = () => {},
    /** Bytes a transaction adds to a league block (its short id or the whole transaction: PobShardContext.blockTxBytes). */
    private readonly blockTxBytes: number = sizes.txSizeBytes,
  ) {}

  get size(): number {
    return this.queuedTxs + this.direct.size;
  }
  get queuedBlocks(): number {
    return this.queue.length;
  }

  /** Queue an optimistic block; false for a duplicate. */
  offer(block: OptimisticBlock): boolean {
    if (this.finalised.has(block.signer, block.seq) || !this.known.add(block.signer, block.seq)) return false;
    this.queue.push(block);
    this.queuedTxs += block.txs.count;
    return true;
  }

  /**
   * MSB step 3: the committee agrees the header "while there is not any regular block pending" — it goes
   * out alone, as the next block this leader proposes.
   */
  queueHeader(header: MsbHeaderItem): void {
    this.header = header;
  }

  /**
   * Records the composite puts into this leader's next block besides transactions (Atomix's unlock-to-commit
   * records with their proofs, atomix/output.ts): their bytes ride in the block's size.
   */
  carry(bytes: number): void {
    this.carried += bytes;
  }

  take(maxTxs: number, now: Micros): SourceBlock | null {
    if (this.header) {
      const msb = this.header;
      this.header = null;
      const meta: PobBlockMeta = { parts: [], direct: EMPTY_TXS, detected: [], msb };
      return { txs: EMPTY_TXS, extraBytes: msb.extraBytes, meta };
    }
    this.beforeTake(now);
    const parts: OptimisticBlock[] = [];
    // The block's byte cap (maxTxs transactions' worth after the header) covers everything in it: the carried
    // Atomix records, each merged part's hash and signature, and the transactions. Only a part alone in an
    // otherwise empty block may pass it (by its overhead), so that no part can be stuck.
    let room = maxTxs * this.blockTxBytes - this.carried;
    while (this.queue.length > 0) {
      const p = this.queue[0]!;
      if (!this.finalised.has(p.signer, p.seq)) {
        const bytes = p.txs.count * this.blockTxBytes + this.sizes.partOverhead;
        if (bytes > room && (parts.length > 0 || this.carried > 0)) break;
        parts.push(p);
        room -= bytes;
      }
      this.queue.shift();
      this.queuedTxs -= p.txs.count;
    }
    const direct = this.direct.take(Math.floor(room / this.blockTxBytes)) ?? EMPTY_TXS;
    if (parts.length === 0 && direct.count === 0 && this.carried === 0) return null;
    const carriedBytes = this.carried;
    this.carried = 0;
    const meta: PobBlockMeta = { parts, direct, detected: [], ...(carriedBytes > 0 ? { carriedBytes } : {}) };
    return { txs: concatTxs([...parts.map((p) => p.txs), direct]), extraBytes: parts.length * this.sizes.partOverhead + carriedBytes, meta };
  }

  /** A block given up before anyone prepared it: its parts go back to the front, its direct transactions too. */
  putBack(block: SourceBlock): void {
    const meta = block.meta as PobBlockMeta | undefined;
    if (!meta) return;
    if (meta.msb) this.header = meta.msb;
    this.carried += meta.carriedBytes ?? 0;
    const back = meta.parts.filter((p) => !this.finalised.has(p.signer, p.seq));
    this.queue = [...back, ...this.queue];
    for (const p of back) this.queuedTxs += p.txs.count;
    if (meta.direct.count > 0) this.direct.putBack(meta.direct);
  }

  add(txs: TxSet): void {
    this.direct.add(txs);
  }

  /**
   * A leaving leader (TransEpoch) hands over its direct transactions; its optimistic blocks stay behind,
   * as believable validators resend them to the new leader (draining them as plain transactions would
   * skip their sampling and finalise them twice).
   */
  drain(): TxSet | null {
    return this.direct.take(this.direct.size);
  }

  /** Crash: the queue is volatile; believable validators resend what stays unacknowledged. */
  clear(): void {
    this.queue = [];
    this.queuedTxs = 0;
    this.direct.clear();
    this.known.clear();
  }

  /**
   * A convicted signer's queued blocks are re-validated in full (whitepaper PoB: "all its previously
   * validated transactions will be re-checked"): its invalid transactions are removed (returned, to abort)
   * and the rest stay queued, marked rechecked.
   */
  recheckSigner(signer: NodeId, isBad: (tx: number) => boolean): { rechecked: number; bad: TxSet } {
    let rechecked = 0;
    const bad: TxSet[] = [];
    this.queue = this.queue.map((p) => {
      if (p.signer !== signer || p.rechecked) return p;
      rechecked += p.txs.count;
      const split = partitionTxs(p.txs, isBad);
      bad.push(split.yes);
      this.queuedTxs -= split.yes.count;
      return { ...p, txs: split.no, bad: EMPTY_TXS, rechecked: true };
    });
    return { rechecked, bad: concatTxs(bad) };
  }
}
