import { clamp, hashUnit } from './random.ts';
import type { LocalTime } from './site-time.ts';

/**
 * Share of a building's occupants present, by local hour. Government offices here work about
 * 8:30–12:00 and 14:00–17:30 with a long lunch break (午休) and some overtime into the evening;
 * on rest days only duty staff and a few people working overtime (加班) come in.
 */
type Knots = readonly (readonly [hour: number, share: number])[];

const WORKING_DAY: Knots = [
  [0, 0.01],
  [6.5, 0.02],
  [7.5, 0.12],
  [8, 0.45],
  [8.5, 0.85],
  [9, 0.92],
  [11.5, 0.92],
  [12, 0.75],
  [12.25, 0.65],
  [13.5, 0.7],
  [14, 0.9],
  [17, 0.9],
  [17.5, 0.7],
  [18, 0.35],
  [19, 0.18],
  [21, 0.06],
  [22, 0.02],
  [24, 0.01],
];

const REST_DAY: Knots = [
  [0, 0.01],
  [8, 0.01],
  [9, 0.06],
  [16, 0.06],
  [18, 0.02],
  [24, 0.01],
];

function interpolate(knots: Knots, hour: number): number {
  for (let i = 1; i < knots.length; i++) {
    const [h1, v1] = knots[i] as readonly [number, number];
    if (hour <= h1) {
      const [h0, v0] = knots[i - 1] as readonly [number, number];
      return v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
    }
  }
  return knots[knots.length - 1]?.[1] ?? 0;
}

/** Some days are busier than others (meetings, field trips); the same day is busy in every model. */
function dayFactor(local: LocalTime, seed: number, buildingKey: number): number {
  return 0.9 + 0.15 * hashUnit(seed, buildingKey, local.dayNumber);
}

export function occupancyShare(local: LocalTime, seed: number, buildingKey: number): number {
  const knots = local.workingDay ? WORKING_DAY : REST_DAY;
  const base = knots[0]?.[1] ?? 0;
  const profile = interpolate(knots, local.hour);
  return clamp(base + (profile - base) * dayFactor(local, seed, buildingKey), 0, 1);
}

/** Change of occupancy per hour (positive while people arrive): drives lift and door traffic. */
export function occupancyTrend(local: LocalTime): number {
  const knots = local.workingDay ? WORKING_DAY : REST_DAY;
  const h = 0.05;
  const before = interpolate(knots, Math.max(0, local.hour - h));
  const after = interpolate(knots, Math.min(24, local.hour + h));
  return (after - before) / (2 * h);
}

/** Lights go off in most offices over the lunch break (午休); sockets stay on. */
export function lightingUse(local: LocalTime, occupancy: number): number {
  const lunchBreak = local.workingDay && local.hour >= 12.25 && local.hour < 13.75;
  return lunchBreak ? occupancy * 0.45 : occupancy;
}

/** Whether the air side (AHUs, fresh air, fan coils) runs: working days with a pre-cooling start. */
export function hvacScheduled(local: LocalTime): boolean {
  return local.workingDay && local.hour >= 7 && local.hour < 18.5;
}

/** Whether intrusion detectors are armed: outside office hours, and all day on rest days. */
export function afterHours(local: LocalTime): boolean {
  return !(local.workingDay && local.hour >= 7.5 && local.hour < 18.5);
}
