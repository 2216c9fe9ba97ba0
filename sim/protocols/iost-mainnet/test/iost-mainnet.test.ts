import { describe, expect, it } from 'vitest';
import { createIostMainnetInstance, iostMainnetProtocol, statWitnesses } from '../index.js';
import { PROTOCOLS } from '../../registry.js';
import { genesisBlock } from '../../dpos/index.js';
import { IostMainnetParams } from '../../../scenario/schema.js';
import { S, counts, envOf, mean, offer, proposals, pumpOf } from '../../dpos/test/helpers.js';

const iost = (extra: Record<string, unknown> = {}) => ({ type: 'iost-mainnet' as const, ...extra });

describe('iost-mainnet: slots of 6 blocks, 17 witnesses', () => {
  it('is registered; 17 witnesses each make 6 consecutive 0.5 s blocks per 3 s slot', () => {
    expect(PROTOCOLS['iost-mainnet']).toBe(iostMainnetProtocol);
    const inst = createIostMainnetInstance(envOf(25, iost()));
    expect(inst.schedule).toHaveLength(17);
    const pump = pumpOf(inst);
    pump.run(17 * 3 * 2 * S);
    const ps = proposals(pump);
    expect(ps).toHaveLength(17 * 6 * 2);
    ps.forEach((p, i) => {
      expect(p.height).toBe(i + 1);
      expect(p.node).toBe(inst.schedule[Math.floor(p.slot / 6) % 17]);
    });
  });
});

describe('iost-mainnet: irreversibility needs 2/3+1 = 12 distinct witnesses (go-iost blockcache UpdateLib)', () => {
  const run = (down: number) => {
    const inst = createIostMainnetInstance(envOf(20, iost()));
    const pump = pumpOf(inst, { crashed: inst.schedule.slice(0, down) });
    pump.run(200 * S);
    return { inst, pump };
  };

  it('with 11 live witnesses nothing becomes irreversible', () => {
    const { inst, pump } = run(6);
    expect(proposals(pump).length).toBeGreaterThan(200); // the chain grows
    expect(inst.recorder.finalHeight).toBe(0);
    expect(pump.traces.some((t) => t.event['level'] === 'final')).toBe(false);
  });

  it('with 12 live witnesses blocks become irreversible', () => {
    const { inst, pump } = run(5);
    expect(inst.recorder.finalHeight).toBeGreaterThan(100);
    expect(pump.traces.filter((t) => t.event['level'] === 'final').length).toBe(inst.recorder.finalHeight);
  });

  it('with all 17 live the lag is 11 slots: 61–66 blocks', () => {
    const { inst } = run(0);
    const xs = inst.finalityLagBlocks();
    const m = mean(xs.slice(xs.length / 2));
    expect(m).toBeGreaterThanOrEqual(61);
    expect(m).toBeLessThanOrEqual(66);
  });

  it('transactions are confirmed once and finalised once', () => {
    const inst = createIostMainnetInstance(envOf(25, iost()));
    const pump = pumpOf(inst);
    const total = offer(pump, inst, 20, 100_000, 0, 30 * S);
    pump.run(120 * S);
    expect(counts(pump, 'confirm', total).every((x) => x === 1)).toBe(true);
    expect(counts(pump, 'final', total).every((x) => x === 1)).toBe(true);
  });
});

describe('iost-mainnet: re-election every 1,200 blocks (vote_producer.js stat)', () => {
  it('elects exactly at heights 1200 and 2400, and the block at that height carries the new list', () => {
    const inst = createIostMainnetInstance(envOf(30, iost()));
    const dead = inst.schedule[4]!;
    const pump = pumpOf(inst, { crashed: [dead] });
    pump.run(1300 * S);
    expect(inst.elections.map((e) => e.height)).toEqual([1200, 2400]);
    for (const e of inst.elections) expect(e.witnesses).toHaveLength(17);
    // The dead witness produced nothing since genesis: dropped at the first stat (go-iost isDead).
    expect(inst.elections[0]!.witnesses).not.toContain(dead);
    // The head of a current witness (nodes off the list stop receiving blocks; gossipToAllNodes is off).
    const head = inst.chainNodes[inst.elections[1]!.witnesses[0]!]!.head;
    expect(head.height).toBeGreaterThan(2400);
    expect(head.producers).toBe(inst.elections[1]!.witnesses);
    // Slots after the election follow the new list.
    const after = proposals(pump).filter((p) => p.height > 2400 + 20);
    for (const p of after) expect(inst.elections[1]!.witnesses).toContain(p.node);
    // The trace has the genesis list and each new one once it is irreversible (for the dashboard).
    const changes = pump.traces.map((t) => t.event).filter((e) => e.type === 'schedule.change');
    const lists = [inst.schedule, ...inst.elections.map((e) => e.witnesses)].map((w) => w.join(' '));
    const distinct = lists.filter((l, i) => i === 0 || l !== lists[i - 1]);
    expect(changes.map((e) => e['producers'])).toEqual(distinct.slice(0, changes.length));
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(changes.map((e) => e['version'])).toEqual(changes.map((_, i) => i));
  });

  it('score decay rotates witnesses: elected ones lose scoreReduction × the average score', () => {
    const p = IostMainnetParams.parse({ type: 'iost-mainnet', witnesses: 2, halveDeadWitnessScore: false });
    const votes = new Float64Array([10, 9.5, 9.4, 1]);
    const g = genesisBlock([0, 1], new Map());
    const r1 = statWitnesses(p, votes, g, new Map(), 1200);
    expect(r1.witnesses).toEqual([0, 1]);
    // avg = 29.9/4; 0 and 1 lose 0.1·avg each stat, 2 does not; after enough stats 2 overtakes 1.
    let parent = { ...g, producers: r1.witnesses, ext: r1.scores };
    let seen2 = false;
    for (let k = 2; k < 40 && !seen2; k++) {
      const r = statWitnesses(p, votes, parent, new Map(), 1200 * k);
      seen2 = r.witnesses.includes(2);
      parent = { ...parent, producers: r.witnesses, ext: r.scores };
    }
    expect(seen2).toBe(true);
  });
});
