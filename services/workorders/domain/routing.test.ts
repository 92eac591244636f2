import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load/load-config.ts';
import { sampleConfigDir } from '../../../test/helpers/config-fixture.ts';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import type { ContractTerms } from './contract-terms.ts';
import { routeIncident } from './routing.ts';

const calendar = new ChineseWorkingCalendar(); // Asia/Shanghai
const beijing = (local: string): number => Date.parse(`${local}+08:00`);
const contracts: readonly ContractTerms[] = [...loadConfig(sampleConfigDir).contracts.values()];

const MAIN_BUILDING = '330302A001';
const OUTSIDE_BUILDING = '330302A004';

describe('routing with the sample contracts', () => {
  it('sends a lift fault in the main building to the lift contract’s vendor at once', () => {
    const route = routeIncident(
      {
        buildingCode: MAIN_BUILDING,
        category: 'lift_maintenance',
        severity: 'critical',
        atMs: beijing('2025-10-01T02:00'),
      },
      contracts,
      calendar,
    );
    expect(route).toEqual({
      kind: 'contract',
      contractId: 'lifts-2025',
      vendorId: 'antu-lifts',
      dispatch: 'immediate',
    });
  });

  it('sends the same category to a different vendor by building: one area, one vendor per service', () => {
    const at = beijing('2025-10-01T10:00');
    const main = routeIncident(
      { buildingCode: MAIN_BUILDING, category: 'facility_maintenance', severity: 'major', atMs: at },
      contracts,
      calendar,
    );
    const outside = routeIncident(
      { buildingCode: OUTSIDE_BUILDING, category: 'facility_maintenance', severity: 'major', atMs: at },
      contracts,
      calendar,
    );
    expect([main, outside].map((r) => (r.kind === 'contract' ? r.vendorId : r.kind))).toEqual([
      'hengyuan-property',
      'hejia-property',
    ]);
  });

  it('puts an incident no contract covers in the office queue, flagged with the reason', () => {
    // The outside buildings deliberately have no energy_management contract.
    const route = routeIncident(
      {
        buildingCode: OUTSIDE_BUILDING,
        category: 'energy_management',
        severity: 'major',
        atMs: beijing('2025-10-01T10:00'),
      },
      contracts,
      calendar,
    );
    expect(route).toEqual({ kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] });
  });

  it.each([
    ['the last second before the term starts (site date 2025-03-31)', '2025-03-31T23:59:59', 'office_queue'],
    ['site midnight on the first day, still 31 March in UTC', '2025-04-01T00:00:00', 'contract'],
    ['the last second of the term’s last day', '2027-03-31T23:59:59', 'contract'],
    ['the first second after the term', '2027-04-01T00:00:00', 'office_queue'],
  ])('the lift contract is in force by site date: %s', (_label, local, kind) => {
    const route = routeIncident(
      { buildingCode: MAIN_BUILDING, category: 'lift_maintenance', severity: 'major', atMs: beijing(local) },
      contracts,
      calendar,
    );
    expect(route.kind).toBe(kind);
    if (route.kind === 'office_queue') {
      expect(route).toMatchObject({ reason: 'no_contract_in_force', contractIds: ['lifts-2025'] });
    }
  });
});

describe('routing rules beyond the sample', () => {
  const base: ContractTerms = {
    id: 'property-a',
    vendor: 'vendor-a',
    scope: { buildings: [MAIN_BUILDING], categories: ['facility_maintenance'] },
    term: { start: '2025-01-01', end: '2025-12-31' },
    sla: {
      critical: { acceptMinutes: 10, arriveMinutes: 30, resolveMinutes: 240, clock: '24x7' },
      major: { acceptMinutes: 15, arriveMinutes: 60, resolveMinutes: 480, clock: '24x7' },
      minor: { acceptMinutes: 30, arriveMinutes: 120, resolveMinutes: 960, clock: 'working_hours' },
      warning: { acceptMinutes: 120, arriveMinutes: 480, resolveMinutes: 2400, clock: 'working_hours' },
    },
  };
  const incident = {
    buildingCode: MAIN_BUILDING,
    category: 'facility_maintenance',
    severity: 'minor',
  } as const;

  it('never guesses between two contracts in force for the same area and service', () => {
    const overlapping = { ...base, id: 'property-b', vendor: 'vendor-b' };
    const route = routeIncident(
      { ...incident, atMs: beijing('2025-06-01T10:00') },
      [base, overlapping],
      calendar,
    );
    expect(route).toEqual({
      kind: 'office_queue',
      reason: 'several_contracts_cover',
      contractIds: ['property-a', 'property-b'],
    });
  });

  it('takes the one in force when an old and a new contract cover the same area one after the other', () => {
    const renewed = {
      ...base,
      id: 'property-a-2026',
      vendor: 'vendor-b',
      term: { start: '2026-01-01', end: '2028-12-31' },
    };
    const route = routeIncident(
      { ...incident, atMs: beijing('2026-01-01T00:00') },
      [base, renewed],
      calendar,
    );
    expect(route).toMatchObject({ kind: 'contract', contractId: 'property-a-2026', vendorId: 'vendor-b' });
  });

  it('groups the severities the contract says into one order per building, category and site day', () => {
    const grouping: ContractTerms = { ...base, workOrders: { groupDaily: ['minor', 'warning'] } };
    const late = routeIncident({ ...incident, atMs: beijing('2025-10-09T23:59:59') }, [grouping], calendar);
    const nextDay = routeIncident(
      { ...incident, atMs: beijing('2025-10-10T00:00:00') },
      [grouping],
      calendar,
    );
    expect(late).toEqual({
      kind: 'contract',
      contractId: 'property-a',
      vendorId: 'vendor-a',
      dispatch: 'daily_group',
      groupKey: 'property-a/330302A001/facility_maintenance/2025-10-09',
      siteDate: '2025-10-09',
    });
    expect(nextDay).toMatchObject({ groupKey: 'property-a/330302A001/facility_maintenance/2025-10-10' });
    const major = routeIncident(
      { ...incident, severity: 'major', atMs: beijing('2025-10-09T10:00') },
      [grouping],
      calendar,
    );
    expect(major).toMatchObject({ dispatch: 'immediate' });
  });

  it('opens every severity at once when the contract says nothing about grouping', () => {
    const route = routeIncident(
      { ...incident, severity: 'warning', atMs: beijing('2025-10-09T10:00') },
      [base],
      calendar,
    );
    expect(route).toMatchObject({ dispatch: 'immediate' });
  });
});
