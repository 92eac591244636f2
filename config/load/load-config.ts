import { checkContracts, checkScoring, checkVendors } from './check-commercial.ts';
import { checkOrganisation } from './check-organisation.ts';
import { checkRules } from './check-rules.ts';
import { ConfigError, IssueCollector } from './issues.ts';
import type { SiteModel } from './model.ts';
import { readConfigFolder } from './read-files.ts';
import { checkDeviceCredentials, checkTemplates, resolveEquipment } from './resolve-equipment.ts';

/**
 * Reads a configuration folder, validates every file against its schema, resolves equipment
 * into points and checks every cross-reference. Throws a ConfigError listing every problem as
 * `file: path: message`; never returns a partially valid model.
 */
export function loadConfig(dir: string): SiteModel {
  const collector = new IssueCollector();
  const parsed = readConfigFolder(dir, collector.issues);

  const organisation = parsed.organisation ? checkOrganisation(parsed.organisation, collector) : undefined;
  const templates = parsed.templates ? checkTemplates(parsed.templates, collector) : undefined;
  const equipment =
    organisation && templates
      ? resolveEquipment(parsed.equipment, templates, organisation, collector)
      : undefined;
  const vendors = parsed.vendors ? checkVendors(parsed.vendors, collector) : undefined;
  const scoringSchemes = parsed.scoring ? checkScoring(parsed.scoring, collector) : undefined;
  if (parsed.rules) {
    checkRules(
      parsed.rules,
      equipment,
      organisation ? new Set(organisation.buildings.keys()) : undefined,
      collector,
    );
  }
  const contracts = parsed.contracts
    ? checkContracts(
        parsed.contracts,
        {
          vendors,
          schemes: scoringSchemes,
          buildings: organisation ? new Set(organisation.buildings.keys()) : undefined,
        },
        collector,
      )
    : undefined;

  if (
    collector.issues.length > 0 ||
    !parsed.organisation ||
    !organisation ||
    !templates ||
    !equipment ||
    !vendors ||
    !scoringSchemes ||
    !contracts ||
    !parsed.rules
  ) {
    throw new ConfigError(collector.issues);
  }

  const points = new Map(
    [...equipment.values()].flatMap((item) => item.points.map((point) => [point.id, point] as const)),
  );
  const deviceSecrets = parsed.devices
    ? checkDeviceCredentials(parsed.devices, equipment, collector)
    : new Map<string, string>();
  if (collector.issues.length > 0) throw new ConfigError(collector.issues);
  return {
    revision: parsed.revision,
    organisation: parsed.organisation.data.organisation,
    sites: parsed.organisation.data.sites,
    buildings: organisation.buildings,
    classes: templates,
    equipment,
    points,
    vendors,
    contracts,
    rules: parsed.rules.data.rules,
    scoringSchemes,
    deviceSecrets,
  };
}
