import type { ResolvedEquipment, SiteModel } from '../../../config/load/model.ts';
import type { SiteDay } from '../consumption/grid.ts';
import type { RegisterSample } from '../consumption/register.ts';
import { EnergyError } from '../errors.ts';

const HOUR_MS = 3_600_000;

/**
 * Hours of a day that need at least one good reading for its mean to count. CalTRACK averages
 * hourly temperatures; how many hours may be missing is our choice: 90 % of them, the same share
 * the baseline asks of days.
 */
export const MIN_HOUR_SHARE = 0.9;

export interface DailyTemperature {
  readonly date: string;
  /** Mean of the hourly means, °C; null when too few hours have a reading. */
  readonly meanC: number | null;
  readonly hoursCovered: number;
  readonly hours: number;
}

/**
 * Daily mean outdoor temperature from a weather station's readings: each local hour's readings
 * averaged, then the hours averaged, so an hour reported every minute weighs no more than one
 * reported once. Uncertain readings are left out. `days` must be in order.
 */
export function dailyMeanTemperatures(
  samples: readonly RegisterSample[],
  days: readonly SiteDay[],
): DailyTemperature[] {
  const result: DailyTemperature[] = [];
  let s = 0;
  for (const day of days) {
    const hours = Math.round((day.toMs - day.fromMs) / HOUR_MS);
    const sums = new Float64Array(hours);
    const counts = new Uint32Array(hours);
    while (s < samples.length && (samples[s] as RegisterSample).ts < day.fromMs) s++;
    for (let k = s; k < samples.length; k++) {
      const sample = samples[k] as RegisterSample;
      if (sample.ts >= day.toMs) break;
      if (sample.uncertain || !Number.isFinite(sample.value)) continue;
      const hour = Math.min(hours - 1, Math.floor((sample.ts - day.fromMs) / HOUR_MS));
      sums[hour] = (sums[hour] as number) + sample.value;
      counts[hour] = (counts[hour] as number) + 1;
    }
    let covered = 0;
    let total = 0;
    for (let h = 0; h < hours; h++) {
      const count = counts[h] as number;
      if (count === 0) continue;
      covered++;
      total += (sums[h] as number) / count;
    }
    result.push({
      date: day.date,
      meanC: covered >= Math.ceil(MIN_HOUR_SHARE * hours) ? total / covered : null,
      hoursCovered: covered,
      hours,
    });
  }
  return result;
}

/** The outdoor-temperature point of a site's weather station: one in the building if there is, else the site's first. */
export function outdoorTemperaturePoint(model: SiteModel, siteId: string, buildingCode?: string): string {
  const stations = [...model.equipment.values()].filter(
    (equipment: ResolvedEquipment) =>
      equipment.siteId === siteId &&
      equipment.class === 'weather_station' &&
      equipment.points.some((point) => point.quantity === 'temperature'),
  );
  const station = stations.find((equipment) => equipment.buildingCode === buildingCode) ?? stations[0];
  const point = station?.points.find((candidate) => candidate.quantity === 'temperature');
  if (!point)
    throw new EnergyError(
      'no_weather_station',
      `site ${siteId} has no weather station with an outdoor temperature`,
    );
  return point.id;
}
