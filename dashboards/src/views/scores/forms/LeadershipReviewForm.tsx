import { useState } from 'preact/hooks';
import { type Attachment, api } from '../../../api.ts';
import { t } from '../../../i18n/i18n.ts';
import {
  attachmentsOf,
  Choice,
  EvidenceFields,
  InputForm,
  optionalText,
  TextField,
  useWhen,
  WhenFields,
} from './shell.tsx';

/**
 * 局领导半年综合考核: the half year's score out of 100, when it was given, a note and the evidence
 * (the signed review form, the minutes). It is one of the annual evaluation's levels; the month's
 * scorecard does not change.
 */
export function LeadershipReviewForm({
  contractId,
  month,
  onRecorded,
}: {
  contractId: string;
  month: string;
  onRecorded: () => void;
}) {
  const year = month.slice(0, 4);
  const halves = [`${year}-H1`, `${year}-H2`];
  const reviewed = useWhen(month);
  const [half, setHalf] = useState(Number(month.slice(5, 7)) <= 6 ? `${year}-H1` : `${year}-H2`);
  const [score, setScore] = useState('');
  const [note, setNote] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  return (
    <InputForm
      name="review"
      send={() =>
        api.recordLeadershipReview({
          contractId,
          half,
          score: Number(score),
          reviewedAtMs: reviewed.ms(),
          ...optionalText('note', note),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setScore('');
        setNote('');
        setEvidence([]);
        onRecorded();
      }}
    >
      <div class="controls">
        <Choice
          name="half"
          label="scores.review.half"
          value={half}
          options={halves}
          text={(h) => t(h.endsWith('H1') ? 'scores.review.h1' : 'scores.review.h2', { year })}
          onChange={setHalf}
        />
        <label>
          {t('scores.review.score')}
          <input
            type="number"
            name="score"
            required
            min={0}
            max={100}
            step={0.5}
            value={score}
            onInput={(event) => setScore(event.currentTarget.value)}
          />
        </label>
        <WhenFields when={reviewed} label="scores.review.reviewedOn" />
      </div>
      <TextField name="note" label="scores.review.note" required={false} value={note} onInput={setNote} />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}
