import type { Effect } from '../types.js';

/**
 * An IOS node is a composite of sub-machines (EDS/DRP, PoB leagues, the BFT replica, Atomix), each a plain
 * ProtocolNode that can be tested alone. On the wire their messages and timers travel wrapped in a
 * Layered envelope naming the sub-machine, so the composite can hand each input to its owner.
 */
export type Layer = 'eds' | 'bft' | 'pob' | 'atomix' | 'transepoch' | 'msb';

export interface Layered<X> {
  readonly layer: Layer;
  /** The epoch the sub-machine instance belongs to: inputs for another epoch's instance are stale. */
  readonly epoch: number;
  /** The shard, for shard-scoped layers (-1 for global ones such as EDS). */
  readonly shard: number;
  readonly inner: X;
  /** Message name for message-level traces. */
  readonly type: string;
}

function nameOf(x: unknown, layer: Layer): string {
  const t = typeof x === 'object' && x !== null && 'type' in x ? (x as { type: unknown }).type : undefined;
  return typeof t === 'string' ? `${layer}.${t}` : layer;
}

/** The envelope; its `type` is built when read (message-level traces), not for each of millions of wraps. */
class Envelope<X> implements Layered<X> {
  constructor(
    readonly layer: Layer,
    readonly epoch: number,
    readonly shard: number,
    readonly inner: X,
  ) {}
  get type(): string {
    return nameOf(this.inner, this.layer);
  }
}

export function wrap<X>(layer: Layer, epoch: number, shard: number, inner: X): Layered<X> {
  return new Envelope(layer, epoch, shard, inner);
}

/**
 * Wrap one of a sub-machine's effects for the host into `out`: messages and timers get the layer envelope;
 * a `local` note is not pushed but returned, for the composite's handler; everything else passes through.
 * Returns undefined for every other effect. (One function per effect, not a callback per call: the
 * composite steps a sub-machine for every input, millions of times an hour.)
 */
export function wrapEffect<M, T>(layer: Layer, epoch: number, shard: number, e: Effect<M, T>, out: Effect<Layered<unknown>, Layered<unknown>>[]): unknown {
  switch (e.kind) {
    case 'send':
      out.push({ kind: 'send', to: e.to, sizeBytes: e.sizeBytes, msg: wrap(layer, epoch, shard, e.msg) });
      break;
    case 'multicast':
      out.push({ kind: 'multicast', to: e.to, sizeBytes: e.sizeBytes, msg: wrap(layer, epoch, shard, e.msg) });
      break;
    case 'gossip':
      out.push({ ...e, msg: wrap(layer, epoch, shard, e.msg) });
      break;
    case 'timer':
      out.push(
        e.fromUploadDone
          ? { kind: 'timer', afterUs: e.afterUs, timer: wrap(layer, epoch, shard, e.timer), fromUploadDone: true }
          : { kind: 'timer', afterUs: e.afterUs, timer: wrap(layer, epoch, shard, e.timer) },
      );
      break;
    case 'treeRound':
      out.push({ kind: 'treeRound', spec: e.spec, timer: wrap(layer, epoch, shard, e.timer) });
      break;
    case 'treeCast':
      out.push({ kind: 'treeCast', spec: e.spec, sizeBytes: e.sizeBytes, msg: wrap(layer, epoch, shard, e.msg) });
      break;
    case 'announce':
      out.push({ kind: 'announce', to: e.to, sizeBytes: e.sizeBytes, arrivals: e.arrivals, msg: wrap(layer, epoch, shard, e.msg) });
      break;
    case 'local':
      return e.event;
    default:
      out.push(e);
  }
  return undefined;
}

/**
 * Wrap a sub-machine's effects for the host (wrapEffect each). Returns their `local` notes in order, for the
 * composite's handler, or null when there are none (most steps): no array and no callback per step.
 */
export function wrapEffects<M, T>(
  layer: Layer,
  epoch: number,
  shard: number,
  effects: readonly Effect<M, T>[],
  out: Effect<Layered<unknown>, Layered<unknown>>[],
): unknown[] | null {
  let notes: unknown[] | null = null;
  // Indexed loops here and in the other per-event paths: `for … of` left an iterator result per element
  // where V8 did not optimise it away (~5% of a paper-scale run's allocated bytes).
  for (let i = 0; i < effects.length; i++) {
    const note = wrapEffect(layer, epoch, shard, effects[i]!, out);
    if (note !== undefined) (notes ??= []).push(note);
  }
  return notes;
}
