import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load/load-config.ts';
import { sampleConfigDir } from '../../../test/helpers/config-fixture.ts';
import type { IntervalConsumption, PeriodTotal } from './intervals.ts';
import { MeterTree } from './meter-tree.ts';
import { siteRollup } from './rollups.ts';
import { virtualIntervals } from './virtual-meters.ts';
import { sameDateLastYear, yearOnYear } from './year-on-year.ts';

const model = loadConfig(sampleConfigDir);
const tree = new MeterTree(model);
const complete = (value: number): PeriodTotal => ({ value, status: 'complete', coverage: 1 });

describe('meter tree of the sample site', () => {
  it('takes the sub-item feeders as heads, not the floor meters below them', () => {
    expect(tree.heads('330302A001', '01A00').map((m) => m.id)).toEqual(['MB-EM-01A00']);
    expect(tree.heads('330302A001', '02000').map((m) => m.id)).toEqual(['MB-WM-02000']);
    expect(tree.meter('MB-EM-01A00').children).toContain('MB-EM-01A00-F12');
    expect(tree.meter('MB-EM-01000')).toMatchObject({
      registerPointId: 'MB-EM-01000.energy',
      unit: 'kWh',
      registerMax: 1_000_000_000,
      intervalMs: 60_000,
    });
    expect(tree.meterOfPoint('MB-EM-01000.energy')?.id).toBe('MB-EM-01000');
    expect(tree.meterOfPoint('MB-EM-01000.power')).toBeUndefined();
  });

  it('builds the unmetered remainder as the total minus the sub-item heads', () => {
    expect(tree.rollupMeter('330302A002', 'unmetered')?.terms).toEqual([
      { meterId: 'AA-EM-01000', sign: 1 },
      { meterId: 'AA-EM-01A00', sign: -1 },
      { meterId: 'AA-EM-01B00', sign: -1 },
      { meterId: 'AA-EM-01C00', sign: -1 },
      { meterId: 'AA-EM-01D00', sign: -1 },
    ]);
    expect(tree.remainder('MB-WM-02000').terms).toEqual([
      { meterId: 'MB-WM-02000', sign: 1 },
      { meterId: 'MB-WM-CT', sign: -1 },
    ]);
  });
});

describe('roll-ups per building, sub-item and site', () => {
  // Every electricity meter reads 100 kWh except the totals (500) and the main building's four
  // sub-item feeders (1,000 each; its incomer 4,400); water mains 10 m³.
  const totals = (meterId: string): PeriodTotal => {
    if (meterId === 'MB-EM-01000') return complete(4_400);
    if (/^MB-EM-01[A-D]00$/.test(meterId)) return complete(1_000);
    if (meterId.endsWith('-EM-01000')) return complete(500);
    if (meterId.includes('-WM-')) return complete(10);
    return complete(100);
  };

  it('adds heads per sub-item, derives the remainder and the intensities', () => {
    const rollup = siteRollup(tree, 'admin-centre', totals);
    const main = rollup.buildings.find((b) => b.buildingCode === '330302A001');
    const cell = (item: string) => main?.items.find((c) => c.item === item);
    expect(cell('01000')).toMatchObject({ value: 4_400, status: 'complete' });
    expect(cell('01A00')).toMatchObject({ value: 1_000, status: 'complete' });
    expect(cell('unmetered')).toMatchObject({ value: 400, status: 'complete' });
    expect(cell('02000')).toMatchObject({ value: 10, unit: 'm3' });
    expect(cell('01000')?.intensity.perM2).toBeCloseTo(4_400 / 52_000, 12);
    expect(cell('01000')?.intensity.perOccupant).toBeCloseTo(4_400 / 1_900, 12);

    const siteTotal = rollup.items.find((c) => c.item === '01000');
    expect(siteTotal?.value).toBe(4_400 + 4 * 500);
    expect(rollup.floorAreaM2).toBe(52_000 + 12_200 + 11_800 + 6_800 + 7_600);
    expect(siteTotal?.intensity.perM2).toBeCloseTo(6_400 / rollup.floorAreaM2, 12);
  });

  it('keeps a partial meter visible: sums become lower bounds, differences unknown', () => {
    const rollup = siteRollup(tree, 'admin-centre', (meterId) =>
      meterId === 'AA-EM-01B00' ? { value: 40, status: 'partial', coverage: 0.4 } : totals(meterId),
    );
    const annex = rollup.buildings.find((b) => b.buildingCode === '330302A002');
    expect(annex?.items.find((c) => c.item === '01B00')).toMatchObject({ value: 40, status: 'partial' });
    expect(annex?.items.find((c) => c.item === 'unmetered')).toMatchObject({
      value: null,
      status: 'partial',
    });
    expect(rollup.items.find((c) => c.item === '01B00')).toMatchObject({ status: 'partial', coverage: 0.4 });
    expect(rollup.items.find((c) => c.item === '01000')).toMatchObject({ status: 'complete' });
  });
});

describe('virtual meters over intervals', () => {
  it('subtracts children interval by interval and leaves an incomplete difference unknown', () => {
    const grid = (values: (number | null)[]): IntervalConsumption[] =>
      values.map((value, i) => ({
        fromMs: i * 900_000,
        toMs: (i + 1) * 900_000,
        value,
        status: value === null ? 'missing' : 'complete',
        coveredMs: value === null ? 0 : 900_000,
      }));
    const series: Record<string, IntervalConsumption[]> = {
      'MB-WM-02000': grid([10, 12, 9]),
      'MB-WM-CT': grid([4, null, 3]),
    };
    const result = virtualIntervals(tree.remainder('MB-WM-02000'), (id) => series[id]);
    expect(result.map((i) => [i.value, i.status])).toEqual([
      [6, 'complete'],
      [null, 'partial'],
      [6, 'complete'],
    ]);
  });
});

describe('year on year', () => {
  it('compares complete periods only, on the same dates', () => {
    expect(sameDateLastYear('2025-03-10')).toBe('2024-03-10');
    expect(sameDateLastYear('2024-02-29')).toBe('2023-02-28');
    const change = yearOnYear(complete(880), complete(1_000));
    expect(change.changeFraction).toBeCloseTo(-0.12, 12);
    expect(yearOnYear({ value: 500, status: 'partial', coverage: 0.5 }, complete(1_000))).toMatchObject({
      comparable: false,
      changeFraction: null,
    });
  });
});
