import { describe, expect, it } from 'vitest';
import { BftParams, Cpu } from '../../../scenario/schema.js';
import { Pump } from '../../testing/pump.js';
import { txSetOf } from '../../types.js';
import type { Input, NodeId, ProtocolNode } from '../../types.js';
import type { BftCommitted, BlockSource, BlockValidator, Evidence, SourceBlock } from '../extensions.js';
import { rotateToLead } from '../extensions.js';
import type { BftMsg, BftTimer, BlockRef } from '../messages.js';
import { BftReplica } from '../replica.js';
import type { BftReplicaConfig } from '../replica.js';
import { S, TX_BYTES, commitCounts, committee, pumpOf, sendBatches, tracesOf } from './helpers.js';

type Node = ProtocolNode<BftMsg, BftTimer>;

/** Records the `local` notes of each node (the pump itself ignores them). */
function capturing(nodes: Node[]) {
  const locals: { t: number; node: NodeId; event: BftCommitted }[] = [];
  const wrapped = nodes.map(
    (n, i): Node => ({
      step: (now: number, input: Input<BftMsg, BftTimer>) => {
        const out = n.step(now, input);
        for (const e of out) if (e.kind === 'local') locals.push({ t: now, node: i, event: e.event as BftCommitted });
        return out;
      },
    }),
  );
  return { wrapped, locals };
}

function replicas(n: number, extra: Partial<BftReplicaConfig> = {}, perNode?: (self: number) => Partial<BftReplicaConfig>): BftReplica[] {
  const params = BftParams.parse({ type: 'bft', phaseTimeoutMs: 2000, viewChangeTimeoutMs: 4000, treeBranching: 2 });
  const members = Array.from({ length: n }, (_, i) => i);
  return members.map((self) => new BftReplica({ self, members, shard: 0, params, cpu: Cpu.parse({}), txSizeBytes: TX_BYTES, ...extra, ...perNode?.(self) }));
}

/** A source of fixed 10-transaction sub-blocks with 96 extra bytes and a label. */
class LabelledSource implements BlockSource {
  next = 0;
  returned: SourceBlock[] = [];
  take(maxTxs: number): SourceBlock | null {
    if (this.next >= 50) return null;
    const count = Math.min(10, maxTxs);
    const txs = txSetOf([this.next, this.next + count]);
    this.next += count;
    return { txs, extraBytes: 96, meta: { label: `b${this.next}` } };
  }
  putBack(b: SourceBlock): void {
    this.returned.push(b);
  }
}

