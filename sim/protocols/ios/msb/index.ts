/** Micro State Blocks (IOS whitepaper "Blockchain Storage Pruning"; DESIGN §6.8). README.md: model and wiring. */
export { MsbStore, merkleBuildUs, MERKLE_NODE_BYTES } from './msb.js';
export type { EpochBody, MsbBuild, MsbHeaderBlock, MsbStoreConfig, StorageReport } from './msb.js';
