import type { PeriodTotal } from './intervals.ts';
import { ELECTRICITY_SUB_ITEMS, type MeterTree, type RollupItem } from './meter-tree.ts';
import { combineMeasured, type Measured, virtualTotal } from './virtual-meters.ts';

export const ROLLUP_ITEMS: readonly RollupItem[] = ['01000', ...ELECTRICITY_SUB_ITEMS, 'unmetered', '02000'];

/** Energy per floor area and per occupant (人均能耗); null where the denominator is zero or the value unknown. */
export interface Intensity {
  readonly perM2: number | null;
  readonly perOccupant: number | null;
}

export interface RollupCell extends Measured {
  readonly item: RollupItem;
  /** kWh for electricity, m3 for water. */
  readonly unit: string;
  readonly intensity: Intensity;
}

export interface BuildingRollup {
  readonly buildingCode: string;
  readonly floorAreaM2: number;
  readonly occupants: number;
  /** One cell per item the building has meters for. */
  readonly items: readonly RollupCell[];
}

export interface SiteRollup {
  readonly siteId: string;
  readonly floorAreaM2: number;
  readonly occupants: number;
  readonly buildings: readonly BuildingRollup[];
  /** Sums over the buildings that have the item (a building without it does not make the sum partial). */
  readonly items: readonly RollupCell[];
}

const unitOf = (item: RollupItem): string => (item === '02000' ? 'm3' : 'kWh');

export function intensityOf(value: number | null, floorAreaM2: number, occupants: number): Intensity {
  if (value === null) return { perM2: null, perOccupant: null };
  return {
    perM2: floorAreaM2 > 0 ? value / floorAreaM2 : null,
    perOccupant: occupants > 0 ? value / occupants : null,
  };
}

/**
 * Roll-ups of a site's meters over one period: per building and item (sub-items 01A00–01D00,
 * the electricity total, what no sub-item meter sees, water), and per site, with kWh per m² and
 * per occupant beside each figure. `totals` gives each physical meter's total for the period.
 */
export function siteRollup(
  tree: MeterTree,
  siteId: string,
  totals: (meterId: string) => PeriodTotal | undefined,
): SiteRollup {
  const buildings = tree.buildingsOfSite(siteId).map((building): BuildingRollup => {
    const items: RollupCell[] = [];
    for (const item of ROLLUP_ITEMS) {
      const meter = tree.rollupMeter(building.code, item);
      if (!meter) continue;
      const figure = virtualTotal(meter, totals);
      items.push({
        item,
        unit: unitOf(item),
        ...figure,
        intensity: intensityOf(figure.value, building.floorAreaM2, building.occupants),
      });
    }
    return {
      buildingCode: building.code,
      floorAreaM2: building.floorAreaM2,
      occupants: building.occupants,
      items,
    };
  });
  const floorAreaM2 = buildings.reduce((sum, b) => sum + b.floorAreaM2, 0);
  const occupants = buildings.reduce((sum, b) => sum + b.occupants, 0);
  const items: RollupCell[] = [];
  for (const item of ROLLUP_ITEMS) {
    const cells = buildings.flatMap((b) => b.items.filter((cell) => cell.item === item));
    if (cells.length === 0) continue;
    // Intensity over the buildings that report the item, so a building without water meters
    // does not dilute the site's water per occupant.
    const having = buildings.filter((b) => b.items.some((cell) => cell.item === item));
    const figure = combineMeasured(cells.map((cell) => ({ figure: cell, sign: 1 as const })));
    items.push({
      item,
      unit: unitOf(item),
      ...figure,
      intensity: intensityOf(
        figure.value,
        having.reduce((sum, b) => sum + b.floorAreaM2, 0),
        having.reduce((sum, b) => sum + b.occupants, 0),
      ),
    });
  }
  return { siteId, floorAreaM2, occupants, buildings, items };
}
