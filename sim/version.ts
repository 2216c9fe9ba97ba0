/** The software version stamped into traces and summaries; a test keeps it equal to package.json's. */
export const SOFTWARE_VERSION = '0.1.0';
