import { useState } from 'preact/hooks';
import { type Attachment, api, type ContractInputsReply } from '../../../api.ts';
import { t } from '../../../i18n/i18n.ts';
import { formatPercent } from '../text.ts';
import { attachmentsOf, EvidenceFields, InputForm, TextField, useWhen } from './shell.tsx';

const RATINGS = ['excellent', 'good', 'fair', 'poor'] as const;
type Rating = (typeof RATINGS)[number];

interface ItemRow {
  /** Stable across surveys, so a service item's ratings can be followed from one to the next. */
  readonly key: string;
  readonly zh: string;
  readonly en: string;
  readonly counts: Readonly<Record<Rating, string>>;
}

const noCounts = { excellent: '', good: '', fair: '', poor: '' };

/** The service items of the contract's latest survey of the year, counts cleared; one blank row if none. */
function itemsOf(inputs: ContractInputsReply): ItemRow[] {
  const last = inputs.surveys.at(-1);
  if (!last) return [{ key: 'item-1', zh: '', en: '', counts: noCounts }];
  return last.items.map((item) => ({
    key: item.key,
    zh: item.label['zh-CN'],
    en: item.label.en,
    counts: noCounts,
  }));
}

/** A key for a new row that no other row has. */
function newKey(rows: readonly ItemRow[]): string {
  let n = rows.length + 1;
  while (rows.some((row) => row.key === `item-${n}`)) n += 1;
  return `item-${n}`;
}

const count = (text: string): number => (text.trim() === '' ? 0 : Number(text));

/**
 * 满意度测评: questionnaires handed out and returned, each service item's answers 优 / 较好 / 一般 /
 * 差, the free comments (one a line) and the evidence (the questionnaires, the tally sheet). The
 * response rate shows as the counts are typed; the satisfaction rate is the scheme's (which
 * ratings count as satisfied), so it is shown from the annual evaluation once the survey is
 * recorded.
 */
export function SurveyForm({
  contractId,
  month,
  inputs,
  onRecorded,
}: {
  contractId: string;
  month: string;
  inputs: ContractInputsReply;
  onRecorded: () => void;
}) {
  const conducted = useWhen(month);
  const [distributed, setDistributed] = useState('');
  const [returned, setReturned] = useState('');
  const [rows, setRows] = useState<ItemRow[]>(() => itemsOf(inputs));
  const [comments, setComments] = useState('');
  const [evidence, setEvidence] = useState<Attachment[]>([]);
  const set = (index: number, change: Partial<ItemRow>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const out = count(distributed);
  const back = count(returned);

  return (
    <InputForm
      name="survey"
      send={() =>
        api.recordSurvey({
          contractId,
          conductedOn: conducted.date,
          distributed: out,
          returned: back,
          items: rows.map((row) => ({
            key: row.key,
            label: { 'zh-CN': row.zh.trim(), en: row.en.trim() || row.zh.trim() },
            counts: {
              excellent: count(row.counts.excellent),
              good: count(row.counts.good),
              fair: count(row.counts.fair),
              poor: count(row.counts.poor),
            },
          })),
          ...(comments.trim() === ''
            ? {}
            : {
                comments: comments
                  .split('\n')
                  .map((line) => line.trim())
                  .filter(Boolean),
              }),
          ...attachmentsOf(evidence),
        })
      }
      onRecorded={() => {
        setDistributed('');
        setReturned('');
        setComments('');
        setEvidence([]);
        setRows(rows.map((row) => ({ ...row, counts: noCounts })));
        onRecorded();
      }}
    >
      <div class="controls">
        <label>
          {t('scores.survey.conductedOn')}
          <input
            type="date"
            name="conductedOn"
            required
            value={conducted.date}
            onInput={(event) => conducted.setDate(event.currentTarget.value)}
          />
        </label>
        <Count
          name="distributed"
          label={t('scores.survey.distributed')}
          value={distributed}
          min={1}
          onInput={setDistributed}
        />
        <Count name="returned" label={t('scores.survey.returned')} value={returned} onInput={setReturned} />
      </div>
      <p class="muted" data-testid="response-rate">
        {out > 0
          ? t('scores.survey.responseRate', {
              rate: formatPercent(back / out),
              returned: back,
              distributed: out,
            })
          : t('scores.survey.responseRateUnknown')}
      </p>
      <div class="table-scroll">
        <table class="orders survey-items" data-testid="survey-items">
          <thead>
            <tr>
              <th>{t('scores.survey.item')}</th>
              <th>{t('scores.survey.itemEn')}</th>
              {RATINGS.map((rating) => (
                <th key={rating} class="number">
                  {t(`scores.rating.${rating}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={row.key} data-item={row.key}>
                <td>
                  <input
                    type="text"
                    name="itemLabel"
                    required
                    maxLength={100}
                    aria-label={t('scores.survey.item')}
                    value={row.zh}
                    onInput={(event) => set(index, { zh: event.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    type="text"
                    name="itemLabelEn"
                    maxLength={100}
                    aria-label={t('scores.survey.itemEn')}
                    value={row.en}
                    onInput={(event) => set(index, { en: event.currentTarget.value })}
                  />
                </td>
                {RATINGS.map((rating) => (
                  <td key={rating} class="number">
                    <input
                      type="number"
                      name={`count-${rating}`}
                      min={0}
                      step={1}
                      aria-label={t(`scores.rating.${rating}`)}
                      value={row.counts[rating]}
                      onInput={(event) =>
                        set(index, { counts: { ...row.counts, [rating]: event.currentTarget.value } })
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button
        type="button"
        class="link"
        onClick={() => setRows([...rows, { key: newKey(rows), zh: '', en: '', counts: noCounts }])}
      >
        {t('scores.survey.addItem')}
      </button>
      <TextField
        name="comments"
        label="scores.survey.comments"
        required={false}
        maxLength={100_000}
        value={comments}
        onInput={setComments}
      />
      <EvidenceFields value={evidence} onChange={setEvidence} />
    </InputForm>
  );
}

function Count({
  name,
  label,
  value,
  min = 0,
  onInput,
}: {
  name: string;
  label: string;
  value: string;
  min?: number;
  onInput: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        name={name}
        required
        min={min}
        step={1}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
    </label>
  );
}
