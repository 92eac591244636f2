import type { ResolvedEquipment } from '../../config/load/model.ts';
import type { LocalTime } from './site-time.ts';
import type { Weather } from './weather.ts';

/** A point value as devices report it: numbers, and booleans for binary points. */
export type PointValue = number | boolean;

/** Values of one piece of equipment by point key, in canonical units (kW, kWh, °C, kPa …). */
export type CanonicalValues = Readonly<Record<string, PointValue>>;

export type HvacMode = 'cooling' | 'heating' | 'ventilation';

/** Conditions at a site over one simulation step, evaluated at the step's midpoint. */
export interface SiteConditions {
  readonly local: LocalTime;
  readonly weather: Weather;
  readonly mode: HvacMode;
  /** 0–1: how hard the season's plant works (cooling or heating demand by outdoor temperature). */
  readonly demand: number;
  /** Whether the air side runs (working-day schedule). */
  readonly hvacOn: boolean;
  occupancy(buildingCode: string): number;
}

export interface StepContext {
  readonly t0: number;
  readonly t1: number;
  readonly dtMs: number;
  readonly site: SiteConditions;
}

/** A change of an event-driven point (door, intrusion), reported at the instant it happened. */
export interface PointEvent {
  readonly equipmentId: string;
  readonly key: string;
  readonly value: PointValue;
  readonly ts: number;
}

export type EventSink = (event: PointEvent) => void;

/** Time-dependent inputs an event-driven simulation asks for at the instant of each event. */
export interface SiteClock {
  local(ms: number): LocalTime;
  occupancy(buildingCode: string, ms: number): number;
  /** Signed change of occupancy per hour at `ms` (positive while people arrive). */
  occupancyTrend(ms: number): number;
}

/** The simulation of one piece of equipment. */
export interface EquipmentSim {
  readonly equipment: ResolvedEquipment;
  /** Mean electrical power over the last step, for the meters that feed it. */
  readonly electricKw: number;
  /** Long-run average electrical power: seeds the meters' cumulative registers. */
  readonly typicalKw: number;
  values(): CanonicalValues;
}

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
