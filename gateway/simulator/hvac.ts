import type { ResolvedEquipment } from '../../config/load/model.ts';
import { approach, clamp, type Random } from './random.ts';
import {
  type CanonicalValues,
  type EquipmentSim,
  HOUR_MS,
  MINUTE_MS,
  type SiteConditions,
  type StepContext,
} from './sim-types.ts';

/**
 * The water side (chiller plant: chillers, chilled- and condenser-water pumps, cooling towers) and
 * the air side (AHUs, fresh air units, fan coil groups). First-order responses with time constants
 * keep values plausible for any step length.
 */

const COOLING_KW_PER_M2 = 0.085;
const CHW_SETPOINT_C = 7;

/** Comfort temperature the air side holds while running. */
function comfortC(site: SiteConditions): number {
  if (site.mode === 'cooling') return 25.5;
  if (site.mode === 'heating') return 20.5;
  return clamp(22 + 0.25 * (site.weather.temperatureC - 18), 20, 25);
}

/** Where an unconditioned space drifts to: between outdoors and a sheltered indoor temperature. */
function freeFloatC(site: SiteConditions, occupancy: number): number {
  const outdoor = site.weather.dailyMeanC;
  return outdoor + (22 - outdoor) * 0.55 + 2 * occupancy;
}

export class ChillerSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly capacityKw: number;
  electricKw = 0;
  commanded = false;
  running = false;
  loadPct = 0;
  towerLeavingC = 20;
  #tripCode = 0;
  #supplyC: number;
  #returnC: number;
  #condenserReturnC: number;
  readonly #random: Random;

  constructor(equipment: ResolvedEquipment, capacityKw: number, random: Random, ambientC: number) {
    this.equipment = equipment;
    this.capacityKw = capacityKw;
    this.#random = random;
    this.#supplyC = ambientC;
    this.#returnC = ambientC + 0.3;
    this.#condenserReturnC = ambientC;
  }

  get typicalKw(): number {
    return (this.capacityKw / 5.5) * 0.18;
  }

  get tripped(): boolean {
    return this.#tripCode !== 0;
  }

  /** The compressor stops at once; temperatures then drift over the following steps. */
  trip(code: number): void {
    this.#tripCode = code;
    this.running = false;
    this.loadPct = 0;
    this.electricKw = 0;
  }

  reset(): void {
    this.#tripCode = 0;
  }

  /** Chilled water the loop returns with while this chiller is off: warm, and warmer in summer. */
  #idleWaterC(site: SiteConditions): number {
    return clamp(12 + 0.45 * Math.max(0, site.weather.temperatureC - 12), 10, 26);
  }

  step(context: StepContext, sharePct: number): void {
    const { site, dtMs } = context;
    this.running = this.commanded && !this.tripped;
    this.loadPct = this.running ? clamp(sharePct + this.#random.normal(0, 1.2), 10, 100) : 0;
    const load = this.loadPct / 100;
    const cop = clamp(6.2 - 0.08 * (this.towerLeavingC - 26), 4, 7);
    this.electricKw = this.running ? (this.capacityKw / cop) * (0.12 + 0.88 * load) : 0;
    if (this.running) {
      this.#supplyC = approach(this.#supplyC, CHW_SETPOINT_C, dtMs, 3 * MINUTE_MS);
      this.#returnC = approach(this.#returnC, this.#supplyC + 5 * load, dtMs, 2 * MINUTE_MS);
      this.#condenserReturnC = approach(
        this.#condenserReturnC,
        this.towerLeavingC + 4.5 * load,
        dtMs,
        3 * MINUTE_MS,
      );
    } else {
      // After a trip the water standing in the evaporator warms towards the loop's temperature.
      const idle = this.#idleWaterC(site);
      this.#supplyC = approach(this.#supplyC, idle, dtMs, 10 * MINUTE_MS);
      this.#returnC = approach(this.#returnC, idle + 0.3, dtMs, 10 * MINUTE_MS);
      this.#condenserReturnC = approach(this.#condenserReturnC, this.towerLeavingC, dtMs, 20 * MINUTE_MS);
    }
  }

  values(): CanonicalValues {
    const noise = (sd: number) => this.#random.normal(0, sd);
    return {
      chw_supply_temp: clamp(this.#supplyC + noise(0.12), 0.5, 29.5),
      chw_return_temp: clamp(this.#returnC + noise(0.12), 0.5, 34.5),
      cw_return_temp: clamp(this.#condenserReturnC + noise(0.15), 0.5, 49.5),
      power: this.electricKw,
      load: this.loadPct,
      running: this.running,
      fault_code: this.#tripCode,
    };
  }
}

export class PumpSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly ratedKw: number;
  electricKw = 0;
  #frequencyHz = 0;
  readonly #random: Random;

  constructor(equipment: ResolvedEquipment, ratedKw: number, random: Random) {
    this.equipment = equipment;
    this.ratedKw = ratedKw;
    this.#random = random;
  }

  get typicalKw(): number {
    return this.ratedKw * 0.15;
  }

  step(running: boolean, loadPct: number): void {
    this.#frequencyHz = running ? clamp(36 + 12 * (loadPct / 100) + this.#random.normal(0, 0.3), 30, 50) : 0;
    this.electricKw = running ? this.ratedKw * (this.#frequencyHz / 50) ** 3 : 0;
  }

  values(): CanonicalValues {
    return { running: this.#frequencyHz > 0, frequency: this.#frequencyHz, fault: false };
  }
}

export class CoolingTowerSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  electricKw = 0;
  leavingWaterC: number;
  #running = false;
  readonly #random: Random;

  constructor(equipment: ResolvedEquipment, random: Random, ambientC: number) {
    this.equipment = equipment;
    this.#random = random;
    this.leavingWaterC = ambientC;
  }

  get typicalKw(): number {
    return 11 * 0.15;
  }

  step(context: StepContext, running: boolean, loadPct: number): void {
    const { weather } = context.site;
    this.#running = running;
    this.electricKw = running ? 11 : 0;
    const target = running
      ? Math.max(weather.wetBulbC + 3.5 + 1.5 * (loadPct / 100), 18)
      : clamp(weather.wetBulbC, 2, 40);
    this.leavingWaterC = approach(
      this.leavingWaterC,
      target,
      context.dtMs,
      running ? 8 * MINUTE_MS : HOUR_MS,
    );
  }

  values(): CanonicalValues {
    return {
      fan_running: this.#running,
      leaving_water_temp: clamp(this.leavingWaterC + this.#random.normal(0, 0.15), 0.5, 44.5),
      fault: false,
    };
  }
}

/**
 * The central plant: stages chillers on the cooling load of the buildings it serves (lead chiller
 * rotating daily), runs each chiller's pumps and tower with it. A tripped chiller is not replaced
 * automatically (no auto-changeover in this BMS), so its chilled water warms up: that is what
 * operators and the rules should notice.
 */
export class ChillerPlant {
  readonly chillers: readonly ChillerSim[];
  readonly chilledWaterPumps: readonly PumpSim[];
  readonly condenserWaterPumps: readonly PumpSim[];
  readonly towers: readonly CoolingTowerSim[];
  readonly servedAreaM2: number;
  /** Heat rejected by the towers (cooling load plus compressor power), for make-up water. */
  heatRejectionKw = 0;
  #stage = 0;

  constructor(
    parts: {
      chillers: readonly ChillerSim[];
      chilledWaterPumps: readonly PumpSim[];
      condenserWaterPumps: readonly PumpSim[];
      towers: readonly CoolingTowerSim[];
    },
    servedAreaM2: number,
  ) {
    this.chillers = parts.chillers;
    this.chilledWaterPumps = parts.chilledWaterPumps;
    this.condenserWaterPumps = parts.condenserWaterPumps;
    this.towers = parts.towers;
    this.servedAreaM2 = servedAreaM2;
  }

  /** Whether chilled water reaches the air side (any chiller running). */
  get chilledWaterAvailable(): boolean {
    return this.chillers.some((chiller) => chiller.running);
  }

  coolingLoadKw(site: SiteConditions, occupancy: number): number {
    if (site.mode !== 'cooling' || !site.hvacOn) return 0;
    const solarGain = 0.1 * (site.weather.solarWm2 / 1000);
    return (
      this.servedAreaM2 *
      COOLING_KW_PER_M2 *
      clamp(0.15 + 0.85 * site.demand + solarGain, 0, 1) *
      (0.5 + 0.5 * occupancy)
    );
  }

  step(context: StepContext, occupancy: number): void {
    const count = this.chillers.length;
    const capacity = this.chillers[0]?.capacityKw ?? 1;
    const load = this.coolingLoadKw(context.site, occupancy);
    // Stage up above 90 % of the running capacity, down below 65 % of one chiller fewer.
    if (load <= 0) this.#stage = 0;
    else {
      this.#stage = Math.max(this.#stage, 1);
      if (load > 0.9 * capacity * this.#stage && this.#stage < count) this.#stage++;
      else if (this.#stage > 1 && load < 0.65 * capacity * (this.#stage - 1)) this.#stage--;
    }
    const lead = count > 0 ? context.site.local.dayNumber % count : 0;
    const sharePct = this.#stage > 0 ? (100 * load) / (capacity * this.#stage) : 0;
    this.heatRejectionKw = 0;
    this.chillers.forEach((chiller, index) => {
      chiller.commanded = (index - lead + count) % count < this.#stage;
      const tower = this.towers[index % Math.max(1, this.towers.length)];
      if (tower) chiller.towerLeavingC = tower.leavingWaterC;
      chiller.step(context, sharePct);
      if (chiller.running) this.heatRejectionKw += (capacity * chiller.loadPct) / 100 + chiller.electricKw;
    });
    const pairedChiller = (index: number) => this.chillers[index % Math.max(1, count)];
    this.chilledWaterPumps.forEach((pump, index) => {
      const chiller = pairedChiller(index);
      pump.step(chiller?.running ?? false, chiller?.loadPct ?? 0);
    });
    this.condenserWaterPumps.forEach((pump, index) => {
      const chiller = pairedChiller(index);
      pump.step(chiller?.running ?? false, chiller?.loadPct ?? 0);
    });
    this.towers.forEach((tower, index) => {
      const chiller = pairedChiller(index);
      tower.step(context, chiller?.running ?? false, chiller?.loadPct ?? 0);
    });
  }
}

interface Drift {
  readonly startMs: number;
  readonly kelvin: number;
  readonly overMs: number;
}

/** Setpoint reset: colder supply air when it is hot outside, warm supply air in winter. */
function supplySetpointC(site: SiteConditions): number {
  if (site.mode === 'cooling') return Math.round((16 - 3 * site.demand) * 2) / 2;
  if (site.mode === 'heating') return 28;
  return 18;
}

export class AhuSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly ratedKw: number;
  electricKw = 0;
  #running = false;
  #speedPct = 0;
  #setpointC = 18;
  #supplyC: number;
  #returnC: number;
  #valvePct = 0;
  #filterDpPa = 0;
  #drift: Drift | undefined;
  readonly #cleanDpPa: number;
  readonly #cycleDays: number;
  readonly #cyclePhaseDays: number;
  readonly #random: Random;

  constructor(equipment: ResolvedEquipment, random: Random, ambientC: number) {
    this.equipment = equipment;
    this.#random = random;
    this.ratedKw = random.uniform(11, 18.5);
    this.#supplyC = ambientC;
    this.#returnC = ambientC;
    // Filters are changed every few months; where in its cycle each filter is follows from the seed.
    this.#cleanDpPa = random.uniform(110, 170);
    this.#cycleDays = random.uniform(90, 150);
    this.#cyclePhaseDays = random.uniform(0, this.#cycleDays);
  }

  get typicalKw(): number {
    return this.ratedKw * 0.25;
  }

  startDrift(startMs: number, kelvin: number, overMs: number): void {
    this.#drift = { startMs, kelvin, overMs };
  }

  stopDrift(): void {
    this.#drift = undefined;
  }

  #driftK(ms: number): number {
    if (!this.#drift) return 0;
    const { startMs, kelvin, overMs } = this.#drift;
    return overMs <= 0 ? kelvin : kelvin * clamp((ms - startMs) / overMs, 0, 1);
  }

  step(context: StepContext, occupancy: number, chilledWaterAvailable: boolean): void {
    const { site, dtMs, t1 } = context;
    this.#running = site.hvacOn;
    this.#setpointC = supplySetpointC(site);
    const drift = this.#driftK(t1);
    if (this.#running) {
      this.#speedPct = clamp(55 + 35 * site.demand + this.#random.normal(0, 1.5), 30, 100);
      const canCool = site.mode !== 'cooling' || chilledWaterAvailable;
      const target = (canCool ? this.#setpointC : this.#returnC - 1.5) + drift;
      this.#supplyC = approach(this.#supplyC, target, dtMs, 4 * MINUTE_MS);
      this.#returnC = approach(
        this.#returnC,
        comfortC(site) + occupancy + 0.05 * (site.weather.temperatureC - comfortC(site)),
        dtMs,
        45 * MINUTE_MS,
      );
      // A drifting unit has its valve driven fully open by a controller that cannot catch up.
      this.#valvePct =
        site.mode !== 'cooling'
          ? 0
          : drift > 0
            ? 100
            : clamp(15 + 80 * site.demand + 5 * (this.#supplyC - this.#setpointC), 0, 100);
    } else {
      this.#speedPct = 0;
      this.#valvePct = 0;
      this.#supplyC = approach(
        this.#supplyC,
        0.7 * this.#returnC + 0.3 * site.weather.temperatureC + drift,
        dtMs,
        20 * MINUTE_MS,
      );
      this.#returnC = approach(this.#returnC, freeFloatC(site, occupancy), dtMs, 3 * HOUR_MS);
    }
    const cycleDays = ((t1 / 86_400_000 + this.#cyclePhaseDays) % this.#cycleDays) / this.#cycleDays;
    const loadedDp = this.#cleanDpPa + 280 * cycleDays;
    this.#filterDpPa = this.#running
      ? loadedDp * (this.#speedPct / 80) ** 2 + this.#random.normal(0, 3)
      : Math.abs(this.#random.normal(0, 1.5));
    this.electricKw = this.#running ? this.ratedKw * (this.#speedPct / 100) ** 3 : 0;
  }

  values(): CanonicalValues {
    return {
      supply_air_temp: clamp(this.#supplyC + this.#random.normal(0, 0.25), -9.5, 59.5),
      return_air_temp: clamp(this.#returnC + this.#random.normal(0, 0.1), -9.5, 49.5),
      supply_air_setpoint: this.#setpointC,
      fan_running: this.#running,
      fan_speed: this.#speedPct,
      // Canonical pressure is kPa; the point declares Pa and the output converts back.
      filter_dp: clamp(this.#filterDpPa, 0, 1499) / 1000,
      chw_valve: this.#valvePct,
      fault: false,
    };
  }
}

export class FreshAirUnitSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly ratedKw: number;
  electricKw = 0;
  #running = false;
  #supplyC: number;
  #co2Ppm = 450;
  #drift: Drift | undefined;
  readonly #random: Random;

  constructor(equipment: ResolvedEquipment, random: Random, ambientC: number) {
    this.equipment = equipment;
    this.#random = random;
    this.ratedKw = random.uniform(5.5, 7.5);
    this.#supplyC = ambientC;
  }

  get typicalKw(): number {
    return this.ratedKw * 0.3;
  }

  startDrift(startMs: number, kelvin: number, overMs: number): void {
    this.#drift = { startMs, kelvin, overMs };
  }

  stopDrift(): void {
    this.#drift = undefined;
  }

  step(context: StepContext, occupancy: number): void {
    const { site, dtMs, t1 } = context;
    this.#running = site.hvacOn;
    const outdoor = site.weather.temperatureC;
    const drift = this.#drift
      ? this.#drift.overMs <= 0
        ? this.#drift.kelvin
        : this.#drift.kelvin * clamp((t1 - this.#drift.startMs) / this.#drift.overMs, 0, 1)
      : 0;
    const conditioned = site.mode === 'cooling' ? 18.5 : site.mode === 'heating' ? 16 : outdoor + 0.8;
    this.#supplyC = approach(
      this.#supplyC,
      (this.#running ? conditioned : outdoor) + drift,
      dtMs,
      (this.#running ? 5 : 20) * MINUTE_MS,
    );
    const co2Target = 430 + occupancy * (this.#running ? 420 : 900);
    this.#co2Ppm = approach(this.#co2Ppm, co2Target, dtMs, 40 * MINUTE_MS);
    this.electricKw = this.#running ? this.ratedKw : 0;
  }

  values(): CanonicalValues {
    return {
      supply_air_temp: clamp(this.#supplyC + this.#random.normal(0, 0.25), -14.5, 59.5),
      fan_running: this.#running,
      co2: clamp(this.#co2Ppm + this.#random.normal(0, 8), 380, 4900),
      fault: false,
    };
  }
}

export class FanCoilGroupSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly size: number;
  electricKw = 0;
  #running = 0;
  #zoneC: number;
  readonly #random: Random;

  constructor(equipment: ResolvedEquipment, random: Random, ambientC: number) {
    this.equipment = equipment;
    this.#random = random;
    this.size = random.int(90, 260);
    this.#zoneC = ambientC;
  }

  get typicalKw(): number {
    return this.size * 0.045 * 0.2;
  }

  step(context: StepContext, occupancy: number): void {
    const { site, dtMs } = context;
    let share: number;
    if (site.hvacOn)
      share = occupancy * (0.55 + 0.45 * site.demand) * (site.mode === 'ventilation' ? 0.3 : 1);
    // People working late switch on their own fan coil.
    else share = occupancy > 0.03 ? occupancy * 0.3 : 0;
    this.#running = Math.round(this.size * clamp(share, 0, 1));
    const conditioned = this.#running > this.size * 0.1;
    this.#zoneC = approach(
      this.#zoneC,
      conditioned ? comfortC(site) + 0.8 * occupancy : freeFloatC(site, occupancy),
      dtMs,
      (conditioned ? 40 : 180) * MINUTE_MS,
    );
    this.electricKw = this.#running * 0.045;
  }

  values(): CanonicalValues {
    return {
      zone_temp: clamp(this.#zoneC + this.#random.normal(0, 0.1), 0.5, 44.5),
      fans_running: this.#running,
      fault: false,
    };
  }
}
