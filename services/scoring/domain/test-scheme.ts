/**
 * Shared by the scoring unit tests (not used by production code): a scheme whose numbers are
 * easy to add up by hand, a contract, March 2026 at the site (Asia/Shanghai, UTC+8), and record
 * builders with the fields a test does not care about filled in.
 */
import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import { SiteZone } from '../../calendar/site-zone.ts';
import type { Actor } from '../../workorders/domain/types.ts';
import type { AutomaticFacts, SlaBreachFact } from './automatic.ts';
import type { ContractTerms } from './contract-terms.ts';
import type { MonthInputs } from './monthly.ts';
import { periodOf } from './periods.ts';
import type {
  AppealRecord,
  CommendationRecord,
  ComplaintRecord,
  InspectionRecord,
  RectificationNoticeRecord,
  SurveyRecord,
} from './records.ts';

export const ZONE = new SiteZone('Asia/Shanghai');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** 2026-03-01 00:00 at the site. */
export const MARCH_START = Date.UTC(2026, 1, 28, 16);
/** 2026-04-01 00:00 at the site. */
export const MARCH_END = Date.UTC(2026, 2, 31, 16);
export const MARCH = periodOf('2026-03', ZONE);
/** A March instant: day `day` (1–31) at `hour` o'clock at the site. */
export const march = (day: number, hour = 10): number => MARCH_START + (day - 1) * DAY + hour * HOUR;

export const MANAGER: Actor = { role: 'facilities_manager', userId: 'chen.jie' };
export const VENDOR_USER: Actor = { role: 'vendor_user', userId: 'li.ming', vendorId: 'acme' };

export const SCHEME: ScoringScheme = {
  id: 'test-standard',
  name: { 'zh-CN': '测试考核标准', en: 'Test standard' },
  basePoints: 100,
  floorPoints: 0,
  deductions: {
    slaAccept: { points: { critical: 2, major: 1, minor: 0.5, warning: 0.25 }, cap: 3 },
    slaArrive: { points: { critical: 3, major: 2, minor: 1, warning: 0.5 } },
    slaResolve: { points: { critical: 3, major: 2, minor: 1, warning: 0.5 }, cap: 10 },
    repeatFailure: { points: 2, cap: 10 },
    unresolvedAtPeriodEnd: { points: 1.5, cap: 5, graceMinutes: 1_440 },
    availability: { target: 0.99, points: 4, cap: 10, downSeverities: ['critical', 'major'] },
    inspectionGeneral: { points: 1, cap: 20 },
    inspectionMajor: { points: 5, cap: 30 },
    verifiedComplaint: { points: 3, cap: 15 },
    rectificationFailed: { points: 5, cap: 10 },
  },
  bonuses: {
    commendation: { points: 1, cap: 2 },
    innovation: { points: 2 },
    promotedPractice: { points: 3 },
    cap: 4,
  },
  grades: { excellent: 90, good: 80, pass: 70 },
  annualWeights: { dailyPatrols: 0.2, monthlyAssessments: 0.4, leadershipReview: 0.2, satisfaction: 0.2 },
  depositBands: [
    { minScore: 95, action: 'reward', share: 0.2 },
    { minScore: 80, action: 'release', share: 0 },
    { minScore: 70, action: 'deduct', share: 0.3 },
    { minScore: 0, action: 'deduct', share: 1 },
  ],
  satisfaction: {
    satisfiedRatings: ['excellent', 'good'],
    minResponseRate: 0.95,
    rewardBands: [
      { minRate: 0.98, share: 0.1 },
      { minRate: 0.95, share: 0.05 },
    ],
  },
  lists: { incentiveGrades: ['excellent'], riskGrades: ['fail'], staffBonusShare: 0.1 },
  exit: {
    failedRectificationsInChain: 2,
    satisfactionQuarters: 3,
    satisfactionYears: 2,
    reTenderYears: 3,
    reTenderNoticeDays: 180,
  },
  appealWindowDays: 7,
};

/** Annual price 1,200,000 yuan, deposit 10%: 120,000 yuan a year, 10,000 yuan (1,000,000 fen) a month. */
export const CONTRACT: ContractTerms = {
  id: 'acme-2026',
  vendor: 'acme',
  lot: { 'zh-CN': '测试标段', en: 'Test lot' },
  term: { start: '2026-01-01', end: '2027-12-31' },
  annualPriceCny: 1_200_000,
  depositShare: 0.1,
  committedSatisfaction: 0.95,
  scope: { buildings: ['330302A001'], categories: ['facility_maintenance', 'lift_maintenance'] },
};

