import type { Static } from 'typebox';
import type {
  ContractSavingsReply,
  EnergyContracts,
  EnergyToday,
  RollupWithYoy,
} from '../../services/api/energy-schemas.ts';
import type {
  BreachList,
  IncidentList,
  Me,
  PerformanceList,
  WorkOrderDetail,
  WorkOrderList,
} from '../../services/api/schemas.ts';
import type {
  Appeal,
  AppealDecisionInput,
  AppealInput,
  AppealList,
  Bulletin,
  CloseReply,
  Commendation,
  CommendationInput,
  Complaint,
  ComplaintConclusionInput,
  ComplaintInput,
  ContractInputs,
  DecisionReply,
  Evaluation,
  Inspection,
  InspectionInput,
  LeadershipReview,
  LeadershipReviewInput,
  RectificationNotice,
  RectificationNoticeInput,
  RectificationOutcomeInput,
  ScorecardDetail,
  ScorecardList,
  ScorecardPreview,
  Survey,
  SurveyInput,
} from '../../services/api/scoring-schemas.ts';
import type { EquipmentList, IngestHealth, Series, SiteList } from '../../services/api/site-schemas.ts';
import type {
  ContractSavings as EnergyContractSavings,
  RollupChange,
} from '../../services/energy/service.ts';

/**
 * The dashboards' only way to the platform besides the live socket: same-origin fetches under
 * /api, authenticated by the http-only session cookie the login sets. Reply types come from the
 * API's own TypeBox schemas, so a change there fails the dashboards' type check.
 */

export type MeReply = Static<typeof Me>;
export type WorkOrder = Static<typeof WorkOrderList>['orders'][number];
export type OrderDetail = Static<typeof WorkOrderDetail>;
export type Incident = Static<typeof IncidentList>['incidents'][number];
export type Performance = Static<typeof PerformanceList>['performance'][number];
export type Breach = Static<typeof BreachList>['breaches'][number];
export type SiteInfo = Static<typeof SiteList>['sites'][number];
export type Equipment = Static<typeof EquipmentList>['equipment'][number];
export type SeriesReply = Static<typeof Series>;
export type EnergyTodayReply = Static<typeof EnergyToday>;
export type RollupCell = EnergyTodayReply['rollup']['items'][number];
export type EnergyContractsReply = Static<typeof EnergyContracts>;
/**
 * The savings reply: the API passes the energy service's structures through as it made them
 * (documented in services/energy/README.md), so their types come from there.
 */
export type ContractSavings = Omit<
  Static<typeof ContractSavingsReply>,
  'baseline' | 'savings' | 'settlement' | 'cumulative'
> & {
  readonly baseline: EnergyContractSavings['baseline'];
  readonly savings: EnergyContractSavings['savings'];
  readonly settlement: EnergyContractSavings['settlement'];
  readonly cumulative: EnergyContractSavings['cumulative'];
};
export type RollupReply = Omit<Static<typeof RollupWithYoy>, 'changes'> & {
  readonly changes: readonly RollupChange[];
};
export type IngestHealthReply = Static<typeof IngestHealth>;
/**
 * Scoring: the scorecard, its evidence records and appeals pass through the API as the scoring
 * domain made them (services/scoring/domain/scorecard.ts, records.ts), typed by the schemas.
 */
export type ScorecardListReply = Static<typeof ScorecardList>;
export type ScorecardSummary = ScorecardListReply['scorecards'][number];
export type ScorecardDetailReply = Static<typeof ScorecardDetail>;
export type ScorecardPreviewReply = Static<typeof ScorecardPreview>;
export type MonthlyScorecard = ScorecardDetailReply['scorecard'];
export type ScoreLine = MonthlyScorecard['lines'][number];
export type EvidenceRef = ScoreLine['evidence'][number];
export type EvidenceRecords = ScorecardDetailReply['evidence'];
export type AppealRecord = Static<typeof Appeal>;
export type ContractInputsReply = Static<typeof ContractInputs>;
export type BulletinReply = Static<typeof Bulletin>;
export type EvaluationReply = Static<typeof Evaluation>;
export type Consequence = EvaluationReply['consequences'][number];
/** A document or photo an input points to (never the bytes). */
export type Attachment = NonNullable<InspectionInput['attachments']>[number];

