import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { ChineseWorkingCalendar } from '../../services/calendar/working-calendar.ts';
import { type SyntheticDay, syntheticDays } from '../../services/energy/baseline/synthetic.ts';
import { SiteGrid } from '../../services/energy/consumption/grid.ts';
import { EnergyRecordsStore } from '../../services/energy/records/contract-records.ts';
import { monthlyReport, monthlyReportCsv } from '../../services/energy/reports/monthly-report.ts';
import { EnergyService } from '../../services/energy/service.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { MIGRATION_SOURCES, migrate } from '../../services/runtime/migrations.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { cst, EnergyStoreFixture, MIN } from './energy-store-fixture.ts';

const TRUTH = {
  intercept: 30_000,
  heating: { balancePoint: 14.5, slope: 1_300 },
  cooling: { balancePoint: 22, slope: 1_900 },
  noise: 600,
};
/** Working days use this much more (occupancy), on the Chinese working calendar. */
const WORKING_DAY_KWH = 6_000;
/** The vendor's measures cut usage by 15 % from 2025 on (the contract guarantees 12 %). */
const REDUCTION = 0.15;
/** How the compound's use splits over the three buildings' incomers. */
const SHARES = { 'MB-EM-01000': 0.68, 'AA-EM-01000': 0.17, 'AB-EM-01000': 0.15 } as const;
const QUARTER = 15 * MIN;

/**
 * The energy contract `energy-epc-2025` of the sample configuration end to end on the real stack:
 * its three incomers and the weather station written to VictoriaMetrics for the 2024 baseline and
 * January–February 2025, with a 15 % reduction from 2025; savings fitted, frozen in PostgreSQL,
 * adjusted (with an audited correction), reported monthly as CSV; and today's sub-item roll-up.
 */
