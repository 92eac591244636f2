import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { useLoad } from '../../components/hooks.ts';
import { t } from '../../i18n/i18n.ts';
import { LevelsTable, SurveysTable } from './Evaluation.tsx';
import { CommendationForm } from './forms/CommendationForm.tsx';
import { ComplaintConclusionForm, ComplaintForm } from './forms/ComplaintForms.tsx';
import { LeadershipReviewForm } from './forms/LeadershipReviewForm.tsx';
import { RectificationNoticeForm, RectificationOutcomeForm } from './forms/RectificationForms.tsx';
import { SurveyForm } from './forms/SurveyForm.tsx';
import { InspectionForm } from './InspectionForm.tsx';
import { withOpenOfYearBefore } from './open-records.ts';

/** Inputs dated in the month: only while it is open. */
const MONTH_INPUTS = ['inspection', 'notice', 'outcome', 'complaint', 'conclusion', 'commendation'] as const;
/** Inputs of the year's evaluation, not of a month's scorecard: open or closed alike. */
const YEAR_INPUTS = ['survey', 'review'] as const;
type Input = (typeof MONTH_INPUTS)[number] | (typeof YEAR_INPUTS)[number];

/**
 * The facilities manager's inputs on a contract's month, one form at a time. The contract's
 * inputs of the year give the forms what they refer to (the notices to check, the complaints to
 * conclude, the findings a notice comes from, the last survey's service items), with what the
 * year before left open (a December notice is checked from January's page). After a record is
 * stored the page's scorecard is reloaded; a survey or a leadership review shows the year's
 * satisfaction and levels instead, which they count toward.
 */
export function ManagerInputs({
  contractId,
  month,
  closed,
  onRecorded,
}: {
  contractId: string;
  month: string;
  closed: boolean;
  onRecorded: () => void;
}) {
  const year = month.slice(0, 4);
  const tabs: readonly Input[] = closed ? YEAR_INPUTS : [...MONTH_INPUTS, ...YEAR_INPUTS];
  const [tab, setTab] = useState<Input>(tabs[0] ?? 'survey');
  const yearBefore = String(Number(year) - 1);
  const inputs = useLoad(() => api.contractInputs(contractId, year), [contractId, year]);
  const before = useLoad(() => api.contractInputs(contractId, yearBefore), [contractId, yearBefore]);
  const evaluation = useLoad(() => api.evaluation(contractId, year), [contractId, year]);
  const recorded = () => {
    inputs.reload();
    before.reload();
    evaluation.reload();
    onRecorded();
  };
  const props = { contractId, month, onRecorded: recorded };

  const form = () => {
    if (tab === 'inspection') return <InspectionForm {...props} />;
    if (tab === 'complaint') return <ComplaintForm {...props} />;
    if (tab === 'commendation') return <CommendationForm {...props} />;
    if (tab === 'review') return <LeadershipReviewForm {...props} />;
    // The rest refer to the year's records: once they are in.
    if (inputs.error) return <ErrorNote code={inputs.error.code} onRetry={inputs.reload} />;
    if (!inputs.data) return <p class="loading">{t('app.loading')}</p>;
    if (tab === 'survey') return <SurveyForm {...props} inputs={inputs.data} />;
    if (before.error) return <ErrorNote code={before.error.code} onRetry={before.reload} />;
    if (!before.data) return <p class="loading">{t('app.loading')}</p>;
    const withInputs = { ...props, inputs: withOpenOfYearBefore(inputs.data, before.data) };
    if (tab === 'notice') return <RectificationNoticeForm {...withInputs} />;
    if (tab === 'outcome') return <RectificationOutcomeForm {...withInputs} />;
    return <ComplaintConclusionForm {...withInputs} />;
  };

  return (
    <div class="manager-inputs" data-testid="manager-inputs">
      <div class="segmented tabs" role="tablist">
        {tabs.map((input) => (
          <button
            key={input}
            type="button"
            role="tab"
            aria-selected={tab === input}
            class={tab === input ? 'active' : ''}
            data-input={input}
            onClick={() => setTab(input)}
          >
            {t(`scores.input.${input}`)}
          </button>
        ))}
      </div>
      <p class="muted">{t(`scores.input.${tab}.hint`)}</p>
      {/* Keyed by the form: each starts from its own defaults. */}
      <div key={tab}>{form()}</div>
      {tab === 'survey' || tab === 'review' ? (
        <div class="year-figures" data-testid="year-figures">
          <h3>{t('scores.input.yearFigures', { year })}</h3>
          {evaluation.error ? <ErrorNote code={evaluation.error.code} onRetry={evaluation.reload} /> : null}
          {evaluation.data ? (
            tab === 'survey' ? (
              <SurveysTable evaluation={evaluation.data} />
            ) : (
              <LevelsTable evaluation={evaluation.data} />
            )
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
