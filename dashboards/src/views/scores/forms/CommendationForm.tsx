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

const KINDS = ['commendation', 'innovation', 'promoted_practice'] as const;

/**
 * 加分事项: a commendation (表扬), an effective innovation or a practice promoted as a model, with
 * who gave it and the evidence. Bonuses count up to the scheme's cap.
 */
export function CommendationForm({
  contractId,
  month,
  onRecorded,
}: {
  contractId: string;
  month: string;
  onRecorded: () => void;
}) {
  const awarded = useWhen(month);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('commendation');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  return (
    <InputForm
      name="commendation"
      send={() =>
        api.recordCommendation({
          contractId,
          kind,
          awardedAtMs: awarded.ms(),
          description: description.trim(),
          ...optionalText('source', source),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setDescription('');
        setSource('');
        setEvidence([]);
        onRecorded();
      }}
    >
      <div class="controls">
        <Choice
          name="kind"
          label="scores.commendation.kind"
          value={kind}
          options={KINDS}
          text={(k) => t(`scores.bonusKind.${k}`)}
          onChange={setKind}
        />
        <WhenFields when={awarded} month={month} label="scores.commendation.awardedOn" />
      </div>
      <TextField
        name="description"
        label="scores.commendation.description"
        value={description}
        onInput={setDescription}
      />
      <TextField
        name="source"
        label="scores.commendation.source"
        required={false}
        maxLength={200}
        lines={1}
        value={source}
        onInput={setSource}
      />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}
