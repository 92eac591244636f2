import type { ResolvedEquipment, ResolvedPoint, SiteModel } from '../../config/load/model.ts';
import type { Site } from '../../config/schema/organisation.ts';
import { unitDefinition } from '../../config/schema/units.ts';
import { type ActiveFault, FAULT_DEFAULTS, FaultError, type FaultKind, type FaultRequest } from './faults.ts';
import {
  AhuSim,
  ChillerPlant,
  ChillerSim,
  CoolingTowerSim,
  FanCoilGroupSim,
  FreshAirUnitSim,
  PumpSim,
} from './hvac.ts';
import { LiftSim } from './lifts.ts';
import { officeLoad } from './loads.ts';
import { ElectricMeterSim, MeterPlanner, WaterMeterSim } from './meters.ts';
import { hvacScheduled, occupancyShare, occupancyTrend } from './occupancy.ts';
import { clamp, hashString, Random } from './random.ts';
import {
  CAMERA_NORMAL,
  DoorSim,
  FIRE_PANEL_NORMAL,
  IntrusionSensorSim,
  SteadyDeviceSim,
} from './security.ts';
import type {
  CanonicalValues,
  EquipmentSim,
  HvacMode,
  PointEvent,
  PointValue,
  SiteClock,
  SiteConditions,
  StepContext,
} from './sim-types.ts';
import { type LocalTime, mondayToFriday, SiteTime, type WorkingDayFn } from './site-time.ts';
import { type Weather, weatherAt } from './weather.ts';

/**
 * The simulated site: weather, occupancy, the water and air side, lifts, security devices and the
 * meter trees, advanced in steps to the injected clock's time. Pure: no I/O and no timers, so tests
 * drive it with a manual clock and the same seed always gives the same building.
 */

export interface SavedRegisters {
  readonly atMs: number;
  readonly energyKwh: Readonly<Record<string, number>>;
  readonly volumeM3: Readonly<Record<string, number>>;
  readonly trips: Readonly<Record<string, number>>;
}

export interface BuildingModelOptions {
  readonly model: SiteModel;
  readonly seed: number;
  readonly startMs: number;
  readonly isWorkingDay?: WorkingDayFn;
  /** Longest continuous-time step; longer advances are split. Default 60 s. */
  readonly maxStepMs?: number;
  /** Synthetic meters `sim-load-<n>` (1-based) that exist in no registry: load tests only. */
  readonly extraMeters?: number;
  /** Cumulative registers saved by an earlier run, so counters never go backwards across restarts. */
  readonly registers?: SavedRegisters;
}

/** Values of one device as published: declared units, booleans for binary points. */
export type DeviceValues = Readonly<Record<string, PointValue>>;

export const EXTRA_METER_PREFIX = 'sim-load-';
/** Meters and lift counters are taken to have run since this date, so registers start at plausible readings. */
const COMMISSIONED_MS = Date.UTC(2021, 6, 1);
const WARM_UP_MS = 2 * 3_600_000;
const MAX_QUEUED_EVENTS = 10_000;
const TYPICAL_TRIPS_PER_DAY = 160;

interface SiteEnvironment {
  readonly site: Site;
  readonly time: SiteTime;
  readonly buildingKeys: ReadonlyMap<string, number>;
  conditions?: SiteConditions;
}

const APPLICABLE: Readonly<Record<FaultKind, (item: ResolvedEquipment) => boolean>> = {
  meter_offline: (item) => 'mqtt' in item.source,
  ahu_supply_drift: (item) => item.class === 'ahu' || item.class === 'fresh_air_unit',
  chiller_trip: (item) => item.class === 'chiller',
  lift_trapped_passenger: (item) => item.class === 'lift',
  door_forced_open: (item) => item.class === 'access_door',
  lighting_after_hours: (item) => item.class === 'electricity_meter' && item.subMetering === '01A00',
};

