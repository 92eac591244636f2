import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { BuildingModel, type BuildingModelOptions } from './building-model.ts';
import { FaultError } from './faults.ts';

const sample = loadConfig(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'sample'),
);
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Local (Asia/Shanghai) wall-clock time of the sample site. */
const at = (local: string) => Date.parse(`${local}+08:00`);

const build = (startMs: number, options: Partial<BuildingModelOptions> = {}) =>
  new BuildingModel({ model: sample, seed: 7, startMs, ...options });

const num = (model: BuildingModel, id: string, key: string): number => {
  const value = model.values(id)?.[key];
  if (typeof value !== 'number') throw new Error(`${id}.${key} is ${String(value)}, not a number`);
  return value;
};

const electricityMeters = [...sample.equipment.values()].filter((e) => e.class === 'electricity_meter');

describe('building model: occupancy and calendar', () => {
  it('has more people in on a working-day morning than at 3 am or on a Sunday morning', () => {
    const wednesday10 = build(at('2026-03-11T10:00:00'));
    const wednesday03 = build(at('2026-03-11T03:00:00'));
    const sunday10 = build(at('2026-03-15T10:00:00'));
    for (const building of sample.buildings.keys()) {
      const working = wednesday10.occupancy(building) ?? 0;
      expect(working).toBeGreaterThan(0.7);
      expect(working).toBeGreaterThan(5 * (wednesday03.occupancy(building) ?? 1));
      expect(working).toBeGreaterThan(5 * (sunday10.occupancy(building) ?? 1));
    }
  });

  it('follows the injected working calendar (a 调休 Saturday is worked, a holiday Monday is not)', () => {
    const calendar = (isoDate: string) =>
      isoDate === '2026-03-14' || !['2026-03-16', '2026-03-15'].includes(isoDate);
    const saturday = build(at('2026-03-14T10:00:00'), { isWorkingDay: calendar });
    const holidayMonday = build(at('2026-03-16T10:00:00'), { isWorkingDay: calendar });
    expect(saturday.occupancy('330302A001')).toBeGreaterThan(0.7);
    expect(holidayMonday.occupancy('330302A001')).toBeLessThan(0.1);
  });
});

describe('building model: meters', () => {
  it('publishes cumulative kWh that never decreases and equals the integral of the reported kW', () => {
    const start = at('2026-07-15T00:00:00');
    const model = build(start);
    const first = new Map(electricityMeters.map((m) => [m.id, num(model, m.id, 'energy')]));
    const integral = new Map(electricityMeters.map((m) => [m.id, 0]));
    const previous = new Map(first);
    for (let t = start + MINUTE; t <= start + 24 * HOUR; t += MINUTE) {
      model.advanceTo(t);
      for (const meter of electricityMeters) {
        const energy = num(model, meter.id, 'energy');
        expect(energy).toBeGreaterThanOrEqual(previous.get(meter.id) ?? 0);
        previous.set(meter.id, energy);
        // Reported power is the mean over the step that just ended.
        integral.set(meter.id, (integral.get(meter.id) ?? 0) + num(model, meter.id, 'power') / 60);
      }
    }
    for (const meter of electricityMeters) {
      const consumed = (previous.get(meter.id) ?? 0) - (first.get(meter.id) ?? 0);
      const integrated = integral.get(meter.id) ?? 0;
      // Rounding to 0.01 kW and 0.001 kWh is the only difference.
      expect(Math.abs(consumed - integrated)).toBeLessThan(0.002 * integrated + 0.1);
    }
    // A government office of 52,000 m² uses a few MWh on a hot working day, not kWh and not GWh.
    const day = (previous.get('MB-EM-01000') ?? 0) - (first.get('MB-EM-01000') ?? 0);
    expect(day).toBeGreaterThan(8_000);
    expect(day).toBeLessThan(60_000);
  });

  it('makes each parent meter read the sum of its children plus a little for losses', () => {
    const model = build(at('2026-07-15T10:30:00'));
    for (const parent of electricityMeters) {
      const children = electricityMeters.filter((m) => m.parent === parent.id);
      if (children.length === 0) continue;
      const sum = children.reduce((s, child) => s + num(model, child.id, 'power'), 0);
      const power = num(model, parent.id, 'power');
      expect(power, parent.id).toBeGreaterThanOrEqual(sum);
      expect(power, parent.id).toBeLessThanOrEqual(sum * 1.02 + 1);
    }
  });

  it('follows occupancy and weather: lighting by day, chillers in summer, data centre around the clock', () => {
    const noon = build(at('2026-07-15T10:30:00'));
    const night = build(at('2026-07-15T03:00:00'));
    const winter = build(at('2026-01-14T10:30:00'));
    expect(num(noon, 'MB-EM-01A00-F10', 'power')).toBeGreaterThan(3 * num(night, 'MB-EM-01A00-F10', 'power'));
    expect(num(noon, 'MB-EM-01B00-CH01', 'power') + num(noon, 'MB-EM-01B00-CH02', 'power')).toBeGreaterThan(
      200,
    );
    expect(num(winter, 'MB-EM-01B00-CH01', 'power') + num(winter, 'MB-EM-01B00-CH02', 'power')).toBeLessThan(
      5,
    );
    expect(num(night, 'MB-EM-01D00-DC', 'power')).toBeGreaterThan(80);
    expect(noon.values('MB-CH-01')?.running || noon.values('MB-CH-02')?.running).toBe(true);
  });

  it('keeps water meters cumulative, with make-up water only while the towers reject heat', () => {
    const start = at('2026-07-15T06:00:00');
    const model = build(start);
    let volume = num(model, 'MB-WM-02000', 'volume');
    const makeUpNight = num(model, 'MB-WM-CT', 'flow');
    for (let t = start + 5 * MINUTE; t <= start + 6 * HOUR; t += 5 * MINUTE) {
      model.advanceTo(t);
      expect(num(model, 'MB-WM-02000', 'volume')).toBeGreaterThanOrEqual(volume);
      volume = num(model, 'MB-WM-02000', 'volume');
      expect(num(model, 'MB-WM-02000', 'flow')).toBeGreaterThanOrEqual(num(model, 'MB-WM-CT', 'flow'));
    }
    expect(makeUpNight).toBeLessThan(0.05);
    expect(num(model, 'MB-WM-CT', 'flow')).toBeGreaterThan(1);
  });

  it('continues saved registers instead of starting them again', () => {
    const first = build(at('2026-05-06T09:00:00'));
    first.advanceTo(at('2026-05-06T12:00:00'));
    const saved = first.registers();
    const restarted = build(at('2026-05-06T12:30:00'), { registers: saved });
    for (const meter of electricityMeters) {
      expect(num(restarted, meter.id, 'energy')).toBeGreaterThanOrEqual(
        saved.energyKwh[meter.id] ?? Infinity,
      );
    }
    expect(num(restarted, 'MB-LIFT-01', 'trips')).toBeGreaterThanOrEqual(
      saved.trips['MB-LIFT-01'] ?? Infinity,
    );
  });
});