/** A refusal or failure, with the API's stable code (translated by `errorText`). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Called when any request answers 401, so the app can go back to the login page. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiFailure(0, 'network', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string } } | undefined)?.error;
    const failure = new ApiFailure(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? response.statusText,
    );
    if (response.status === 401 && path !== '/api/auth/login') onUnauthenticated();
    throw failure;
  }
  return payload as T;
}

const query = (params: Readonly<Record<string, string | number | readonly string[] | undefined>>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, item);
    else search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

export interface OrderFilter {
  states?: readonly string[];
  buildingCode?: string;
  category?: string;
  vendorId?: string;
  limit?: number;
}

export const api = {
  login: (username: string, password: string) =>
    request<{ token: string; user: MeReply }>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<MeReply>('GET', '/api/me'),

  sites: () => request<Static<typeof SiteList>>('GET', '/api/sites'),
  equipment: (site: string) =>
    request<Static<typeof EquipmentList>>('GET', `/api/equipment${query({ site })}`),
  series: (pointId: string, fromMs: number, toMs: number) =>
    request<SeriesReply>(
      'GET',
      `/api/points/${encodeURIComponent(pointId)}/series${query({
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      })}`,
    ),
  energyToday: (site: string) => request<EnergyTodayReply>('GET', `/api/energy/today${query({ site })}`),
  energyContracts: () => request<EnergyContractsReply>('GET', '/api/energy/contracts'),
  contractSavings: (contractId: string, fromDate: string, toDate: string) =>
    request<ContractSavings>(
      'GET',
      `/api/energy/contracts/${encodeURIComponent(contractId)}/savings${query({ fromDate, toDate })}`,
    ),
  energyRollup: (fromDate: string, toDate: string) =>
    request<RollupReply>('GET', `/api/energy/rollup${query({ fromDate, toDate })}`),
  ingestHealth: (site: string) => request<IngestHealthReply>('GET', `/api/ingest/health${query({ site })}`),

  incidents: () =>
    request<Static<typeof IncidentList>>(
      'GET',
      `/api/incidents${query({ states: ['active', 'acknowledged'], limit: 200 })}`,
    ),
  acknowledge: (incidentId: string) => request<unknown>('POST', `/api/incidents/${incidentId}/acknowledge`),

  orders: (filter: OrderFilter = {}) =>
    request<Static<typeof WorkOrderList>>('GET', `/api/workorders${query({ ...filter })}`),
  order: (orderId: string) => request<OrderDetail>('GET', `/api/workorders/${encodeURIComponent(orderId)}`),
  act: (orderId: string, action: string, body?: unknown) =>
    request<unknown>(
      'POST',
      `/api/workorders/${encodeURIComponent(orderId)}/${action.replace(/_/g, '-')}`,
      body ?? {},
    ),
  performance: (fromMs: number, toMs: number) =>
    request<Static<typeof PerformanceList>>('GET', `/api/workorders/performance${query({ fromMs, toMs })}`),
  breaches: (fromMs: number, toMs: number) =>
    request<Static<typeof BreachList>>(
      'GET',
      `/api/workorders/breaches${query({ fromMs, toMs, limit: 200 })}`,
    ),

  scorecards: (month: string) =>
    request<ScorecardListReply>('GET', `/api/scoring/scorecards${query({ month })}`),
  scorecard: (contractId: string, month: string, revision?: number) =>
    request<ScorecardDetailReply>(
      'GET',
      `/api/scoring/scorecards/${encodeURIComponent(contractId)}/${encodeURIComponent(month)}${query({ revision })}`,
    ),
  scorecardPreview: (contractId: string, month: string) =>
    request<ScorecardPreviewReply>(
      'GET',
      `/api/scoring/scorecards/${encodeURIComponent(contractId)}/${encodeURIComponent(month)}/preview`,
    ),
  closeMonth: (month: string) =>
    request<Static<typeof CloseReply>>('POST', `/api/scoring/months/${encodeURIComponent(month)}/close`, {}),
  appeals: (filter: { state?: 'pending' | 'decided'; contractId?: string; month?: string }) =>
    request<Static<typeof AppealList>>('GET', `/api/scoring/appeals${query({ ...filter })}`),
  fileAppeal: (input: AppealInput) => request<AppealRecord>('POST', '/api/scoring/appeals', input),
  decideAppeal: (input: AppealDecisionInput) =>
    request<Static<typeof DecisionReply>>('POST', '/api/scoring/appeal-decisions', input),
  recordInspection: (input: InspectionInput) =>
    request<Static<typeof Inspection>>('POST', '/api/scoring/inspections', input),
  issueRectification: (input: RectificationNoticeInput) =>
    request<Static<typeof RectificationNotice>>('POST', '/api/scoring/rectification-notices', input),
  recordRectificationOutcome: (input: RectificationOutcomeInput) =>
    request<Static<typeof RectificationNotice>>('POST', '/api/scoring/rectification-outcomes', input),
  recordComplaint: (input: ComplaintInput) =>
    request<Static<typeof Complaint>>('POST', '/api/scoring/complaints', input),
  concludeComplaint: (input: ComplaintConclusionInput) =>
    request<Static<typeof Complaint>>('POST', '/api/scoring/complaint-conclusions', input),
  recordCommendation: (input: CommendationInput) =>
    request<Static<typeof Commendation>>('POST', '/api/scoring/commendations', input),
  recordSurvey: (input: SurveyInput) => request<Static<typeof Survey>>('POST', '/api/scoring/surveys', input),
  recordLeadershipReview: (input: LeadershipReviewInput) =>
    request<Static<typeof LeadershipReview>>('POST', '/api/scoring/leadership-reviews', input),
  contractInputs: (contractId: string, period: string) =>
    request<ContractInputsReply>(
      'GET',
      `/api/scoring/contracts/${encodeURIComponent(contractId)}/inputs${query({ period })}`,
    ),
  bulletin: (quarter: string) =>
    request<BulletinReply>('GET', `/api/scoring/bulletins/${encodeURIComponent(quarter)}`),
  evaluation: (contractId: string, year: string) =>
    request<EvaluationReply>(
      'GET',
      `/api/scoring/evaluations/${encodeURIComponent(contractId)}/${encodeURIComponent(year)}`,
    ),
};

/** Downloads: links, not fetches, so the browser saves the file the API names. */
export const scoringReports = {
  scorecard: (format: 'pdf' | 'csv', contractId: string, month: string, lang: string) =>
    `/api/scoring/reports/scorecard.${format}${query({ contractId, month, lang })}`,
  bulletin: (format: 'pdf' | 'csv', quarter: string, lang: string) =>
    `/api/scoring/reports/bulletin.${format}${query({ quarter, lang })}`,
  bulletinJson: (quarter: string) => `/api/scoring/bulletins/${encodeURIComponent(quarter)}`,
};
