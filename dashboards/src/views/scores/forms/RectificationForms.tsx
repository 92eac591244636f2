import { useState } from 'preact/hooks';
import { type Attachment, api, type ContractInputsReply } from '../../../api.ts';
import { t } from '../../../i18n/i18n.ts';
import { useSiteTime } from '../parts.tsx';
import {
  attachmentsOf,
  Choice,
  EvidenceFields,
  InputForm,
  TextField,
  usePick,
  useWhen,
  WhenFields,
} from './shell.tsx';

interface FormProps {
  contractId: string;
  month: string;
  /**
   * The contract's inputs of the year, with what the year before left open: the records a notice
   * comes from or follows, the notices to check.
   */
  inputs: ContractInputsReply;
  onRecorded: () => void;
}

const NONE = '';

/**
 * 整改通知: a problem the vendor must put right by a deadline, pointing to where it was found (an
 * inspection's finding or a complaint of the year) or re-issuing a notice whose check failed
 * (再次整改: a second failure along the chain leads to a written exit warning), with the notice as
 * served and photos of the problem. The notice itself deducts nothing; its failed check does.
 */
export function RectificationNoticeForm({ contractId, month, inputs, onRecorded }: FormProps) {
  const issued = useWhen(month);
  const deadline = useWhen(month, 7);
  const [problem, setProblem] = useState('');
  const [source, setSource] = useState(NONE);
  const [follows, setFollows] = useState(NONE);
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  const siteTime = useSiteTime();
  const sources = [
    NONE,
    ...inputs.inspections.flatMap((inspection) =>
      inspection.findings.map((_, index) => `inspection:${inspection.id}:${index}`),
    ),
    ...inputs.complaints.map((complaint) => `complaint:${complaint.id}`),
  ];
  const sourceText = (key: string): string => {
    const [type, id, index] = key.split(':');
    if (type === 'inspection') {
      const finding = inputs.inspections.find((i) => i.id === id)?.findings[Number(index)];
      return t('scores.notice.fromFinding', { id: id ?? '', description: finding?.description ?? '' });
    }
    if (type === 'complaint') {
      const complaint = inputs.complaints.find((c) => c.id === id);
      return t('scores.notice.fromComplaint', { id: id ?? '', summary: complaint?.summary ?? '' });
    }
    return t('scores.notice.noSource');
  };
  const failed = inputs.rectifications.filter((notice) => notice.outcome?.outcome === 'failed');
  const sourceRef = (): Record<string, string | number> => {
    const [type, id = '', index] = source.split(':');
    if (type === 'inspection') return { inspectionId: id, findingIndex: Number(index) };
    if (type === 'complaint') return { complaintId: id };
    return {};
  };

  return (
    <InputForm
      name="notice"
      send={() =>
        api.issueRectification({
          contractId,
          issuedAtMs: issued.ms(),
          deadlineMs: deadline.ms(),
          problem: problem.trim(),
          ...sourceRef(),
          ...(follows === NONE ? {} : { followsNoticeId: follows }),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setProblem('');
        setSource(NONE);
        setFollows(NONE);
        setEvidence([]);
        onRecorded();
      }}
    >
      <div class="controls">
        <WhenFields when={issued} month={month} label="scores.notice.issuedOn" />
        <WhenFields when={deadline} prefix="deadline" label="scores.notice.deadline" />
      </div>
      <TextField name="problem" label="scores.notice.problem" value={problem} onInput={setProblem} />
      <div class="controls">
        <Choice
          name="source"
          label="scores.notice.source"
          value={source}
          options={sources}
          text={sourceText}
          onChange={setSource}
        />
        <Choice
          name="follows"
          label="scores.notice.follows"
          value={follows}
          options={[NONE, ...failed.map((notice) => notice.id)]}
          text={(id) => {
            const notice = failed.find((candidate) => candidate.id === id);
            return notice
              ? t('scores.notice.option', {
                  id,
                  problem: notice.problem,
                  deadline: siteTime(notice.deadlineMs),
                })
              : t('scores.notice.firstNotice');
          }}
          onChange={setFollows}
        />
      </div>
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}

const OUTCOMES = ['passed', 'failed'] as const;

/**
 * 复查: the check of a notice not checked yet, passed or failed, with a note and its evidence. A
 * failed check deducts in the month it was made.
 */
export function RectificationOutcomeForm({ month, inputs, onRecorded }: FormProps) {
  const checked = useWhen(month);
  const open = inputs.rectifications.filter((notice) => notice.outcome === null);
  const [chosen, setNoticeId] = usePick(open.map((notice) => notice.id));
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('passed');
  const [note, setNote] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  const siteTime = useSiteTime();
  if (open.length === 0)
    return (
      <p class="muted" data-testid="no-open-notices">
        {t('scores.outcome.none')}
      </p>
    );

  return (
    <InputForm
      name="outcome"
      send={() =>
        api.recordRectificationOutcome({
          noticeId: chosen,
          outcome,
          checkedAtMs: checked.ms(),
          note: note.trim(),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setNote('');
        setEvidence([]);
        onRecorded();
      }}
    >
      <Choice
        name="noticeId"
        label="scores.outcome.notice"
        value={chosen}
        options={open.map((notice) => notice.id)}
        text={(id) => {
          const notice = open.find((candidate) => candidate.id === id);
          return t('scores.notice.option', {
            id,
            problem: notice?.problem ?? '',
            deadline: notice ? siteTime(notice.deadlineMs) : '',
          });
        }}
        onChange={setNoticeId}
      />
      <div class="controls">
        <Choice
          name="outcome"
          label="scores.outcome.result"
          value={outcome}
          options={OUTCOMES}
          text={(o) => t(`scores.rectificationOutcome.${o}`)}
          onChange={setOutcome}
        />
        <WhenFields when={checked} month={month} label="scores.outcome.checkedOn" />
      </div>
      <TextField name="note" label="scores.outcome.note" value={note} onInput={setNote} />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}
