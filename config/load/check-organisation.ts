import type { OrganisationFile } from '../schema/organisation.ts';
import type { IssueCollector } from './issues.ts';
import type { ResolvedBuilding } from './model.ts';
import type { Parsed } from './read-files.ts';

export interface OrganisationIndex {
  readonly buildings: Map<string, ResolvedBuilding>;
  /** zone id → building code */
  readonly zones: Map<string, string>;
  /** site id → ids of its MQTT brokers and OPC UA endpoints */
  readonly sources: Map<string, { mqtt: Set<string>; opcua: Set<string> }>;
}

/** Uniqueness of sites, building codes, zones and source ids across the organisation. */
export function checkOrganisation(
  parsed: Parsed<OrganisationFile>,
  issues: IssueCollector,
): OrganisationIndex {
  const { file, data } = parsed;
  const buildings = new Map<string, ResolvedBuilding>();
  const zones = new Map<string, string>();
  const sources = new Map<string, { mqtt: Set<string>; opcua: Set<string> }>();
  const siteIds = new Set<string>();

  data.sites.forEach((site, s) => {
    if (siteIds.has(site.id)) issues.at(file, ['sites', s, 'id'], `duplicate site id ${site.id}`);
    siteIds.add(site.id);
    if (!isTimeZone(site.timezone))
      issues.at(file, ['sites', s, 'timezone'], `unknown time zone ${site.timezone}`);

    const mqtt = new Set<string>();
    site.sources.mqtt.forEach((broker, i) => {
      if (mqtt.has(broker.id))
        issues.at(file, ['sites', s, 'sources', 'mqtt', i, 'id'], `duplicate broker id ${broker.id}`);
      if (broker.kind === 'external' && !broker.url) {
        issues.at(file, ['sites', s, 'sources', 'mqtt', i, 'url'], 'an external broker needs a url');
      }
      mqtt.add(broker.id);
    });
    const opcua = new Set<string>();
    site.sources.opcua.forEach((endpoint, i) => {
      if (opcua.has(endpoint.id)) {
        issues.at(
          file,
          ['sites', s, 'sources', 'opcua', i, 'id'],
          `duplicate OPC UA endpoint id ${endpoint.id}`,
        );
      }
      const secure = endpoint.securityMode !== 'None';
      if (secure === (endpoint.securityPolicy === 'None')) {
        issues.at(
          file,
          ['sites', s, 'sources', 'opcua', i, 'securityPolicy'],
          'security mode None goes with policy None, and Sign/SignAndEncrypt need a real policy',
        );
      }
      opcua.add(endpoint.id);
    });
    sources.set(site.id, { mqtt, opcua });

    site.buildings.forEach((building, b) => {
      if (buildings.has(building.code)) {
        issues.at(file, ['sites', s, 'buildings', b, 'code'], `duplicate building code ${building.code}`);
      }
      buildings.set(building.code, { ...building, siteId: site.id });
      building.zones.forEach((zone, z) => {
        if (zones.has(zone.id)) {
          issues.at(file, ['sites', s, 'buildings', b, 'zones', z, 'id'], `duplicate zone id ${zone.id}`);
        }
        zones.set(zone.id, building.code);
      });
    });
  });
  return { buildings, zones, sources };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
