import Type, { type Static } from 'typebox';
import { BUILDING_CODE_PATTERN } from './identifiers.ts';

/** Labels shown to people come in both catalogue languages; zh-CN is the default. */
export const LocalizedText = Type.Object(
  {
    'zh-CN': Type.String({ minLength: 1 }),
    en: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

/** Ids of sites, equipment, vendors, contracts: safe in MQTT topics, URLs and Prometheus labels. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });

/** Point keys within one piece of equipment; the global point id is `<equipment id>.<key>`. */
export const PointKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$' });

/** 10-character building code of the public-building energy monitoring guideline. */
export const BuildingCode = Type.String({ pattern: BUILDING_CODE_PATTERN });

export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const Fraction = Type.Number({ minimum: 0, maximum: 1 });

/**
 * Service categories a contract can cover. The sensor-driven ones route incidents to a vendor;
 * the others are scored from inspections and surveys only (see DOMAIN.md).
 */
export const SERVICE_CATEGORIES = [
  'facility_maintenance', // 设备设施维保
  'lift_maintenance', // 电梯维保
  'security', // 安保（监控、消防、停车）
  'energy_management', // 能源管理 / 能源托管
  'cleaning', // 保洁
  'greening', // 绿化
  'catering', // 餐饮
  'conference', // 会务
] as const;
export const ServiceCategory = Type.Enum(SERVICE_CATEGORIES);
export type ServiceCategory = Static<typeof ServiceCategory>;

export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export const Severity = Type.Enum(SEVERITIES);
export type Severity = Static<typeof Severity>;

/**
 * A reference to a secret kept outside the configuration: `env:NAME` reads an environment
 * variable, `file:/path` reads a file (docker secrets). Secrets never live in config files.
 */
export const SecretRef = Type.String({ pattern: '^(env:[A-Z_][A-Z0-9_]*|file:/.+)$' });
