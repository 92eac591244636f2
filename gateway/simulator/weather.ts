import { clamp, valueNoise } from './random.ts';
import type { LocalTime } from './site-time.ts';

/**
 * Outdoor conditions on the Zhejiang coast (normals close to Wenzhou's): hot humid summers with
 * the plum-rain peak of humidity in June, mild damp winters. Weather is a pure function of time
 * and seed, so the value at an instant does not depend on how the simulation was stepped.
 */
export interface Weather {
  readonly temperatureC: number;
  /** Mean of the current day, which decides the HVAC season mode. */
  readonly dailyMeanC: number;
  readonly humidityPct: number;
  readonly windMs: number;
  readonly solarWm2: number;
  /** Sun elevation above the horizon in degrees (negative at night). */
  readonly sunElevationDeg: number;
  readonly cloudCover: number;
  readonly wetBulbC: number;
}

export interface SiteLocation {
  readonly latitude: number;
  readonly longitude: number;
}

// Monthly normals, January first: mean air temperature (°C) and relative humidity (%).
const MONTHLY_MEAN_C = [8.3, 9.3, 12.3, 17.2, 21.7, 25.2, 28.7, 28.4, 25.6, 21.2, 16.1, 10.6];
const MONTHLY_RH = [73, 77, 80, 81, 82, 86, 81, 80, 78, 72, 72, 70];
const HOUR_MS = 3_600_000;

/** Cosine interpolation between mid-month normals, wrapping round the year. */
function seasonal(normals: readonly number[], dayOfYear: number): number {
  const monthPosition = ((dayOfYear - 15.5) / 365.25) * 12;
  const index = Math.floor(monthPosition);
  const fraction = monthPosition - index;
  const a = normals[(index + 12) % 12] ?? 0;
  const b = normals[(index + 13) % 12] ?? 0;
  return a + ((b - a) * (1 - Math.cos(Math.PI * fraction))) / 2;
}

/** Solar elevation from declination and hour angle (accurate to about a degree: enough here). */
export function sunElevationDeg(ms: number, location: SiteLocation): number {
  const date = new Date(ms);
  const dayOfYear = Math.floor((ms - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const declination = 23.44 * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const b = (2 * Math.PI * (dayOfYear - 81)) / 364;
  const equationOfTimeMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
  const utcHours = date.getUTCHours() + date.getUTCMinutes() / 60 + date.getUTCSeconds() / 3600;
  const solarHours = utcHours + location.longitude / 15 + equationOfTimeMin / 60;
  const hourAngle = 15 * (solarHours - 12);
  const rad = Math.PI / 180;
  const sinElevation =
    Math.sin(location.latitude * rad) * Math.sin(declination * rad) +
    Math.cos(location.latitude * rad) * Math.cos(declination * rad) * Math.cos(hourAngle * rad);
  return Math.asin(clamp(sinElevation, -1, 1)) / rad;
}

/** Stull's (2011) wet-bulb approximation, good to ±1 K over the range that occurs here. */
export function wetBulbC(temperatureC: number, humidityPct: number): number {
  const t = temperatureC;
  const rh = humidityPct;
  return (
    t * Math.atan(0.151977 * Math.sqrt(rh + 8.313659)) +
    Math.atan(t + rh) -
    Math.atan(rh - 1.676331) +
    0.00391838 * rh ** 1.5 * Math.atan(0.023101 * rh) -
    4.686035
  );
}

// Noise channels, so each quantity has its own independent variation.
const SYNOPTIC = 1;
const HOURLY = 2;
const CLOUD = 3;
const WIND = 4;
const GUST = 5;
const HUMIDITY = 6;

export function weatherAt(ms: number, local: LocalTime, location: SiteLocation, seed: number): Weather {
  // Fronts pass every few days; their effect spans the whole day, so sample them at local midday.
  const localMidday = ms - (local.hour - 12) * HOUR_MS;
  const synoptic = 3 * valueNoise(seed, SYNOPTIC, localMidday, 60 * HOUR_MS);
  const cloudCover = clamp(0.45 + 0.55 * valueNoise(seed, CLOUD, ms, 14 * HOUR_MS), 0, 1);
  const dailyMeanC = seasonal(MONTHLY_MEAN_C, local.dayOfYear) + synoptic;
  // Clear days swing about 8 K, overcast days about 4 K; coolest before dawn, warmest mid-afternoon.
  const halfRange = 4 - 2 * cloudCover;
  const phase = (2 * Math.PI * (local.hour - 14.5)) / 24;
  const diurnal = halfRange * (Math.cos(phase) + 0.15 * Math.cos(2 * phase));
  const temperatureC = dailyMeanC + diurnal + 0.5 * valueNoise(seed, HOURLY, ms, HOUR_MS);

  const humidityPct = clamp(
    seasonal(MONTHLY_RH, local.dayOfYear) -
      2.5 * (temperatureC - dailyMeanC) +
      14 * (cloudCover - 0.5) +
      3 * valueNoise(seed, HUMIDITY, ms, 3 * HOUR_MS),
    25,
    100,
  );

  const elevation = sunElevationDeg(ms, location);
  const sinElevation = Math.sin((Math.max(elevation, 0) * Math.PI) / 180);
  // Haurwitz clear-sky global irradiance, reduced by cloud (Kasten–Czeplak).
  const clearSky = sinElevation > 0.01 ? 1098 * sinElevation * Math.exp(-0.057 / sinElevation) : 0;
  const solarWm2 = clearSky * (1 - 0.75 * cloudCover ** 3.4);

  const afternoonBreeze = Math.max(0, Math.cos((2 * Math.PI * (local.hour - 15)) / 24));
  const windMs = clamp(
    2.6 +
      1.6 * valueNoise(seed, WIND, ms, 6 * HOUR_MS) +
      1.2 * afternoonBreeze +
      0.6 * valueNoise(seed, GUST, ms, 60_000),
    0,
    25,
  );

  return {
    temperatureC,
    dailyMeanC,
    humidityPct,
    windMs,
    solarWm2,
    sunElevationDeg: elevation,
    cloudCover,
    wetBulbC: wetBulbC(temperatureC, humidityPct),
  };
}
