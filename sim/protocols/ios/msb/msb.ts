import type { Micros } from '../../../kernel/time.js';
import type { TxSet } from '../../types.js';

/**
 * Micro State Blocks (IOS whitepaper, "Blockchain Storage Pruning", Algorithm "MSB Generation Protocol";
 * after OmniLedger's state blocks; DESIGN §6.8). For shard j at the end of epoch e:
 *   1–2. the shard leader puts all transactions of e in a Merkle tree and the root h in Header(msb_{j,e})
 *        (`endEpoch`: its CPU cost, and the header as a block for the committee);
 *   3–4. the shard's BFT committee agrees on the header, which is appended to the chain (`onHeaderAgreed`);
 *   5.   "At the end of epoch e+1, all the nodes drop the body of msb_{j,e−1} and keep the regular blocks
 *        of e" (applied in `endEpoch`; README: the reading and its ambiguity).
 * `MsbStore` is one shard's storage (every node of the shard stores the same): what is kept, what a node
 * stores, what a joiner downloads — with MSB and, for comparison, without (every block since genesis).
 */

export interface MsbStoreConfig {
  readonly shard: number;
  /** msb.enabled: without MSB nothing is summarised or dropped. */
  readonly enabled: boolean;
  /** msb.headerBytes. */
  readonly headerBytes: number;
  /** transEpoch.stateBytesPerAccount. */
  readonly stateBytesPerAccount: number;
  /** Accounts whose state this shard holds. */
  readonly accountsInShard: number;
  /** cpu.hashUsPerKB, for the leader's Merkle tree. */
  readonly hashUsPerKB: number;
  /**
   * Epochs an ended epoch's body is kept after the epoch that ended it: 2 reads step 5 literally (the body of
   * msb_{e−1} goes at the end of e+1), 1 reads the Analysis ("keeps the latest MSB with its body").
   */
  readonly bodyRetentionEpochs?: 1 | 2;
  /** A keyed hash of the run's seed (RngRoot.keyedUniform): models the Merkle root without computing it. */
  readonly keyedUniform?: (key: string) => number;
}

/** The MSB header as a block for the shard's committee: no transactions, `extraBytes` of header. */
export interface MsbHeaderBlock {
  readonly kind: 'msb';
  readonly shard: number;
  readonly epoch: number;
  readonly txs: TxSet;
  readonly extraBytes: number;
  /** The Merkle root h (step 2), a keyed hash standing for sha256 over the tree. */
  readonly root: number;
  readonly txCount: number;
  /** Bytes of the regular blocks the header summarises (the body). */
  readonly bodyBytes: number;
}

/** What the leader does at the end of the epoch: hash the tree, then propose the header. */
export interface MsbBuild {
  readonly cpuUs: Micros;
  readonly block: MsbHeaderBlock;
}

/** A 64-byte node of a Merkle tree: the hashes of its two children. */
export const MERKLE_NODE_BYTES = 64;

/**
 * The leader's Merkle-tree cost: hashing the transactions (leaves) plus 2·count hashes of 64 bytes (the
 * ≈ 2n nodes of a binary tree over n leaves, each hashing two 32-byte children), at hashUsPerKB.
 */
export function merkleBuildUs(txCount: number, txBytes: number, hashUsPerKB: number): Micros {
  return Math.round((hashUsPerKB * (txBytes + 2 * txCount * MERKLE_NODE_BYTES)) / 1024);
}

export interface EpochBody {
  readonly epoch: number;
  blockBytes: number;
  blocks: number;
  txCount: number;
  txBytes: number;
  /** none → built (header proposed) → appended (agreed by the committee). */
  header: 'none' | 'built' | 'appended';
  dropped: boolean;
}

export interface StorageReport {
  readonly storageBytesPerNode: number;
  readonly bootstrapBytes: number;
}

export class MsbStore {
  private readonly epochs: EpochBody[] = [];
  private historyBytes_ = 0;
  private keptBytes_ = 0;
  private headers_ = 0;
  /** Epoch of the newest appended MSB (-1: none yet). */
  private lastMsb = -1;
  /** The last epoch that ended (-1: none yet). */
  private ended = -1;
  private readonly retention: number;

  constructor(private readonly cfg: MsbStoreConfig) {
    this.retention = cfg.bodyRetentionEpochs ?? 2;
  }

  /** Bytes of regular blocks a node holds now (bodies not dropped, the current epoch's blocks included). */
  get keptBlockBytes(): number {
    return this.keptBytes_;
  }
  /** Bytes of every regular block since genesis. */
  get historyBytes(): number {
    return this.historyBytes_;
  }
  /** MSB headers in the chain. */
  get headers(): number {
    return this.headers_;
  }
  get stateBytes(): number {
    return this.cfg.accountsInShard * this.cfg.stateBytesPerAccount;
  }
  /** The body record of `epoch` (undefined before its first block or end). */
  body(epoch: number): Readonly<EpochBody> | undefined {
    return this.epochs.find((b) => b.epoch === epoch);
  }