export function monthInputs(
  overrides: Partial<Omit<MonthInputs, 'automatic'>> & { automatic?: Partial<AutomaticFacts> } = {},
): MonthInputs {
  return {
    period: overrides.period ?? MARCH,
    automatic: {
      slaBreaches: [],
      repeatFailures: [],
      openAtPeriodEnd: [],
      downtime: [],
      verifications: [],
      ...overrides.automatic,
    },
    inspections: overrides.inspections ?? [],
    complaints: overrides.complaints ?? [],
    rectifications: overrides.rectifications ?? [],
    commendations: overrides.commendations ?? [],
    appeals: overrides.appeals ?? [],
  };
}

export function breach(
  fields: Partial<SlaBreachFact> & Pick<SlaBreachFact, 'orderId' | 'target' | 'severity' | 'deadlineMs'>,
): SlaBreachFact {
  return {
    contractId: CONTRACT.id,
    leg: 0,
    category: 'facility_maintenance',
    buildingCode: '330302A001',
    incidentIds: [],
    completedAtMs: null,
    minutesOver: 10,
    ...fields,
  };
}

export function inspection(
  id: string,
  conductedAtMs: number,
  levels: readonly ('general' | 'major')[],
  kind: InspectionRecord['kind'] = 'daily_patrol',
): InspectionRecord {
  return {
    id,
    contractId: CONTRACT.id,
    kind,
    conductedAtMs,
    findings: levels.map((level, i) => ({ level, description: `finding ${i + 1}` })),
    recordedBy: MANAGER,
    recordedAtMs: conductedAtMs,
  };
}

export function complaint(
  id: string,
  receivedAtMs: number,
  result: 'verified' | 'unfounded' | null,
  concludedAtMs = receivedAtMs + DAY,
): ComplaintRecord {
  return {
    id,
    contractId: CONTRACT.id,
    receivedAtMs,
    channel: 'hotline',
    summary: 'air conditioning off in room 501',
    recordedBy: MANAGER,
    recordedAtMs: receivedAtMs,
    conclusion:
      result === null
        ? null
        : {
            id: `c${id}`,
            result,
            concludedAtMs,
            finding: 'checked on site',
            recordedBy: MANAGER,
            recordedAtMs: concludedAtMs,
          },
  };
}

export function notice(
  id: string,
  issuedAtMs: number,
  outcome: 'passed' | 'failed' | null,
  checkedAtMs = issuedAtMs + 5 * DAY,
  followsNoticeId?: string,
): RectificationNoticeRecord {
  return {
    id,
    contractId: CONTRACT.id,
    issuedAtMs,
    deadlineMs: issuedAtMs + 3 * DAY,
    problem: 'washroom cleaning below standard',
    ...(followsNoticeId === undefined ? {} : { followsNoticeId }),
    recordedBy: MANAGER,
    recordedAtMs: issuedAtMs,
    outcome:
      outcome === null
        ? null
        : {
            id: `o${id}`,
            outcome,
            checkedAtMs,
            note: 'checked',
            recordedBy: MANAGER,
            recordedAtMs: checkedAtMs,
          },
  };
}

export function award(id: string, kind: CommendationRecord['kind'], awardedAtMs: number): CommendationRecord {
  return {
    id,
    contractId: CONTRACT.id,
    kind,
    awardedAtMs,
    description: 'letter of thanks from the general office',
    recordedBy: MANAGER,
    recordedAtMs: awardedAtMs,
  };
}

export function appeal(
  id: string,
  lineId: string,
  decision: 'upheld' | 'overturned' | null,
  filedAtMs = MARCH_END + DAY,
): AppealRecord {
  return {
    id,
    contractId: CONTRACT.id,
    month: '2026-03',
    lineId,
    statement: 'the deadline was missed because the building was locked',
    recordedBy: VENDOR_USER,
    recordedAtMs: filedAtMs,
    decision:
      decision === null
        ? null
        : {
            id: `d${id}`,
            outcome: decision,
            reason: 'checked the access log',
            recordedBy: MANAGER,
            recordedAtMs: filedAtMs + DAY,
          },
  };
}

/** A survey with one item's ratings (优, 较好, 一般, 差), `returned` of `distributed` answered. */
export function survey(
  id: string,
  conductedOn: string,
  counts: readonly [number, number, number, number],
  returned = 100,
  distributed = 100,
): SurveyRecord {
  return {
    id,
    contractId: CONTRACT.id,
    conductedOn,
    distributed,
    returned,
    items: [
      {
        key: 'maintenance.response',
        label: { 'zh-CN': '报修响应', en: 'Repair response' },
        counts: { excellent: counts[0], good: counts[1], fair: counts[2], poor: counts[3] },
      },
    ],
    recordedBy: MANAGER,
    recordedAtMs: Date.parse(`${conductedOn}T02:00:00Z`),
  };
}
