/** The network model (DESIGN §5): placement, latency, bandwidth queues, loss, partitions, gossip overlay. */
export { Network, LOSS_STREAM, OVERLAY_STREAM } from './network.js';
export { LatencyModel, paretoScale, LATENCY_STREAM, type LatencyConfig, type LatencyModelName } from './latency.js';
export { placeNodes, apportion, PLACEMENT_STREAM, type RegionShare } from './placement.js';
export { PartitionSchedule, type PartitionConfig, type PartitionEvent } from './partitions.js';
export { buildOverlay } from './overlay.js';
