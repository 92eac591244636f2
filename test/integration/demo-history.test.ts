import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import { DemoHistory } from '../../gateway/simulator/history.ts';
import { mondayToFriday } from '../../gateway/simulator/site-time.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';
import { EnergyService, VictoriaReadingSource } from '../../services/energy/index.ts';
import { VictoriaSampleSource } from '../../services/rules/scheduled/samples.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The demo's simulated past, written to the real VictoriaMetrics under a label of this run: the
 * platform's own baseline and savings computation then finds the retrofit's saving from the term
 * start, and a second start writes nothing.
 */
describe('demo history', () => {
  const run = uniqueName('history');
  const model = loadConfig(sampleConfigDir);
  const index = new PointIndex(model);
  const clock = new ManualClock(Date.parse('2025-04-01T00:00:00+08:00'));
  const store = new VictoriaSampleSource({ url: stackSettings.TSDB_URL, extraLabels: { test_run: run } });
  const history = () =>
    new DemoHistory({
      model,
      sink: new InfluxLineWriter({
        url: stackSettings.TSDB_URL,
        token: stackSettings.TSDB_TOKEN,
        org: stackSettings.TSDB_ORG,
        bucket: stackSettings.TSDB_BUCKET,
        tagsFor: (pointId) => {
          const tags = index.get(pointId)?.tags;
          return tags ? { ...tags, test_run: run } : undefined;
        },
      }),
      hasReadings: async (pointId, fromMs, toMs) => (await store.samples(pointId, fromMs, toMs)).length > 0,
      clock,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      seed: 1,
      isWorkingDay: mondayToFriday,
    });

  it('gives the energy contract a baseline year and a saving from its term start, once', async () => {
    const first = history();
    await first.start();
    await first.finished();
    // 2024-01-01 to an hour before 2025-04-01: 456 days of hourly readings, three meters and the temperature.
    expect(first.written).toBeGreaterThan(456 * 24 * 4 - 10);
    expect((await fetch(`${stackSettings.TSDB_URL}/internal/force_flush`)).ok).toBe(true);

    const energy = new EnergyService({
      model,
      source: new VictoriaReadingSource({ url: stackSettings.TSDB_URL, extraLabels: { test_run: run } }),
      clock,
    });
    const result = await energy.contractSavings('energy-epc-2025', {
      fromDate: '2025-01-01',
      toDate: '2025-03-30',
    });
    // The retrofit removes 8 % of the base and occupancy load and 20 % of HVAC: in winter the
    // whole comes to about 9–12 %; the platform's figure carries its own uncertainty.
    expect(result.baseline.model?.type).not.toBe('intercept_only');
    expect(result.settlement.savingsFraction).toBeGreaterThan(0.06);
    expect(result.settlement.savingsFraction).toBeLessThan(0.16);

    // The store shows freshly written series to searches after a moment (its index flushes): the
    // second start must find them, as a demo restarted later would.
    const firstDays = [
      Date.parse('2024-01-01T00:00:00+08:00'),
      Date.parse('2024-01-03T00:00:00+08:00'),
    ] as const;
    await waitFor(
      async () => ((await store.samples('MB-EM-01000.energy', ...firstDays)).length > 0 ? true : undefined),
      'the first days to be searchable',
      20_000,
      250,
    );
    const second = history();
    await second.start();
    await second.finished();
    expect(second.written).toBe(0);
  }, 120_000);
});
