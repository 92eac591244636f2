import path from 'node:path';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load/load-config.ts';
import type { SiteModel } from '../../../config/load/model.ts';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import type { ClearInput, ClearOutcome, FireInput, FireOutcome, Incident } from '../../incidents/index.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { createLogger } from '../../runtime/logger.ts';
import type { BaselineProvider } from './energy-baseline.ts';
import { ScheduledRuleError } from './errors.ts';
import { type IncidentRecorder, ScheduledRuleRunner } from './runner.ts';
import type { Sample, SampleSource } from './samples.ts';
import { cst, meterSamples } from './test-meter.ts';

const sampleConfigDir = path.resolve(import.meta.dirname, '../../../config/sample');

/** Meters whose registers follow a profile; a point without one has no data; `failing` ones throw. */
class ProfileSource implements SampleSource {
  readonly profiles = new Map<string, (ms: number) => number>();
  readonly failing = new Set<string>();
  readonly asked: string[] = [];

  async samples(pointId: string, fromMs: number, toMs: number): Promise<readonly Sample[]> {
    this.asked.push(pointId);
    if (this.failing.has(pointId)) throw new ScheduledRuleError('tsdb_http_error', 'answered HTTP 503', 503);
    const profile = this.profiles.get(pointId);
    if (!profile) return [];
    // A register read every minute since long before, so values do not depend on the range asked.
    const origin = cst('2025-01-01T00:00:00');
    const first = origin + Math.ceil((fromMs - origin) / 60_000) * 60_000;
    return meterSamples(first, toMs, profile);
  }
}

/** Records fires and clears by delivery key, as the incident store does (opened, duplicate, …). */
class FakeIncidents implements IncidentRecorder {
  readonly fires: FireInput[] = [];
  readonly clears: ClearInput[] = [];
  readonly #keys = new Set<string>();
  readonly #open = new Set<string>();

  async recordFire(input: FireInput): Promise<{ incident: Incident; outcome: FireOutcome }> {
    const key = `fire:${input.ruleId}:${input.equipmentId}:${input.at.toISOString()}`;
    const pair = `${input.ruleId}|${input.equipmentId}`;
    let outcome: FireOutcome = 'duplicate';
    if (!this.#keys.has(key)) {
      this.#keys.add(key);
      this.fires.push(input);
      outcome = this.#open.has(pair) ? 'refired' : 'opened';
      this.#open.add(pair);
    }
    return { incident: {} as Incident, outcome };
  }

