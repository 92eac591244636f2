import type { Contract, ContractsFile } from '../schema/contracts.ts';
import { creditCodeProblem, isRealDate } from '../schema/identifiers.ts';
import type { ScoringFile, ScoringScheme } from '../schema/scoring.ts';
import type { Vendor, VendorsFile } from '../schema/vendors.ts';
import { checkScoringScheme } from './check-scoring.ts';
import type { IssueCollector } from './issues.ts';
import type { Parsed } from './read-files.ts';

/** Government service contracts run at most three years before re-tender (DOMAIN.md). */
const MAX_TERM_YEARS = 3;
/** CalTRACK baselines use at most a year of data. */
const MAX_BASELINE_DAYS = 366;
const DAY_MS = 86_400_000;

export function checkVendors(parsed: Parsed<VendorsFile>, issues: IssueCollector): Map<string, Vendor> {
  const vendors = new Map<string, Vendor>();
  const codes = new Map<string, string>();
  parsed.data.vendors.forEach((vendor, v) => {
    const at = ['vendors', v];
    if (vendors.has(vendor.id)) issues.at(parsed.file, [...at, 'id'], `duplicate vendor id ${vendor.id}`);
    const problem = creditCodeProblem(vendor.creditCode);
    if (problem) issues.at(parsed.file, [...at, 'creditCode'], problem);
    const owner = codes.get(vendor.creditCode);
    if (owner)
      issues.at(parsed.file, [...at, 'creditCode'], `credit code is already used by vendor ${owner}`);
    codes.set(vendor.creditCode, vendor.id);
    vendors.set(vendor.id, vendor);
  });
  return vendors;
}

export function checkScoring(
  parsed: Parsed<ScoringFile>,
  issues: IssueCollector,
): Map<string, ScoringScheme> {
  const schemes = new Map<string, ScoringScheme>();
  parsed.data.schemes.forEach((scheme, s) => {
    if (schemes.has(scheme.id))
      issues.at(parsed.file, ['schemes', s, 'id'], `duplicate scoring scheme ${scheme.id}`);
    if (scheme.floorPoints >= scheme.basePoints) {
      issues.at(parsed.file, ['schemes', s, 'floorPoints'], 'floor must be below the base points');
    }
    checkScoringScheme(scheme, parsed.file, ['schemes', s], issues);
    schemes.set(scheme.id, scheme);
  });
  return schemes;
}

export interface ContractReferences {
  readonly vendors: ReadonlyMap<string, Vendor> | undefined;
  readonly buildings: ReadonlySet<string> | undefined;
  readonly schemes: ReadonlyMap<string, ScoringScheme> | undefined;
}

/**
 * Contract references and terms, and the tendering rule "one management area, one vendor per
 * service": two contracts in force at the same time may not cover the same building and category.
 */
export function checkContracts(
  parsed: Parsed<ContractsFile>,
  references: ContractReferences,
  issues: IssueCollector,
): Map<string, Contract> {
  const { file, data } = parsed;
  const contracts = new Map<string, Contract>();
  data.contracts.forEach((contract, c) => {
    const at = ['contracts', c];
    if (contracts.has(contract.id)) issues.at(file, [...at, 'id'], `duplicate contract id ${contract.id}`);
    if (references.vendors && !references.vendors.has(contract.vendor)) {
      issues.at(file, [...at, 'vendor'], `unknown vendor ${contract.vendor}`);
    }
    if (references.schemes && !references.schemes.has(contract.scoringScheme)) {
      issues.at(file, [...at, 'scoringScheme'], `unknown scoring scheme ${contract.scoringScheme}`);
    }
    contract.scope.buildings.forEach((code, b) => {
      if (references.buildings && !references.buildings.has(code)) {
        issues.at(file, [...at, 'scope', 'buildings', b], `unknown building ${code}`);
      }
      if (contract.scope.buildings.indexOf(code) !== b) {
        issues.at(file, [...at, 'scope', 'buildings', b], `building ${code} is listed twice`);
      }
    });
    contract.scope.categories.forEach((category, k) => {
      if (contract.scope.categories.indexOf(category) !== k) {
        issues.at(file, [...at, 'scope', 'categories', k], `category ${category} is listed twice`);
      }
    });
    checkTerm(contract, file, at, issues);
    checkSla(contract, file, at, issues);
    checkEnergy(contract, file, at, issues);
    contracts.set(contract.id, contract);
  });
  checkOverlaps(data.contracts, file, issues);
  return contracts;
}

