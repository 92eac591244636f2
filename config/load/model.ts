import type { ServiceCategory } from '../schema/common.ts';
import type { Contract } from '../schema/contracts.ts';
import type {
  Binding,
  ClassTemplate,
  Equipment,
  EquipmentClass,
  TemplatePoint,
} from '../schema/equipment.ts';
import type { Building, OrganisationFile, Site } from '../schema/organisation.ts';
import type { Rule } from '../schema/rules.ts';
import type { ScoringScheme } from '../schema/scoring.ts';
import type { Vendor } from '../schema/vendors.ts';

/** A point after its class template, its equipment's overrides and its source are applied. */
export type ResolvedPoint = Omit<TemplatePoint, 'opcuaName'> & {
  /** `<equipment id>.<key>`: unique across the organisation. */
  readonly id: string;
  readonly equipmentId: string;
  /** Unit the store keeps values in (the quantity's canonical unit). */
  readonly canonicalUnit: string;
  readonly binding: Binding;
};

export type ResolvedEquipment = Omit<Equipment, 'points'> & {
  readonly siteId: string;
  readonly buildingCode: string;
  /** Service category faults on this equipment concern (from its class template). */
  readonly category: ServiceCategory;
  readonly points: readonly ResolvedPoint[];
};

export type ResolvedBuilding = Building & { readonly siteId: string };

/** The whole validated configuration, with the indexes services look things up by. */
export interface SiteModel {
  /** sha256 of the configuration's canonical content: which configuration a row was made under. */
  readonly revision: string;
  readonly organisation: OrganisationFile['organisation'];
  readonly sites: readonly Site[];
  readonly buildings: ReadonlyMap<string, ResolvedBuilding>;
  readonly classes: ReadonlyMap<EquipmentClass, ClassTemplate>;
  readonly equipment: ReadonlyMap<string, ResolvedEquipment>;
  readonly points: ReadonlyMap<string, ResolvedPoint>;
  readonly vendors: ReadonlyMap<string, Vendor>;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly rules: readonly Rule[];
  readonly scoringSchemes: ReadonlyMap<string, ScoringScheme>;
  /** MQTT device id → scrypt hash of its password (embedded broker). */
  readonly deviceSecrets: ReadonlyMap<string, string>;
}
