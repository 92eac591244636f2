import type { ResolvedEquipment } from '../../config/load/model.ts';
import { clamp, hashString, type Random } from './random.ts';
import type { CanonicalValues, EquipmentSim, SiteClock } from './sim-types.ts';

/**
 * One lift as a GB/T 24476 monitoring terminal sees it: running state, door state, floor,
 * direction, fault code, trapped passenger and the trip counter. Event-driven: calls arrive as a
 * Poisson process whose rate follows occupancy and the arrival/departure peaks, and every floor
 * passed and door movement is an event at its own instant, so the state at any time is exact
 * whatever the step length.
 */

export const RUNNING_STATE = { stopped: 0, inService: 1, inspection: 2, fault: 3 } as const;
export const DOOR_STATE = { closed: 0, open: 1, opening: 2, closing: 3 } as const;
export const DIRECTION = { idle: 0, up: 1, down: 2 } as const;

type Phase = 'idle' | 'moving' | 'opening' | 'open' | 'closing' | 'inspection' | 'trapped';

const FLOOR_TRAVEL_MS = 2_200;
const START_DELAY_MS = 1_500;
const DOOR_OPERATION_MS = 2_500;
/** Idle lifts re-read the traffic rate this often, so rates follow the time of day. */
const RECHECK_MS = 5 * 60_000;
/** 半月保养: lifts are serviced every 15 days, about an hour in inspection mode on a working morning. */
const SERVICE_INTERVAL_DAYS = 15;
const SERVICE_DURATION_H = 1;

