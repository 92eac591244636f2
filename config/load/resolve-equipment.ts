import type { ServiceCategory } from '../schema/common.ts';
import type { DeviceCredentialsFile } from '../schema/devices.ts';
import {
  type Binding,
  type ClassTemplate,
  EQUIPMENT_CLASSES,
  type Equipment,
  type EquipmentClass,
  type EquipmentFile,
  type EquipmentPoint,
  METER_CLASSES,
  type PointTemplatesFile,
  type TemplatePoint,
} from '../schema/equipment.ts';
import { QUANTITIES, unitDefinition } from '../schema/units.ts';
import type { OrganisationIndex } from './check-organisation.ts';
import type { IssueCollector } from './issues.ts';
import type { ResolvedEquipment, ResolvedPoint } from './model.ts';
import type { Parsed } from './read-files.ts';

/** Topic a device publishes one point's readings on, on the embedded broker. */
export const devicePointTopic = (device: string, key: string): string => `devices/${device}/points/${key}`;

/** Class templates after checking their keys, units and limits. */
export function checkTemplates(
  parsed: Parsed<PointTemplatesFile>,
  issues: IssueCollector,
): Map<EquipmentClass, ClassTemplate> {
  const { file, data } = parsed;
  const templates = new Map<EquipmentClass, ClassTemplate>();
  const known = new Set<string>(EQUIPMENT_CLASSES);
  for (const [className, template] of Object.entries(data.classes)) {
    if (!known.has(className)) {
      issues.at(
        file,
        ['classes', className],
        `unknown equipment class (known: ${EQUIPMENT_CLASSES.join(', ')})`,
      );
      continue;
    }
    const keys = new Set<string>();
    template.points.forEach((point, p) => {
      const at = ['classes', className, 'points', p];
      if (keys.has(point.key)) issues.at(file, [...at, 'key'], `duplicate point key ${point.key}`);
      keys.add(point.key);
      checkPointShape(point, file, at, issues);
    });
    templates.set(className as EquipmentClass, template);
  }
  return templates;
}

type PointShape = Pick<TemplatePoint, 'quantity' | 'unit' | 'limits' | 'kind'>;

function checkPointShape(
  point: PointShape,
  file: string,
  at: (string | number)[],
  issues: IssueCollector,
): void {
  const unit = unitDefinition(point.unit);
  if (!unit) issues.at(file, [...at, 'unit'], `unknown unit ${point.unit}`);
  else if (unit.quantity !== point.quantity) {
    issues.at(file, [...at, 'unit'], `unit ${point.unit} measures ${unit.quantity}, not ${point.quantity}`);
  }
  if (!(point.limits.min < point.limits.max)) {
    issues.at(
      file,
      [...at, 'limits'],
      `limits.min (${point.limits.min}) must be below limits.max (${point.limits.max})`,
    );
  }
  if (point.kind === 'binary' && point.quantity !== 'boolean') {
    issues.at(file, [...at, 'quantity'], 'a binary point measures the quantity boolean');
  }
}

/**
 * Expands every piece of equipment into its points (template, then per-equipment overrides),
 * derives source bindings, and checks references: building, zone, broker, endpoint, meter tree.
 */
