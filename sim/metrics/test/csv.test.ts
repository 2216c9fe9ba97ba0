import { describe, expect, it } from 'vitest';
import { formatCsvNumber, metricsCsv } from '../csv.js';
import { MetricsCollector, type MetricsBucketEvent } from '../collector.js';
import { txSetOf } from '../../protocols/types.js';
import { bookOf } from './books.js';

describe('metricsCsv', () => {
  it('one row per bucket and metric; rates per second of the bucket; no latency rows without samples', () => {
    const c = new MetricsCollector({ bucketUs: 2_000_000, book: bookOf([{ count: 33, t0: 0 }]) });
    c.offered(30, 0);
    c.commit('final', txSetOf([0, 4]), 100_000); // 4 latencies of exactly 100 ms
    c.offered(3, 2_500_000);
    c.abort(txSetOf([10, 11]), 2_600_000);
    const events: { type: string }[] = [{ type: 'block.propose' }];
    c.finish(3_000_000, (ev: MetricsBucketEvent) => events.push(ev));
    expect(metricsCsv(events)).toBe(
      [
        'time_s,metric,value',
        '0,offered_tps,15',
        '0,confirmed_tps,2',
        '0,finalized_tps,2',
        '0,aborted_tps,0',
        '0,confirm_p50_ms,100',
        '0,confirm_p99_ms,100',
        '0,final_p50_ms,100',
        '0,final_p99_ms,100',
        // The last bucket is 1 s long (run ends at 3 s), so 3 offered is 3 tx/s.
        '2,offered_tps,3',
        '2,confirmed_tps,0',
        '2,finalized_tps,0',
        '2,aborted_tps,1',
        '',
      ].join('\n'),
    );
  });

  it('header only when there are no buckets', () => {
    expect(metricsCsv([])).toBe('time_s,metric,value\n');
  });

  it('formats numbers deterministically', () => {
    expect(formatCsvNumber(15)).toBe('15');
    expect(formatCsvNumber(1 / 3)).toBe('0.333333');
    expect(formatCsvNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatCsvNumber(-0.0000001)).toBe('0');
    expect(formatCsvNumber(1234567.25)).toBe('1234567.25');
    expect(() => formatCsvNumber(Number.NaN)).toThrow(RangeError);
  });
});
