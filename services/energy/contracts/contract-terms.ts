import type { SiteModel } from '../../../config/load/model.ts';
import type { Contract, EnergyTerms } from '../../../config/schema/contracts.ts';
import { dayNumberOf } from '../../calendar/iso-date.ts';
import type { MeterTerm, MeterTree } from '../consumption/meter-tree.ts';
import { EnergyError } from '../errors.ts';

/** An energy performance contract as the energy service reads it. */
export interface EnergyContract {
  readonly id: string;
  readonly vendor: string;
  readonly siteId: string;
  readonly buildings: readonly string[];
  readonly term: { readonly start: string; readonly end: string };
  readonly terms: EnergyTerms;
  /** The physical meters whose sum the contract is measured on. */
  readonly meters: readonly MeterTerm[];
  readonly baseline: { readonly fromDate: string; readonly toDate: string };
}

/**
 * The contract's energy terms, its meters and its baseline period. The period is the one fixed
 * at signing and must end before the term starts (savings are measured after it); the meters are
 * the contract's own list, or each scope building's electricity total.
 */
export function energyContract(model: SiteModel, tree: MeterTree, contractId: string): EnergyContract {
  const contract: Contract | undefined = model.contracts.get(contractId);
  if (!contract) throw new EnergyError('unknown_contract', `no contract ${contractId}`);
  const terms = contract.energy;
  if (!terms) throw new EnergyError('invalid_contract_terms', `contract ${contractId} has no energy terms`);
  const from = dayNumberOf(terms.baselineStart);
  const to = dayNumberOf(terms.baselineEnd);
  if (to < from)
    throw new EnergyError(
      'invalid_contract_terms',
      `contract ${contractId}: the baseline ends before it starts`,
    );
  if (to >= dayNumberOf(contract.term.start))
    throw new EnergyError(
      'invalid_contract_terms',
      `contract ${contractId}: the baseline period must end before the term starts (${contract.term.start})`,
    );
  const meters: MeterTerm[] = terms.meters
    ? terms.meters.map((meterId) => ({ meterId: tree.meter(meterId).id, sign: 1 as const }))
    : contract.scope.buildings.flatMap((building) => tree.rollupMeter(building, '01000')?.terms ?? []);
  if (meters.length === 0)
    throw new EnergyError(
      'invalid_contract_terms',
      `contract ${contractId}: no electricity meter in its buildings`,
    );
  const siteId = tree.building(contract.scope.buildings[0] as string).siteId;
  return {
    id: contract.id,
    vendor: contract.vendor,
    siteId,
    buildings: contract.scope.buildings,
    term: contract.term,
    terms,
    meters,
    baseline: { fromDate: terms.baselineStart, toDate: terms.baselineEnd },
  };
}

/** Energy contracts in force on a date whose meters include this one. */
export function contractsOfMeter(
  model: SiteModel,
  tree: MeterTree,
  meterId: string,
  isoDate: string,
): EnergyContract[] {
  const found: EnergyContract[] = [];
  for (const contract of model.contracts.values()) {
    if (!contract.energy || isoDate < contract.term.start || isoDate > contract.term.end) continue;
    const energy = energyContract(model, tree, contract.id);
    if (energy.meters.some((term) => term.meterId === meterId)) found.push(energy);
  }
  return found;
}
