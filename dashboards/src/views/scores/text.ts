import type { AppealRecord, Consequence, EvidenceRef, ScoreLine } from '../../api.ts';
import { locale, t, tOr } from '../../i18n/i18n.ts';

/**
 * How the scoring pages word a scorecard's codes and a line's facts (its `params`): every text
 * from the catalogue, values as the scoring domain computed them.
 */

/** Points as the scorecard has them, to the hundredth at most: 94, 92.5, 0.25. */
export const formatPoints = (value: number): string =>
  value.toLocaleString(locale(), { maximumFractionDigits: 2 });

/** A fraction as a percentage with up to two decimals: 0.9876 → 98.76%. */
export const formatPercent = (fraction: number): string =>
  `${(fraction * 100).toLocaleString(locale(), { maximumFractionDigits: 2 })}%`;

const text = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

export const itemText = (item: string): string => tOr(`scores.item.${item}`, item);
export const gradeText = (grade: string): string => tOr(`scores.grade.${grade}`, grade);

/** What happened, in the reader's words, from the facts the line carries. */
export function lineDetail(line: ScoreLine): string {
  const p = line.params;
  const severity = p.severity ? tOr(`severity.${p.severity}`, String(p.severity)) : '';
  switch (line.item) {
    case 'slaAccept':
    case 'slaArrive':
    case 'slaResolve':
      return t('scores.detail.minutesOver', {
        severity,
        minutes: typeof p.minutesOver === 'number' ? formatPoints(p.minutesOver) : '',
      });
    case 'repeatFailure':
      return t('scores.detail.repeat', { severity });
    case 'unresolvedAtPeriodEnd':
      return t('scores.detail.openDays', {
        severity,
        days: typeof p.openDays === 'number' ? formatPoints(p.openDays) : '',
      });
    case 'availability':
      return t('scores.detail.availability', {
        availability: typeof p.availability === 'number' ? formatPercent(p.availability) : '',
        target: typeof p.target === 'number' ? formatPercent(p.target) : '',
        minutes: typeof p.downMinutes === 'number' ? formatPoints(p.downMinutes) : '',
      });
    case 'inspectionGeneral':
    case 'inspectionMajor':
      return t('scores.detail.inspection', {
        kind: tOr(`scores.inspectionKind.${text(p.inspectionKind)}`, text(p.inspectionKind)),
        description: text(p.description),
      });
    case 'verifiedComplaint':
      return text(p.summary);
    case 'rectificationFailed':
      return text(p.problem);
    case 'commendation':
    case 'innovation':
    case 'promotedPractice':
      return [text(p.description), text(p.source)].filter(Boolean).join(' · ');
  }
}

/** A reference of a line's evidence as a person looks it up (the PDF names them alike). */
export function evidenceText(ref: EvidenceRef): string {
  switch (ref.type) {
    case 'work_order':
      return (
        t('scores.evidence.work_order', { orderId: ref.orderId, leg: ref.leg + 1 }) +
        (ref.target ? ` · ${tOr(`order.sla.target.${ref.target}`, ref.target)}` : '')
      );
    case 'incident':
      return t('scores.evidence.incident', { incidentId: ref.incidentId });
    case 'equipment':
      return t('scores.evidence.equipment', { equipmentId: ref.equipmentId });
    case 'inspection':
      return t('scores.evidence.inspection', { inspectionId: ref.inspectionId, finding: ref.finding + 1 });
    case 'complaint':
      return t('scores.evidence.complaint', { complaintId: ref.complaintId });
    case 'rectification_notice':
      return t('scores.evidence.rectification_notice', { noticeId: ref.noticeId });
    case 'commendation':
      return t('scores.evidence.commendation', { commendationId: ref.commendationId });
    case 'attachment':
      return t('scores.evidence.attachment', { name: ref.name });
  }
}

/**
 * An attachment's address if a browser may open it: http(s) only. The input schema accepts any
 * `scheme://`, and a `javascript://` link would run in this page.
 */
export function openableUri(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** An appeal's state now: the stored line keeps the state of its revision, the appeal is newer. */
export const appealState = (appeal: AppealRecord): 'pending' | 'upheld' | 'overturned' =>
  appeal.decision ? appeal.decision.outcome : 'pending';

/** Who recorded something: the username, or the platform itself (a scheduled close). */
export const actorName = (actor: { readonly role: string } | { readonly userId: string }): string =>
  'userId' in actor ? actor.userId : actor.role;

/** An amount in fen as yuan, two decimals: 1234567 → 12,345.67. */
export const formatYuan = (fen: number): string =>
  (fen / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A scoring domain label key (`scoring.grade.fail`) in the reader's words, through the catalogue. */
const domainLabel = (key: string): string => tOr(key.replace(/^scoring\./, 'scores.'), key);

/** What a consequence is: 扣除违约金, 列入风险名单 … (the deposit by its action). */
export const consequenceLabel = (consequence: Consequence): string =>
  consequence.kind === 'deposit'
    ? tOr(`scores.consequence.deposit.${consequence.action}`, consequence.action)
    : tOr(`scores.consequence.${consequence.kind}`, consequence.kind);

/** A consequence's particulars: the period, the amount, the notices or periods behind it. */
export function consequenceDetail(consequence: Consequence): string {
  switch (consequence.kind) {
    case 'deposit':
      return t('scores.consequence.detail.deposit', {
        period: consequence.period,
        score: formatPoints(consequence.score),
        amount: formatYuan(consequence.amountFen),
      });
    case 'satisfaction_reward':
      return t('scores.consequence.detail.satisfaction_reward', {
        period: consequence.period,
        rate: formatPercent(consequence.rate),
        amount: formatYuan(consequence.amountFen),
      });
    case 'incentive_list':
      return t('scores.consequence.detail.incentive_list', {
        period: consequence.period,
        grade: gradeText(consequence.grade),
      });
    case 'risk_list':
      return t('scores.consequence.detail.risk_list', {
        period: consequence.period,
        reasons: consequence.reasons.map(domainLabel).join('、'),
      });
    case 'exit_warning':
      return t('scores.consequence.detail.exit_warning', { notices: consequence.noticeIds.join(', ') });
    case 'termination_recommended':
      return t('scores.consequence.detail.termination_recommended', {
        periods: consequence.periods
          .map((period) => `${period.key} ${formatPercent(period.rate)}`)
          .join('、'),
      });
    case 're_tender':
      return t('scores.consequence.detail.re_tender', {
        reachesOn: consequence.reachesOn,
        termEnd: consequence.termEnd,
      });
  }
}