  async recordClear(input: ClearInput): Promise<{ incident: Incident | null; outcome: ClearOutcome }> {
    const pair = `${input.ruleId}|${input.equipmentId}`;
    if (!this.#open.delete(pair)) return { incident: null, outcome: 'no_open_incident' };
    this.clears.push(input);
    return { incident: {} as Incident, outcome: 'cleared' };
  }
}

describe('ScheduledRuleRunner.evaluateNow (no Redis: fake store and incidents)', () => {
  let model: SiteModel;
  const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
  const calendar = new ChineseWorkingCalendar();

  beforeAll(() => {
    model = loadConfig(sampleConfigDir);
  });

  const makeRunner = (options: { baselines?: BaselineProvider; now: number }) => {
    const samples = new ProfileSource();
    const incidents = new FakeIncidents();
    const metrics = new Registry();
    const runner = new ScheduledRuleRunner({
      model,
      site: 'admin-centre',
      connection: 'redis://127.0.0.1:1', // never used: evaluateNow needs no queue
      prefix: 'unit',
      incidents,
      clock: new ManualClock(options.now),
      logger,
      calendar,
      tsdbUrl: 'http://127.0.0.1:1',
      samples,
      metrics,
      ...(options.baselines ? { baselines: options.baselines } : {}),
    });
    return { runner, samples, incidents, metrics };
  };

  it('indexes the enabled scheduled rules with the equipment of the site', () => {
    const { runner } = makeRunner({ now: cst('2025-10-02T01:10:00') });
    expect([...runner.rules.keys()]).toEqual([
      'after-hours-lighting',
      'meter-data-gap',
      'daily-energy-above-baseline',
    ]);
    expect(runner.rules.get('meter-data-gap')).toEqual([
      'MB-EM-01000',
      'AA-EM-01000',
      'AB-EM-01000',
      'OB1-EM-01000',
      'OB2-EM-01000',
    ]);
  });

  it('fires once for lights left on through National Day, with a rendered title and evidence', async () => {
    const { runner, samples, incidents } = makeRunner({ now: cst('2025-10-02T01:10:00') });
    samples.profiles.set('OB1-EM-01A00.energy', () => 0.02); // 28.8 kWh over the holiday
    samples.profiles.set('OB2-EM-01A00.energy', () => 0.005); // 7.2 kWh

    const outcomes = await runner.evaluateNow('after-hours-lighting');
    expect(outcomes).toHaveLength(28);
    const lit = outcomes.find((outcome) => outcome.equipmentId === 'OB1-EM-01A00');
    expect(lit).toMatchObject({
      verdict: 'fire',
      recorded: 'opened',
      at: new Date(cst('2025-10-02T00:00:00')),
    });
    expect(outcomes.find((outcome) => outcome.equipmentId === 'OB2-EM-01A00')).toMatchObject({
      verdict: 'clear',
      recorded: 'no_open_incident',
    });
    expect(outcomes.filter((outcome) => outcome.verdict === 'no_data')).toHaveLength(26);

    expect(incidents.fires).toHaveLength(1);
    const [fire] = incidents.fires;
    expect(fire).toMatchObject({
      ruleId: 'after-hours-lighting',
      ruleVersion: 1,
      equipmentId: 'OB1-EM-01A00',
      buildingCode: '330302A004',
      category: 'energy_management',
      severity: 'warning',
      title: {
        'zh-CN': '院外一号楼照明插座用电 下班后照明未关',
        en: 'Outside building 1 lighting and sockets lighting left on after hours',
      },
      evidence: {
        ruleId: 'after-hours-lighting',
        ruleVersion: 1,
        check: 'after_hours_consumption',
        pointId: 'OB1-EM-01A00.energy',
        span: { date: '2025-10-01', dayKind: 'holiday', kind: 'rest_day' },
        energyKwh: 28.8,
        limitKwh: 20,
      },
    });
    expect(fire?.value).toBeCloseTo(28.8, 6);

    // The same window again (a redelivered job, a second process): the same `at`, a duplicate.
    const again = await runner.evaluateNow('after-hours-lighting');
    expect(again.find((outcome) => outcome.equipmentId === 'OB1-EM-01A00')?.recorded).toBe('duplicate');
    expect(incidents.fires).toHaveLength(1);
  });

  it('keeps evaluating the other meters when one query fails, and says which failed', async () => {
    const { runner, samples, metrics } = makeRunner({ now: cst('2025-10-02T01:10:00') });
    samples.profiles.set('OB1-EM-01000.energy', () => 1);
    samples.failing.add('AA-EM-01000.energy');
    const outcomes = await runner.evaluateNow('meter-data-gap');
    expect(outcomes.find((outcome) => outcome.equipmentId === 'AA-EM-01000')).toMatchObject({
      verdict: 'failed',
      error: { code: 'tsdb_http_error' },
    });
    expect(outcomes.find((outcome) => outcome.equipmentId === 'OB1-EM-01000')).toMatchObject({
      verdict: 'clear',
      at: new Date(cst('2025-10-02T00:00:00')),
    });
    // Meters without any data in the window are a gap.
    expect(outcomes.find((outcome) => outcome.equipmentId === 'MB-EM-01000')).toMatchObject({
      verdict: 'fire',
    });
    const errors = await metrics.getSingleMetric('steward_scheduled_rule_errors_total')?.get();
    expect(errors?.values).toContainEqual(
      expect.objectContaining({ value: 1, labels: { rule: 'meter-data-gap', code: 'tsdb_http_error' } }),
    );
  });

  it('reports no_baseline without a provider, without querying the store, and counts it', async () => {
    const { runner, samples, incidents, metrics } = makeRunner({ now: cst('2025-10-16T00:10:00') });
    samples.profiles.set('OB1-EM-01000.energy', () => 5);
    const outcomes = await runner.evaluateNow('daily-energy-above-baseline');
    expect(outcomes.map((outcome) => outcome.verdict)).toEqual(Array(5).fill('no_baseline'));
    expect(samples.asked).toEqual([]);
    expect(incidents.fires).toEqual([]);
    const evaluations = await metrics.getSingleMetric('steward_scheduled_rule_evaluations_total')?.get();
    expect(evaluations?.values).toContainEqual(
      expect.objectContaining({
        value: 5,
        labels: { rule: 'daily-energy-above-baseline', verdict: 'no_baseline' },
      }),
    );
  });

  it('fires on yesterday above the baseline when a provider has one', async () => {
    const baselines: BaselineProvider = {
      expectedKwh: async (pointId, isoDate) =>
        pointId === 'OB1-EM-01000.energy' && isoDate === '2025-10-15' ? 6_000 : undefined,
    };
    const { runner, samples, incidents } = makeRunner({ now: cst('2025-10-16T00:10:00'), baselines });
    samples.profiles.set('OB1-EM-01000.energy', () => 5); // 7,200 kWh > 6,000 × 1.15
    const outcomes = await runner.evaluateNow('daily-energy-above-baseline');
    expect(outcomes.find((outcome) => outcome.equipmentId === 'OB1-EM-01000')).toMatchObject({
      verdict: 'fire',
      recorded: 'opened',
      at: new Date(cst('2025-10-16T00:00:00')),
    });
    expect(incidents.fires[0]?.title.en).toBe('Outside Office Building 1 daily energy above baseline');
  });

  it('refuses a rule it does not run', async () => {
    const { runner } = makeRunner({ now: cst('2025-10-02T01:10:00') });
    await expect(runner.evaluateNow('lift-fault')).rejects.toMatchObject({ code: 'unknown_rule' });
  });
});
