import type { ResolvedBuilding, ResolvedPoint, SiteModel } from '../../../config/load/model.ts';
import { METER_CLASSES, type SubMetering } from '../../../config/schema/equipment.ts';
import { unitDefinition } from '../../../config/schema/units.ts';
import { EnergyError } from '../errors.ts';

/** Electricity sub-items of the monitoring guideline (分项计量); 01000 is a total, 02000 water. */
export const ELECTRICITY_SUB_ITEMS = ['01A00', '01B00', '01C00', '01D00'] as const;
export type ElectricitySubItem = (typeof ELECTRICITY_SUB_ITEMS)[number];

/** A physical meter of the configuration and its cumulative register. */
export interface MeterNode {
  readonly id: string;
  readonly siteId: string;
  readonly buildingCode: string;
  readonly subMetering: SubMetering;
  readonly parent: string | undefined;
  readonly children: readonly string[];
  /** The register point's full id (`<meter>.energy` or `<meter>.volume`). */
  readonly registerPointId: string;
  /** Canonical unit of the register (kWh, m3). */
  readonly unit: string;
  /** The register's maximum in the canonical unit (its `limits.max`), where it rolls over. */
  readonly registerMax: number;
  /** How often the meter reports, in ms. */
  readonly intervalMs: number;
}

/** One term of a virtual meter: a physical meter's consumption, added or subtracted. */
export interface MeterTerm {
  readonly meterId: string;
  readonly sign: 1 | -1;
}

/** A meter computed from others: sums (a building's sub-items) and differences (unmetered remainder). */
export interface VirtualMeter {
  readonly id: string;
  readonly terms: readonly MeterTerm[];
}

/** What a roll-up row counts: a sub-item, the electricity total, water, or the total minus the sub-items. */
export type RollupItem = '01000' | ElectricitySubItem | '02000' | 'unmetered';

/**
 * The meter trees of the configuration (`parent` links within a building) and the virtual
 * meters made from them. A sub-item's consumption is the sum of its **heads**: meters of that
 * sub-item whose parent is of another sub-item or absent, so floor meters below a sub-item feeder
 * are never counted twice.
 */
export class MeterTree {
  readonly #meters = new Map<string, MeterNode>();
  readonly #model: SiteModel;

  constructor(model: SiteModel) {
    this.#model = model;
    const children = new Map<string, string[]>();
    for (const equipment of model.equipment.values()) {
      if (!METER_CLASSES.has(equipment.class) || !equipment.subMetering || !equipment.parent) continue;
      const list = children.get(equipment.parent) ?? [];
      list.push(equipment.id);
      children.set(equipment.parent, list);
    }
    for (const equipment of model.equipment.values()) {
      if (!METER_CLASSES.has(equipment.class) || !equipment.subMetering) continue;
      const register = equipment.points.find((point) => point.kind === 'counter');
      if (!register) continue;
      this.#meters.set(equipment.id, {
        id: equipment.id,
        siteId: equipment.siteId,
        buildingCode: equipment.buildingCode,
        subMetering: equipment.subMetering,
        parent: equipment.parent,
        children: children.get(equipment.id) ?? [],
        registerPointId: register.id,
        unit: register.canonicalUnit,
        registerMax: canonicalMax(register),
        intervalMs: register.intervalS * 1000,
      });
    }
  }

  get meters(): ReadonlyMap<string, MeterNode> {
    return this.#meters;
  }

  meter(id: string): MeterNode {
    const meter = this.#meters.get(id);
    if (!meter) throw new EnergyError('unknown_meter', `no meter ${id} with a cumulative register`);
    return meter;
  }

  /** The meter whose register is this point, if any. */
  meterOfPoint(pointId: string): MeterNode | undefined {
    const equipmentId = pointId.slice(0, pointId.lastIndexOf('.'));
    const meter = this.#meters.get(equipmentId);
    return meter?.registerPointId === pointId ? meter : undefined;
  }

  building(code: string): ResolvedBuilding {
    const building = this.#model.buildings.get(code);
    if (!building) throw new EnergyError('unknown_building', `no building ${code}`);
    return building;
  }

  buildingsOfSite(siteId: string): ResolvedBuilding[] {
    const buildings = [...this.#model.buildings.values()].filter((b) => b.siteId === siteId);
    if (buildings.length === 0) throw new EnergyError('unknown_site', `no site ${siteId} with buildings`);
    return buildings;
  }

  /** Meters of a building's sub-item that are not below another meter of the same sub-item. */
  heads(buildingCode: string, subItem: SubMetering): MeterNode[] {
    return [...this.#meters.values()].filter((meter) => {
      if (meter.buildingCode !== buildingCode || meter.subMetering !== subItem) return false;
      const parent = meter.parent ? this.#meters.get(meter.parent) : undefined;
      return parent?.subMetering !== subItem;
    });
  }

  /**
   * The virtual meter a roll-up row reads, or undefined when the building has no meter for it:
   * - a sub-item or water: the sum of its heads;
   * - `01000`: the building's total electricity heads, or the sum of its sub-item heads when it
   *   has no total meter;
   * - `unmetered`: total heads minus sub-item heads (losses and loads on no sub-item feeder);
   *   only where both exist.
   */
  rollupMeter(buildingCode: string, item: RollupItem): VirtualMeter | undefined {
    const id = `${buildingCode}:${item}`;
    const sum = (meters: readonly MeterNode[], sign: 1 | -1 = 1): MeterTerm[] =>
      meters.map((meter) => ({ meterId: meter.id, sign }));
    const subItemHeads = ELECTRICITY_SUB_ITEMS.flatMap((subItem) => this.heads(buildingCode, subItem));
    const totals = this.heads(buildingCode, '01000');
    let terms: MeterTerm[];
    if (item === 'unmetered') {
      if (totals.length === 0 || subItemHeads.length === 0) return undefined;
      terms = [...sum(totals), ...sum(subItemHeads, -1)];
    } else if (item === '01000') {
      terms = sum(totals.length > 0 ? totals : subItemHeads);
    } else {
      terms = sum(this.heads(buildingCode, item));
    }
    return terms.length > 0 ? { id, terms } : undefined;
  }

  /** A meter minus its children: what its own feeder supplies that no sub-meter sees. */
  remainder(meterId: string): VirtualMeter {
    const meter = this.meter(meterId);
    return {
      id: `${meterId}:remainder`,
      terms: [
        { meterId, sign: 1 },
        ...meter.children.map((child) => ({ meterId: child, sign: -1 as const })),
      ],
    };
  }
}

/** The register's limit in the canonical unit: the gateway converts values but limits stay declared. */
function canonicalMax(point: ResolvedPoint): number {
  const unit = unitDefinition(point.unit);
  return point.limits.max * (unit?.factor ?? 1) + (unit?.offset ?? 0);
}
