import { formatGeneratedAt } from '../../reports/labels.ts';
import type { Locale } from '../../reports/model/document.ts';
import { labelText } from '../domain/labels.ts';
import type { Consequence, EvidenceRef, ScoreLine } from '../domain/scorecard.ts';

/**
 * The words of scoring reports, from the scoring catalogue (`domain/labels.ts`) in the reader's
 * language: period names, a line's details, evidence and status, a consequence's particulars.
 * Numbers that are cells stay numbers in the documents; these are the ones inside sentences.
 */

type Params = Readonly<Record<string, string | number | null>>;

export interface ReportTexts {
  readonly locale: Locale;
  /** IANA zone instants are shown in (the site's). */
  readonly timeZone: string;
  text(key: string, params?: Params): string;
  /** An instant as `YYYY-MM-DD HH:mm` at the site. */
  time(ms: number): string;
  /** `2026年10月` / `2026-10`. */
  month(key: string): string;
  /** `10月` / `Oct`. */
  monthShort(key: string): string;
  /** `2026年第3季度` / `2026 Q3`. */
  quarter(key: string): string;
  /** Joins the parts of one cell: `；` in Chinese, `; ` in English. */
  join(parts: readonly string[]): string;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function reportTexts(locale: Locale, timeZone: string): ReportTexts {
  const text = (key: string, params: Params = {}) => labelText(key, locale, params);
  return {
    locale,
    timeZone,
    text,
    time: (ms) => formatGeneratedAt(new Date(ms).toISOString(), timeZone),
    month: (key) =>
      text('scoring.period.month', { key, year: key.slice(0, 4), month: Number(key.slice(5, 7)) }),
    monthShort: (key) => {
      const month = Number(key.slice(5, 7));
      return locale === 'en'
        ? (EN_MONTHS[month - 1] ?? key)
        : text('scoring.period.monthShort', { month, key });
    },
    quarter: (key) => text('scoring.period.quarter', { year: key.slice(0, 4), quarter: key.slice(-1) }),
    join: (parts) => parts.filter((part) => part !== '').join(locale === 'zh-CN' ? '；' : '; '),
  };
}

/** Two decimals without trailing zeros: 5, 2.5, 0.25. */
export const points = (value: number): string => String(Math.round(value * 100) / 100);
/** A fraction as a percentage with up to two decimals: 0.9876 → 98.76%. */
export const percent = (fraction: number): string => `${Math.round(fraction * 10_000) / 100}%`;
/** Fen as yuan with two decimals: 123456 → 1234.56. */
export const yuan = (fen: number): string => (fen / 100).toFixed(2);

const str = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

/** What happened, in the reader's words: the facts a line's `params` carry. */
export function lineDetail(line: ScoreLine, t: ReportTexts): string {
  const p = line.params;
  const severity = p.severity === undefined ? '' : t.text(`scoring.severity.${str(p.severity)}`);
  switch (line.item) {
    case 'slaAccept':
    case 'slaArrive':
    case 'slaResolve':
      return t.text('scoring.detail.minutesOver', { severity, minutes: str(p.minutesOver) });
    case 'repeatFailure':
      return t.text('scoring.detail.repeat', { severity });
    case 'unresolvedAtPeriodEnd':
      return t.text('scoring.detail.openDays', { severity, days: str(p.openDays) });
    case 'availability':
      return t.text('scoring.detail.availability', {
        availability: typeof p.availability === 'number' ? percent(p.availability) : '',
        target: typeof p.target === 'number' ? percent(p.target) : '',
        minutes: str(p.downMinutes),
      });
    case 'inspectionGeneral':
    case 'inspectionMajor':
      return t.text('scoring.detail.inspection', {
        kind: t.text(`scoring.inspection.${str(p.inspectionKind)}`),
        description: str(p.description),
      });
    case 'verifiedComplaint':
      return str(p.summary);
    case 'rectificationFailed':
      return str(p.problem);
    case 'commendation':
    case 'innovation':
    case 'promotedPractice':
      return t.join([str(p.description), str(p.source)]);
  }
}

/** Each reference of a line's evidence, as a person looks it up on the platform. */
export function evidenceText(evidence: readonly EvidenceRef[], t: ReportTexts): string {
  return t.join(evidence.map((ref) => referenceText(ref, t)));
}

function referenceText(ref: EvidenceRef, t: ReportTexts): string {
  switch (ref.type) {
    case 'work_order':
      return t.text('scoring.evidence.work_order', { orderId: ref.orderId, leg: ref.leg + 1 });
    case 'incident':
      return t.text('scoring.evidence.incident', { incidentId: ref.incidentId });
    case 'equipment':
      return t.text('scoring.evidence.equipment', { equipmentId: ref.equipmentId });
    case 'inspection':
      return t.text('scoring.evidence.inspection', {
        inspectionId: ref.inspectionId,
        finding: ref.finding + 1,
      });
    case 'complaint':
      return t.text('scoring.evidence.complaint', { complaintId: ref.complaintId });
    case 'rectification_notice':
      return t.text('scoring.evidence.rectification_notice', { noticeId: ref.noticeId });
    case 'commendation':
      return t.text('scoring.evidence.commendation', { commendationId: ref.commendationId });
    case 'attachment':
      return t.text('scoring.evidence.attachment', { name: ref.name });
  }
}

/** Counted or cut by a cap, or the appeal's state (withdrawn, upheld, pending) with the manager's reason. */
export function lineStatus(line: ScoreLine, t: ReportTexts): string {
  const appeal = line.appeal;
  if (line.status === 'overturned' || appeal?.state === 'upheld')
    return t.join([
      appeal ? t.text(appeal.labelKey) : t.text('scoring.status.overturned'),
      appeal?.reason ?? '',
    ]);
  return t.join([
    t.text(line.capped ? 'scoring.status.capped' : 'scoring.status.counted'),
    appeal ? t.text(appeal.labelKey) : '',
  ]);
}

/** The particulars of a consequence (amount, period, chain of notices …). */
export function consequenceDetail(consequence: Consequence, t: ReportTexts): string {
  const key = `scoring.consequence.detail.${consequence.kind}`;
  switch (consequence.kind) {
    case 'deposit':
      return t.text(key, {
        period: consequence.period,
        score: points(consequence.score),
        amount: yuan(consequence.amountFen),
      });
    case 'satisfaction_reward':
      return t.text(key, {
        period: consequence.period,
        rate: percent(consequence.rate),
        amount: yuan(consequence.amountFen),
      });
    case 'incentive_list':
      return t.text(key, { period: consequence.period, grade: t.text(`scoring.grade.${consequence.grade}`) });
    case 'risk_list':
      return t.text(key, {
        period: consequence.period,
        reasons: t.join(consequence.reasons.map((reason) => t.text(reason))),
      });
    case 'exit_warning':
      return t.text(key, { notices: consequence.noticeIds.join(', ') });
    case 'termination_recommended':
      return t.text(key, {
        periods: t.join(consequence.periods.map((period) => `${period.key} ${percent(period.rate)}`)),
      });
    case 're_tender':
      return t.text(key, { reachesOn: consequence.reachesOn, termEnd: consequence.termEnd });
  }
}
