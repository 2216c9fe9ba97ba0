import type { ProtocolDefinition } from './types.js';
import { bftProtocol } from './bft/index.js';

/** Every protocol a scenario can name in `protocol.type`. */
export const PROTOCOLS: Readonly<Record<string, ProtocolDefinition>> = {
  bft: bftProtocol,
};

export function protocolFor(type: string): ProtocolDefinition {
  const p = PROTOCOLS[type];
  if (!p) throw new Error(`unknown protocol "${type}"; known: ${Object.keys(PROTOCOLS).join(', ')}`);
  return p;
}
