import type { ProtocolDefinition } from './types.js';
import { bftProtocol } from './bft/index.js';
import { dposProtocol } from './dpos/index.js';
import { iostMainnetProtocol } from './iost-mainnet/index.js';
import { iosProtocol } from './ios/composite/index.js';
import { zilliqaProtocol } from './zilliqa/index.js';

/** Every protocol a scenario can name in `protocol.type`. */
export const PROTOCOLS: Readonly<Record<string, ProtocolDefinition>> = {
  bft: bftProtocol,
  dpos: dposProtocol,
  'iost-mainnet': iostMainnetProtocol,
  ios: iosProtocol,
  zilliqa: zilliqaProtocol,
};

export function protocolFor(type: string): ProtocolDefinition {
  const p = PROTOCOLS[type];
  if (!p) throw new Error(`unknown protocol "${type}"; known: ${Object.keys(PROTOCOLS).join(', ')}`);
  return p;
}
