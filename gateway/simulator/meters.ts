import type { ResolvedBuilding, ResolvedEquipment, SiteModel } from '../../config/load/model.ts';
import type { ChillerPlant } from './hvac.ts';
import type { LiftSim } from './lifts.ts';
import {
  boosterPumps,
  carParkLighting,
  carParkVentilation,
  dataCentreLoad,
  domesticWater,
  equipmentLoad,
  generalPower,
  heatPumpLoad,
  kitchenLoad,
  type Load,
  type LoadInputs,
  officeLoad,
  outdoorLighting,
  specialLoad,
} from './loads.ts';
import { clamp, type Random } from './random.ts';
import type { CanonicalValues, EquipmentSim } from './sim-types.ts';

/**
 * 分项计量 meter trees. Leaf meters integrate their loads; a parent meter reads the sum of its
 * children plus feeder losses, so the tree balances as a real one does (roughly: losses and
 * unmetered loads make parents read a little more). Energy is the integral of the same mean power
 * that is reported, so cumulative kWh and kW always agree.
 */

const FEEDER_LOSS = 0.012;
const NO_LOAD_LOSS_KW = 0.3;

export class ElectricMeterSim {
  readonly id: string;
  readonly buildingCode: string;
  readonly loads: readonly Load[];
  readonly children: ElectricMeterSim[] = [];
  energyKwh = 0;
  powerKw = 0;
  reactiveKvar = 0;
  /** Set when this meter or a meter above it has the lighting_after_hours fault. */
  lightsLeftOn = false;
  readonly #random: Random;

  constructor(id: string, buildingCode: string, loads: readonly Load[], random: Random) {
    this.id = id;
    this.buildingCode = buildingCode;
    this.loads = loads;
    this.#random = random;
  }

  get typicalKw(): number {
    if (this.children.length > 0) {
      return this.children.reduce((sum, child) => sum + child.typicalKw, 0) * (1 + FEEDER_LOSS);
    }
    return this.loads.reduce((sum, load) => sum + load.typicalKw, 0);
  }

  /** Children must have stepped first. */
  step(inputs: LoadInputs, dtMs: number): void {
    if (this.children.length > 0) {
      const sum = this.children.reduce((s, child) => s + child.powerKw, 0);
      const reactive = this.children.reduce((s, child) => s + child.reactiveKvar, 0);
      this.powerKw = sum * (1 + FEEDER_LOSS) + NO_LOAD_LOSS_KW;
      this.reactiveKvar = reactive * (1 + 2 * FEEDER_LOSS);
    } else {
      let power = 0;
      let reactive = 0;
      for (const load of this.loads) {
        const kw = Math.max(0, load.kw({ ...inputs, lightsLeftOn: this.lightsLeftOn }));
        power += kw;
        reactive += kw * Math.tan(Math.acos(load.powerFactor));
      }
      const jitter = 1 + this.#random.normal(0, 0.01);
      this.powerKw = Math.max(0, power * jitter);
      this.reactiveKvar = reactive * jitter;
    }
    this.energyKwh += (this.powerKw * dtMs) / 3_600_000;
  }

  values(): CanonicalValues {
    const apparent = Math.hypot(this.powerKw, this.reactiveKvar);
    const powerFactor = apparent > 0.01 ? this.powerKw / apparent + this.#random.normal(0, 0.003) : 1;
    return { energy: this.energyKwh, power: this.powerKw, power_factor: clamp(powerFactor, 0, 1) };
  }
}

export class WaterMeterSim {
  readonly id: string;
  readonly children: WaterMeterSim[] = [];
  volumeM3 = 0;
  flowM3h = 0;
  readonly typicalM3h: number;
  readonly #flow: (inputs: LoadInputs) => number;
  readonly #random: Random;

  constructor(id: string, flow: (inputs: LoadInputs) => number, typicalM3h: number, random: Random) {
    this.id = id;
    this.#flow = flow;
    this.typicalM3h = typicalM3h;
    this.#random = random;
  }

  get typicalTotalM3h(): number {
    return this.typicalM3h + this.children.reduce((sum, child) => sum + child.typicalTotalM3h, 0);
  }

