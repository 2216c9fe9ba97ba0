import { describe, expect, it } from 'vitest';
import { txSetOf } from '../../../types.js';
import type { PobBlockMeta } from '../types.js';
import { setup, submitBatches } from './helpers.js';

const none = txSetOf([]);
const meta = (parts: { signer: number; seq: number }[], detected: number[] = []): PobBlockMeta => ({
  parts: parts.map((p) => ({ ...p, txs: txSetOf([p.seq]), bad: none })),
  direct: none,
  detected,
});

describe('ShardChain: the shard state applied once per decided block', () => {
  it('a block reported by every member counts once; a slash is seen from its height on; a switch credits the old committee', () => {
    // Believable 0–2, normal league 3–6 (serviPerBlock 1): the chain of leagues.chain, fed by hand.
    const { leagues } = setup({ believable: 3, normal: 4, pob: { serviPerBlock: 1 } });
    const chain = leagues.chain;
    for (let member = 0; member < 4; member++) chain.apply(1, 3, meta([{ signer: 0, seq: 0 }])); // each reports block 1
    expect(chain.stats.blocks).toBe(1);
    chain.apply(2, 4, meta([{ signer: 1, seq: 0 }], [0]));
    const l = chain.ledger();
    // Block 1: proposer 3 credited then cleared, sealer 0 +1; block 2: proposer 4 likewise, 0 slashed; the
    // read credits the committee up to block 2.
    expect(l.get(3)).toMatchObject({ servi: 1, contribution: 2 });
    expect(l.get(4)).toMatchObject({ servi: 0, contribution: 2 });
    expect(l.get(5)).toMatchObject({ servi: 2, contribution: 2 });
    expect(l.get(1)).toMatchObject({ servi: 1, contribution: 1 });
    expect(l.get(0)).toMatchObject({ servi: 0, slashed: true });
    // A member that has decided only block 1 does not know of the slash yet.
    expect([chain.slashedBy(0, 1), chain.slashedBy(0, 2), chain.slashedIn(0, 2), chain.slashedIn(0, 1)]).toEqual([false, true, true, false]);
    // Block 3 switches the committee to 5, 6, 7: 3 and 4 are credited up to it, 7 earns from it on.
    chain.apply(3, 5, meta([]));
    chain.switchTo(3, [5, 6, 7]);
    chain.switchTo(3, [5, 6, 7]); // every member reports the switch
    chain.apply(4, 6, meta([]));
    const m = chain.ledger();
    expect(m.get(3)).toMatchObject({ servi: 2, contribution: 3 });
    expect(m.get(4)).toMatchObject({ servi: 1, contribution: 3 });
    expect(m.get(6)).toMatchObject({ servi: 0, contribution: 4 });
    expect(m.get(7)).toMatchObject({ servi: 1, contribution: 1 });
    expect(chain.stats).toEqual({ blocks: 4, gaps: 0 });
  });

  it('every normal member and a joiner read the one state', () => {
    const { harness, leagues } = setup({ believable: 3, normal: 5, joiners: 1 });
    submitBatches(harness, 12, 40, 100_000, 150_000);
    harness.run(6_000_000);
    const states = [...leagues.normalNodes.values()].map((n) => n.ledger);
    expect(leagues.chain.stats.blocks).toBeGreaterThan(3);
    expect(new Set(states).size).toBe(1);
  });
});
