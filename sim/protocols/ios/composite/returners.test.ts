import { describe, expect, it } from 'vitest';
import type { Micros } from '../../../kernel/time.js';
import { runScenario } from '../../../run/runner.js';
import type { Scenario } from '../../../scenario/schema.js';
import type { Effect, Input, ProtocolInstance, ProtocolNode } from '../../types.js';
import { NormalNode } from '../pob/normal.js';
import type { IosInstance } from './instance.js';
import { iosScenario } from './testworld.js';

/**
 * Every member of a shard's committee must hear it: the composite node of each member routes the shard's
 * messages to the PoB node that holds its committee replica. A validator that leaves a shard stays a voting
 * member until a block reconfigures the committee without it; if the next epoch brings it back before that
 * block is decided, it must keep its replica (node.ts onBootstrapped). Until stop 14 it got a fresh joiner
 * replica that waited for a Join, while the committee still counted it, and its tree subtree went unheard.
 */
/**
 * Committee members whose node routes the shard's messages to a normal-league node without the newest
 * committee's replica, keyed "shard:node". (A member that comes back as a believable validator is not
 * counted: it leaves the normal league by design, and is deaf there until the next reconfiguration drops it.)
 */
function deafMembers(instance: IosInstance, only?: number): Set<string> {
  const deaf = new Set<string>();
  instance.world.leagues.forEach((lg, shard) => {
    if (only !== undefined && shard !== only) return;
    // The newest committee any member has installed.
    let newest: NormalNode | null = null;
    for (const node of lg.normalNodes.values()) {
      if (node.bft.replica && (!newest || node.bft.gen > newest.bft.gen)) newest = node;
    }
    for (const m of newest?.bft.replica?.committee.members ?? []) {
      const held = instance.iosNodes[m]!.pob.get(shard);
      if (held instanceof NormalNode && (held.bft.gen < newest!.bft.gen || held.bft.replica === null)) deaf.add(`${shard}:${m}`);
    }
  });
  return deaf;
}

/**
 * Sample every simulated second; return the longest time a member stayed deaf. A member is deaf for a moment
 * in every reconfiguration (a joiner waits for its Join, the Decide takes a while to reach everyone).
 */
function longestDeafness(scenario: Scenario, only?: number): { longestUs: number; samples: number } {
  let instance: IosInstance | undefined;
  const since = new Map<string, Micros>();
  let longestUs = 0;
  let samples = 0;
  let nextUs = 0;
  runScenario(scenario, {
    instrument: (created) => {
      instance = created as IosInstance;
      const nodes = created.nodes.map(
        (node): ProtocolNode<unknown, unknown> => ({
          step(now: Micros, input: Input<unknown, unknown>): readonly Effect<unknown, unknown>[] {
            if (now >= nextUs) {
              nextUs = now + 1_000_000;
              samples++;
              const deaf = deafMembers(instance!, only);
              for (const key of [...since.keys()]) if (!deaf.has(key)) since.delete(key);
              for (const key of deaf) {
                const t0 = since.get(key) ?? now;
                since.set(key, t0);
                longestUs = Math.max(longestUs, now - t0);
              }
            }
            return node.step(now, input);
          },
        }),
      );
      return { ...(created as ProtocolInstance<unknown, unknown>), nodes };
    },
  });
  return { longestUs, samples };
}

describe('a validator that returns to a shard whose committee still holds it', () => {
  it('keeps its replica: every committee member hears the committee, every second', () => {
    // League blocks at most every 100 s, so the block that removes a leaver comes late, and the next epoch
    // (60 s) moves some leavers back before it: five return to a committee that still holds them between 184
    // and 196 s. Without the rule one of them stayed deaf for 48 s; with it none is deaf for a whole second.
    const scenario = iosScenario({ durationSeconds: 240, protocol: { league: { blockIntervalMs: 100_000, viewChangeTimeoutMs: 300_000 } } });
    const { longestUs, samples } = longestDeafness(scenario);
    expect(samples).toBeGreaterThan(230);
    expect(longestUs).toBeLessThan(10_000_000);
  });

  it('a replica that missed its own removal is replaced, so the Join that re-admits it is heard', () => {
    // Seed 1 of this world with validator 117 down from 64 to 128 s: validator 49's shard-0 replica misses the
    // block that removes it from shard 0's committee and stays a member of generation 2, while the committee
    // goes on to generation 9. When 49 returns to shard 0 (193 s), keeping that stale replica would leave it
    // deaf: a Join only wakes a dormant or departed replica, so it would ignore the one that re-admits it.
    const scenario = iosScenario({ durationSeconds: 240, network: { crashes: [{ nodes: [117], atSeconds: 64, recoverSeconds: 128 }] } });
    const { longestUs, samples } = longestDeafness(scenario, 0);
    expect(samples).toBeGreaterThan(230);
    expect(longestUs).toBeLessThan(10_000_000);
  });
});
