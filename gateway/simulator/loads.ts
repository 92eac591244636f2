import { lightingUse } from './occupancy.ts';
import { clamp } from './random.ts';
import type { StepContext } from './sim-types.ts';

/**
 * Electrical and water loads behind the meters, by 分项计量 sub-item. Each returns its mean over a
 * step, evaluated at the step's midpoint conditions.
 */

export interface LoadInputs {
  readonly context: StepContext;
  occupancy(buildingCode: string): number;
  /** Mean power of a simulated piece of equipment over the step. */
  equipmentKw(equipmentId: string): number;
  /** The lighting_after_hours fault: lights and sockets stay at their daytime level. */
  readonly lightsLeftOn: boolean;
}

export interface Load {
  readonly label: string;
  readonly powerFactor: number;
  /** Long-run mean, to seed a meter's register at a plausible reading. */
  readonly typicalKw: number;
  kw(inputs: LoadInputs): number;
}

/** Daytime occupancy a floor keeps when its lights are left on after hours. */
const DAYTIME_OCCUPANCY = 0.9;

/** 01A00 room lighting (LED, about 7 W/m², dimmed by daylight) and sockets (about 6 W/m²). */
export function officeLoad(buildingCode: string, areaM2: number): Load {
  return {
    label: 'office lighting and sockets',
    powerFactor: 0.93,
    typicalKw: areaM2 * 0.0042,
    kw({ context, occupancy, lightsLeftOn }) {
      const { local, weather } = context.site;
      const present = occupancy(buildingCode);
      const lightsOn = lightsLeftOn ? Math.max(present, DAYTIME_OCCUPANCY) : lightingUse(local, present);
      const daylight = clamp(weather.solarWm2 / 800, 0, 1);
      const lighting = areaM2 * 0.007 * (0.08 + 0.92 * lightsOn * (1 - 0.35 * daylight));
      const sockets = areaM2 * 0.006 * (0.12 + 0.88 * (lightsLeftOn ? DAYTIME_OCCUPANCY : present));
      return lighting + sockets;
    },
  };
}

/** Car parks are lit around the clock, dimmed by presence sensors when empty. */
export function carParkLighting(buildingCode: string, peakKw: number): Load {
  return {
    label: 'car park lighting',
    powerFactor: 0.95,
    typicalKw: peakKw * 0.65,
    kw: ({ occupancy, lightsLeftOn }) =>
      lightsLeftOn ? peakKw : peakKw * (0.55 + 0.45 * Math.min(1, 2 * occupancy(buildingCode))),
  };
}

/** Landscape lighting from dusk to 23:00, then security lighting until dawn. */
export function outdoorLighting(peakKw: number): Load {
  return {
    label: 'outdoor lighting',
    powerFactor: 0.95,
    typicalKw: peakKw * 0.3,
    kw({ context, lightsLeftOn }) {
      const { local, weather } = context.site;
      if (weather.sunElevationDeg > -2) return lightsLeftOn ? peakKw : 0;
      return local.hour >= 12 && local.hour < 23 ? peakKw : lightsLeftOn ? peakKw : peakKw * 0.3;
    },
  };
}

/** Simulated equipment (chillers, pumps, air-side units, lifts) metered by this feeder. */
export function equipmentLoad(
  label: string,
  equipmentIds: readonly string[],
  typicalKw: number,
  powerFactor: number,
): Load {
  return {
    label,
    powerFactor,
    typicalKw,
    kw: ({ equipmentKw }) => equipmentIds.reduce((sum, id) => sum + equipmentKw(id), 0),
  };
}

/** Air-source heat pumps of buildings off the central plant: cooling COP about 3.2, heating 2.8. */
export function heatPumpLoad(buildingCode: string, areaM2: number): Load {
  return {
    label: 'air-source heat pumps',
    powerFactor: 0.9,
    typicalKw: areaM2 * 0.004,
    kw({ context, occupancy }) {
      const { site } = context;
      if (!site.hvacOn) return 0;
      const present = 0.5 + 0.5 * occupancy(buildingCode);
      if (site.mode === 'cooling') return (areaM2 * 0.085 * (0.15 + 0.85 * site.demand) * present) / 3.2;
      if (site.mode === 'heating') return (areaM2 * 0.05 * (0.2 + 0.8 * site.demand) * present) / 2.8;
      return 0;
    },
  };
}

