import { useRef, useState } from 'preact/hooks';
import { ApiFailure, type AppealRecord, api, type ScoreLine } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { t, tOr } from '../../i18n/i18n.ts';
import { useSiteTime } from './parts.tsx';
import { actorName, appealState, itemText, lineDetail } from './text.ts';

/**
 * The month's appeals with their statements and decisions. A facilities manager decides a
 * pending one here: uphold or overturn, with a reason; the API scores the month again as its
 * next revision, and `onDecided` reloads the page to show it.
 */
export function Appeals({
  appeals,
  lines,
  mayDecide,
  onDecided,
}: {
  appeals: readonly AppealRecord[];
  lines: readonly ScoreLine[];
  mayDecide: boolean;
  onDecided: () => void;
}) {
  const siteTime = useSiteTime();
  if (appeals.length === 0) return <p class="muted">{t('scores.appeals.none')}</p>;
  return (
    <ul class="appeals" data-testid="appeals">
      {appeals.map((appeal) => {
        const state = appealState(appeal);
        const line = lines.find((candidate) => candidate.id === appeal.lineId);
        return (
          <li key={appeal.id} data-appeal={appeal.id} data-state={state}>
            <p>
              <span class={`badge appeal-${state}`}>{tOr(`scores.appeal.${state}`, state)}</span>{' '}
              {t('scores.appeal.against', {
                item: line ? `${itemText(line.item)} · ${lineDetail(line)}` : appeal.lineId,
              })}
            </p>
            <blockquote>{appeal.statement}</blockquote>
            <p class="muted">
              {t('scores.appeal.filed', {
                who: actorName(appeal.recordedBy),
                time: siteTime(appeal.recordedAtMs),
              })}
            </p>
            {appeal.decision ? (
              <p class="decision">
                {t('scores.appeal.decided', {
                  who: actorName(appeal.decision.recordedBy),
                  time: siteTime(appeal.decision.recordedAtMs),
                  reason: appeal.decision.reason,
                })}
              </p>
            ) : mayDecide ? (
              <DecisionForm appealId={appeal.id} onDecided={onDecided} />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function DecisionForm({ appealId, onDecided }: { appealId: string; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  // Which button submitted: read in the same event, before any re-render.
  const outcome = useRef<'upheld' | 'overturned'>('upheld');
  return (
    <form
      class="action-form"
      data-testid="decision-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setFailure(undefined);
        try {
          await api.decideAppeal({ appealId, outcome: outcome.current, reason: reason.trim() });
          onDecided();
        } catch (error) {
          setFailure(error instanceof ApiFailure ? error.code : 'network');
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        {t('scores.decide.reason')}
        <textarea
          name="reason"
          required
          maxLength={2_000}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </label>
      <div class="buttons">
        <button
          type="submit"
          data-decide="upheld"
          disabled={busy}
          onClick={() => {
            outcome.current = 'upheld';
          }}
        >
          {t('scores.decide.uphold')}
        </button>
        <button
          type="submit"
          data-decide="overturned"
          disabled={busy}
          onClick={() => {
            outcome.current = 'overturned';
          }}
        >
          {t('scores.decide.overturn')}
        </button>
      </div>
      {failure ? <ErrorNote code={failure} /> : null}
    </form>
  );
}
