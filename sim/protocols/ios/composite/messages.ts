import type { Micros } from '../../../kernel/time.js';
import type { NodeId } from '../../types.js';

/**
 * The composite's own messages and timers (layer `transepoch` of ios/layers.ts): the epoch clock and the
 * TransEpoch moves (bootstrap request, state transfer, readiness). Sub-machine traffic travels under its own
 * layer (`eds`, `pob`).
 */
export type TeMsg =
  /** A joiner asks a member of its new shard for the state (the last micro state block's). */
  | { readonly type: 'stateRequest'; readonly epoch: number; readonly toShard: number }
  /** The state itself; its size is the bootstrap cost (README "Bootstrap"). */
  | { readonly type: 'state'; readonly epoch: number; readonly toShard: number }
  /** A joiner has bootstrapped and waits for its Join: the shard's members write it into the next committee. */
  | { readonly type: 'ready'; readonly epoch: number; readonly shard: number; readonly node: NodeId };

export type TeTimer =
  /** Begin EDS (leader election + DRP) for epoch `epoch`, `lead` before its boundary. */
  | { readonly kind: 'nextEpoch'; readonly epoch: number }
  /** Epoch `epoch`'s boundary (EpochData.startUs): the first node to reach it traces `epoch.start`. */
  | { readonly kind: 'boundary'; readonly epoch: number }
  /** A TransEpoch batch of epoch `epoch` starts now (every node arms one per distinct batch start). */
  | { readonly kind: 'batch'; readonly epoch: number; readonly startUs: Micros };

/** Wire sizes (bytes) of the composite's own messages. */
export const TeSizes = {
  /** 16 header + 8 epoch/shard + 64 signature. */
  stateRequest: 88,
  /** 16 header + 32 state root + 64 signature + the state bytes. */
  stateOverhead: 112,
  /** 16 header + 8 + 64 signature. */
  ready: 88,
} as const;
