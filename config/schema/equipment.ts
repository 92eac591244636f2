import Type, { type Static } from 'typebox';
import { BuildingCode, Id, LocalizedText, PointKey, ServiceCategory } from './common.ts';
import { Quantity } from './units.ts';

export const EQUIPMENT_CLASSES = [
  'electricity_meter',
  'water_meter',
  'ahu', // 空调机组
  'fresh_air_unit', // 新风机组
  'fan_coil_group', // 风机盘管组
  'chiller', // 冷水机组
  'pump',
  'cooling_tower',
  'lift',
  'access_door', // 门禁
  'intrusion_sensor', // 入侵/红外探测器
  'fire_panel', // 消防报警主机
  'cctv_camera',
  'weather_station',
] as const;
export const EquipmentClass = Type.Enum(EQUIPMENT_CLASSES);
export type EquipmentClass = Static<typeof EquipmentClass>;

export const METER_CLASSES: ReadonlySet<EquipmentClass> = new Set(['electricity_meter', 'water_meter']);

/**
 * 分项计量 codes of the public-building energy monitoring guideline. 01000 is a building's or
 * feeder's total electricity (the root of a meter tree); the four sub-items split it.
 */
export const SUB_METERING = {
  '01000': 'electricity total',
  '01A00': 'lighting and sockets',
  '01B00': 'HVAC',
  '01C00': 'power',
  '01D00': 'special',
  '02000': 'water',
} as const;
export const SubMetering = Type.Enum(Object.keys(SUB_METERING) as (keyof typeof SUB_METERING)[]);

export const PointKind = Type.Enum(['analog', 'counter', 'binary', 'multistate']);

/**
 * Hard validity limits, in the point's declared unit (as the device reports it): a reading outside
 * them is rejected at the gateway, never stored.
 */
export const Limits = Type.Object(
  { min: Type.Number(), max: Type.Number() },
  { additionalProperties: false },
);

const pointFields = {
  key: PointKey,
  name: Type.Optional(LocalizedText),
  quantity: Quantity,
  unit: Type.String({ minLength: 1 }),
  kind: PointKind,
  /** How often the device is expected to report; stale detection uses a multiple of it. */
  intervalS: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
  limits: Limits,
  /** Labels of multistate values, e.g. lift running state codes. */
  states: Type.Optional(Type.Record(Type.String({ pattern: '^-?\\d+$' }), LocalizedText)),
};

/** A point of an equipment-class template; bindings derive from the equipment's source. */
export const TemplatePoint = Type.Object(
  {
    ...pointFields,
    /** Browse-name suffix on OPC UA servers: nodeId = equipment nodePrefix + opcuaName. */
    opcuaName: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const ClassTemplate = Type.Object(
  {
    name: LocalizedText,
    /** Service category that faults on this class concern; routes incidents to a contract. */
    category: ServiceCategory,
    points: Type.Array(TemplatePoint, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const PointTemplatesFile = Type.Object(
  {
    classes: Type.Record(Type.String(), ClassTemplate),
  },
  { additionalProperties: false },
);

export const MqttSource = Type.Object(
  {
    mqtt: Type.Object(
      {
        broker: Id,
        /** Device id: its credentials and topic prefix `devices/<device>/` on the embedded broker. */
        device: Id,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const OpcuaSource = Type.Object(
  {
    opcua: Type.Object(
      {
        endpoint: Id,
        /** Defaults to `ns=1;s=<equipment id>.` */
        nodePrefix: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const MqttBinding = Type.Object(
  {
    kind: Type.Literal('mqtt'),
    broker: Id,
    topic: Type.String({ minLength: 1 }),
    /** Field of a JSON payload holding the value; absent for `{"ts","value"}` or bare-number payloads. */
    field: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const OpcuaBinding = Type.Object(
  {
    kind: Type.Literal('opcua'),
    endpoint: Id,
    nodeId: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const Binding = Type.Union([MqttBinding, OpcuaBinding]);

/** A point declared on one piece of equipment: overrides a template point or adds one. */
export const EquipmentPoint = Type.Object(
  {
    key: PointKey,
    name: Type.Optional(LocalizedText),
    quantity: Type.Optional(Quantity),
    unit: Type.Optional(Type.String({ minLength: 1 })),
    kind: Type.Optional(PointKind),
    intervalS: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
    limits: Type.Optional(Limits),
    states: Type.Optional(Type.Record(Type.String({ pattern: '^-?\\d+$' }), LocalizedText)),
    binding: Type.Optional(Binding),
  },
  { additionalProperties: false },
);

export const Equipment = Type.Object(
  {
    id: Id,
    class: EquipmentClass,
    name: LocalizedText,
    zone: Id,
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** Meters only: 分项计量 category and the upstream meter in the meter tree. */
    subMetering: Type.Optional(SubMetering),
    parent: Type.Optional(Id),
    source: Type.Union([MqttSource, OpcuaSource]),
    points: Type.Optional(Type.Array(EquipmentPoint)),
  },
  { additionalProperties: false },
);

export const EquipmentFile = Type.Object(
  {
    /** Building code the file's equipment belongs to. */
    building: BuildingCode,
    equipment: Type.Array(Equipment),
  },
  { additionalProperties: false },
);

export type PointTemplatesFile = Static<typeof PointTemplatesFile>;
export type ClassTemplate = Static<typeof ClassTemplate>;
export type TemplatePoint = Static<typeof TemplatePoint>;
export type EquipmentFile = Static<typeof EquipmentFile>;
export type Equipment = Static<typeof Equipment>;
export type EquipmentPoint = Static<typeof EquipmentPoint>;
export type Binding = Static<typeof Binding>;
export type SubMetering = Static<typeof SubMetering>;