describe('building model: every value inside its limits', () => {
  it.each([
    ['winter working days and a weekend', '2026-01-16T00:00:00'],
    ['spring', '2026-04-10T00:00:00'],
    ['summer heat', '2026-07-24T00:00:00'],
    ['autumn', '2026-10-16T00:00:00'],
  ])('%s', (_season, startLocal) => {
    const start = at(startLocal);
    const model = build(start);
    let filterDpMax = 0;
    for (let t = start; t <= start + 72 * HOUR; t += 10 * MINUTE) {
      model.advanceTo(t);
      for (const item of sample.equipment.values()) {
        const values = model.values(item.id);
        for (const point of item.points) {
          const value = values?.[point.key];
          if (point.kind === 'binary') {
            expect(typeof value, point.id).toBe('boolean');
            continue;
          }
          expect(typeof value, point.id).toBe('number');
          const n = value as number;
          if (n < point.limits.min || n > point.limits.max) {
            throw new Error(
              `${point.id} = ${n} ${point.unit} outside ${point.limits.min}..${point.limits.max}`,
            );
          }
          if (point.key === 'filter_dp') filterDpMax = Math.max(filterDpMax, n);
        }
      }
    }
    // The AHU filter declares Pa: values are in the declared unit, not the canonical kPa.
    expect(filterDpMax).toBeGreaterThan(50);
  });
});

