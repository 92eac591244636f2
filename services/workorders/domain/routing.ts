import type { ServiceCategory, Severity } from '../../../config/schema/common.ts';
import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import type { ContractTerms } from './contract-terms.ts';
import type { Route } from './types.ts';

export interface IncidentToRoute {
  readonly buildingCode: string;
  readonly category: ServiceCategory;
  readonly severity: Severity;
  /** When the incident opened; the contract in force on that site date takes it. */
  readonly atMs: number;
}

/** A contract is in force from the first to the last day of its term, both included, in site dates. */
export function inForce(contract: Pick<ContractTerms, 'term'>, siteDate: string): boolean {
  return contract.term.start <= siteDate && siteDate <= contract.term.end;
}

export function covers(
  contract: Pick<ContractTerms, 'scope'>,
  buildingCode: string,
  category: string,
): boolean {
  return (
    contract.scope.buildings.includes(buildingCode) &&
    (contract.scope.categories as readonly string[]).includes(category)
  );
}

/** One order per contract, building, category and site day collects the day's grouped incidents. */
export function dailyGroupKey(
  contractId: string,
  buildingCode: string,
  category: string,
  siteDate: string,
): string {
  return `${contractId}/${buildingCode}/${category}/${siteDate}`;
}

/**
 * building + category → the one contract in force whose scope covers them → its vendor; then the
 * contract's policy says whether the severity opens an order at once or joins the day's group.
 * Anything else goes to the facilities office's queue with the reason, never dropped and never
 * guessed: two contracts in force for one area and service break the tendering rule, and the
 * office decides rather than the first match.
 */
export function routeIncident(
  incident: IncidentToRoute,
  contracts: Iterable<ContractTerms>,
  calendar: Pick<WorkingCalendar, 'siteDate'>,
): Route {
  const siteDate = calendar.siteDate(incident.atMs);
  const covering = [...contracts].filter((c) => covers(c, incident.buildingCode, incident.category));
  if (covering.length === 0) return { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] };
  const current = covering.filter((c) => inForce(c, siteDate));
  const [contract, ...others] = current;
  if (!contract) {
    return { kind: 'office_queue', reason: 'no_contract_in_force', contractIds: covering.map((c) => c.id) };
  }
  if (others.length > 0) {
    return { kind: 'office_queue', reason: 'several_contracts_cover', contractIds: current.map((c) => c.id) };
  }
  const grouped = (contract.workOrders?.groupDaily ?? []) as readonly string[];
  if (!grouped.includes(incident.severity)) {
    return { kind: 'contract', contractId: contract.id, vendorId: contract.vendor, dispatch: 'immediate' };
  }
  return {
    kind: 'contract',
    contractId: contract.id,
    vendorId: contract.vendor,
    dispatch: 'daily_group',
    groupKey: dailyGroupKey(contract.id, incident.buildingCode, incident.category, siteDate),
    siteDate,
  };
}