/** Domestic water booster pumps follow water use, hence occupancy. */
export function boosterPumps(buildingCode: string, peakKw: number): Load {
  return {
    label: 'domestic water pumps',
    powerFactor: 0.86,
    typicalKw: peakKw * 0.35,
    kw: ({ occupancy }) => peakKw * (0.2 + 0.8 * occupancy(buildingCode)),
  };
}

/** Car park ventilation: full speed around the arrival and leaving peaks, CO-controlled otherwise. */
export function carParkVentilation(peakKw: number): Load {
  return {
    label: 'car park ventilation',
    powerFactor: 0.86,
    typicalKw: peakKw * 0.35,
    kw({ context }) {
      const { local } = context.site;
      const peak =
        local.workingDay &&
        ((local.hour >= 7 && local.hour < 9.5) || (local.hour >= 16.5 && local.hour < 19.5));
      return peak ? peakKw : peakKw * 0.25;
    },
  };
}

/** 信息中心机房: IT load is near constant; its precision air conditioning works harder when it is hot. */
export function dataCentreLoad(itKw: number): Load {
  return {
    label: 'data centre',
    powerFactor: 0.96,
    typicalKw: itKw * 1.38,
    kw({ context }) {
      const { weather, local } = context.site;
      const it = itKw * (1 + 0.015 * Math.sin((2 * Math.PI * (local.hour - 10)) / 24));
      const cooling = itKw * (0.32 + 0.006 * (weather.temperatureC - 15));
      return it + Math.max(0, cooling);
    },
  };
}

// Canteen kitchen: preparing lunch from mid-morning, a smaller peak for the evening meal.
const KITCHEN_DAY: readonly (readonly [number, number])[] = [
  [0, 0],
  [9.5, 0],
  [10.5, 0.8],
  [11.5, 1],
  [12.5, 0.5],
  [13.5, 0.12],
  [16, 0.12],
  [17, 0.6],
  [18, 0.45],
  [19, 0],
  [24, 0],
];

export function kitchenLoad(peakKw: number): Load {
  const refrigeration = peakKw * 0.1;
  return {
    label: 'canteen kitchen',
    powerFactor: 0.98,
    typicalKw: refrigeration + peakKw * 0.12,
    kw({ context }) {
      const { local } = context.site;
      if (!local.workingDay) return refrigeration;
      let share = 0;
      for (let i = 1; i < KITCHEN_DAY.length; i++) {
        const [h1, v1] = KITCHEN_DAY[i] as readonly [number, number];
        if (local.hour <= h1) {
          const [h0, v0] = KITCHEN_DAY[i - 1] as readonly [number, number];
          share = v0 + ((v1 - v0) * (local.hour - h0)) / (h1 - h0);
          break;
        }
      }
      return refrigeration + (peakKw - refrigeration) * share;
    },
  };
}

/** Other power loads of a building: ventilation fans, drainage pumps, small motors. */
export function generalPower(buildingCode: string, areaM2: number): Load {
  return {
    label: 'general power',
    powerFactor: 0.86,
    typicalKw: areaM2 * 0.0006,
    kw: ({ occupancy }) => areaM2 * 0.0012 * (0.4 + 0.6 * occupancy(buildingCode)),
  };
}

/** Special loads without a profile of their own (telecom rooms, fitness centres): near constant. */
export function specialLoad(buildingCode: string, areaM2: number): Load {
  return {
    label: 'special',
    powerFactor: 0.95,
    typicalKw: areaM2 * 0.0016,
    kw: ({ occupancy }) => areaM2 * 0.0015 * (0.85 + 0.3 * occupancy(buildingCode)),
  };
}

/** Water drawn by a building's occupants (about 40 L per person per working day), peaking at lunch. */
export function domesticWater(buildingCode: string, occupants: number): (inputs: LoadInputs) => number {
  return ({ context, occupancy }) => {
    const { local } = context.site;
    const lunch = local.workingDay && local.hour >= 11 && local.hour < 13 ? 1.4 : 1;
    return 0.05 + occupants * 0.0045 * occupancy(buildingCode) * lunch;
  };
}
