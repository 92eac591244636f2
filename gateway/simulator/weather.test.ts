import { describe, expect, it } from 'vitest';
import { occupancyShare } from './occupancy.ts';
import { SiteTime } from './site-time.ts';
import { sunElevationDeg, weatherAt } from './weather.ts';

const site = { latitude: 28.02, longitude: 120.67 };
const time = new SiteTime('Asia/Shanghai');
const at = (local: string) => Date.parse(`${local}+08:00`);
const weather = (local: string, seed = 1) => weatherAt(at(local), time.at(at(local)), site, seed);

describe('site time', () => {
  it('reads the wall clock in the site time zone, with ISO weekdays and Monday-to-Friday working days', () => {
    const local = time.at(at('2026-03-15T07:30:00'));
    expect(local).toMatchObject({
      isoDate: '2026-03-15',
      hour: 7.5,
      weekday: 7,
      workingDay: false,
      dayOfYear: 74,
    });
    expect(time.at(Date.parse('2026-03-15T23:00:00Z'))).toMatchObject({
      isoDate: '2026-03-16',
      hour: 7,
      workingDay: true,
    });
  });
});

describe('weather', () => {
  it('is hot and humid in July, mild in January, warmest in the afternoon', () => {
    const july = weather('2026-07-20T14:30:00');
    const january = weather('2026-01-20T14:30:00');
    expect(july.temperatureC).toBeGreaterThan(january.temperatureC + 12);
    expect(july.temperatureC).toBeGreaterThan(weather('2026-07-20T05:00:00').temperatureC);
    expect(july.wetBulbC).toBeLessThan(july.temperatureC);
    for (const w of [july, january]) {
      expect(w.humidityPct).toBeGreaterThan(20);
      expect(w.humidityPct).toBeLessThanOrEqual(100);
    }
  });

  it('has sun by day and none at night, highest near solar noon', () => {
    expect(weather('2026-06-21T02:00:00').solarWm2).toBe(0);
    expect(sunElevationDeg(at('2026-06-21T11:55:00'), site)).toBeGreaterThan(80);
    expect(sunElevationDeg(at('2026-12-21T11:55:00'), site)).toBeLessThan(40);
  });

  it('is a pure function of time and seed', () => {
    expect(weather('2026-05-01T10:00:00', 5)).toEqual(weather('2026-05-01T10:00:00', 5));
    expect(weather('2026-05-01T10:00:00', 5).temperatureC).not.toBe(
      weather('2026-05-01T10:00:00', 6).temperatureC,
    );
  });
});

describe('occupancy', () => {
  it('peaks in working hours, dips over the lunch break, and stays low on rest days', () => {
    const share = (local: string) => occupancyShare(time.at(at(local)), 1, 42);
    expect(share('2026-03-11T10:00:00')).toBeGreaterThan(0.8);
    expect(share('2026-03-11T12:45:00')).toBeLessThan(share('2026-03-11T10:00:00'));
    expect(share('2026-03-11T03:00:00')).toBeLessThan(0.05);
    expect(share('2026-03-15T10:00:00')).toBeLessThan(0.1);
  });
});
