/**
 * SimBlock's 2019 network tables (dsg-titech/simblock, simulator/src/main/java/simblock/settings/
 * NetworkConfiguration.java; latencies from Gervais et al., "On the Security and Performance of Proof
 * of Work Blockchains", CCS 2016), as reproduced in DESIGN §5. All of them are scenario defaults.
 */
export const REGION_NAMES = ['NA', 'EU', 'SA', 'AP', 'JP', 'AU'] as const;

/** Mean one-way latency in ms, LATENCY_2019 (row = sender region, column = receiver region). */
export const LATENCY_MS_2019: number[][] = [
  [32, 124, 184, 198, 151, 189],
  [124, 11, 227, 237, 252, 294],
  [184, 227, 88, 325, 301, 322],
  [198, 237, 325, 85, 58, 198],
  [151, 252, 301, 58, 12, 126],
  [189, 294, 322, 198, 126, 16],
];

/** DOWNLOAD_BANDWIDTH_2019 / UPLOAD_BANDWIDTH_2019 in Mbit/s. */
export const DOWNLOAD_MBPS_2019 = [52, 40, 18, 22.8, 22.8, 29.9];
export const UPLOAD_MBPS_2019 = [19.2, 20.7, 5.8, 15.7, 10.2, 11.3];

/** REGION_DISTRIBUTION_BITCOIN_2019: share of nodes per region. */
export const NODE_SHARE_BITCOIN_2019 = [0.3316, 0.4998, 0.009, 0.1177, 0.0224, 0.0195];

export function defaultRegions() {
  return REGION_NAMES.map((name, i) => ({
    name,
    share: NODE_SHARE_BITCOIN_2019[i]!,
    downloadMbps: DOWNLOAD_MBPS_2019[i]!,
    uploadMbps: UPLOAD_MBPS_2019[i]!,
  }));
}
