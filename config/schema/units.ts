import Type from 'typebox';

/**
 * The unit catalogue: every quantity the platform stores has one canonical unit; a point may
 * declare any unit of its quantity and the gateway converts with `canonical = raw * factor + offset`.
 * Config validation rejects a unit that is unknown or belongs to another quantity.
 */
export const QUANTITIES = {
  energy: 'kWh',
  power: 'kW',
  reactive_power: 'kvar',
  power_factor: 'ratio',
  voltage: 'V',
  current: 'A',
  frequency: 'Hz',
  temperature: 'degC',
  temperature_difference: 'K',
  relative_humidity: '%RH',
  pressure: 'kPa',
  volume: 'm3',
  volume_flow: 'm3/h',
  thermal_energy: 'GJ',
  percent: '%',
  co2_concentration: 'ppm',
  illuminance: 'lx',
  speed: 'm/s',
  direction: 'deg',
  irradiance: 'W/m2',
  count: 'count',
  floor: 'floor',
  duration: 's',
  boolean: 'bool',
  state: 'state',
} as const;

export type Quantity = keyof typeof QUANTITIES;
export const Quantity = Type.Enum(Object.keys(QUANTITIES) as Quantity[]);

interface UnitDefinition {
  readonly quantity: Quantity;
  readonly factor: number;
  readonly offset: number;
}

const unit = (quantity: Quantity, factor = 1, offset = 0): UnitDefinition => ({ quantity, factor, offset });

/** Declared unit → its quantity and the conversion into that quantity's canonical unit. */
export const UNITS: Readonly<Record<string, UnitDefinition>> = {
  Wh: unit('energy', 0.001),
  kWh: unit('energy'),
  MWh: unit('energy', 1000),
  W: unit('power', 0.001),
  kW: unit('power'),
  MW: unit('power', 1000),
  var: unit('reactive_power', 0.001),
  kvar: unit('reactive_power'),
  ratio: unit('power_factor'),
  V: unit('voltage'),
  kV: unit('voltage', 1000),
  A: unit('current'),
  Hz: unit('frequency'),
  degC: unit('temperature'),
  degF: unit('temperature', 5 / 9, -32 * (5 / 9)),
  K: unit('temperature_difference'),
  '%RH': unit('relative_humidity'),
  Pa: unit('pressure', 0.001),
  kPa: unit('pressure'),
  MPa: unit('pressure', 1000),
  bar: unit('pressure', 100),
  L: unit('volume', 0.001),
  m3: unit('volume'),
  'L/s': unit('volume_flow', 3.6),
  'm3/h': unit('volume_flow'),
  GJ: unit('thermal_energy'),
  MJ: unit('thermal_energy', 0.001),
  '%': unit('percent'),
  ppm: unit('co2_concentration'),
  lx: unit('illuminance'),
  'm/s': unit('speed'),
  deg: unit('direction'),
  'W/m2': unit('irradiance'),
  count: unit('count'),
  floor: unit('floor'),
  s: unit('duration'),
  min: unit('duration', 60),
  bool: unit('boolean'),
  state: unit('state'),
};

export function unitDefinition(unitName: string): UnitDefinition | undefined {
  return Object.hasOwn(UNITS, unitName) ? UNITS[unitName] : undefined;
}

/** Converts a value in `unitName` into its quantity's canonical unit. */
export function toCanonical(value: number, unitName: string): number {
  const definition = unitDefinition(unitName);
  if (!definition) throw new RangeError(`unknown unit ${unitName}`);
  return value * definition.factor + definition.offset;
}