  /** A regular block of `epoch` is final in this shard. */
  onBlock(epoch: number, sizeBytes: number, txCount: number, txBytes: number): void {
    const b = this.record(epoch);
    if (b.dropped) throw new Error(`MsbStore: block for epoch ${epoch}, whose body was dropped`);
    b.blockBytes += sizeBytes;
    b.blocks++;
    b.txCount += txCount;
    b.txBytes += txBytes;
    this.historyBytes_ += sizeBytes;
    this.keptBytes_ += sizeBytes;
  }

  /**
   * Epoch `epoch` ends. Step 5 first (it speaks of this moment as "the end of epoch e+1"): drop the bodies
   * of MSBs `retention` epochs old whose headers are in the chain. Then steps 1–2: the leader's Merkle cost
   * and the header block for the committee (null without MSB).
   */
  endEpoch(epoch: number): MsbBuild | null {
    const b = this.record(epoch);
    if (!this.cfg.enabled) return null;
    this.ended = Math.max(this.ended, epoch);
    this.dropOldBodies();
    b.header = 'built';
    const key = `msb:${this.cfg.shard}:${epoch}`;
    const root = this.cfg.keyedUniform ? this.cfg.keyedUniform(key) : fallbackHash(key);
    return {
      cpuUs: merkleBuildUs(b.txCount, b.txBytes, this.cfg.hashUsPerKB),
      block: {
        kind: 'msb',
        shard: this.cfg.shard,
        epoch,
        txs: { ranges: [], count: 0 },
        extraBytes: this.cfg.headerBytes,
        root,
        txCount: b.txCount,
        bodyBytes: b.blockBytes,
      },
    };
  }

  /** Step 4: the committee agreed on Header(msb_{j,epoch}); it is appended to the shard's chain. */
  onHeaderAgreed(epoch: number): void {
    const b = this.record(epoch);
    if (b.header === 'appended') return;
    b.header = 'appended';
    this.headers_++;
    this.lastMsb = Math.max(this.lastMsb, epoch);
    this.dropOldBodies();
  }

  /**
   * Step 5: with E the last epoch ended, drop the body of every MSB of epoch ≤ E − retention whose header
   * is in the chain — but never the body of the newest MSB in the chain (the joiner's starting point), so
   * with retention 1 the body of msb_{E−1} goes when Header(msb_E) is appended.
   */
  private dropOldBodies(): void {
    for (const old of this.epochs) {
      if (old.epoch <= this.ended - this.retention && old.epoch < this.lastMsb && old.header === 'appended' && !old.dropped) {
        old.dropped = true;
        this.keptBytes_ -= old.blockBytes;
      }
    }
  }

  /** What one node of the shard stores: the state, the MSB headers, the blocks it keeps (all blocks without MSB). */
  storageBytesPerNode(withMsb = this.cfg.enabled): number {
    if (!withMsb) return this.stateBytes + this.historyBytes_;
    return this.stateBytes + this.headers_ * this.cfg.headerBytes + this.keptBytes_;
  }

  /**
   * What a joiner downloads. With MSB: the state, the MSB header chain, the last MSB's body and the blocks
   * after it (the current epoch's, and an ended epoch whose header is not agreed yet). Without: every block
   * since genesis, replayed.
   */
  bootstrapBytes(withMsb = this.cfg.enabled): number {
    if (!withMsb || this.lastMsb < 0) return this.historyBytes_;
    let bytes = this.stateBytes + this.headers_ * this.cfg.headerBytes;
    for (const b of this.epochs) {
      if (b.epoch === this.lastMsb && !b.dropped) bytes += b.blockBytes;
      if (b.epoch > this.lastMsb) bytes += b.blockBytes;
    }
    return bytes;
  }

  report(): { withMsb: StorageReport; withoutMsb: StorageReport } {
    return {
      withMsb: { storageBytesPerNode: this.storageBytesPerNode(true), bootstrapBytes: this.bootstrapBytes(true) },
      withoutMsb: { storageBytesPerNode: this.storageBytesPerNode(false), bootstrapBytes: this.bootstrapBytes(false) },
    };
  }

  private record(epoch: number): EpochBody {
    const last = this.epochs[this.epochs.length - 1];
    if (last && last.epoch === epoch) return last;
    const found = this.epochs.find((b) => b.epoch === epoch);
    if (found) return found;
    if (last && epoch < last.epoch) throw new Error(`MsbStore: epoch ${epoch} after epoch ${last.epoch}`);
    const b: EpochBody = { epoch, blockBytes: 0, blocks: 0, txCount: 0, txBytes: 0, header: 'none', dropped: false };
    this.epochs.push(b);
    // Dropped bodies need no record beyond their header count; keep the list short.
    while (this.epochs.length > 8 && this.epochs[0]!.dropped) this.epochs.shift();
    return b;
  }
}

/** FNV-1a over the key, in [0, 1): only for stores built without a keyed hash (tests). */
function fallbackHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 4294967296;
}