export class BuildingModel {
  readonly #model: SiteModel;
  readonly #seed: number;
  readonly #maxStepMs: number;
  readonly #sites = new Map<string, SiteEnvironment>();
  readonly #sims = new Map<string, EquipmentSim>();
  readonly #eventSims: (DoorSim | IntrusionSensorSim)[] = [];
  readonly #lifts: LiftSim[] = [];
  readonly #plants = new Map<string, ChillerPlant>();
  /** The plant that supplies each building's chilled water. */
  readonly #plantOf = new Map<string, ChillerPlant>();
  readonly #airSide: (AhuSim | FreshAirUnitSim | FanCoilGroupSim)[] = [];
  readonly #electricMeters: ElectricMeterSim[] = [];
  readonly #waterMeters: WaterMeterSim[] = [];
  readonly #extraMeterIds: string[] = [];
  readonly #values = new Map<string, CanonicalValues>();
  readonly #published = new Map<string, DeviceValues>();
  readonly #offline = new Set<string>();
  readonly #lightsLeftOn = new Set<string>();
  readonly #faults = new Map<string, ActiveFault>();
  #events: PointEvent[] = [];
  #droppedEvents = 0;
  #faultSeq = 0;
  #nowMs: number;

  constructor(options: BuildingModelOptions) {
    this.#model = options.model;
    this.#seed = options.seed;
    this.#maxStepMs = options.maxStepMs ?? 60_000;
    const warmStartMs = options.startMs - WARM_UP_MS;
    this.#nowMs = warmStartMs;
    const isWorkingDay = options.isWorkingDay ?? mondayToFriday;
    for (const site of options.model.sites) {
      this.#sites.set(site.id, {
        site,
        time: new SiteTime(site.timezone, isWorkingDay),
        buildingKeys: new Map(site.buildings.map((b) => [b.code, hashString(b.code)])),
      });
    }
    this.#build(warmStartMs, options.extraMeters ?? 0);
    // Start from a settled building (temperatures converged, chillers staged), not from cold.
    this.#advance(options.startMs);
    this.#events = [];
    this.#initialiseRegisters(options.startMs, options.registers);
    this.#refreshValues();
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  get equipmentIds(): readonly string[] {
    return [...this.#sims.keys()];
  }

  get extraMeterIds(): readonly string[] {
    return this.#extraMeterIds;
  }

  /** Events dropped because nobody drained the queue. */
  get droppedEvents(): number {
    return this.#droppedEvents;
  }

  advanceTo(ms: number): void {
    if (ms <= this.#nowMs) return;
    this.#advance(ms);
    this.#refreshValues();
  }

  /** A device's current values in its points' declared units; undefined for unknown ids. */
  values(id: string): DeviceValues | undefined {
    return this.#published.get(id);
  }

  isOnline(equipmentId: string): boolean {
    return !this.#offline.has(equipmentId);
  }

  /** Changes of event-driven points since the last drain, in time order. */
  drainEvents(): PointEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** Conditions at a site at the last step (for status displays). */
  conditions(siteId: string): { readonly local: LocalTime; readonly weather: Weather } | undefined {
    const conditions = this.#sites.get(siteId)?.conditions;
    return conditions ? { local: conditions.local, weather: conditions.weather } : undefined;
  }

  occupancy(buildingCode: string): number | undefined {
    for (const environment of this.#sites.values()) {
      if (environment.buildingKeys.has(buildingCode)) return environment.conditions?.occupancy(buildingCode);
    }
    return undefined;
  }

  registers(): SavedRegisters {
    return {
      atMs: this.#nowMs,
      energyKwh: Object.fromEntries(this.#electricMeters.map((m) => [m.id, m.energyKwh])),
      volumeM3: Object.fromEntries(this.#waterMeters.map((m) => [m.id, m.volumeM3])),
      trips: Object.fromEntries(this.#lifts.map((l) => [l.equipment.id, l.trips])),
    };
  }

  listFaults(): ActiveFault[] {
    return [...this.#faults.values()];
  }

  injectFault(request: FaultRequest): ActiveFault {
    const item = this.#model.equipment.get(request.equipmentId);
    if (!item) throw new FaultError('unknown_equipment', `no equipment ${request.equipmentId}`);
    if (!APPLICABLE[request.kind](item)) {
      throw new FaultError(
        'fault_not_applicable',
        `${request.kind} does not apply to ${item.id} (class ${item.class}${item.subMetering ? `, ${item.subMetering}` : ''})`,
      );
    }
    for (const fault of this.#faults.values()) {
      if (fault.kind === request.kind && fault.equipmentId === request.equipmentId) {
        throw new FaultError(
          'fault_already_active',
          `${request.kind} is already active on ${item.id} as ${fault.id}`,
        );
      }
    }
    const resolved = this.#resolveParameters(request, item);
    this.#apply(resolved, true);
    const fault: ActiveFault = {
      ...resolved,
      id: `fault-${++this.#faultSeq}`,
      startedAt: new Date(this.#nowMs).toISOString(),
    };
    this.#faults.set(fault.id, fault);
    this.#refreshValues();
    return fault;
  }

  clearFault(id: string): ActiveFault | undefined {
    const fault = this.#faults.get(id);
    if (!fault) return undefined;
    this.#faults.delete(id);
    this.#apply(fault, false);
    this.#refreshValues();
    return fault;
  }

  #resolveParameters(request: FaultRequest, item: ResolvedEquipment): FaultRequest {
    const codeWithin = (code: number) => {
      const limits = item.points.find((p) => p.key === 'fault_code')?.limits;
      if (limits && (code < limits.min || code > limits.max)) {
        throw new FaultError(
          'invalid_fault_parameter',
          `faultCode ${code} is outside ${item.id}.fault_code limits ${limits.min}..${limits.max}`,
        );
      }
      return code;
    };
    switch (request.kind) {
      case 'ahu_supply_drift':
        return {
          ...request,
          driftK: request.driftK ?? FAULT_DEFAULTS.driftK,
          overMinutes: request.overMinutes ?? FAULT_DEFAULTS.overMinutes,
        };
      case 'chiller_trip':
        return { ...request, faultCode: codeWithin(request.faultCode ?? FAULT_DEFAULTS.chillerFaultCode) };
      case 'lift_trapped_passenger':
        return { ...request, faultCode: codeWithin(request.faultCode ?? FAULT_DEFAULTS.liftFaultCode) };
      default:
        return request;
    }
  }

  #apply(fault: FaultRequest, active: boolean): void {
    const sim = this.#sims.get(fault.equipmentId);
    const now = this.#nowMs;
    switch (fault.kind) {
      case 'meter_offline':
        if (active) this.#offline.add(fault.equipmentId);
        else this.#offline.delete(fault.equipmentId);
        return;
      case 'ahu_supply_drift':
        if (sim instanceof AhuSim || sim instanceof FreshAirUnitSim) {
          if (active) {
            sim.startDrift(
              now,
              fault.driftK ?? FAULT_DEFAULTS.driftK,
              (fault.overMinutes ?? FAULT_DEFAULTS.overMinutes) * 60_000,
            );
          } else sim.stopDrift();
        }
        return;
      case 'chiller_trip':
        if (sim instanceof ChillerSim) {
          if (active) sim.trip(fault.faultCode ?? FAULT_DEFAULTS.chillerFaultCode);
          else sim.reset();
        }
        return;
      case 'lift_trapped_passenger':
        if (sim instanceof LiftSim) {
          if (active) sim.trap(fault.faultCode ?? FAULT_DEFAULTS.liftFaultCode);
          else sim.release(now);
        }
        return;
      case 'door_forced_open':
        if (sim instanceof DoorSim) {
          if (active) sim.force(now);
          else sim.secure(now);
        }
        return;
      case 'lighting_after_hours':
        if (active) this.#lightsLeftOn.add(fault.equipmentId);
        else this.#lightsLeftOn.delete(fault.equipmentId);
        return;
    }
  }

  #siteClock(environment: SiteEnvironment): SiteClock {
    return {
      local: (ms) => environment.time.at(ms),
      occupancy: (code, ms) =>
        occupancyShare(environment.time.at(ms), this.#seed, environment.buildingKeys.get(code) ?? 0),
      occupancyTrend: (ms) => occupancyTrend(environment.time.at(ms)),
    };
  }

  #random(key: string): Random {
    return Random.fork(this.#seed, key);
  }

  #build(startMs: number, extraMeters: number): void {
    const environmentOf = (item: ResolvedEquipment) => {
      const environment = this.#sites.get(item.siteId);
      if (!environment) throw new Error(`equipment ${item.id} is on unknown site ${item.siteId}`);
      return environment;
    };
    const ambientC = (item: ResolvedEquipment) => {
      const environment = environmentOf(item);
      return weatherAt(startMs, environment.time.at(startMs), environment.site, this.#seed).temperatureC;
    };
    const emit = (event: PointEvent) => {
      if (this.#events.length >= MAX_QUEUED_EVENTS) {
        this.#events.shift();
        this.#droppedEvents++;
      }
      this.#events.push(event);
    };
    const all = [...this.#model.equipment.values()];
    const liftsPerBuilding = new Map<string, number>();
    for (const item of all) {
      if (item.class === 'lift')
        liftsPerBuilding.set(item.buildingCode, (liftsPerBuilding.get(item.buildingCode) ?? 0) + 1);
    }
    const plantParts = new Map<
      string,
      {
        chillers: ChillerSim[];
        chilledWaterPumps: PumpSim[];
        condenserWaterPumps: PumpSim[];
        towers: CoolingTowerSim[];
      }
    >();
    const partsOf = (code: string) => {
      let parts = plantParts.get(code);
      if (!parts) {
        parts = { chillers: [], chilledWaterPumps: [], condenserWaterPumps: [], towers: [] };
        plantParts.set(code, parts);
      }
      return parts;
    };
    const served = this.#servedBuildings();

    for (const item of [...all].sort((a, b) => a.id.localeCompare(b.id))) {
      const random = this.#random(item.id);
      const environment = environmentOf(item);
      const clock = this.#siteClock(environment);
      let sim: EquipmentSim | undefined;
      switch (item.class) {
        case 'chiller': {
          const area = [...(served.get(item.buildingCode) ?? [item.buildingCode])].reduce(
            (sum, code) => sum + (this.#model.buildings.get(code)?.floorAreaM2 ?? 0),
            0,
          );
          const count = all.filter(
            (e) => e.class === 'chiller' && e.buildingCode === item.buildingCode,
          ).length;
          const chiller = new ChillerSim(item, Math.max(300, (area * 0.085) / count), random, ambientC(item));
          partsOf(item.buildingCode).chillers.push(chiller);
          sim = chiller;
          break;
        }
        case 'pump': {
          const condenser = (item.tags ?? []).includes('condenser-water');
          const pump = new PumpSim(item, condenser ? 30 : 37, random);
          const parts = partsOf(item.buildingCode);
          (condenser ? parts.condenserWaterPumps : parts.chilledWaterPumps).push(pump);
          sim = pump;
          break;
        }
        case 'cooling_tower': {
          const tower = new CoolingTowerSim(item, random, ambientC(item));
          partsOf(item.buildingCode).towers.push(tower);
          sim = tower;
          break;
        }
        case 'ahu':
        case 'fresh_air_unit':
        case 'fan_coil_group': {
          const unit =
            item.class === 'ahu'
              ? new AhuSim(item, random, ambientC(item))
              : item.class === 'fresh_air_unit'
                ? new FreshAirUnitSim(item, random, ambientC(item))
                : new FanCoilGroupSim(item, random, ambientC(item));
          this.#airSide.push(unit);
          sim = unit;
          break;
        }
        case 'lift': {
          const occupants = this.#model.buildings.get(item.buildingCode)?.occupants ?? 300;
          const lift = new LiftSim(item, {
            random,
            clock,
            startMs,
            trips: 0,
            occupantsPerLift: occupants / (liftsPerBuilding.get(item.buildingCode) ?? 1),
          });
          this.#lifts.push(lift);
          sim = lift;
          break;
        }
        case 'access_door':
        case 'intrusion_sensor': {
          const options = { random, clock, emit, startMs };
          const device =
            item.class === 'access_door' ? new DoorSim(item, options) : new IntrusionSensorSim(item, options);
          this.#eventSims.push(device);
          sim = device;
          break;
        }
        case 'fire_panel':
          sim = new SteadyDeviceSim(item, FIRE_PANEL_NORMAL);
          break;
        case 'cctv_camera':
          sim = new SteadyDeviceSim(item, CAMERA_NORMAL);
          break;
        case 'weather_station':
          sim = new WeatherStationSim(item, random, environment);
          break;
        case 'electricity_meter':
        case 'water_meter':
          break;
      }
      if (sim) this.#sims.set(item.id, sim);
    }
    for (const [code, parts] of plantParts) {
      if (parts.chillers.length === 0) continue;
      const area = [...(served.get(code) ?? [code])].reduce(
        (sum, c) => sum + (this.#model.buildings.get(c)?.floorAreaM2 ?? 0),
        0,
      );
      const plant = new ChillerPlant(parts, area);
      this.#plants.set(code, plant);
      for (const servedCode of served.get(code) ?? [code]) this.#plantOf.set(servedCode, plant);
    }
    this.#buildMeters(all, served, extraMeters);
  }

  /** Which buildings each chiller plant cools: its own, plus the compound's buildings without one. */
  #servedBuildings(): Map<string, Set<string>> {
    const served = new Map<string, Set<string>>();
    const withChillers = new Set(
      [...this.#model.equipment.values()].filter((e) => e.class === 'chiller').map((e) => e.buildingCode),
    );
    for (const code of withChillers) {
      const building = this.#model.buildings.get(code);
      const set = new Set([code]);
      if (building?.location === 'compound') {
        for (const other of this.#model.buildings.values()) {
          if (
            other.siteId === building.siteId &&
            other.location === 'compound' &&
            !withChillers.has(other.code)
          ) {
            set.add(other.code);
          }
        }
      }
      served.set(code, set);
    }
    return served;
  }

  #buildMeters(
    all: readonly ResolvedEquipment[],
    served: Map<string, Set<string>>,
    extraMeters: number,
  ): void {
    const onCentralPlant = new Set<string>();
    for (const [plantBuilding, buildings] of served) {
      for (const code of buildings) if (code !== plantBuilding) onCentralPlant.add(code);
    }
    const planner = new MeterPlanner({
      model: this.#model,
      sims: this.#sims,
      plants: this.#plants,
      onCentralPlant,
      random: (key) => this.#random(key),
    });
    const electric = new Map<string, ElectricMeterSim>();
    const water = new Map<string, WaterMeterSim>();
    for (const item of all) {
      if (item.class === 'electricity_meter') {
        electric.set(
          item.id,
          new ElectricMeterSim(
            item.id,
            item.buildingCode,
            planner.electricLoads(item),
            this.#random(item.id),
          ),
        );
      } else if (item.class === 'water_meter') {
        const { flow, typicalM3h } = planner.waterFlow(item);
        water.set(item.id, new WaterMeterSim(item.id, flow, typicalM3h, this.#random(item.id)));
      }
    }
    for (const item of all) {
      if (!item.parent) continue;
      const child = electric.get(item.id);
      if (child) electric.get(item.parent)?.children.push(child);
      const childWater = water.get(item.id);
      if (childWater) water.get(item.parent)?.children.push(childWater);
    }
    this.#electricMeters.push(...postOrder(electric));
    this.#waterMeters.push(...postOrder(water));
    const firstBuilding = [...this.#model.buildings.values()][0];
    for (let n = 1; n <= extraMeters; n++) {
      const id = `${EXTRA_METER_PREFIX}${n}`;
      const random = this.#random(id);
      const code = firstBuilding?.code ?? '';
      this.#electricMeters.push(
        new ElectricMeterSim(id, code, [officeLoad(code, random.uniform(800, 3000))], random),
      );
      this.#extraMeterIds.push(id);
    }
  }

  #initialiseRegisters(startMs: number, saved: SavedRegisters | undefined): void {
    const sinceMs = (typicalRate: number, savedValue: number | undefined) => {
      if (saved && savedValue !== undefined && saved.atMs <= startMs) {
        return savedValue + (typicalRate * (startMs - saved.atMs)) / 3_600_000;
      }
      return (typicalRate * Math.max(0, startMs - COMMISSIONED_MS)) / 3_600_000;
    };
    for (const meter of this.#electricMeters) {
      meter.energyKwh = sinceMs(meter.typicalKw, saved?.energyKwh[meter.id]);
    }
    for (const meter of this.#waterMeters) {
      meter.volumeM3 = sinceMs(meter.typicalTotalM3h, saved?.volumeM3[meter.id]);
    }
    for (const lift of this.#lifts) {
      lift.trips = Math.round(sinceMs(TYPICAL_TRIPS_PER_DAY / 24, saved?.trips[lift.equipment.id]));
    }
  }

  #advance(targetMs: number): void {
    while (this.#nowMs < targetMs) {
      const t1 = Math.min(targetMs, this.#nowMs + this.#maxStepMs);
      this.#step(this.#nowMs, t1);
      this.#nowMs = t1;
    }
  }

  #conditions(environment: SiteEnvironment, ms: number): SiteConditions {
    const local = environment.time.at(ms);
    const weather = weatherAt(ms, local, environment.site, this.#seed);
    const mode: HvacMode =
      weather.dailyMeanC > 20 ? 'cooling' : weather.dailyMeanC < 13 ? 'heating' : 'ventilation';
    const demand =
      mode === 'cooling'
        ? clamp((weather.temperatureC - 20) / 14, 0, 1)
        : mode === 'heating'
          ? clamp((14 - weather.temperatureC) / 14, 0, 1)
          : 0;
    const occupancy = new Map<string, number>();
    for (const [code, key] of environment.buildingKeys)
      occupancy.set(code, occupancyShare(local, this.#seed, key));
    return {
      local,
      weather,
      mode,
      demand,
      hvacOn: hvacScheduled(local),
      occupancy: (code) => occupancy.get(code) ?? 0,
    };
  }

  #step(t0: number, t1: number): void {
    const mid = (t0 + t1) / 2;
    const contexts = new Map<string, StepContext>();
    for (const [id, environment] of this.#sites) {
      environment.conditions = this.#conditions(environment, mid);
      contexts.set(id, { t0, t1, dtMs: t1 - t0, site: environment.conditions });
    }
    const contextOf = (siteId: string): StepContext => {
      const context = contexts.get(siteId);
      if (!context) throw new Error(`unknown site ${siteId}`);
      return context;
    };

    for (const device of this.#eventSims) device.advanceTo(t1);
    for (const lift of this.#lifts) lift.advanceTo(t1, t0);
    for (const [code, plant] of this.#plants) {
      const building = this.#model.buildings.get(code);
      if (!building) continue;
      const context = contextOf(building.siteId);
      plant.step(context, context.site.occupancy(code));
    }
    for (const unit of this.#airSide) {
      const { equipment } = unit;
      const context = contextOf(equipment.siteId);
      const occupancy = context.site.occupancy(equipment.buildingCode);
      if (unit instanceof AhuSim) {
        unit.step(
          context,
          occupancy,
          this.#plantOf.get(equipment.buildingCode)?.chilledWaterAvailable ?? true,
        );
      } else unit.step(context, occupancy);
    }
    for (const sim of this.#sims.values()) {
      if (sim instanceof WeatherStationSim) sim.step(contextOf(sim.equipment.siteId));
    }

    const defaultSite = this.#model.sites[0]?.id ?? '';
    const parentOf = (id: string) => this.#model.equipment.get(id)?.parent;
    const lightsLeftOn = (id: string): boolean => {
      for (let at: string | undefined = id; at; at = parentOf(at))
        if (this.#lightsLeftOn.has(at)) return true;
      return false;
    };
    const inputsFor = (buildingCode: string) => {
      const siteId = this.#model.buildings.get(buildingCode)?.siteId ?? defaultSite;
      const context = contextOf(siteId);
      return {
        context,
        occupancy: (code: string) => context.site.occupancy(code),
        equipmentKw: (id: string) => this.#sims.get(id)?.electricKw ?? 0,
        lightsLeftOn: false,
      };
    };
    for (const meter of this.#electricMeters) {
      meter.lightsLeftOn = this.#lightsLeftOn.size > 0 && lightsLeftOn(meter.id);
      meter.step(inputsFor(meter.buildingCode), t1 - t0);
    }
    for (const meter of this.#waterMeters) {
      meter.step(inputsFor(this.#model.equipment.get(meter.id)?.buildingCode ?? ''), t1 - t0);
    }
  }

  /** Samples every device once per step, so noise draws (and thus results) never depend on readers. */
  #refreshValues(): void {
    this.#values.clear();
    for (const [id, sim] of this.#sims) this.#values.set(id, sim.values());
    for (const meter of this.#electricMeters) this.#values.set(meter.id, meter.values());
    for (const meter of this.#waterMeters) this.#values.set(meter.id, meter.values());
    this.#published.clear();
    for (const [id, canonical] of this.#values) {
      const item = this.#model.equipment.get(id);
      this.#published.set(id, item ? toDeclared(item.points, canonical) : roundExtraMeter(canonical));
    }
  }
}

/** The rooftop weather station: the site's weather with sensor noise. */
class WeatherStationSim implements EquipmentSim {
  readonly equipment: ResolvedEquipment;
  readonly electricKw = 0;
  readonly typicalKw = 0;
  #weather: Weather | undefined;
  readonly #random: Random;
  readonly #environment: SiteEnvironment;

  constructor(equipment: ResolvedEquipment, random: Random, environment: SiteEnvironment) {
    this.equipment = equipment;
    this.#random = random;
    this.#environment = environment;
  }

  step(context: StepContext): void {
    this.#weather = context.site.weather;
  }

  values(): CanonicalValues {
    const weather = this.#weather ?? this.#environment.conditions?.weather;
    if (!weather) return {};
    return {
      outdoor_temp: weather.temperatureC + this.#random.normal(0, 0.1),
      outdoor_humidity: clamp(weather.humidityPct + this.#random.normal(0, 0.5), 0, 100),
      wind_speed: clamp(weather.windMs + this.#random.normal(0, 0.2), 0, 60),
      solar_irradiance: clamp(
        weather.solarWm2 + (weather.solarWm2 > 0 ? this.#random.normal(0, 3) : 0),
        0,
        1500,
      ),
    };
  }
}

function postOrder<T extends { readonly id: string; readonly children: readonly T[] }>(
  all: Map<string, T>,
): T[] {
  const childIds = new Set([...all.values()].flatMap((m) => m.children.map((c) => c.id)));
  const ordered: T[] = [];
  const visit = (meter: T) => {
    for (const child of meter.children) visit(child);
    ordered.push(meter);
  };
  for (const meter of all.values()) if (!childIds.has(meter.id)) visit(meter);
  return ordered;
}

const INTEGER_QUANTITIES = new Set(['count', 'floor', 'state']);

/** Canonical values → the unit each point declares, rounded as a device would report them. */
export function toDeclared(points: readonly ResolvedPoint[], canonical: CanonicalValues): DeviceValues {
  const out: Record<string, PointValue> = {};
  for (const point of points) {
    const raw = canonical[point.key];
    if (point.kind === 'binary') {
      out[point.key] = raw === undefined ? false : typeof raw === 'boolean' ? raw : raw !== 0;
      continue;
    }
    let value: number;
    if (raw === undefined) {
      // A point this simulation knows nothing about (added in a configuration): a steady in-range value.
      value = point.kind === 'analog' ? (point.limits.min + point.limits.max) / 2 : point.limits.min;
    } else {
      const definition = unitDefinition(point.unit);
      const numeric = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
      value = definition ? (numeric - definition.offset) / definition.factor : numeric;
    }
    out[point.key] =
      point.kind === 'multistate' || INTEGER_QUANTITIES.has(point.quantity)
        ? Math.round(value)
        : point.kind === 'counter'
          ? Math.round(value * 1000) / 1000
          : Math.round(value * 100) / 100;
  }
  return out;
}

function roundExtraMeter(canonical: CanonicalValues): DeviceValues {
  const out: Record<string, PointValue> = {};
  for (const [key, value] of Object.entries(canonical)) {
    out[key] = typeof value === 'number' ? Math.round(value * 1000) / 1000 : value;
  }
  return out;
}
