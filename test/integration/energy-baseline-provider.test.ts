import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { ChineseWorkingCalendar } from '../../services/calendar/working-calendar.ts';
import { cdd, hdd } from '../../services/energy/baseline/model.ts';
import { type SyntheticDay, syntheticDays } from '../../services/energy/baseline/synthetic.ts';
import { SiteGrid } from '../../services/energy/consumption/grid.ts';
import { MeterReadings } from '../../services/energy/consumption/meter-readings.ts';
import { MeterTree } from '../../services/energy/consumption/meter-tree.ts';
import { DailyHistory } from '../../services/energy/daily-history.ts';
import { EnergyBaselineProvider } from '../../services/energy/provider/baseline-provider.ts';
import { ChangePublisher, type IncidentPublisher, IncidentStore } from '../../services/incidents/index.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { ScheduledRuleRunner, VictoriaSampleSource } from '../../services/rules/scheduled/index.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';
import { cst, EnergyStoreFixture, MIN } from './energy-store-fixture.ts';

class SilentPublisher implements IncidentPublisher {
  async publish(): Promise<unknown> {
    return 1;
  }
}

const TRUTH = {
  intercept: 9_000,
  heating: { balancePoint: 15, slope: 420 },
  cooling: { balancePoint: 21, slope: 560 },
  noise: 180,
};
const QUARTER = 15 * MIN;
/** The day whose usage is injected 30 % above the truth (the rule's margin is 15 %). */
const HIGH_DAY = '2025-03-05';

const truthOf = (temperature: number): number =>
  TRUTH.intercept +
  TRUTH.heating.slope * hdd(TRUTH.heating.balancePoint, temperature) +
  TRUTH.cooling.slope * cdd(TRUTH.cooling.balancePoint, temperature);

/**
 * The BaselineProvider on the stack's VictoriaMetrics: the main building's incomer register
 * (every 15 minutes) and the rooftop weather station (hourly, with a daily swing) written for
 * 2024 and early 2025 from a known weather-dependent truth; the provider fits the energy
 * contract's frozen 2024 baseline and the `daily-energy-above-baseline` rule of the sample
 * configuration fires on a day used 30 % above it, and clears on the next, in PostgreSQL.
 */