describe('building model: lifts, doors and intrusion detectors', () => {
  it('moves lifts between their served floors, counting trips, with doors shut while moving', () => {
    const start = at('2026-03-11T08:00:00');
    const model = build(start, { maxStepMs: 1_000 });
    const trips = num(model, 'MB-LIFT-03', 'trips');
    const floors = new Set<number>();
    for (let t = start + 1_000; t <= start + HOUR; t += 1_000) {
      model.advanceTo(t);
      const lift = model.values('MB-LIFT-03');
      floors.add(lift?.floor as number);
      if (lift?.direction !== 0) expect(lift?.door_state).toBe(0);
      expect(lift?.floor).not.toBe(0);
    }
    expect(num(model, 'MB-LIFT-03', 'trips')).toBeGreaterThan(trips + 10);
    expect(floors.size).toBeGreaterThan(5);
    expect(Math.min(...floors)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...floors)).toBeLessThanOrEqual(20);
  });

  it('reports door openings as timestamped events, and intrusion only after hours', () => {
    const workday = build(at('2026-03-11T08:00:00'));
    workday.advanceTo(at('2026-03-11T09:00:00'));
    const events = workday.drainEvents();
    const entrance = events.filter((e) => e.equipmentId === 'MB-DOOR-01' && e.key === 'open');
    expect(entrance.length).toBeGreaterThan(20);
    expect(entrance.filter((e) => e.value === true).length).toBeGreaterThan(10);
    for (let i = 1; i < entrance.length; i++) {
      expect(entrance[i]?.ts).toBeGreaterThanOrEqual(entrance[i - 1]?.ts ?? 0);
      expect(entrance[i]?.value).not.toBe(entrance[i - 1]?.value);
    }
    expect(events.some((e) => e.key === 'motion')).toBe(false);

    const night = build(at('2026-03-14T20:00:00'));
    night.advanceTo(at('2026-03-15T06:00:00'));
    expect(night.drainEvents().filter((e) => e.key === 'motion' && e.value === true).length).toBeGreaterThan(
      0,
    );
  });
});