  step(inputs: LoadInputs, dtMs: number): void {
    const own = Math.max(0, this.#flow(inputs) * (1 + this.#random.normal(0, 0.03)));
    this.flowM3h = own + this.children.reduce((sum, child) => sum + child.flowM3h, 0);
    this.volumeM3 += (this.flowM3h * dtMs) / 3_600_000;
  }

  values(): CanonicalValues {
    return { volume: this.volumeM3, flow: this.flowM3h };
  }
}

/**
 * The part of a meter id after its sub-item code (`MB-EM-01B00-CH01` → `CH01`), or a sub-meter's last
 * segment when the id carries no code (`MB-WM-CT` → `CT`); '' for a building's total of its sub-item.
 */
export function meterSuffix(equipment: ResolvedEquipment): string {
  const parts = equipment.id.split('-');
  const at = parts.indexOf(equipment.subMetering ?? '');
  if (at >= 0) return parts.slice(at + 1).join('-');
  return equipment.parent ? (parts.at(-1) ?? '') : '';
}

export interface MeterPlanInputs {
  readonly model: SiteModel;
  readonly sims: ReadonlyMap<string, EquipmentSim>;
  readonly plants: ReadonlyMap<string, ChillerPlant>;
  /** Buildings cooled by a central plant elsewhere on the site (no heat pumps of their own). */
  readonly onCentralPlant: ReadonlySet<string>;
  random(key: string): Random;
}

/**
 * Chooses each meter's loads from its sub-item, its zone and its id suffix (the sample site's
 * conventions: CHnn, CHWP, CWP, CT, AHU, FAU, FCU, LIFT-L/H, DWP, VENT, DC, KIT); a meter without
 * a suffix meters its whole building for its sub-item. Anything unrecognised gets its sub-item's
 * generic profile, so any configuration simulates.
 */
export class MeterPlanner {
  readonly #inputs: MeterPlanInputs;
  readonly #byBuilding = new Map<string, ResolvedEquipment[]>();

  constructor(inputs: MeterPlanInputs) {
    this.#inputs = inputs;
    for (const item of inputs.model.equipment.values()) {
      const list = this.#byBuilding.get(item.buildingCode) ?? [];
      list.push(item);
      this.#byBuilding.set(item.buildingCode, list);
    }
  }

  electricLoads(meter: ResolvedEquipment): Load[] {
    const building = this.#inputs.model.buildings.get(meter.buildingCode);
    if (!building) return [];
    const suffix = meterSuffix(meter);
    const subItem = meter.subMetering ?? '01000';
    if (suffix === '') {
      if (subItem === '01000')
        return (['01A00', '01B00', '01C00', '01D00'] as const).flatMap((s) =>
          this.#buildingLoads(building, s),
        );
      return this.#buildingLoads(building, subItem);
    }
    return this.#feederLoads(meter, building, subItem, suffix);
  }

  #perFloorM2(building: ResolvedBuilding): number {
    return building.floorAreaM2 / Math.max(1, building.zones.filter((z) => z.kind === 'floor').length);
  }

