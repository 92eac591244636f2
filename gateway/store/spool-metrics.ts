import { Counter, Gauge, type Registry } from 'prom-client';
import type { SpoolStats } from './spool-types.ts';

/**
 * Prometheus view of the spool. Every value is read from `stats()` at scrape time, so the write
 * path pays nothing for metrics; counters are re-stated from the spool's own running totals
 * (which, like any counter, restart at zero with the process).
 */
export function registerSpoolMetrics(registry: Registry, stats: () => SpoolStats): () => void {
  const names: string[] = [];
  const gauge = (name: string, help: string, value: (s: SpoolStats) => number): void => {
    names.push(name);
    const metric: Gauge = new Gauge({
      name,
      help,
      registers: [registry],
      collect: () => metric.set(value(stats())),
    });
  };
  const counter = (name: string, help: string, value: (s: SpoolStats) => number): void => {
    names.push(name);
    const metric: Counter = new Counter({
      name,
      help,
      registers: [registry],
      collect: () => {
        metric.reset();
        metric.inc(value(stats()));
      },
    });
  };

  gauge('steward_spool_bytes', 'Bytes of spool segments on disk.', (s) => s.bytes);
  gauge('steward_spool_segments', 'Spool segment files on disk.', (s) => s.segments);
  gauge(
    'steward_spool_head_sequence',
    'Sequence number the next appended reading gets.',
    (s) => s.headSequence,
  );
  gauge('steward_spool_tail_sequence', 'Sequence number of the oldest reading kept.', (s) => s.tailSequence);
  gauge(
    'steward_spool_buffered_readings',
    'Readings accepted but not yet written to the segment file.',
    (s) => s.bufferedReadings,
  );
  gauge('steward_spool_failed', '1 when the spool refuses appends after an unrecoverable disk error.', (s) =>
    s.failed === undefined ? 0 : 1,
  );
  counter(
    'steward_spool_appended_readings_total',
    'Readings appended to the spool.',
    (s) => s.appendedReadings,
  );
  counter(
    'steward_spool_write_errors_total',
    'Group writes that failed (their appends were rejected).',
    (s) => {
      return s.writeErrors;
    },
  );

  names.push('steward_spool_lag_readings', 'steward_spool_dropped_readings_total');
  const lag: Gauge<'consumer'> = new Gauge({
    name: 'steward_spool_lag_readings',
    help: 'Readings in the spool a consumer has not committed yet.',
    labelNames: ['consumer'],
    registers: [registry],
    collect: () => {
      lag.reset();
      for (const [consumer, c] of Object.entries(stats().consumers)) lag.set({ consumer }, c.lagReadings);
    },
  });
  const dropped: Counter<'consumer'> = new Counter({
    name: 'steward_spool_dropped_readings_total',
    help: 'Readings deleted by the disk bound before this consumer read them.',
    labelNames: ['consumer'],
    registers: [registry],
    collect: () => {
      dropped.reset();
      for (const [consumer, c] of Object.entries(stats().consumers))
        dropped.inc({ consumer }, c.droppedReadings);
    },
  });

  return () => {
    for (const name of names) registry.removeSingleMetric(name);
  };
}
