import { useState } from 'preact/hooks';
import {
  ApiFailure,
  type AppealRecord,
  api,
  type EvidenceRecords,
  type EvidenceRef,
  type ScoreLine,
} from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { t, tOr } from '../../i18n/i18n.ts';
import { AppLink, AttachmentLink, useSiteTime } from './parts.tsx';
import { actorName, appealState, evidenceText, formatPoints, itemText, lineDetail } from './text.ts';

const COLUMNS = 8;

/**
 * Every line of a scorecard: item, what happened, points and what counted after caps and
 * appeals, its state, and its evidence — work orders open on their page, the manual records the
 * API sent are spelled out, attachments open when they are web addresses. A vendor may dispute a
 * counted deduction with no appeal yet while the window is open (`disputeUntilMs`).
 */
export function ScoreLines({
  contractId,
  month,
  lines,
  records,
  appeals,
  disputeUntilMs,
  nowMs,
  onChanged,
}: {
  contractId: string;
  month: string;
  lines: readonly ScoreLine[];
  records: EvidenceRecords | undefined;
  appeals: readonly AppealRecord[];
  disputeUntilMs: number | undefined;
  nowMs: number;
  onChanged: () => void;
}) {
  const [disputing, setDisputing] = useState<string | undefined>(undefined);
  const siteTime = useSiteTime();
  if (lines.length === 0)
    return (
      <p class="muted" data-testid="no-lines">
        {t('scores.lines.none')}
      </p>
    );
  const appealOf = (line: ScoreLine): string | undefined => {
    const filed = appeals.find((appeal) => appeal.lineId === line.id);
    return filed ? appealState(filed) : line.appeal?.state;
  };
  const disputable = (line: ScoreLine): boolean =>
    disputeUntilMs !== undefined &&
    nowMs < disputeUntilMs &&
    line.kind === 'deduction' &&
    line.status === 'counted' &&
    appealOf(line) === undefined;

  return (
    <div class="table-scroll">
      <table class="orders lines" data-testid="lines">
        <thead>
          <tr>
            <th>{t('scores.column.time')}</th>
            <th>{t('scores.column.item')}</th>
            <th>{t('scores.column.detail')}</th>
            <th class="number">{t('scores.column.points')}</th>
            <th class="number">{t('scores.column.applied')}</th>
            <th>{t('scores.column.status')}</th>
            <th>{t('scores.column.evidence')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {lines.flatMap((line) => {
            const sign = line.kind === 'deduction' ? '−' : '+';
            const appeal = appealOf(line);
            const row = (
              <tr
                key={line.id}
                data-line={line.id}
                data-item={line.item}
                data-status={line.status}
                data-appeal={appeal ?? ''}
                class={line.status === 'overturned' ? 'overturned' : ''}
              >
                <td data-label={t('scores.column.time')}>{siteTime(line.occurredAtMs)}</td>
                <td data-label={t('scores.column.item')}>{itemText(line.item)}</td>
                <td class="wrap" data-label={t('scores.column.detail')}>
                  {lineDetail(line)}
                </td>
                <td class="number" data-label={t('scores.column.points')}>
                  {sign}
                  {formatPoints(line.points)}
                </td>
                <td class="number" data-label={t('scores.column.applied')}>
                  {line.appliedPoints === 0 ? '0' : `${sign}${formatPoints(line.appliedPoints)}`}
                </td>
                <td class="wrap" data-label={t('scores.column.status')}>
                  {tOr(`scores.lineStatus.${line.status}`, line.status)}
                  {line.capped ? <small class="muted"> · {t('scores.capped')}</small> : null}
                  {appeal ? (
                    <>
                      <br />
                      <span class={`badge appeal-${appeal}`}>{tOr(`scores.appeal.${appeal}`, appeal)}</span>
                    </>
                  ) : null}
                </td>
                <td class="wrap" data-label={t('scores.column.evidence')}>
                  <ul class="evidence">
                    {line.evidence.map((ref) => (
                      <Evidence key={JSON.stringify(ref)} evidence={ref} records={records} />
                    ))}
                  </ul>
                </td>
                <td>
                  {disputable(line) && disputing !== line.id ? (
                    <button
                      type="button"
                      class="link"
                      data-dispute={line.id}
                      onClick={() => setDisputing(line.id)}
                    >
                      {t('scores.dispute')}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
            if (disputing !== line.id) return [row];
            return [
              row,
              <tr key={`${line.id}:dispute`} class="dispute-row">
                <td colSpan={COLUMNS}>
                  <DisputeForm
                    contractId={contractId}
                    month={month}
                    lineId={line.id}
                    onCancel={() => setDisputing(undefined)}
                    onFiled={() => {
                      setDisputing(undefined);
                      onChanged();
                    }}
                  />
                </td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

function Evidence({ evidence, records }: { evidence: EvidenceRef; records: EvidenceRecords | undefined }) {
  const label = evidenceText(evidence);
  const siteTime = useSiteTime();
  switch (evidence.type) {
    case 'work_order':
      return (
        <li data-evidence="work_order">
          <AppLink to={`/orders/${encodeURIComponent(evidence.orderId)}`}>{label}</AppLink>
        </li>
      );
    case 'attachment':
      return (
        <li data-evidence="attachment">
          <AttachmentLink label={label} uri={evidence.uri} />
        </li>
      );
    case 'inspection': {
      const record = records?.inspections.find((candidate) => candidate.id === evidence.inspectionId);
      const finding = record?.findings[evidence.finding];
      return (
        <li data-evidence="inspection">
          {label}
          <Facts
            facts={[
              record &&
                t('scores.record.inspection', {
                  kind: tOr(`scores.inspectionKind.${record.kind}`, record.kind),
                  time: siteTime(record.conductedAtMs),
                  who: actorName(record.recordedBy),
                }),
              finding &&
                t('scores.record.finding', {
                  level: tOr(`scores.findingLevel.${finding.level}`, finding.level),
                  description: finding.description,
                }),
            ]}
          />
        </li>
      );
    }
    case 'complaint': {
      const record = records?.complaints.find((candidate) => candidate.id === evidence.complaintId);
      const conclusion = record?.conclusion;
      return (
        <li data-evidence="complaint">
          {label}
          <Facts
            facts={[
              record &&
                t('scores.record.complaint', {
                  channel: tOr(`scores.complaintChannel.${record.channel}`, record.channel),
                  time: siteTime(record.receivedAtMs),
                  summary: record.summary,
                }),
              conclusion &&
                t('scores.record.conclusion', {
                  result: tOr(`scores.complaintResult.${conclusion.result}`, conclusion.result),
                  finding: conclusion.finding,
                }),
            ]}
          />
        </li>
      );
    }
    case 'rectification_notice': {
      const record = records?.rectifications.find((candidate) => candidate.id === evidence.noticeId);
      const outcome = record?.outcome;
      return (
        <li data-evidence="rectification_notice">
          {label}
          <Facts
            facts={[
              record &&
                t('scores.record.notice', {
                  problem: record.problem,
                  deadline: siteTime(record.deadlineMs),
                }),
              outcome &&
                t('scores.record.outcome', {
                  outcome: tOr(`scores.rectificationOutcome.${outcome.outcome}`, outcome.outcome),
                  note: outcome.note,
                }),
            ]}
          />
        </li>
      );
    }
    case 'commendation': {
      const record = records?.commendations.find((candidate) => candidate.id === evidence.commendationId);
      return (
        <li data-evidence="commendation">
          {label}
          <Facts
            facts={[
              record &&
                t('scores.record.commendation', {
                  kind: tOr(`scores.bonusKind.${record.kind}`, record.kind),
                  description: record.description,
                }),
            ]}
          />
        </li>
      );
    }
    default:
      return <li data-evidence={evidence.type}>{label}</li>;
  }
}

/** What the manual record says, one fact a line (absent when the API did not send the record). */
function Facts({ facts }: { facts: readonly (string | null | undefined)[] }) {
  return (
    <>
      {facts.filter(Boolean).map((fact) => (
        <small key={fact} class="record">
          {fact}
        </small>
      ))}
    </>
  );
}

function DisputeForm({
  contractId,
  month,
  lineId,
  onCancel,
  onFiled,
}: {
  contractId: string;
  month: string;
  lineId: string;
  onCancel: () => void;
  onFiled: () => void;
}) {
  const [statement, setStatement] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  return (
    <form
      class="action-form"
      data-testid="dispute-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setFailure(undefined);
        try {
          await api.fileAppeal({ contractId, month, lineId, statement: statement.trim() });
          onFiled();
        } catch (error) {
          setFailure(error instanceof ApiFailure ? error.code : 'network');
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        {t('scores.dispute.statement')}
        <textarea
          name="statement"
          required
          maxLength={4_000}
          value={statement}
          onInput={(event) => setStatement(event.currentTarget.value)}
        />
      </label>
      <div class="buttons">
        <button type="submit" disabled={busy || statement.trim() === ''} data-submit="appeal">
          {t('app.submit')}
        </button>
        <button type="button" class="link" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
      {failure ? <ErrorNote code={failure} /> : null}
    </form>
  );
}
