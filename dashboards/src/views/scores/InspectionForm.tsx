import { useState } from 'preact/hooks';
import { ApiFailure, api } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { t } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';
import { lastDayOf, monthAt, wallClockAt, zonedMs } from './months.ts';
import { useSiteZone } from './parts.tsx';

const KINDS = ['daily_patrol', 'weekly_joint', 'monthly_assessment', 'spot_check'] as const;
type Level = 'none' | 'general' | 'major';

/**
 * A facilities manager records an inspection of the contract in a month not closed yet, with at
 * most one finding (一般问题 / 重大问题) or none (a clean patrol counts too). The date and time are
 * the site's wall clock; the store refuses the future and closed months, and says so.
 */
export function InspectionForm({
  contractId,
  month,
  onRecorded,
}: {
  contractId: string;
  month: string;
  onRecorded: () => void;
}) {
  const { live } = useSession();
  const zone = useSiteZone();
  // This month: a minute ago (never the future); an earlier one: its last day, mid-morning.
  const now = wallClockAt(live.now() - 60_000, zone);
  const inThisMonth = monthAt(live.now(), zone) === month;
  const [kind, setKind] = useState<(typeof KINDS)[number]>('monthly_assessment');
  const [date, setDate] = useState(inThisMonth ? now.date : lastDayOf(month));
  const [time, setTime] = useState(inThisMonth ? now.time : '10:00');
  const [summary, setSummary] = useState('');
  const [level, setLevel] = useState<Level>('general');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [recorded, setRecorded] = useState<string | undefined>(undefined);

  const submit = async () => {
    setBusy(true);
    setFailure(undefined);
    setRecorded(undefined);
    try {
      const inspection = await api.recordInspection({
        contractId,
        kind,
        conductedAtMs: zonedMs(date, time, zone),
        ...(summary.trim() ? { summary: summary.trim() } : {}),
        findings: level === 'none' ? [] : [{ level, description: description.trim() }],
      });
      setRecorded(inspection.id);
      setSummary('');
      setDescription('');
      onRecorded();
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.code : 'network');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="action-form inspection-form"
      data-testid="inspection-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div class="controls">
        <label>
          {t('scores.inspection.kind')}
          <select
            name="kind"
            value={kind}
            onChange={(event) => setKind(event.currentTarget.value as (typeof KINDS)[number])}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`scores.inspectionKind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('scores.inspection.date')}
          <input
            type="date"
            name="date"
            required
            min={`${month}-01`}
            max={lastDayOf(month)}
            value={date}
            onInput={(event) => setDate(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('scores.inspection.time')}
          <input
            type="time"
            name="time"
            required
            value={time}
            onInput={(event) => setTime(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('scores.inspection.finding')}
          <select
            name="level"
            value={level}
            onChange={(event) => setLevel(event.currentTarget.value as Level)}
          >
            <option value="none">{t('scores.inspection.noFinding')}</option>
            <option value="general">{t('scores.findingLevel.general')}</option>
            <option value="major">{t('scores.findingLevel.major')}</option>
          </select>
        </label>
      </div>
      {level === 'none' ? null : (
        <label>
          {t('scores.inspection.description')}
          <textarea
            name="description"
            required
            maxLength={1_000}
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </label>
      )}
      <label>
        {t('scores.inspection.summary')}
        <textarea
          name="summary"
          maxLength={2_000}
          value={summary}
          onInput={(event) => setSummary(event.currentTarget.value)}
        />
      </label>
      <div class="buttons">
        <button type="submit" disabled={busy} data-submit="inspection">
          {t('app.submit')}
        </button>
      </div>
      {recorded ? (
        <p class="toast" role="status">
          {t('scores.inspection.recorded', { id: recorded })}
        </p>
      ) : null}
      {failure ? <ErrorNote code={failure} /> : null}
    </form>
  );
}
