import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { SiteGrid } from '../../services/energy/consumption/grid.ts';
import { MeterReadings } from '../../services/energy/consumption/meter-readings.ts';
import { MeterTree } from '../../services/energy/consumption/meter-tree.ts';
import { siteRollup } from '../../services/energy/consumption/rollups.ts';
import { VictoriaReadingSource } from '../../services/energy/store/readings.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { cst, EnergyStoreFixture, MIN, registerReadings } from './energy-store-fixture.ts';

const DAY_FROM = cst('2025-03-10T00:00:00');
const DAY_TO = cst('2025-03-11T00:00:00');

/**
 * Consumption from registers stored in the stack's VictoriaMetrics by the gateway's own line
 * writer and tags: a meter replaced mid-morning (reset), an incomer whose register rolls over at
 * the maximum of its point definition (10⁹ kWh), an outage inside a day and one across midnight,
 * an uncertain reading, and the roll-up of one building's sub-items.
 */
describe('consumption from the real store', () => {
  let model: SiteModel;
  let store: EnergyStoreFixture;
  let readings: MeterReadings;
  const grid = new SiteGrid('Asia/Shanghai');
  const from = DAY_FROM - 30 * MIN;
  const to = DAY_TO + 24 * 60 * MIN + 30 * MIN;

  beforeAll(async () => {
    model = loadConfig(sampleConfigDir);
    store = new EnergyStoreFixture(model);
    readings = new MeterReadings({ tree: new MeterTree(model), source: store.source });
    const all: Reading[] = [
      // Reset: the meter is replaced at 10:00:30; the new one starts at 3 kWh.
      ...registerReadings('MB-EM-01000.energy', from, cst('2025-03-10T10:00:00'), () => 2, { start: 80_000 }),
      ...registerReadings('MB-EM-01000.energy', cst('2025-03-10T10:01:00'), to, () => 2, { start: 3 }),
      // Rollover at the point definition's maximum, 10⁹ kWh, around 09:30.
      ...registerReadings('AA-EM-01000.energy', from, to, () => 1, {
        start: 1_000_000_000 - 630,
        wrapAt: 1_000_000_000,
      }),
      ...['01A00', '01B00', '01C00', '01D00'].flatMap((item) =>
        registerReadings(`AA-EM-${item}.energy`, from, to, () => 0.2, { start: 10_000 }),
      ),
      // Outage 12:00–14:00 inside the day.
      ...registerReadings('AB-EM-01000.energy', from, to, () => 1, {
        skip: (ts) => ts > cst('2025-03-10T12:00:00') && ts < cst('2025-03-10T14:00:00'),
      }),
      // Outage across midnight, 23:00–01:00.
      ...registerReadings('OB1-EM-01000.energy', from, to, () => 1, {
        skip: (ts) => ts > cst('2025-03-10T23:00:00') && ts < cst('2025-03-11T01:00:00'),
      }),
      // Water, every five minutes, with one reading the gateway stored as uncertain (a spike).
      ...registerReadings('OB2-WM-02000.volume', from, to, () => 0.5, { stepMs: 5 * MIN }).map((r) =>
        r.ts === cst('2025-03-10T09:00:00') ? { ...r, value: 9_999_999, quality: 'uncertain' as const } : r,
      ),
    ];
    await store.write(all);
  });

  afterAll(async () => {
    await store?.dispose();
  });

  it('reports a reset as a gap and counts no energy across it', async () => {
    const [day] = grid.days('2025-03-10', '2025-03-10');
    const daily = await readings.daily(['MB-EM-01000'], [day as NonNullable<typeof day>]);
    const result = daily.get('MB-EM-01000')?.[0];
    expect(result?.status).toBe('partial');
    expect(result?.value).toBeCloseTo(2 * (1_440 - 1), 6);

    const hours = await readings.series(['MB-EM-01000'], grid, '1h', DAY_FROM, DAY_TO);
    const meter = hours.get('MB-EM-01000');
    expect(meter?.events).toEqual([
      { ts: cst('2025-03-10T10:01:00'), kind: 'reset', before: 80_000 + 2 * 630, after: 3 },
    ]);
    expect(meter?.gaps).toEqual([
      { fromMs: cst('2025-03-10T10:00:00'), toMs: cst('2025-03-10T10:01:00'), kind: 'reset' },
    ]);
    expect(meter?.intervals.map((i) => i.status).filter((s) => s !== 'complete')).toEqual(['partial']);
    expect(meter?.intervals[10]?.value).toBeCloseTo(118, 6);
    expect(meter?.intervals[11]?.value).toBeCloseTo(120, 6);
  });

  it('counts a rollover at the register maximum from the point definition', async () => {
    const quarters = await readings.series(['AA-EM-01000'], grid, '15m', DAY_FROM, DAY_TO);
    const meter = quarters.get('AA-EM-01000');
    expect(meter?.events).toHaveLength(1);
    expect(meter?.events[0]).toMatchObject({ kind: 'rollover', ts: cst('2025-03-10T10:00:00') });
    expect(meter?.intervals.every((i) => i.status === 'complete')).toBe(true);
    for (const quarter of meter?.intervals ?? []) expect(quarter.value).toBeCloseTo(15, 4);
    const totals = await readings.totals(['AA-EM-01000'], DAY_FROM, DAY_TO);
    expect(totals.get('AA-EM-01000')?.total.value).toBeCloseTo(1_440, 4);
  });

  it('keeps a day exact across an outage inside it and reports the outage', async () => {
    const totals = await readings.totals(['AB-EM-01000'], DAY_FROM, DAY_TO);
    const day = totals.get('AB-EM-01000');
    expect(day?.total).toMatchObject({ status: 'complete', coverage: 1 });
    expect(day?.total.value).toBeCloseTo(1_440, 6);
    expect(day?.consumption.gaps).toEqual([
      {
        fromMs: cst('2025-03-10T12:00:00'),
        toMs: cst('2025-03-10T14:00:00'),
        kind: 'long_gap',
        energyAcross: 120,
      },
    ]);
    const quarters = await readings.series(['AB-EM-01000'], grid, '15m', DAY_FROM, DAY_TO);
    const missing = quarters.get('AB-EM-01000')?.intervals.filter((i) => i.status === 'missing') ?? [];
    expect(missing.map((i) => i.fromMs)).toEqual(
      Array.from({ length: 8 }, (_, k) => cst('2025-03-10T12:00:00') + k * 15 * MIN),
    );
  });

  it('marks both days partial when the outage crosses midnight, without filling it', async () => {
    const days = grid.days('2025-03-10', '2025-03-11');
    const daily = (await readings.daily(['OB1-EM-01000'], days)).get('OB1-EM-01000') ?? [];
    expect(daily.map((d) => [d.date, d.status])).toEqual([
      ['2025-03-10', 'partial'],
      ['2025-03-11', 'partial'],
    ]);
    expect(daily[0]?.value).toBeCloseTo(23 * 60, 6);
    expect(daily[1]?.coverage).toBeCloseTo(23 / 24, 9);
  });

  it('leaves the uncertain reading out of a water meter read every five minutes', async () => {
    const totals = await readings.totals(['OB2-WM-02000'], DAY_FROM, DAY_TO);
    const water = totals.get('OB2-WM-02000');
    expect(water?.consumption.skippedSamples).toBe(1);
    expect(water?.total.status).toBe('complete');
    expect(water?.total.value).toBeCloseTo(0.5 * 288, 6);
  });

  it('rolls up the east annex: sub-items, the unmetered remainder and its intensity', async () => {
    const tree = readings.tree;
    const meters = [...tree.meters.values()].filter((m) => m.siteId === 'admin-centre').map((m) => m.id);
    const totals = await readings.totals(meters, DAY_FROM, DAY_TO);
    const rollup = siteRollup(tree, 'admin-centre', (id) => totals.get(id)?.total);
    const annex = rollup.buildings.find((b) => b.buildingCode === '330302A002');
    const cell = (item: string) => annex?.items.find((c) => c.item === item);
    expect(cell('01000')?.value).toBeCloseTo(1_440, 4);
    expect(cell('01B00')?.value).toBeCloseTo(288, 6);
    expect(cell('unmetered')?.value).toBeCloseTo(1_440 - 4 * 288, 4);
    expect(cell('01000')?.intensity.perM2).toBeCloseTo(1_440 / 12_200, 6);
    // Meters without data in this run leave the site's total partial, not silently smaller.
    expect(rollup.items.find((c) => c.item === '01000')?.status).toBe('partial');
  });

  it('fails with a typed error when the store is unreachable', async () => {
    const down = new VictoriaReadingSource({ url: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await expect(down.samples(['MB-EM-01000.energy'], DAY_FROM, DAY_TO)).rejects.toMatchObject({
      code: 'tsdb_unreachable',
    });
  });
});