describe('building model: faults', () => {
  const summerMorning = at('2026-07-15T10:00:00');

  it('meter_offline marks the device offline until cleared', () => {
    const model = build(summerMorning);
    const fault = model.injectFault({ kind: 'meter_offline', equipmentId: 'MB-EM-01A00-F03' });
    expect(model.isOnline('MB-EM-01A00-F03')).toBe(false);
    expect(model.isOnline('MB-EM-01A00-F04')).toBe(true);
    expect(model.listFaults()).toEqual([fault]);
    model.clearFault(fault.id);
    expect(model.isOnline('MB-EM-01A00-F03')).toBe(true);
    expect(model.listFaults()).toEqual([]);
  });

  it('ahu_supply_drift raises supply air temperature by the drift over its duration, valve wide open', () => {
    const faulty = build(summerMorning);
    const healthy = build(summerMorning);
    faulty.injectFault({ kind: 'ahu_supply_drift', equipmentId: 'MB-AHU-02', driftK: 6, overMinutes: 30 });
    faulty.advanceTo(summerMorning + 15 * MINUTE);
    healthy.advanceTo(summerMorning + 15 * MINUTE);
    const halfway =
      num(faulty, 'MB-AHU-02', 'supply_air_temp') - num(healthy, 'MB-AHU-02', 'supply_air_temp');
    faulty.advanceTo(summerMorning + 60 * MINUTE);
    healthy.advanceTo(summerMorning + 60 * MINUTE);
    const setpoint = num(healthy, 'MB-AHU-02', 'supply_air_setpoint');
    expect(Math.abs(num(healthy, 'MB-AHU-02', 'supply_air_temp') - setpoint)).toBeLessThan(1.5);
    expect(num(faulty, 'MB-AHU-02', 'supply_air_temp')).toBeGreaterThan(setpoint + 5);
    expect(halfway).toBeGreaterThan(1.5);
    expect(halfway).toBeLessThan(4.5);
    expect(num(faulty, 'MB-AHU-02', 'chw_valve')).toBe(100);
    expect(num(faulty, 'MB-AHU-01', 'supply_air_temp')).toBeLessThan(setpoint + 1.5);
  });

  it('chiller_trip stops the chiller with a fault code, its meter drops and its chilled water warms', () => {
    const model = build(summerMorning);
    const running = ['MB-CH-01', 'MB-CH-02'].find((id) => model.values(id)?.running === true) ?? '';
    expect(running).not.toBe('');
    const meter = running === 'MB-CH-01' ? 'MB-EM-01B00-CH01' : 'MB-EM-01B00-CH02';
    const before = num(model, running, 'chw_supply_temp');
    model.injectFault({ kind: 'chiller_trip', equipmentId: running });
    model.advanceTo(summerMorning + 30 * MINUTE);
    expect(model.values(running)).toMatchObject({ running: false, power: 0, load: 0, fault_code: 3 });
    expect(num(model, meter, 'power')).toBeLessThan(1);
    expect(num(model, running, 'chw_supply_temp')).toBeGreaterThan(before + 4);
  });

  it('lift_trapped_passenger stops the car between floors with the doors shut until released', () => {
    const model = build(summerMorning, { maxStepMs: 1_000 });
    const fault = model.injectFault({ kind: 'lift_trapped_passenger', equipmentId: 'MB-LIFT-01' });
    const floor = model.values('MB-LIFT-01')?.floor;
    const trips = model.values('MB-LIFT-01')?.trips;
    model.advanceTo(summerMorning + 20 * MINUTE);
    expect(model.values('MB-LIFT-01')).toMatchObject({
      trapped_passenger: true,
      running_state: 3,
      door_state: 0,
      direction: 0,
      fault_code: 5,
      floor,
      trips,
    });
    model.clearFault(fault.id);
    model.advanceTo(summerMorning + 21 * MINUTE);
    expect(model.values('MB-LIFT-01')).toMatchObject({
      trapped_passenger: false,
      running_state: 1,
      fault_code: 0,
    });
  });

  it('door_forced_open opens the door with forced_open set, as events, without an access cycle', () => {
    const model = build(at('2026-07-15T02:00:00'));
    model.drainEvents();
    const fault = model.injectFault({ kind: 'door_forced_open', equipmentId: 'MB-DOOR-08' });
    const now = model.nowMs;
    expect(model.drainEvents()).toEqual([
      { equipmentId: 'MB-DOOR-08', key: 'open', value: true, ts: now },
      { equipmentId: 'MB-DOOR-08', key: 'forced_open', value: true, ts: now },
    ]);
    model.advanceTo(now + 10 * MINUTE);
    expect(model.values('MB-DOOR-08')).toMatchObject({ open: true, forced_open: true });
    expect(model.drainEvents().filter((e) => e.equipmentId === 'MB-DOOR-08')).toEqual([]);
    model.clearFault(fault.id);
    expect(model.values('MB-DOOR-08')).toMatchObject({ open: false, forced_open: false });
  });

  it('lighting_after_hours keeps a lighting meter, and the meters above it, at daytime load at night', () => {
    const night = at('2026-07-15T23:30:00');
    const faulty = build(night);
    const healthy = build(night);
    faulty.injectFault({ kind: 'lighting_after_hours', equipmentId: 'MB-EM-01A00-F10' });
    faulty.advanceTo(night + 10 * MINUTE);
    healthy.advanceTo(night + 10 * MINUTE);
    const extra = num(faulty, 'MB-EM-01A00-F10', 'power') - num(healthy, 'MB-EM-01A00-F10', 'power');
    expect(num(faulty, 'MB-EM-01A00-F10', 'power')).toBeGreaterThan(
      3 * num(healthy, 'MB-EM-01A00-F10', 'power'),
    );
    expect(num(faulty, 'MB-EM-01A00', 'power') - num(healthy, 'MB-EM-01A00', 'power')).toBeGreaterThan(
      0.8 * extra,
    );
    expect(num(faulty, 'MB-EM-01A00-F11', 'power')).toBeCloseTo(num(healthy, 'MB-EM-01A00-F11', 'power'), 0);
  });

  it('refuses unknown equipment, faults that do not apply, duplicates and out-of-range codes, with codes', () => {
    const model = build(summerMorning);
    const codeOf = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        return error instanceof FaultError ? error.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => model.injectFault({ kind: 'chiller_trip', equipmentId: 'NO-SUCH' }))).toBe(
      'unknown_equipment',
    );
    expect(codeOf(() => model.injectFault({ kind: 'chiller_trip', equipmentId: 'MB-AHU-01' }))).toBe(
      'fault_not_applicable',
    );
    expect(
      codeOf(() => model.injectFault({ kind: 'lighting_after_hours', equipmentId: 'MB-EM-01D00-DC' })),
    ).toBe('fault_not_applicable');
    expect(codeOf(() => model.injectFault({ kind: 'meter_offline', equipmentId: 'MB-LIFT-01' }))).toBe(
      'fault_not_applicable',
    );
    expect(
      codeOf(() =>
        model.injectFault({ kind: 'lift_trapped_passenger', equipmentId: 'MB-LIFT-01', faultCode: 9 }),
      ),
    ).toBe('invalid_fault_parameter');
    model.injectFault({ kind: 'door_forced_open', equipmentId: 'MB-DOOR-01' });
    expect(codeOf(() => model.injectFault({ kind: 'door_forced_open', equipmentId: 'MB-DOOR-01' }))).toBe(
      'fault_already_active',
    );
    expect(model.clearFault('fault-404')).toBeUndefined();
  });
});

describe('building model: determinism', () => {
  const snapshot = (model: BuildingModel) =>
    JSON.stringify([...sample.equipment.keys()].map((id) => [id, model.values(id)]));

  it('gives the same building for the same seed and clock, and another for another seed', () => {
    const start = at('2026-09-08T07:00:00');
    const a = build(start);
    const b = build(start);
    const c = build(start, { seed: 8 });
    for (let t = start; t <= start + 4 * HOUR; t += 7 * MINUTE) {
      a.advanceTo(t);
      b.advanceTo(t);
      c.advanceTo(t);
    }
    expect(snapshot(a)).toBe(snapshot(b));
    expect(JSON.stringify(a.drainEvents())).toBe(JSON.stringify(b.drainEvents()));
    expect(snapshot(c)).not.toBe(snapshot(a));
  });
});
