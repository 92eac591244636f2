import { useState } from 'preact/hooks';
import { type Attachment, api } from '../../api.ts';
import { t } from '../../i18n/i18n.ts';
import {
  attachmentsOf,
  Choice,
  EvidenceFields,
  InputForm,
  optionalText,
  TextField,
  useWhen,
  WhenFields,
} from './forms/shell.tsx';

const KINDS = ['daily_patrol', 'weekly_joint', 'monthly_assessment', 'spot_check'] as const;
const LEVELS = ['none', 'general', 'major'] as const;
type Level = (typeof LEVELS)[number];

/**
 * A facilities manager records an inspection of the contract in a month not closed yet, with at
 * most one finding (一般问题 / 重大问题) or none (a clean patrol counts too), and its evidence. The
 * date and time are the site's wall clock; the store refuses the future and closed months, and
 * says so.
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
  const when = useWhen(month);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('monthly_assessment');
  const [summary, setSummary] = useState('');
  const [level, setLevel] = useState<Level>('general');
  const [description, setDescription] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);

  return (
    <InputForm
      name="inspection"
      send={() =>
        api.recordInspection({
          contractId,
          kind,
          conductedAtMs: when.ms(),
          ...optionalText('summary', summary),
          findings:
            level === 'none' ? [] : [{ level, description: description.trim(), ...attachmentsOf(evidence) }],
          ...(level === 'none' ? attachmentsOf(evidence) : {}),
        })
      }
      onRecorded={() => {
        setSummary('');
        setDescription('');
        setEvidence([]);
        onRecorded();
      }}
    >
      <div class="controls">
        <Choice
          name="kind"
          label="scores.inspection.kind"
          value={kind}
          options={KINDS}
          text={(k) => t(`scores.inspectionKind.${k}`)}
          onChange={setKind}
        />
        <WhenFields when={when} month={month} />
        <Choice
          name="level"
          label="scores.inspection.finding"
          value={level}
          options={LEVELS}
          text={(l) => (l === 'none' ? t('scores.inspection.noFinding') : t(`scores.findingLevel.${l}`))}
          onChange={setLevel}
        />
      </div>
      {level === 'none' ? null : (
        <TextField
          name="description"
          label="scores.inspection.description"
          maxLength={1_000}
          value={description}
          onInput={setDescription}
        />
      )}
      <TextField
        name="summary"
        label="scores.inspection.summary"
        required={false}
        value={summary}
        onInput={setSummary}
      />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}
