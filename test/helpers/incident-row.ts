import type { Incident } from '../../services/incidents/index.ts';

/**
 * An incident row as the incident store returns it (an active lift fault in the main building),
 * for tests and benchmarks that publish or parse incident changes without a database.
 */
export function incidentRow(at: Date, overrides: Partial<Incident> = {}): Incident {
  return {
    id: '1',
    ruleId: 'lift-fault',
    ruleVersion: 1,
    equipmentId: 'MB-LIFT-01',
    buildingCode: '330302A001',
    category: 'lift_maintenance',
    severity: 'major',
    state: 'active',
    title: { 'zh-CN': '电梯故障', en: 'Lift fault' },
    firstSeen: at,
    lastSeen: at,
    activatedAt: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    clearedAt: null,
    closedAt: null,
    closedBy: null,
    occurrences: 1,
    triggerValue: 1,
    peakValue: 1,
    evidence: {},
    reactivationWindowS: 1_800,
    createdAt: at,
    ...overrides,
  };
}