export class LiftSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly floors: readonly number[];
  trips: number;
  electricKw = 0;
  #index: number;
  #phase: Phase = 'idle';
  #direction: number = DIRECTION.idle;
  #door: number = DOOR_STATE.closed;
  #runningState: number = RUNNING_STATE.inService;
  #faultCode = 0;
  #target = 0;
  #nextMs: number;
  #pendingCall = false;
  #energyKwh = 0;
  readonly #movingKw: number;
  readonly #standbyKw = 0.8;
  readonly #mainIndex: number;
  readonly #serviceDay: number;
  readonly #serviceStartH: number;
  readonly #callsScale: number;
  readonly #random: Random;
  readonly #clock: SiteClock;

  constructor(
    equipment: ResolvedEquipment,
    options: { random: Random; clock: SiteClock; startMs: number; trips: number; occupantsPerLift: number },
  ) {
    this.equipment = equipment;
    this.#random = options.random;
    this.#clock = options.clock;
    this.trips = options.trips;
    const limits = equipment.points.find((p) => p.key === 'floor')?.limits ?? { min: 1, max: 6 };
    const floors: number[] = [];
    // Chinese buildings have no floor 0: B1 is -1 and the ground floor is 1.
    for (let f = Math.ceil(limits.min); f <= Math.floor(limits.max); f++) if (f !== 0) floors.push(f);
    this.floors = floors.length > 0 ? floors : [1];
    this.#mainIndex = Math.max(0, this.floors.indexOf(1));
    this.#index = this.#random.int(0, this.floors.length - 1);
    this.#movingKw = 7 + 0.25 * this.floors.length;
    const hash = hashString(equipment.id);
    this.#serviceDay = hash % SERVICE_INTERVAL_DAYS;
    this.#serviceStartH = 9 + (hash % 5) * 0.5;
    this.#callsScale = clamp(options.occupantsPerLift / 300, 0.5, 2);
    this.#nextMs = options.startMs;
  }

  get typicalKw(): number {
    return this.#standbyKw + this.#movingKw * 0.12;
  }

  get floor(): number {
    return this.floors[this.#index] ?? 1;
  }

  get trapped(): boolean {
    return this.#phase === 'trapped';
  }

  /** Calls per hour at `ms`: a base for cleaners and guards, occupancy, and the arrival/lunch/leaving peaks. */
  #callsPerHour(ms: number): number {
    const occupancy = this.#clock.occupancy(this.equipment.buildingCode, ms);
    const flow = Math.abs(this.#clock.occupancyTrend(ms));
    return clamp((0.6 + 28 * occupancy + 45 * flow) * this.#callsScale, 0, 90);
  }

  #inServiceWindow(ms: number): number | undefined {
    const local = this.#clock.local(ms);
    if (!local.workingDay || local.dayNumber % SERVICE_INTERVAL_DAYS !== this.#serviceDay) return undefined;
    const end = this.#serviceStartH + SERVICE_DURATION_H;
    if (local.hour < this.#serviceStartH || local.hour >= end) return undefined;
    return ms + (end - local.hour) * 3_600_000;
  }

  #chooseDestination(ms: number): number {
    const trend = this.#clock.occupancyTrend(ms);
    const atEntry = this.floor <= 1;
    const basements = this.floors.map((f, i) => (f < 0 ? i : -1)).filter((i) => i >= 0);
    const upper = this.floors.map((f, i) => (f > 1 ? i : -1)).filter((i) => i >= 0);
    const exitFloor = () =>
      basements.length > 0 && this.#random.chance(0.35) ? this.#random.pick(basements) : this.#mainIndex;
    if (atEntry)
      return upper.length > 0 && this.#random.chance(0.85) ? this.#random.pick(upper) : exitFloor();
    const towardsExit = trend < -0.2 ? 0.75 : 0.5;
    if (this.#random.chance(towardsExit)) return exitFloor();
    return this.#random.int(0, this.floors.length - 1);
  }

  /** Processes every event up to `ms`, accumulating energy for the meter that feeds this lift. */
  advanceTo(ms: number, fromMs: number): void {
    let at = fromMs;
    while (this.#nextMs <= ms) {
      this.#accumulate(at, this.#nextMs);
      at = this.#nextMs;
      this.#handleEvent(at);
    }
    this.#accumulate(at, ms);
    const dtH = (ms - fromMs) / 3_600_000;
    this.electricKw = dtH > 0 ? this.#energyKwh / dtH : this.#standbyKw;
    this.#energyKwh = 0;
  }

  #accumulate(fromMs: number, toMs: number): void {
    if (toMs <= fromMs) return;
    const kw = this.#phase === 'moving' ? this.#movingKw : this.#standbyKw;
    this.#energyKwh += (kw * (toMs - fromMs)) / 3_600_000;
  }

  #handleEvent(ms: number): void {
    switch (this.#phase) {
      case 'idle':
        this.#whenIdle(ms);
        return;
      case 'moving': {
        this.#index += this.#direction === DIRECTION.up ? 1 : -1;
        if (this.#index === this.#target) {
          this.trips++;
          this.#direction = DIRECTION.idle;
          this.#openDoors(ms);
        } else this.#nextMs = ms + FLOOR_TRAVEL_MS;
        return;
      }
      case 'opening':
        this.#phase = 'open';
        this.#door = DOOR_STATE.open;
        this.#nextMs = ms + this.#random.uniform(3_000, 8_000);
        return;
      case 'open':
        this.#phase = 'closing';
        this.#door = DOOR_STATE.closing;
        this.#nextMs = ms + DOOR_OPERATION_MS;
        return;
      case 'closing':
        this.#phase = 'idle';
        this.#door = DOOR_STATE.closed;
        this.#scheduleNext(ms);
        return;
      case 'inspection':
        this.#phase = 'idle';
        this.#runningState = RUNNING_STATE.inService;
        this.#scheduleNext(ms);
        return;
      case 'trapped':
        this.#nextMs = Number.POSITIVE_INFINITY;
        return;
    }
  }

  #whenIdle(ms: number): void {
    const serviceEnd = this.#inServiceWindow(ms);
    if (serviceEnd !== undefined) {
      this.#phase = 'inspection';
      this.#runningState = RUNNING_STATE.inspection;
      this.#pendingCall = false;
      this.#nextMs = serviceEnd;
      return;
    }
    if (!this.#pendingCall) {
      this.#scheduleNext(ms);
      return;
    }
    this.#pendingCall = false;
    this.#target = this.#chooseDestination(ms);
    if (this.#target === this.#index) {
      this.#openDoors(ms);
      return;
    }
    this.#phase = 'moving';
    this.#direction = this.#target > this.#index ? DIRECTION.up : DIRECTION.down;
    this.#nextMs = ms + START_DELAY_MS + FLOOR_TRAVEL_MS;
  }

  #openDoors(ms: number): void {
    this.#phase = 'opening';
    this.#door = DOOR_STATE.opening;
    this.#nextMs = ms + DOOR_OPERATION_MS;
  }

  #scheduleNext(ms: number): void {
    const wait = this.#random.exponential(this.#callsPerHour(ms) / 3_600_000);
    this.#pendingCall = wait <= RECHECK_MS;
    this.#nextMs = ms + Math.max(1, Math.min(wait, RECHECK_MS));
  }

  /** 困人: the car stops between floors with its doors shut and the passenger alarm raised. */
  trap(faultCode: number): void {
    this.#phase = 'trapped';
    this.#runningState = RUNNING_STATE.fault;
    this.#direction = DIRECTION.idle;
    this.#door = DOOR_STATE.closed;
    this.#faultCode = faultCode;
    this.#pendingCall = false;
    this.#nextMs = Number.POSITIVE_INFINITY;
  }

  /** The passenger is released: doors open at the floor the car was levelled to, then service resumes. */
  release(ms: number): void {
    if (this.#phase !== 'trapped') return;
    this.#runningState = RUNNING_STATE.inService;
    this.#faultCode = 0;
    this.#openDoors(ms);
  }

  values(): CanonicalValues {
    return {
      running_state: this.#runningState,
      door_state: this.#door,
      floor: this.floor,
      direction: this.#direction,
      fault_code: this.#faultCode,
      trapped_passenger: this.#phase === 'trapped',
      trips: this.trips,
    };
  }
}