function checkTerm(contract: Contract, file: string, at: (string | number)[], issues: IssueCollector): void {
  const { start, end } = contract.term;
  if (!isRealDate(start)) issues.at(file, [...at, 'term', 'start'], `${start} is not a calendar date`);
  if (!isRealDate(end)) issues.at(file, [...at, 'term', 'end'], `${end} is not a calendar date`);
  if (end < start) issues.at(file, [...at, 'term', 'end'], 'term ends before it starts');
  const limit = new Date(`${start}T00:00:00Z`);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_TERM_YEARS);
  if (new Date(`${end}T00:00:00Z`) >= limit) {
    issues.at(file, [...at, 'term', 'end'], `term is longer than ${MAX_TERM_YEARS} years; re-tender instead`);
  }
}

function checkSla(contract: Contract, file: string, at: (string | number)[], issues: IssueCollector): void {
  for (const [severity, terms] of Object.entries(contract.sla)) {
    if (!(terms.acceptMinutes <= terms.arriveMinutes && terms.arriveMinutes <= terms.resolveMinutes)) {
      issues.at(file, [...at, 'sla', severity], 'deadlines must satisfy accept ≤ arrive ≤ resolve');
    }
  }
  // A profile's override replaces fields of every severity's row: each merged row must still be ordered.
  for (const [profile, override] of Object.entries(contract.slaProfiles ?? {})) {
    if (!override) continue;
    for (const [severity, row] of Object.entries(contract.sla)) {
      const terms = { ...row, ...override };
      if (!(terms.acceptMinutes <= terms.arriveMinutes && terms.arriveMinutes <= terms.resolveMinutes)) {
        issues.at(
          file,
          [...at, 'slaProfiles', profile],
          `with the ${severity} row, deadlines must satisfy accept ≤ arrive ≤ resolve`,
        );
      }
    }
  }
}

function checkEnergy(
  contract: Contract,
  file: string,
  at: (string | number)[],
  issues: IssueCollector,
): void {
  if (!contract.energy) return;
  if (!contract.scope.categories.includes('energy_management')) {
    issues.at(file, [...at, 'energy'], 'energy terms need the energy_management category in scope');
  }
  const { baselineStart, baselineEnd } = contract.energy;
  if (!isRealDate(baselineStart) || !isRealDate(baselineEnd)) {
    issues.at(file, [...at, 'energy'], 'baseline dates must be calendar dates');
    return;
  }
  const days = (Date.parse(baselineEnd) - Date.parse(baselineStart)) / DAY_MS + 1;
  if (days < 1) issues.at(file, [...at, 'energy', 'baselineEnd'], 'baseline ends before it starts');
  else if (days > MAX_BASELINE_DAYS)
    issues.at(file, [...at, 'energy', 'baselineEnd'], 'baseline period is longer than a year');
  if (baselineEnd >= contract.term.start) {
    issues.at(file, [...at, 'energy', 'baselineEnd'], 'baseline must end before the contract term starts');
  }
}

function checkOverlaps(contracts: readonly Contract[], file: string, issues: IssueCollector): void {
  for (let i = 0; i < contracts.length; i++) {
    for (let j = i + 1; j < contracts.length; j++) {
      const a = contracts[i];
      const b = contracts[j];
      if (!a || !b || a.term.end < b.term.start || b.term.end < a.term.start) continue;
      for (const building of a.scope.buildings) {
        if (!b.scope.buildings.includes(building)) continue;
        for (const category of a.scope.categories) {
          if (b.scope.categories.includes(category)) {
            issues.at(
              file,
              ['contracts', j, 'scope'],
              `overlaps contract ${a.id}: both cover ${category} in building ${building} during overlapping terms`,
            );
          }
        }
      }
    }
  }
}
