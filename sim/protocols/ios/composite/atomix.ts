import { msToUs } from '../../../kernel/time.js';
import type { Micros } from '../../../kernel/time.js';
import type { CpuConfig } from '../../../scenario/schema.js';
import type { TxBook } from '../../../workload/book.js';
import { pushRange } from '../../types.js';
import type { TxSet } from '../../types.js';
import { AtomixInputShard, AtomixInvariants, AtomixOutputShard, AtomixSizes, newAtomixInputSets, newAtomixOutputSets } from '../atomix/index.js';
import type { AtomixCommitPart, AtomixOutcome, CrossShardFacts, FactSegment } from '../atomix/index.js';

/**
 * The workload's TxBook as Atomix's CrossShardFacts (atomix/facts.ts): one FactSegment per book segment
 * piece. The book puts a segment's invalid ids first and its double spends next, exactly the FactSegment
 * layout. Double spends spend a coin spent before the run (`victimDelta = null`: every input shard rejects
 * them); each input holds 1 unit. Ids the book never issued are skipped.
 *
 * The FactSegment handed to `fn` is valid only during the call (CrossShardFacts says so): one object per
 * nesting depth is refilled for each piece, as the paper-scale hour asks for ~10^8 pieces.
 */
export class BookFacts implements CrossShardFacts {
  private readonly pieces: MutableSegment[] = [];
  private depth = 0;

  constructor(private readonly book: TxBook) {}

  forEachSegment(start: number, end: number, fn: (seg: FactSegment) => void): void {
    const book = this.book;
    const a0 = Math.max(0, start);
    const b0 = Math.min(end, book.count);
    if (a0 >= b0) return;
    const piece = (this.pieces[this.depth] ??= { seg: 0, segStart: 0, segEnd: 0, start: 0, end: 0, inputShards: [], outputShards: [], invalidEnd: 0, doubleSpendEnd: 0, victimDelta: null, valuePerInput: 1 });
    this.depth++;
    try {
      // The book's segments walked here, not through forEachSegmentPart: no range object and no closure
      // per call (this runs at every Atomix step of every segment).
      let seg = book.segmentIndexOf(a0);
      for (let a = a0; a < b0; seg++) {
        const s0 = book.startOf(seg);
        const s1 = book.endOf(seg);
        const b = Math.min(b0, s1);
        const invalidEnd = s0 + book.invalidCountOf(seg);
        const dsEnd = invalidEnd + book.doubleSpendCountOf(seg);
        const route = book.routeOf(seg);
        piece.seg = seg;
        piece.segStart = s0;
        piece.segEnd = s1;
        piece.start = a;
        piece.end = b;
        piece.inputShards = route.inputs;
        piece.outputShards = route.outputs;
        piece.invalidEnd = Math.min(b, Math.max(a, invalidEnd));
        piece.doubleSpendEnd = Math.min(b, Math.max(a, dsEnd));
        fn(piece);
        a = b;
      }
    } finally {
      this.depth--;
    }
  }
}

type MutableSegment = { -readonly [K in keyof FactSegment]: FactSegment[K] };

/** Split `txs` into its cross-shard and intra-shard ids (per book segment). */
export function splitCross(book: TxBook, txs: TxSet): { cross: TxSet; intra: TxSet } {
  const cross: number[] = [];
  const intra: number[] = [];
  book.forEachSegmentPart(txs, (seg, a, b) => pushRange(book.isCross(seg) ? cross : intra, a, b));
  return { cross: { ranges: cross, count: countRanges(cross) }, intra: { ranges: intra, count: countRanges(intra) } };
}

/**
 * Split `txs` into the ids PoB finds invalid (IosWorld's isBad: invalid or double-spending intra-shard ids;
 * cross-shard ids are Atomix's) and the rest, segment by segment: a segment's bad ids are a prefix (its
 * invalid ids, then its double spends), so this costs O(segments), where isBad id by id costs a segment
 * search per id. The same ranges as partitionTxs(txs, isBad).
 */
export function splitBad(book: TxBook, txs: TxSet): { yes: TxSet; no: TxSet } {
  const yes: number[] = [];
  const no: number[] = [];
  book.forEachSegmentPart(txs, (seg, a, b) => {
    const badEnd = book.isCross(seg) ? a : book.startOf(seg) + book.invalidCountOf(seg) + book.doubleSpendCountOf(seg);
    pushRange(yes, a, Math.min(b, badEnd));
    pushRange(no, Math.max(a, badEnd), b);
  });
  return { yes: { ranges: yes, count: countRanges(yes) }, no: { ranges: no, count: countRanges(no) } };
}

function countRanges(r: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < r.length; i += 2) n += r[i + 1]! - r[i]!;
  return n;
}

/**
 * The Atomix state every IOS node shares (atomix/README "Wiring"): one AtomixInputShard and one
 * AtomixOutputShard per shard (one copy of each shard's ledger serves its members, whoever leads), one
 * AtomixInvariants observing all of them, and per shard the commit part riding in the output shard's next
 * block (README "Cross-shard": the output shard's block). The drivers (AtomixClient) live in the nodes.
 */
export class IosAtomix {
  readonly facts: BookFacts;
  readonly invariants: AtomixInvariants;
  readonly input: readonly AtomixInputShard[];
  readonly output: readonly AtomixOutputShard[];
  readonly sizes: AtomixSizes;
  readonly lockTimeoutUs: Micros;
  /** Per output shard: the commits taken for the block being built (final at the leader's next bftCommitted). */
  readonly inBlock: (AtomixCommitPart | null)[];
  /** Latest time a node handed the composite an input, for invariants() (which gets no time). */
  lastUs: Micros = 0;

  constructor(book: TxBook, m: number, sizes: AtomixSizes, cpu: CpuConfig, lockTimeoutMs: number) {
    this.facts = new BookFacts(book);
    this.invariants = new AtomixInvariants(this.facts);
    this.sizes = sizes;
    this.lockTimeoutUs = msToUs(lockTimeoutMs);
    const observer = this.invariants;
    // The shards keep their id sets per route position, in sets they share (atomix/route-sets.ts).
    const inputSets = newAtomixInputSets();
    this.input = Array.from({ length: m }, (_, shard) => new AtomixInputShard({ shard, facts: this.facts, sizes, cpu, observer, sets: inputSets }));
    const outputSets = newAtomixOutputSets();
    this.output = Array.from({ length: m }, (_, shard) => new AtomixOutputShard({ shard, facts: this.facts, sizes, cpu, observer, sets: outputSets }));
    this.inBlock = Array.from({ length: m }, () => null);
  }

  /** The shards' Atomix books (balances and escrow), for the conservation check. */
  books(): { balance: number; locked: number }[] {
    return [...this.input.map((s) => s.book), ...this.output.map((s) => s.book)];
  }

  /** Conservation check now, then the checker's {checked, violations}. */
  summary(): { checked: number; violations: number } {
    this.invariants.checkConservation(this.lastUs, this.books());
    return this.invariants.summary();
  }

  /** Outcome counts (offered = committed + aborted + pending), with the 'lost' and conservation checks. */
  outcome(): AtomixOutcome {
    return this.invariants.finish(this.lastUs, this.books());
  }
}
