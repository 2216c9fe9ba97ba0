/** EDS: leader election with back-up and the DRP (whitepaper "Efficient Distributed Sharding"). */
export { EdsNode } from './node.js';
export type { EdsConfig, EdsStats } from './config.js';
export { defaultRunTimeoutUs } from './config.js';
export { DrpClient, balancedGrouping } from './drp.js';
export { EdsSizes, sameRun } from './messages.js';
export type { EdsLocalEvent, EdsMsg, EdsTimer, Grouping, RunKey, DrpPhase } from './messages.js';