describe('BftReplica hooks (extensions.ts)', () => {
  it('without hooks no local note is emitted (plain bft is unchanged)', () => {
    const { wrapped, locals } = capturing(committee(7, { treeBranching: 2 }));
    const pump = new Pump(wrapped);
    pump.startAll(0);
    sendBatches(pump, 0, 50, 100_000);
    pump.run(10 * S);
    expect(commitCounts(pump, 'final', 250).every((k) => k === 1)).toBe(true);
    expect(locals).toHaveLength(0);
  });

  it('a block source replaces the mempool: its extra bytes and meta travel with the block, and every member reports the commit', () => {
    const source = new LabelledSource();
    const rs = replicas(7, { emitLocal: true }, (self) => (self === 0 ? { source } : {}));
    const { wrapped, locals } = capturing(rs);
    const pump = new Pump(wrapped);
    pump.startAll(0);
    pump.run(10 * S);
    const proposals = tracesOf(pump, 'block.propose');
    expect(proposals).toHaveLength(5);
    for (const p of proposals) expect(p.event.sizeBytes).toBe(200 + 10 * 250 + 96);
    expect(commitCounts(pump, 'final', 50).every((k) => k === 1)).toBe(true);
    // One note per (block, member): leader: true at node 0, leader: false at the six others on the Decide.
    expect(locals).toHaveLength(5 * 7);
    for (let h = 1; h <= 5; h++) {
      const at = locals.filter((l) => l.event.height === h);
      expect(at.map((l) => l.node).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(at.every((l) => l.event.leader === (l.node === 0) && l.event.type === 'bftCommitted')).toBe(true);
      expect(at.every((l) => (l.event.meta as { label: string }).label === `b${h * 10}`)).toBe(true);
      expect(at.every((l) => l.event.txs.count === 10 && l.event.proposer === 0 && l.event.reconfig === null)).toBe(true);
      // The leader knows first.
      expect(Math.min(...at.filter((l) => l.node !== 0).map((l) => l.t))).toBeGreaterThan(at.find((l) => l.node === 0)!.t);
    }
    const src = rs[1]!;
    expect(() => src.step(0, { kind: 'txs', txs: txSetOf([0, 1]) })).not.toThrow(); // default source at others
    expect(() => rs[0]!.step(0, { kind: 'txs', txs: txSetOf([0, 1]) })).toThrow(/takes no client transactions/);
  });

  it('emitCommits: false leaves the outcome to the owner', () => {
    const rs = replicas(4, { emitCommits: false, emitLocal: true });
    const pump = pumpOf(rs);
    sendBatches(pump, 0, 20, 100_000);
    pump.run(10 * S);
    expect(pump.commits).toHaveLength(0);
    expect(tracesOf(pump, 'block.commit').length).toBeGreaterThan(0);
  });

  it('a validator sets each member\'s validation cost; evidence rides up the tree and amends the block before the challenge', () => {
    const found: Evidence = { key: 'fraud:1', sizeBytes: 500 };
    const inspected: NodeId[] = [];
    const validator = (self: NodeId): BlockValidator => ({
      inspect: () => {
        inspected.push(self);
        return { cpuUs: 7, evidence: self === 5 || self === 6 ? [found] : [] }; // two leaves report the same proof
      },
      amend: (b: BlockRef, ev: readonly Evidence[]) => ({ meta: { amended: ev.map((e) => e.key), was: b.meta ?? null }, cpuUs: 3 }),
    });
    const rs = replicas(7, { emitLocal: true }, (self) => ({ validator: validator(self) }));
    const { wrapped, locals } = capturing(rs);
    const pump = new Pump(wrapped);
    pump.startAll(0);
    pump.inject(0, { kind: 'txs', txs: txSetOf([0, 30]) }, 100_000);
    pump.run(10 * S);
    expect(inspected.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]); // once each, the leader included
    expect(locals).toHaveLength(7);
    for (const l of locals) expect(l.event.meta).toEqual({ amended: ['fraud:1'], was: null }); // deduplicated, everywhere
    expect(commitCounts(pump, 'final', 30).every((k) => k === 1)).toBe(true);
  });

  it('evidence adds its bytes to commitments and challenges; none adds nothing', () => {
    const sizesOf = (withEvidence: boolean) => {
      const v: BlockValidator = {
        inspect: () => ({ cpuUs: 0, evidence: withEvidence ? [{ key: 'k', sizeBytes: 1000 }] : [] }),
        amend: (b) => ({ meta: b.meta, cpuUs: 0 }),
      };
      const pump = pumpOf(replicas(4, { validator: v }));
      pump.inject(0, { kind: 'txs', txs: txSetOf([0, 5]) }, 0);
      pump.run(5 * S);
      return pump.bytes;
    };
    // n = 4, branching 2 (0 → 1, 2; 1 → 3): the three prepare commitments (1→0, 2→0, 3→1) carry the
    // deduplicated proof, and so do the three prepare challenges (0→1, 0→2, 1→3): 6 · 1000 bytes more.
    expect(sizesOf(true) - sizesOf(false)).toBe(6 * 1000);
  });

  it('continueWith carries height, view, hooks; rotateToLead keeps the proposer leading', () => {
    const rs = committee(4);
    const pump = pumpOf(rs);
    sendBatches(pump, 0, 10, 100_000);
    pump.run(5 * S);
    const h = rs[0]!.height;
    expect(h).toBeGreaterThan(0);
    rs[0]!.step(5 * S, { kind: 'txs', txs: txSetOf([100, 107]) }); // pending in the mempool
    const next = rs[0]!.continueWith([0, 1, 2, 3, 9]);
    expect([next.height, next.view, next.committee.n, next.isLeader, next.pendingTxs]).toEqual([h, 0, 5, true, 7]);
    const caughtUp = rs[1]!.continueWith([9, 1, 0], { height: h + 2, view: 3 });
    expect([caughtUp.height, caughtUp.view, caughtUp.isLeader]).toEqual([h + 2, 3, false]);
    expect(rotateToLead([1, 2, 3, 4, 5], 7, 5)).toEqual([3, 4, 5, 1, 2]); // rotated[7 mod 5] = 5
    for (let v = 0; v < 12; v++) for (const self of [1, 2, 3, 4, 5]) expect(rotateToLead([1, 2, 3, 4, 5], v, self)[v % 5]).toBe(self);
    expect(rotateToLead([1, 2, 3], 4, 9)).toEqual([1, 2, 3]);
  });
});
