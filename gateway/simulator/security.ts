import type { ResolvedEquipment } from '../../config/load/model.ts';
import { afterHours } from './occupancy.ts';
import type { Random } from './random.ts';
import type { CanonicalValues, EquipmentSim, EventSink, PointValue, SiteClock } from './sim-types.ts';

/**
 * Security devices (技防). Doors and intrusion detectors are event-driven: each change is emitted
 * with the instant it happened, as access-control and alarm panels report them. Fire panels and
 * cameras hold their normal state.
 */

const RECHECK_MS = 5 * 60_000;
const HELD_OPEN_AFTER_MS = 60_000;

abstract class EventDeviceSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly electricKw = 0;
  readonly typicalKw = 0;
  protected readonly random: Random;
  protected readonly clock: SiteClock;
  protected readonly state: Record<string, PointValue>;
  protected nextMs: number;
  readonly #emit: EventSink;

  constructor(
    equipment: ResolvedEquipment,
    options: { random: Random; clock: SiteClock; emit: EventSink; startMs: number },
    initial: Record<string, PointValue>,
  ) {
    this.equipment = equipment;
    this.random = options.random;
    this.clock = options.clock;
    this.#emit = options.emit;
    this.state = initial;
    this.nextMs = options.startMs;
  }

  protected set(key: string, value: PointValue, ts: number): void {
    if (this.state[key] === value) return;
    this.state[key] = value;
    this.#emit({ equipmentId: this.equipment.id, key, value, ts });
  }

  advanceTo(ms: number): void {
    while (this.nextMs <= ms) this.handleEvent(this.nextMs);
  }

  protected abstract handleEvent(ms: number): void;

  values(): CanonicalValues {
    return { ...this.state };
  }
}

type DoorPhase = 'closed' | 'open' | 'forced';

export class DoorSim extends EventDeviceSim {
  #phase: DoorPhase = 'closed';
  #pendingAccess = false;
  #closeAtMs = 0;
  readonly #accessesPerHour: number;

  constructor(equipment: ResolvedEquipment, options: ConstructorParameters<typeof EventDeviceSim>[1]) {
    super(equipment, options, { open: false, forced_open: false, held_open: false });
    const tags = new Set(equipment.tags ?? []);
    // Entrances see a stream of staff; plant and secure rooms only the odd authorised visit.
    const base = tags.has('secure-room') ? 1.5 : tags.has('perimeter') ? 60 : 12;
    this.#accessesPerHour = base * this.random.uniform(0.7, 1.3);
  }

  get forced(): boolean {
    return this.#phase === 'forced';
  }

  #ratePerMs(ms: number): number {
    const occupancy = this.clock.occupancy(this.equipment.buildingCode, ms);
    const flow = Math.abs(this.clock.occupancyTrend(ms));
    // Guards' patrols keep a trickle going at night.
    return (this.#accessesPerHour * (occupancy + 1.2 * flow) + 0.15) / 3_600_000;
  }

  protected handleEvent(ms: number): void {
    if (this.#phase === 'forced') {
      this.nextMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.#phase === 'open') {
      if (ms >= this.#closeAtMs) {
        this.#phase = 'closed';
        this.set('open', false, ms);
        this.set('held_open', false, ms);
        this.#schedule(ms);
      } else {
        this.set('held_open', true, ms);
        this.nextMs = this.#closeAtMs;
      }
      return;
    }
    if (!this.#pendingAccess) {
      this.#schedule(ms);
      return;
    }
    this.#pendingAccess = false;
    this.#phase = 'open';
    this.set('open', true, ms);
    // Now and then someone props the door open: the panel then reports it held open.
    const heldOpen = this.random.chance(0.006);
    const openMs = heldOpen ? this.random.uniform(75_000, 240_000) : this.random.uniform(3_000, 9_000);
    this.#closeAtMs = ms + openMs;
    this.nextMs = Math.min(this.#closeAtMs, ms + HELD_OPEN_AFTER_MS);
  }

  #schedule(ms: number): void {
    const wait = this.random.exponential(this.#ratePerMs(ms));
    this.#pendingAccess = wait <= RECHECK_MS;
    this.nextMs = ms + Math.max(1, Math.min(wait, RECHECK_MS));
  }

  /** Forced open: the door opens with no access granted, and stays open until the fault is cleared. */
  force(ms: number): void {
    this.#phase = 'forced';
    this.#pendingAccess = false;
    this.set('open', true, ms);
    this.set('forced_open', true, ms);
    this.nextMs = Number.POSITIVE_INFINITY;
  }

  secure(ms: number): void {
    if (this.#phase !== 'forced') return;
    this.#phase = 'closed';
    this.set('forced_open', false, ms);
    this.set('open', false, ms);
    this.set('held_open', false, ms);
    this.#schedule(ms);
  }
}

export class IntrusionSensorSim extends EventDeviceSim {
  #pending = false;
  #releaseAtMs = Number.POSITIVE_INFINITY;
  readonly #alarmsPerHour: number;

  constructor(equipment: ResolvedEquipment, options: ConstructorParameters<typeof EventDeviceSim>[1]) {
    super(equipment, options, { motion: false, tamper: false });
    // Perimeter beams see animals, wind-blown debris and patrols; indoor detectors only patrols.
    this.#alarmsPerHour = (equipment.tags ?? []).includes('perimeter') ? 0.25 : 0.04;
  }

  protected handleEvent(ms: number): void {
    if (ms >= this.#releaseAtMs) {
      this.#releaseAtMs = Number.POSITIVE_INFINITY;
      this.set('motion', false, ms);
    }
    // Detectors are disarmed in office hours: the panel reports no motion while people work there.
    const armed = afterHours(this.clock.local(ms));
    if (this.#pending && armed) {
      this.#pending = false;
      this.set('motion', true, ms);
      this.#releaseAtMs = ms + this.random.uniform(2_000, 10_000);
      this.nextMs = this.#releaseAtMs;
      return;
    }
    const wait = armed ? this.random.exponential(this.#alarmsPerHour / 3_600_000) : Number.POSITIVE_INFINITY;
    this.#pending = wait <= RECHECK_MS;
    this.nextMs = ms + Math.max(1, Math.min(wait, RECHECK_MS));
  }
}

/** Devices whose normal state does not change: the fire panel (normal) and cameras (online). */
export class SteadyDeviceSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly electricKw = 0;
  readonly typicalKw = 0;
  readonly #values: CanonicalValues;

  constructor(equipment: ResolvedEquipment, values: CanonicalValues) {
    this.equipment = equipment;
    this.#values = values;
  }

  values(): CanonicalValues {
    return this.#values;
  }
}

export const FIRE_PANEL_NORMAL: CanonicalValues = { fire_alarm: false, fault: false, zones_in_alarm: 0 };
export const CAMERA_NORMAL: CanonicalValues = { online: true, video_loss: false };
