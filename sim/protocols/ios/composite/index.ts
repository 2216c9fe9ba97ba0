/**
 * The composite IOS node and protocol instance (DESIGN §6): EDS epochs, the permutation assignment,
 * TransEpoch, one PoB shard per shard (phase 1) and cross-shard transactions through Atomix (phase 2).
 * README.md in this folder.
 * `iosProtocol` is a ProtocolDefinition ready for sim/protocols/registry.ts (not registered yet).
 */
import type { ProtocolDefinition, ProtocolInstance } from '../../types.js';
import { createIosInstance } from './instance.js';

export { createIosInstance, entryNode } from './instance.js';
export type { IosInstance } from './instance.js';
export { IosNode } from './node.js';
export { IosWorld } from './world.js';
export type { EpochData } from './world.js';
export { TeSizes } from './messages.js';
export { BookFacts, IosAtomix, splitCross } from './atomix.js';
export type { TeMsg, TeTimer } from './messages.js';

export const iosProtocol: ProtocolDefinition = {
  name: 'ios',
  create: (env) => createIosInstance(env) as ProtocolInstance<unknown, unknown>,
};