export function resolveEquipment(
  files: readonly Parsed<EquipmentFile>[],
  templates: ReadonlyMap<EquipmentClass, ClassTemplate>,
  organisation: OrganisationIndex,
  issues: IssueCollector,
): Map<string, ResolvedEquipment> {
  const equipment = new Map<string, ResolvedEquipment>();
  const located = new Map<string, { file: string; index: number }>();
  const devices = new Map<string, string>();
  const bindings = new Map<string, string>();

  for (const { file, data } of files) {
    const building = organisation.buildings.get(data.building);
    if (!building) {
      issues.at(file, ['building'], `unknown building ${data.building}`);
      continue;
    }
    const sources = organisation.sources.get(building.siteId);
    data.equipment.forEach((item, e) => {
      const at = ['equipment', e];
      if (equipment.has(item.id)) {
        issues.at(file, [...at, 'id'], `duplicate equipment id ${item.id}`);
        return;
      }
      if (organisation.zones.get(item.zone) !== building.code) {
        issues.at(file, [...at, 'zone'], `zone ${item.zone} is not in building ${building.code}`);
      }
      checkMeterFields(item, file, at, issues);
      if ('mqtt' in item.source) {
        const { broker, device } = item.source.mqtt;
        if (!sources?.mqtt.has(broker))
          issues.at(file, [...at, 'source', 'mqtt', 'broker'], `unknown MQTT broker ${broker}`);
        const owner = devices.get(device);
        if (owner)
          issues.at(
            file,
            [...at, 'source', 'mqtt', 'device'],
            `device ${device} is already used by ${owner}`,
          );
        devices.set(device, item.id);
      } else if (!sources?.opcua.has(item.source.opcua.endpoint)) {
        issues.at(
          file,
          [...at, 'source', 'opcua', 'endpoint'],
          `unknown OPC UA endpoint ${item.source.opcua.endpoint}`,
        );
      }
      const template = templates.get(item.class);
      if (!template) {
        issues.at(file, [...at, 'class'], `no point template for class ${item.class}`);
        return;
      }
      const points = resolvePoints(item, template, file, at, issues);
      for (const [p, point] of points.entries()) {
        const where = bindingKey(point.binding);
        const owner = bindings.get(where);
        if (owner)
          issues.at(file, [...at, 'points', p], `binding ${where} is already used by point ${owner}`);
        bindings.set(where, point.id);
      }
      located.set(item.id, { file, index: e });
      equipment.set(item.id, {
        ...item,
        siteId: building.siteId,
        buildingCode: building.code,
        category: template.category as ServiceCategory,
        points,
      });
    });
  }
  checkMeterTree(equipment, located, issues);
  return equipment;
}

function checkMeterFields(
  item: Equipment,
  file: string,
  at: (string | number)[],
  issues: IssueCollector,
): void {
  const isMeter = METER_CLASSES.has(item.class);
  if (!isMeter) {
    if (item.subMetering)
      issues.at(file, [...at, 'subMetering'], 'only meters carry a sub-metering category');
    if (item.parent) issues.at(file, [...at, 'parent'], 'only meters have a parent meter');
    return;
  }
  if (!item.subMetering) {
    issues.at(file, [...at, 'subMetering'], 'a meter needs a sub-metering category (01000, 01A00 … 02000)');
    return;
  }
  const isWater = item.subMetering === '02000';
  if (isWater !== (item.class === 'water_meter')) {
    issues.at(file, [...at, 'subMetering'], `category ${item.subMetering} does not fit a ${item.class}`);
  }
}

function resolvePoints(
  item: Equipment,
  template: ClassTemplate,
  file: string,
  at: (string | number)[],
  issues: IssueCollector,
): ResolvedPoint[] {
  const merged = new Map<string, TemplatePoint & { binding?: Binding }>();
  for (const point of template.points) merged.set(point.key, point);
  const declared = new Set<string>();
  (item.points ?? []).forEach((override, p) => {
    const pointAt = [...at, 'points', p];
    if (declared.has(override.key))
      issues.at(file, [...pointAt, 'key'], `duplicate point id ${item.id}.${override.key}`);
    declared.add(override.key);
    const base = merged.get(override.key);
    const combined = base
      ? { ...base, ...definedOnly(override) }
      : completePoint(override, file, pointAt, issues);
    if (!combined) return;
    if (override.unit || override.quantity || override.limits)
      checkPointShape(combined, file, pointAt, issues);
    merged.set(override.key, combined);
  });

  return [...merged.values()].map(({ opcuaName, binding, ...point }) => ({
    ...point,
    id: `${item.id}.${point.key}`,
    equipmentId: item.id,
    canonicalUnit: QUANTITIES[point.quantity],
    binding: binding ?? defaultBinding(item, point.key, opcuaName),
  }));
}

