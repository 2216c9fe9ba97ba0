import { describe, expect, it } from 'vitest';
import { createDposInstance, dposProtocol, eosAdvance, genesisBlock, RangeSet } from '../index.js';
import type { ChainBlock } from '../index.js';
import { txSetOf } from '../../types.js';
import { PROTOCOLS } from '../../registry.js';
import { S, counts, envOf, mean, offer, proposals, pumpOf } from './helpers.js';

const dpos = (extra: Record<string, unknown> = {}) => ({ type: 'dpos' as const, ...extra });

describe('dpos: schedule and slots (eosio producer_repetitions = 12, 21 producers)', () => {
  it('is registered and elects 21 distinct producers sorted by id', () => {
    expect(PROTOCOLS['dpos']).toBe(dposProtocol);
    const inst = createDposInstance(envOf(40, dpos()));
    expect(inst.schedule).toHaveLength(21);
    expect(new Set(inst.schedule).size).toBe(21);
    expect([...inst.schedule]).toEqual([...inst.schedule].sort((a, b) => a - b));
  });

  it('each producer makes 12 consecutive 0.5 s blocks per turn, in schedule order', () => {
    const inst = createDposInstance(envOf(30, dpos()));
    const pump = pumpOf(inst);
    pump.run(2 * 21 * 12 * 0.5 * S);
    const ps = proposals(pump);
    expect(ps.length).toBe(2 * 21 * 12);
    ps.forEach((p, i) => {
      expect(p.height).toBe(i + 1);
      expect(p.slot).toBe(i + 1);
      expect(p.t - p.slot * 500_000).toBeGreaterThanOrEqual(0); // at the slot, after signing
      expect(p.t - p.slot * 500_000).toBeLessThan(1000);
      expect(p.node).toBe(inst.schedule[Math.floor(p.slot / 12) % 21]);
    });
    // Runs of 12 (the first turn has 11: slot 0 is genesis).
    const turns = new Map<number, number>();
    for (const p of ps) turns.set(Math.floor(p.slot / 12), (turns.get(Math.floor(p.slot / 12)) ?? 0) + 1);
    expect([...turns.values()].slice(1, -1).every((c) => c === 12)).toBe(true);
  });

  it("a crashed producer's 12 slots are missed and the chain goes on", () => {
    const inst = createDposInstance(envOf(30, dpos()));
    const victim = inst.schedule[3]!;
    const pump = pumpOf(inst, { crashed: [victim] });
    pump.run(2 * 21 * 12 * 0.5 * S);
    const ps = proposals(pump);
    expect(ps.every((p) => p.node !== victim)).toBe(true);
    expect(ps.length).toBe(2 * 21 * 12 - 2 * 12);
    ps.forEach((p, i) => expect(p.height).toBe(i + 1)); // no gap in heights
    const slots = new Set(ps.map((p) => p.slot));
    for (let s = 3 * 12; s < 4 * 12; s++) expect(slots.has(s)).toBe(false);
  });
});