describe('the energy baseline provider of the energy_above_baseline rule', () => {
  let model: SiteModel;
  let store: EnergyStoreFixture;
  let provider: EnergyBaselineProvider;
  let db: TestDatabase;
  let incidents: IncidentStore;
  let days: SyntheticDay[];
  const clock = new ManualClock(cst('2025-03-06T00:10:00'));
  const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');

  beforeAll(async () => {
    model = loadConfig(sampleConfigDir);
    store = new EnergyStoreFixture(model);
    const tree = new MeterTree(model);
    const history = new DailyHistory({
      model,
      readings: new MeterReadings({ tree, source: store.source }),
      source: store.source,
    });
    provider = new EnergyBaselineProvider({ model, tree, history, clock, logger });

    // 2024 (the contract's baseline) and 2025 up to 10 March, one weather series throughout.
    days = syntheticDays({ seed: 2024, startDate: '2024-01-01', days: 366 + 69, truth: TRUTH });
    const grid = new SiteGrid('Asia/Shanghai');
    const readings: Reading[] = [];
    let register = 120_000;
    for (const day of days) {
      const { fromMs, toMs } = grid.days(day.date, day.date)[0] as { fromMs: number; toMs: number };
      const usage = day.date === HIGH_DAY ? 1.3 * truthOf(day.temperature as number) : (day.usage as number);
      for (let ts = fromMs; ts < toMs; ts += QUARTER) {
        readings.push({ pointId: 'MB-EM-01000.energy', ts, value: register, quality: 'good' });
        register += (usage * QUARTER) / (toMs - fromMs);
      }
      for (let hour = 0; hour < 24; hour++) {
        readings.push({
          pointId: 'MB-WS-01.outdoor_temp',
          ts: fromMs + hour * 60 * MIN,
          value: (day.temperature as number) + 4 * Math.sin((2 * Math.PI * (hour - 9)) / 24),
          quality: 'good',
        });
      }
    }
    const end = grid.days('2025-03-11', '2025-03-11')[0]?.fromMs as number;
    readings.push({ pointId: 'MB-EM-01000.energy', ts: end, value: register, quality: 'good' });
    await store.write(readings);

    db = await createTestDatabase();
    await migrate(db.pool);
    await syncRegistry(db.pool, model);
    incidents = new IncidentStore({
      pool: db.pool,
      clock,
      changes: new ChangePublisher({ publisher: new SilentPublisher(), prefix: uniqueName('t') }),
    });
  }, 120_000);

  afterAll(async () => {
    await store?.dispose();
    await db?.drop();
  });

  it("fits the contract's frozen 2024 baseline and expects the truth for a March day's weather", async () => {
    const found = await provider.fit('MB-EM-01000.energy', '2025-03-04');
    expect(found?.period).toMatchObject({
      fromDate: '2024-01-01',
      toDate: '2024-12-31',
      source: 'energy-epc-2025',
      workingDayRegressor: true,
    });
    expect(found?.fit.sufficiency).toMatchObject({ sufficient: true, days: 366, usableDays: 366 });
    const fitted = found?.fit.model;
    expect(fitted?.type).toBe('hdd_cdd');
    expect(Math.abs((fitted?.heating?.balancePoint ?? 0) - 15)).toBeLessThanOrEqual(1);
    expect(Math.abs((fitted?.cooling?.balancePoint ?? 0) - 21)).toBeLessThanOrEqual(1);

    const march4 = days.find((day) => day.date === '2025-03-04') as SyntheticDay;
    const expected = await provider.expectedKwh('MB-EM-01000.energy', '2025-03-04');
    expect(Math.abs((expected ?? 0) / truthOf(march4.temperature as number) - 1)).toBeLessThan(0.03);
  });

  it('answers nothing for a register without enough history or a point that is no register', async () => {
    expect(await provider.expectedKwh('OB1-EM-01000.energy', '2025-03-04')).toBeUndefined();
    expect(await provider.expectedKwh('MB-EM-01000.power', '2025-03-04')).toBeUndefined();
    // The rolling year of a meter outside the contract: the 365 days before the month.
    expect(provider.period('OB1-EM-01000', '2025-03-04')).toMatchObject({
      fromDate: '2024-03-01',
      toDate: '2025-02-28',
      source: 'rolling',
    });
  });

  it('makes the daily-energy-above-baseline rule fire on the high day and clear on the next', async () => {
    const runner = new ScheduledRuleRunner({
      model,
      site: 'admin-centre',
      connection: stackSettings.REDIS_URL,
      prefix: uniqueName('t'),
      incidents,
      clock,
      logger,
      calendar: new ChineseWorkingCalendar({ timeZone: 'Asia/Shanghai' }),
      tsdbUrl: stackSettings.TSDB_URL,
      samples: new VictoriaSampleSource({
        url: stackSettings.TSDB_URL,
        extraLabels: { test_run: store.run },
      }),
      baselines: provider,
    });
    clock.set(cst('2025-03-06T00:10:00'));
    const high = await runner.evaluateNow('daily-energy-above-baseline');
    const main = high.find((outcome) => outcome.equipmentId === 'MB-EM-01000');
    expect(main).toMatchObject({
      verdict: 'fire',
      recorded: 'opened',
      at: new Date(cst('2025-03-06T00:00:00')),
    });
    const highDay = days.find((day) => day.date === HIGH_DAY) as SyntheticDay;
    expect((main?.value ?? 0) / truthOf(highDay.temperature as number)).toBeCloseTo(1.3, 3);
    // The other incomers have no data in this run: no baseline, nothing recorded.
    expect(high.filter((outcome) => outcome.equipmentId !== 'MB-EM-01000').map((o) => o.verdict)).toEqual(
      Array(4).fill('no_baseline'),
    );

    clock.set(cst('2025-03-07T00:10:00'));
    const next = await runner.evaluateNow('daily-energy-above-baseline');
    expect(next.find((outcome) => outcome.equipmentId === 'MB-EM-01000')).toMatchObject({
      verdict: 'clear',
      recorded: 'cleared',
    });
    const [incident] = await incidents.openIncidents({ ruleId: 'daily-energy-above-baseline' });
    expect(incident).toMatchObject({ equipmentId: 'MB-EM-01000', state: 'cleared' });
    await runner.stop();
  }, 60_000);
});
