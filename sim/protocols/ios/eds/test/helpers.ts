import { RngRoot } from '../../../../kernel/rng.js';
import type { Micros } from '../../../../kernel/time.js';
import { Cpu } from '../../../../scenario/schema.js';
import { Pump } from '../../../testing/pump.js';
import type { Effect, Input, NodeId, ProtocolNode } from '../../../types.js';
import type { EdsLocalEvent, EdsMsg, EdsTimer } from '../messages.js';
import { EdsNode } from '../node.js';
import type { EdsConfig } from '../node.js';

export const DELTA_US = 1_000_000;
export const DRP = { groupSize: 16, shareBytes: 96, commitBytes: 33 };

export interface EdsNet {
  readonly pump: Pump<EdsMsg, EdsTimer>;
  readonly nodes: EdsNode[];
  readonly rng: RngRoot;
  readonly locals: { t: Micros; node: NodeId; event: EdsLocalEvent }[];
  begin(epoch: number, atUs?: Micros): void;
  /** The randomness notes, one per node that got rnd_e for `epoch`. */
  randomness(epoch: number): Extract<EdsLocalEvent, { type: 'randomness' }>[];
}

/** Deterministic per-link delay between 10 and 60 ms. */
export function linkDelay(from: NodeId, to: NodeId): number {
  return 10_000 + ((from * 7919 + to * 104_729) % 50) * 1000;
}

export function makeEds(
  n: number,
  opts: { seed?: number; log?: boolean; adversaries?: readonly NodeId[]; extra?: Partial<EdsConfig> } = {},
): EdsNet {
  const rng = new RngRoot(opts.seed ?? 7);
  const validators = Array.from({ length: n }, (_, i) => i);
  const cpu = Cpu.parse({});
  const adversaries = new Set(opts.adversaries ?? []);
  const nodes = validators.map(
    (self) =>
      new EdsNode({ self, validators, deltaUs: DELTA_US, drp: DRP, cpu, rng, adversary: adversaries.has(self), ...opts.extra }),
  );
  const locals: EdsNet['locals'] = [];
  // The composite's role, reduced: record the local notes (the pump ignores them).
  const wrapped: ProtocolNode<EdsMsg, EdsTimer>[] = nodes.map((node, i) => ({
    step(now: Micros, input: Input<EdsMsg, EdsTimer>): readonly Effect<EdsMsg, EdsTimer>[] {
      const effects = node.step(now, input);
      for (const e of effects) if (e.kind === 'local') locals.push({ t: now, node: i, event: e.event as EdsLocalEvent });
      return effects;
    },
  }));
  const p = new Pump(wrapped, { delayUs: linkDelay, log: opts.log ?? false });
  return {
    pump: p,
    nodes,
    rng,
    locals,
    begin(epoch, atUs = p.now) {
      for (const v of validators) p.inject(v, { kind: 'message', from: v, msg: { type: 'beginEpoch', epoch } }, atUs);
    },
    randomness(epoch) {
      return locals
        .map((l) => l.event)
        .filter((e): e is Extract<EdsLocalEvent, { type: 'randomness' }> => e.type === 'randomness' && e.epoch === epoch);
    },
  };
}

/** The lottery order of (epoch, view) among `candidates`, as EDS computes it. */
export function lotteryOrder(rng: RngRoot, epoch: number, view: number, candidates: readonly NodeId[]): NodeId[] {
  return candidates
    .map((v) => ({ v, u: rng.keyedUniform(`vrf:${epoch}:${view}:${v}`) }))
    .sort((a, b) => a.u - b.u || a.v - b.v)
    .map((x) => x.v);
}