describe('dpos: last irreversible block', () => {
  function lags(finality: 'one-stage' | 'two-stage', seconds = 400) {
    const inst = createDposInstance(envOf(25, dpos({ finality })));
    const pump = pumpOf(inst);
    pump.run(seconds * S);
    return { inst, pump };
  }

  it('LIB never moves backwards and never passes head', () => {
    for (const f of ['one-stage', 'two-stage'] as const) {
      const { pump, inst } = lags(f, 300);
      const finals = pump.traces.filter((t) => t.event.type === 'block.commit' && t.event['level'] === 'final').map((t) => t.event['height'] as number);
      expect(finals.length).toBeGreaterThan(0);
      finals.forEach((h, i) => expect(h).toBe(i + 1)); // each block final once, in order
      expect(inst.recorder.finalHeight).toBeLessThanOrEqual(inst.recorder.maxHead);
      for (const node of inst.chainNodes) {
        expect(node.head.lib).toBeLessThanOrEqual(node.head.height);
        expect(node.head.proposed).toBeGreaterThanOrEqual(node.head.lib);
      }
      // Along the produced chain (heights in order), the LIB each block carries never decreases.
      let lib = 0;
      const samples = inst.finalityLagBlocks();
      proposals(pump).forEach((p, i) => {
        const l = p.height - samples[i]!;
        expect(l).toBeGreaterThanOrEqual(lib);
        expect(l).toBeLessThanOrEqual(p.height);
        lib = l;
      });
      expect(inst.finalityLagBlocks().every((l) => l >= 0)).toBe(true);
    }
  });

  it('header-state rule: LIB is monotone along a chain (unit, with producers skipping turns)', () => {
    const sched = Array.from({ length: 21 }, (_, i) => i);
    let b: ChainBlock = genesisBlock(sched);
    let lib = 0;
    for (let slot = 1; slot < 2000; slot++) {
      const prod = sched[Math.floor(slot / 12) % 21]!;
      if (prod % 5 === 0) continue; // 5 producers down
      const st = eosAdvance(b, prod, b.height + 1, true);
      b = { ...st, id: slot, parentId: b.id, height: b.height + 1, slot, producer: prod, txs: txSetOf([]), sizeBytes: 0 };
      expect(b.lib).toBeGreaterThanOrEqual(lib);
      expect(b.lib).toBeLessThanOrEqual(b.proposed);
      lib = b.lib;
    }
    expect(lib).toBeGreaterThan(0);
  });

  it('one-stage lag ≈ 14 turns (157–168 blocks), two-stage ≈ 28 turns (325–336): two-stage is about twice as far behind', () => {
    // One-stage: block b is irreversible when the 15th distinct producer (⌊2·21/3⌋+1) builds on it: the
    // first block 14 turns later, so at a head at position j (0..11) of its turn the lag is 12·14 − 11 + j.
    // Two-stage: the LIB is the 7th lowest implied proposed-IRB; each producer implies the proposed number
    // of its own last block, itself 14 turns old: lag 12·28 − 11 + j.
    const one = lags('one-stage');
    const two = lags('two-stage');
    const late = (xs: number[]) => xs.slice(Math.floor(xs.length / 2));
    const m1 = mean(late(one.inst.finalityLagBlocks()));
    const m2 = mean(late(two.inst.finalityLagBlocks()));
    expect(m1).toBeGreaterThanOrEqual(157);
    expect(m1).toBeLessThanOrEqual(168);
    expect(m2).toBeGreaterThanOrEqual(325);
    expect(m2).toBeLessThanOrEqual(336);
    expect(Math.min(...late(two.inst.finalityLagBlocks()))).toBeGreaterThan(Math.max(...late(one.inst.finalityLagBlocks())));
  });
});

describe('dpos: transactions', () => {
  it('every offered transaction is confirmed exactly once, then finalised exactly once', () => {
    const inst = createDposInstance(envOf(30, dpos({ finality: 'one-stage' })));
    const pump = pumpOf(inst);
    const total = offer(pump, inst, 20, 100_000, 0, 40 * S);
    pump.run(200 * S);
    const c = counts(pump, 'confirm', total);
    const f = counts(pump, 'final', total);
    expect(c.every((x) => x === 1)).toBe(true);
    expect(f.every((x) => x === 1)).toBe(true);
    // Blocks hold what they carry and never exceed the cap.
    for (const p of proposals(pump)) expect(p.txCount).toBeLessThanOrEqual(Math.floor((1_048_576 - 265) / 250));
  });

  it('a crashed current producer does not lose transactions (the next producer has them)', () => {
    const inst = createDposInstance(envOf(30, dpos({ finality: 'one-stage' })));
    const pump = pumpOf(inst, { crashed: [inst.schedule[1]!] });
    const total = offer(pump, inst, 10, 100_000, 0, 30 * S);
    pump.run(150 * S);
    expect(counts(pump, 'confirm', total).every((x) => x === 1)).toBe(true);
  });

  it('RangeSet subtracts and merges', () => {
    const r = new RangeSet();
    r.add(txSetOf([0, 10, 20, 30]));
    r.add(txSetOf([10, 12]));
    expect(r.subtractFrom(txSetOf([5, 25])).ranges).toEqual([12, 20]);
    expect(r.rangeCount).toBe(2);
    r.remove(txSetOf([25, 27, 2, 4]));
    expect(r.subtractFrom(txSetOf([0, 30])).ranges).toEqual([2, 4, 12, 20, 25, 27]);
  });
});

describe('dpos: determinism', () => {
  it('the same seed gives the same inputs, effects and schedule', () => {
    const run = () => {
      const inst = createDposInstance(envOf(30, dpos(), 5));
      const pump = pumpOf(inst, { log: true, delayUs: (f, t, b) => 20_000 + ((f * 7 + t * 13) % 50) * 1000 + b / 10 });
      offer(pump, inst, 25, 50_000, 0, 20 * S);
      pump.run(60 * S);
      return { log: pump.log.join('\n'), schedule: inst.schedule.join(','), commits: JSON.stringify(pump.commits) };
    };
    const a = run();
    const b = run();
    expect(a).toEqual(b);
    const other = (seed: number) => createDposInstance(envOf(60, dpos(), seed)).schedule.join(',');
    expect(other(5)).toBe(other(5));
    expect(other(6)).not.toBe(other(5));
  });
});
