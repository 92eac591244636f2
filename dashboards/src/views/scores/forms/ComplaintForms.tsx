import { useState } from 'preact/hooks';
import { type Attachment, api, type ContractInputsReply } from '../../../api.ts';
import { t } from '../../../i18n/i18n.ts';
import { useSiteTime } from '../parts.tsx';
import {
  attachmentsOf,
  Choice,
  EvidenceFields,
  InputForm,
  optionalText,
  TextField,
  usePick,
  useWhen,
  WhenFields,
} from './shell.tsx';

const CHANNELS = ['hotline', 'written', 'in_person', 'online', 'liaison'] as const;
const RESULTS = ['verified', 'unfounded'] as const;

/**
 * 受理投诉: a complaint as it came in, with what it came as (the letter, the hotline ticket,
 * photos). It deducts nothing until its investigation verifies it.
 */
export function ComplaintForm({
  contractId,
  month,
  onRecorded,
}: {
  contractId: string;
  month: string;
  onRecorded: () => void;
}) {
  const received = useWhen(month);
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>('hotline');
  const [summary, setSummary] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  return (
    <InputForm
      name="complaint"
      send={() =>
        api.recordComplaint({
          contractId,
          receivedAtMs: received.ms(),
          channel,
          summary: summary.trim(),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setSummary('');
        setEvidence([]);
        onRecorded();
      }}
    >
      <div class="controls">
        <Choice
          name="channel"
          label="scores.complaint.channel"
          value={channel}
          options={CHANNELS}
          text={(c) => t(`scores.complaintChannel.${c}`)}
          onChange={setChannel}
        />
        <WhenFields when={received} month={month} label="scores.complaint.receivedOn" />
      </div>
      <TextField name="summary" label="scores.complaint.summary" value={summary} onInput={setSummary} />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}

/**
 * 调查取证 → 结论: the result of a complaint's investigation, with what was found, who is
 * responsible and the evidence. A verified complaint deducts in the month it is concluded.
 */
export function ComplaintConclusionForm({
  month,
  inputs,
  onRecorded,
}: {
  month: string;
  inputs: ContractInputsReply;
  onRecorded: () => void;
}) {
  const concluded = useWhen(month);
  const open = inputs.complaints.filter((complaint) => complaint.conclusion === null);
  const [chosen, setComplaintId] = usePick(open.map((complaint) => complaint.id));
  const [result, setResult] = useState<(typeof RESULTS)[number]>('verified');
  const [finding, setFinding] = useState('');
  const [responsibility, setResponsibility] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  const siteTime = useSiteTime();
  if (open.length === 0)
    return (
      <p class="muted" data-testid="no-open-complaints">
        {t('scores.conclusion.none')}
      </p>
    );

  return (
    <InputForm
      name="conclusion"
      send={() =>
        api.concludeComplaint({
          complaintId: chosen,
          result,
          concludedAtMs: concluded.ms(),
          finding: finding.trim(),
          ...optionalText('responsibility', responsibility),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setFinding('');
        setResponsibility('');
        setEvidence([]);
        onRecorded();
      }}
    >
      <Choice
        name="complaintId"
        label="scores.conclusion.complaint"
        value={chosen}
        options={open.map((complaint) => complaint.id)}
        text={(id) => {
          const complaint = open.find((candidate) => candidate.id === id);
          return t('scores.conclusion.option', {
            id,
            time: complaint ? siteTime(complaint.receivedAtMs) : '',
            summary: complaint?.summary ?? '',
          });
        }}
        onChange={setComplaintId}
      />
      <div class="controls">
        <Choice
          name="result"
          label="scores.conclusion.result"
          value={result}
          options={RESULTS}
          text={(r) => t(`scores.complaintResult.${r}`)}
          onChange={setResult}
        />
        <WhenFields when={concluded} month={month} label="scores.conclusion.concludedOn" />
      </div>
      <TextField name="finding" label="scores.conclusion.finding" value={finding} onInput={setFinding} />
      <TextField
        name="responsibility"
        label="scores.conclusion.responsibility"
        required={false}
        maxLength={1_000}
        lines={1}
        value={responsibility}
        onInput={setResponsibility}
      />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}
