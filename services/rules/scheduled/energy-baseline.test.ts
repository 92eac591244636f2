import { describe, expect, it } from 'vitest';
import { type BaselineProvider, evaluateEnergyAboveBaseline, noBaselines } from './energy-baseline.ts';
import { cst, meterSamples } from './test-meter.ts';

const day = { date: '2025-10-15', fromMs: cst('2025-10-15T00:00:00'), toMs: cst('2025-10-16T00:00:00') };
const MARGIN = 0.15;

/** A baseline provider answering from a table, as the energy issue's will from its models. */
class TableBaselines implements BaselineProvider {
  readonly asked: string[] = [];
  readonly #table: Readonly<Record<string, number>>;

  constructor(table: Readonly<Record<string, number>>) {
    this.#table = table;
  }

  async expectedKwh(pointId: string, isoDate: string): Promise<number | undefined> {
    this.asked.push(`${pointId}@${isoDate}`);
    return this.#table[isoDate];
  }
}

const dayAt = (kwhPerMinute: number) =>
  meterSamples(day.fromMs - 15 * 60_000, day.toMs + 15 * 60_000, (ms) =>
    ms >= day.fromMs && ms < day.toMs ? kwhPerMinute : 0,
  );

describe('energy_above_baseline', () => {
  it('reports no_baseline without a provider, never a made-up result', async () => {
    const expectedKwh = await noBaselines.expectedKwh('OB1-EM-01000.energy', day.date);
    const result = evaluateEnergyAboveBaseline({
      samples: dayAt(1),
      day,
      expectedKwh,
      margin: MARGIN,
      maxSampleGapMs: 300_000,
    });
    expect(result.verdict).toBe('no_baseline');
    expect(result.value).toBeUndefined();
  });

  it('fires above expected × (1 + margin) and clears within it', async () => {
    const baselines = new TableBaselines({ '2025-10-15': 1_200 });
    const expectedKwh = await baselines.expectedKwh('OB1-EM-01000.energy', day.date);
    expect(baselines.asked).toEqual(['OB1-EM-01000.energy@2025-10-15']);
    // 1,440 kWh used; the threshold is 1,200 × 1.15 = 1,380.
    const above = evaluateEnergyAboveBaseline({
      samples: dayAt(1),
      day,
      expectedKwh,
      margin: MARGIN,
      maxSampleGapMs: 300_000,
    });
    expect(above).toMatchObject({ verdict: 'fire', at: day.toMs });
    expect(above.value).toBeCloseTo(1_440, 6);
    expect(above.facts).toMatchObject({
      expectedKwh: 1_200,
      thresholdKwh: 1_380,
      energyKwh: 1_440,
      complete: true,
    });
    // 1,368 kWh: above the baseline, within the margin.
    const within = evaluateEnergyAboveBaseline({
      samples: dayAt(0.95),
      day,
      expectedKwh,
      margin: MARGIN,
      maxSampleGapMs: 300_000,
    });
    expect(within).toMatchObject({ verdict: 'clear', at: day.toMs });
  });

  it('waits for a complete day before clearing', () => {
    const half = dayAt(0.5).filter((sample) => sample.ts >= cst('2025-10-15T12:00:00'));
    const result = evaluateEnergyAboveBaseline({
      samples: half,
      day,
      expectedKwh: 1_200,
      margin: MARGIN,
      maxSampleGapMs: 300_000,
    });
    expect(result.verdict).toBe('incomplete');
  });
});