/** A point that is not in the class template must say everything a template point says. */
function completePoint(
  point: EquipmentPoint,
  file: string,
  at: (string | number)[],
  issues: IssueCollector,
): (TemplatePoint & { binding?: Binding }) | undefined {
  const { quantity, unit, kind, intervalS, limits } = point;
  if (quantity && unit && kind && intervalS !== undefined && limits) {
    return { ...definedOnly(point), quantity, unit, kind, intervalS, limits };
  }
  const missing = (['quantity', 'unit', 'kind', 'intervalS', 'limits'] as const).filter(
    (f) => point[f] === undefined,
  );
  issues.at(file, at, `point ${point.key} is not in the class template, so it needs ${missing.join(', ')}`);
  return undefined;
}

function defaultBinding(item: Equipment, key: string, opcuaName: string | undefined): Binding {
  if ('mqtt' in item.source) {
    return {
      kind: 'mqtt',
      broker: item.source.mqtt.broker,
      topic: devicePointTopic(item.source.mqtt.device, key),
    };
  }
  const prefix = item.source.opcua.nodePrefix ?? `ns=1;s=${item.id}.`;
  return {
    kind: 'opcua',
    endpoint: item.source.opcua.endpoint,
    nodeId: `${prefix}${opcuaName ?? pascalCase(key)}`,
  };
}

const pascalCase = (key: string): string =>
  key
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const bindingKey = (binding: Binding): string =>
  binding.kind === 'mqtt'
    ? `mqtt:${binding.broker}:${binding.topic}${binding.field ? `#${binding.field}` : ''}`
    : `opcua:${binding.endpoint}:${binding.nodeId}`;

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Parents must be meters of the same class in the same building, and the tree must have no cycle. */
function checkMeterTree(
  equipment: ReadonlyMap<string, ResolvedEquipment>,
  located: ReadonlyMap<string, { file: string; index: number }>,
  issues: IssueCollector,
): void {
  for (const item of equipment.values()) {
    if (!item.parent) continue;
    const where = located.get(item.id);
    if (!where) continue;
    const at = ['equipment', where.index, 'parent'];
    const parent = equipment.get(item.parent);
    if (!parent) issues.at(where.file, at, `unknown parent meter ${item.parent}`);
    else if (parent.class !== item.class)
      issues.at(where.file, at, `parent ${parent.id} is a ${parent.class}, not a ${item.class}`);
    else if (parent.buildingCode !== item.buildingCode) {
      issues.at(
        where.file,
        at,
        `parent ${parent.id} is in building ${parent.buildingCode}, not ${item.buildingCode}`,
      );
    } else if (parent.subMetering !== '01000' && parent.subMetering !== item.subMetering) {
      // Below a total meter any sub-item may hang; below a sub-item feeder only the same sub-item.
      issues.at(
        where.file,
        at,
        `a ${item.subMetering} meter cannot hang below ${parent.id}, a ${parent.subMetering} meter`,
      );
    }
  }
  const reported = new Set<string>();
  for (const start of equipment.values()) {
    const seen: string[] = [];
    let current: ResolvedEquipment | undefined = start;
    while (current?.parent && !reported.has(current.id)) {
      if (seen.includes(current.id)) {
        const cycle = seen.slice(seen.indexOf(current.id));
        for (const id of cycle) reported.add(id);
        const where = located.get(current.id);
        if (where) {
          issues.at(
            where.file,
            ['equipment', where.index, 'parent'],
            `meter parent cycle: ${[...cycle, current.id].join(' → ')}`,
          );
        }
        break;
      }
      seen.push(current.id);
      current = equipment.get(current.parent);
    }
  }
}

/** Every credential must name a configured MQTT device, once. */
export function checkDeviceCredentials(
  parsed: Parsed<DeviceCredentialsFile>,
  equipment: ReadonlyMap<string, ResolvedEquipment>,
  issues: IssueCollector,
): Map<string, string> {
  const devices = new Set<string>();
  for (const item of equipment.values()) if ('mqtt' in item.source) devices.add(item.source.mqtt.device);
  const secrets = new Map<string, string>();
  parsed.data.devices.forEach((entry, d) => {
    if (!devices.has(entry.device))
      issues.at(parsed.file, ['devices', d, 'device'], `unknown MQTT device ${entry.device}`);
    if (secrets.has(entry.device))
      issues.at(parsed.file, ['devices', d, 'device'], `duplicate credentials for ${entry.device}`);
    secrets.set(entry.device, entry.secret);
  });
  return secrets;
}