  #equipmentOf(buildingCode: string, predicate: (item: ResolvedEquipment) => boolean): ResolvedEquipment[] {
    return (this.#byBuilding.get(buildingCode) ?? [])
      .filter(predicate)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  #simsLoad(label: string, items: readonly ResolvedEquipment[], powerFactor: number): Load {
    const ids = items.map((item) => item.id).filter((id) => this.#inputs.sims.has(id));
    const typical = ids.reduce((sum, id) => sum + (this.#inputs.sims.get(id)?.typicalKw ?? 0), 0);
    return equipmentLoad(label, ids, typical, powerFactor);
  }

  #buildingLoads(building: ResolvedBuilding, subItem: string): Load[] {
    const code = building.code;
    const area = building.floorAreaM2;
    switch (subItem) {
      case '01A00': {
        const basements = building.zones.filter((z) => z.kind === 'basement').length;
        const loads = [officeLoad(code, area * 0.85)];
        if (basements > 0) loads.push(carParkLighting(code, 0.004 * this.#perFloorM2(building) * basements));
        return loads;
      }
      case '01B00': {
        const hvac = this.#equipmentOf(code, (e) =>
          ['chiller', 'pump', 'cooling_tower', 'ahu', 'fresh_air_unit', 'fan_coil_group'].includes(e.class),
        );
        const loads = [this.#simsLoad('HVAC equipment', hvac, 0.9)];
        const ownPlant = hvac.some((e) => e.class === 'chiller');
        if (!ownPlant && !this.#inputs.onCentralPlant.has(code)) loads.push(heatPumpLoad(code, area));
        return loads;
      }
      case '01C00':
        return [
          this.#simsLoad(
            'lifts',
            this.#equipmentOf(code, (e) => e.class === 'lift'),
            0.85,
          ),
          boosterPumps(code, 0.0004 * area),
          generalPower(code, area),
        ];
      case '01D00':
        return [specialLoad(code, area)];
      default:
        return [];
    }
  }

  #feederLoads(
    meter: ResolvedEquipment,
    building: ResolvedBuilding,
    subItem: string,
    suffix: string,
  ): Load[] {
    const code = building.code;
    const floorM2 = this.#perFloorM2(building);
    const zone = building.zones.find((z) => z.id === meter.zone);
    const ofClass = (cls: string) => this.#equipmentOf(code, (e) => e.class === cls);
    const pumpsTagged = (tag: string) =>
      this.#equipmentOf(code, (e) => e.class === 'pump' && (e.tags ?? []).includes(tag));
    switch (subItem) {
      case '01A00':
        if (zone?.kind === 'basement') return [carParkLighting(code, 0.004 * floorM2)];
        if (zone?.kind === 'outdoor') return [outdoorLighting(25 + building.floorAreaM2 * 0.0002)];
        if (zone?.kind === 'floor' || zone?.kind === 'area') return [officeLoad(code, floorM2 * 0.9)];
        return [officeLoad(code, floorM2 * 0.2)];
      case '01B00': {
        const chiller = /^CH(\d+)$/.exec(suffix);
        if (chiller) {
          const item = ofClass('chiller')[Number(chiller[1]) - 1];
          return [this.#simsLoad(`chiller ${suffix}`, item ? [item] : [], 0.92)];
        }
        if (suffix === 'CHWP')
          return [this.#simsLoad('chilled-water pumps', pumpsTagged('chilled-water'), 0.88)];
        if (suffix === 'CWP')
          return [this.#simsLoad('condenser-water pumps', pumpsTagged('condenser-water'), 0.88)];
        if (suffix === 'CT') return [this.#simsLoad('cooling towers', ofClass('cooling_tower'), 0.86)];
        if (suffix === 'AHU') return [this.#simsLoad('air handling units', ofClass('ahu'), 0.88)];
        if (suffix === 'FAU') return [this.#simsLoad('fresh air units', ofClass('fresh_air_unit'), 0.88)];
        if (suffix === 'FCU') return [this.#simsLoad('fan coils', ofClass('fan_coil_group'), 0.9)];
        return [heatPumpLoad(code, floorM2)];
      }
      case '01C00': {
        const lifts = /^LIFT(?:-([LH]))?$/.exec(suffix);
        if (lifts) return [this.#simsLoad('lifts', this.#liftBank(code, lifts[1]), 0.85)];
        if (suffix === 'DWP') return [boosterPumps(code, 0.0003 * building.floorAreaM2)];
        if (suffix === 'VENT') return [carParkVentilation(0.0004 * building.floorAreaM2)];
        return [generalPower(code, floorM2)];
      }
      case '01D00':
        if (suffix === 'DC') return [dataCentreLoad(85)];
        if (suffix === 'KIT') return [kitchenLoad(0.03 * building.occupants)];
        return [specialLoad(code, floorM2)];
      default:
        return [officeLoad(code, floorM2)];
    }
  }

  /** Low-rise bank: lifts whose top floor is in the lower half of the building; high-rise: the rest. */
  #liftBank(buildingCode: string, bank: string | undefined): ResolvedEquipment[] {
    const lifts = this.#equipmentOf(buildingCode, (e) => e.class === 'lift');
    if (!bank) return lifts;
    const top = (item: ResolvedEquipment) =>
      (this.#inputs.sims.get(item.id) as LiftSim | undefined)?.floors.at(-1) ?? 1;
    const highest = Math.max(...lifts.map(top));
    return lifts.filter((item) => (bank === 'L' ? top(item) <= highest / 2 : top(item) > highest / 2));
  }

  waterFlow(meter: ResolvedEquipment): { flow: (inputs: LoadInputs) => number; typicalM3h: number } {
    const building = this.#inputs.model.buildings.get(meter.buildingCode);
    const suffix = meterSuffix(meter);
    const plant = this.#inputs.plants.get(meter.buildingCode);
    const hasChildren = [...this.#inputs.model.equipment.values()].some((e) => e.parent === meter.id);
    if (suffix === 'CT' && plant) {
      // Evaporation (about 1.5 L per kWh of heat rejected) plus blow-down.
      return { flow: () => plant.heatRejectionKw * 0.0015 * 1.3, typicalM3h: 0.6 };
    }
    if (!building) return { flow: () => 0.02, typicalM3h: 0.02 };
    // A main with sub-meters also feeds unmetered domestic use; a sub-meter without a profile is small.
    const occupants = suffix === '' || hasChildren ? building.occupants : building.occupants * 0.1;
    return { flow: domesticWater(building.code, occupants), typicalM3h: 0.05 + occupants * 0.0045 * 0.25 };
  }
}