describe('energy contract savings on the real store and PostgreSQL', () => {
  let model: SiteModel;
  let store: EnergyStoreFixture;
  let db: TestDatabase;
  let records: EnergyRecordsStore;
  let service: EnergyService;
  let days: (SyntheticDay & { used: number })[];
  const clock = new ManualClock(cst('2025-03-01T09:00:00'));

  beforeAll(async () => {
    model = loadConfig(sampleConfigDir);
    store = new EnergyStoreFixture(model);
    db = await createTestDatabase();
    await migrate(db.pool, MIGRATION_SOURCES);
    await syncRegistry(db.pool, model);
    records = new EnergyRecordsStore({ pool: db.pool });
    service = new EnergyService({ model, source: store.source, clock, records });

    const calendar = new ChineseWorkingCalendar({ timeZone: 'Asia/Shanghai' });
    days = syntheticDays({ seed: 77, startDate: '2024-01-01', days: 366 + 59, truth: TRUTH }).map((day) => {
      const working = calendar.isWorkingDay(day.date) ? WORKING_DAY_KWH : 0;
      const used = ((day.usage as number) + working) * (day.date >= '2025-01-01' ? 1 - REDUCTION : 1);
      return { ...day, used };
    });
    const grid = new SiteGrid('Asia/Shanghai');
    const readings: Reading[] = [];
    const registers: Record<string, number> = { 'MB-EM-01000': 1e6, 'AA-EM-01000': 2e5, 'AB-EM-01000': 3e5 };
    for (const day of days) {
      const { fromMs, toMs } = grid.days(day.date, day.date)[0] as { fromMs: number; toMs: number };
      for (let ts = fromMs; ts < toMs; ts += QUARTER) {
        for (const [meter, share] of Object.entries(SHARES)) {
          readings.push({
            pointId: `${meter}.energy`,
            ts,
            value: registers[meter] as number,
            quality: 'good',
          });
          registers[meter] = (registers[meter] as number) + (day.used * share * QUARTER) / (toMs - fromMs);
        }
      }
      for (let hour = 0; hour < 24; hour++)
        readings.push({
          pointId: 'MB-WS-01.outdoor_temp',
          ts: fromMs + hour * 60 * MIN,
          value: (day.temperature as number) + 3 * Math.sin((2 * Math.PI * (hour - 9)) / 24),
          quality: 'good',
        });
    }
    const end = cst('2025-03-01T00:00:00');
    for (const meter of Object.keys(SHARES))
      readings.push({
        pointId: `${meter}.energy`,
        ts: end,
        value: registers[meter] as number,
        quality: 'good',
      });
    await store.write(readings);
  }, 180_000);

  afterAll(async () => {
    await store?.dispose();
    await db?.drop();
  });

  const range = { fromDate: '2025-01-01', toDate: '2025-02-28' };

  it('measures the savings against a baseline fitted on the contract period, with the working-day term', async () => {
    const result = await service.contractSavings('energy-epc-2025', range);
    expect(result.baselineSource).toBe('fitted');
    expect(result.contract.meters.map((m) => m.meterId)).toEqual([
      'MB-EM-01000',
      'AA-EM-01000',
      'AB-EM-01000',
    ]);
    expect(result.baseline.fit?.sufficiency).toMatchObject({ sufficient: true, days: 366, usableDays: 366 });
    expect(result.baseline.model).toMatchObject({ workingDay: true });
    expect(Math.abs((result.baseline.model?.workingDaySlope?.value ?? 0) / WORKING_DAY_KWH - 1)).toBeLessThan(
      0.1,
    );
    const { savings, settlement } = result;
    expect(savings.usedDays).toBe(59);
    expect(Math.abs(savings.savingsFraction - REDUCTION)).toBeLessThanOrEqual(
      savings.uncertainty.savingsFraction,
    );
    expect(settlement.targetMet).toBe(true);
    expect(settlement.shortfall.penaltyCny).toBe(0);
    expect(settlement.sharedSavings.vendorCny).toBeCloseTo(
      (savings.avoidedKwh - 0.12 * savings.adjustedBaselineKwh) * 0.85 * 0.5,
      1,
    );
    const last = result.cumulative.at(-1);
    expect(last?.avoidedKwh).toBeCloseTo(savings.avoidedKwh, 6);
    expect(last?.targetKwh).toBeCloseTo(0.12 * savings.adjustedBaselineKwh, 6);
  });

  it('freezes the baseline once; later savings use the frozen model', async () => {
    const early = new EnergyService({
      model,
      source: store.source,
      clock: new ManualClock(cst('2024-12-31T12:00:00')),
      records,
    });
    await expect(early.freezeBaseline('energy-epc-2025', 'manager')).rejects.toMatchObject({
      code: 'invalid_input',
    });

    const frozen = await service.freezeBaseline('energy-epc-2025', 'manager');
    await expect(service.freezeBaseline('energy-epc-2025', 'manager')).rejects.toMatchObject({
      code: 'baseline_already_frozen',
    });
    const stored = await records.frozenBaseline('energy-epc-2025');
    expect(stored).toMatchObject({
      periodFrom: '2024-01-01',
      periodTo: '2024-12-31',
      frozenBy: 'manager',
      configRevision: model.revision,
    });
    expect(stored?.model).toEqual(frozen.model);
    const result = await service.contractSavings('energy-epc-2025', range);
    expect(result.baselineSource).toBe('frozen');
    expect(result.baseline.model).toEqual(frozen.model);
    await expect(db.pool.query(`update energy_baselines set frozen_by = 'someone else'`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('applies recorded adjustments, and a correction replaces one without erasing it', async () => {
    const before = await service.contractSavings('energy-epc-2025', range);
    await records.recordAdjustment('energy-epc-2025', {
      id: 'archive-dehumidifiers',
      fromDate: '2025-02-01',
      toDate: '2025-02-28',
      kwh: 28_000,
      reason: 'Archive floor dehumidifiers added by the archives office (not in the baseline)',
      author: 'manager',
      recordedAt: '2025-02-03T10:00:00+08:00',
    });
    const adjusted = await service.contractSavings('energy-epc-2025', range);
    expect(adjusted.savings.adjustmentsKwh).toBeCloseTo(28_000, 6);
    expect(adjusted.savings.avoidedKwh - before.savings.avoidedKwh).toBeCloseTo(28_000, 6);

    await records.recordAdjustment(
      'energy-epc-2025',
      {
        id: 'archive-dehumidifiers-metered',
        fromDate: '2025-02-01',
        toDate: '2025-02-28',
        kwh: 19_600,
        reason: 'Corrected to the sub-meter reading of the dehumidifiers (700 kWh a day)',
        author: 'manager',
        recordedAt: '2025-03-01T09:00:00+08:00',
      },
      'archive-dehumidifiers',
    );
    const corrected = await service.contractSavings('energy-epc-2025', range);
    expect(corrected.savings.adjustmentsKwh).toBeCloseTo(19_600, 6);
    const history = await records.adjustmentHistory('energy-epc-2025');
    expect(history.map((a) => [a.id, a.superseded, a.supersedes])).toEqual([
      ['archive-dehumidifiers', true, null],
      ['archive-dehumidifiers-metered', false, 'archive-dehumidifiers'],
    ]);
    await expect(
      records.recordAdjustment('energy-epc-2025', {
        ...history[0],
        id: 'x',
        reason: '',
        recordedAt: '2025-03-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'invalid_adjustment' });
    await expect(db.pool.query('delete from energy_adjustments')).rejects.toThrow(/append-only/);
  });

  it("reports February as CSV: each building's sub-items, the site, and the contract's savings", async () => {
    const report = await monthlyReport(service, 'admin-centre', '2025-02');
    expect(report).toMatchObject({ fromDate: '2025-02-01', toDate: '2025-02-28' });
    const main = report.consumption.find((row) => row.buildingCode === '330302A001' && row.item === '01000');
    const february = days
      .filter((day) => day.date.startsWith('2025-02'))
      .reduce((sum, day) => sum + day.used, 0);
    expect(main?.status).toBe('complete');
    expect(main?.value).toBeCloseTo(february * SHARES['MB-EM-01000'], 0);
    expect(main?.perM2).toBeCloseTo((february * SHARES['MB-EM-01000']) / 52_000, 3);
    const lastFebruary = days.filter((day) => day.date.startsWith('2024-02') && day.date <= '2024-02-28');
    expect(main?.lastYear).toBeCloseTo(
      lastFebruary.reduce((sum, day) => sum + day.used, 0) * SHARES['MB-EM-01000'],
      0,
    );
    // Meters without data in this run: reported as missing, never as zero.
    expect(
      report.consumption.find((row) => row.buildingCode === '330302A004' && row.item === '01000'),
    ).toMatchObject({
      value: null,
      status: 'missing',
    });
    const contract = report.contracts.find((row) => row.contractId === 'energy-epc-2025');
    expect(contract?.figures?.missingDays).toBe(0);
    expect(contract?.figures?.savingsFraction).toBeGreaterThan(0.1);

    const csv = monthlyReportCsv(report, 'zh-CN', (code) => model.buildings.get(code)?.name['zh-CN'] ?? code);
    expect(csv.startsWith('\uFEFF月度能耗报表,admin-centre,2025-02-01,2025-02-28\r\n')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe('类别,建筑,分项,单位,本月,数据完整性,覆盖率,单位面积,人均,去年同期,同比');
    expect(lines.find((line) => line.startsWith('能耗,主楼,01000 总用电,kWh,'))).toContain(',完整,1,');
    expect(
      lines.some((line) =>
        line.startsWith('合同能源管理,energy-epc-2025 (2025-02-01…2025-02-28),节能量,kWh,'),
      ),
    ).toBe(true);
  });

  it("gives today's consumption by building and sub-item so far", async () => {
    const today = new EnergyService({
      model,
      source: store.source,
      clock: new ManualClock(cst('2025-02-10T12:00:00')),
    });
    const rollup = await today.todayBySubItem('admin-centre');
    expect(rollup.date).toBe('2025-02-10');
    expect(rollup.toMs).toBe(cst('2025-02-10T11:58:00'));
    const day = days.find((d) => d.date === '2025-02-10') as { used: number };
    const annex = rollup.buildings
      .find((b) => b.buildingCode === '330302A002')
      ?.items.find((c) => c.item === '01000');
    expect(annex?.status).toBe('complete');
    expect(annex?.value).toBeCloseTo(day.used * SHARES['AA-EM-01000'] * (718 / 1_440), 3);
    expect(rollup.items.find((c) => c.item === '01000')?.status).toBe('partial');
  });
});
