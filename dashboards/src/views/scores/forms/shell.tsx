import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiFailure, type Attachment } from '../../../api.ts';
import { ErrorNote } from '../../../components/Badges.tsx';
import type { MessageKey } from '../../../i18n/catalog.ts';
import { t } from '../../../i18n/i18n.ts';
import { useSession } from '../../../session.ts';
import { addDays, lastDayOf, monthAt, wallClockAt, zonedMs } from '../months.ts';
import { useSiteZone } from '../parts.tsx';

/**
 * What every manager input form shares: one submit at a time, the API's refusal as its code in
 * the reader's language (never the server's English detail), a note naming the record made, and
 * the fields most of them have — when (the site's wall clock, inside the page's month), the
 * evidence (documents and photos kept elsewhere, by name and address) and plain choices and texts.
 * A form says what it sends; the shell says how.
 */
export function InputForm({
  name,
  send,
  onRecorded,
  children,
}: {
  /** `complaint`: the form is `[data-testid="complaint-form"]`, its button `[data-submit="complaint"]`. */
  name: string;
  /** Sends the form's record; resolves with what the API stored. */
  send: () => Promise<{ readonly id: string }>;
  /** After a record is stored: the form clears itself, the page reloads what it shows. */
  onRecorded: (id: string) => void;
  children: ComponentChildren;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [recorded, setRecorded] = useState<string | undefined>(undefined);

  const submit = async () => {
    setBusy(true);
    setFailure(undefined);
    setRecorded(undefined);
    try {
      const record = await send();
      setRecorded(record.id);
      onRecorded(record.id);
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.code : 'network');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class={`action-form input-form ${name}-form`}
      data-testid={`${name}-form`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {children}
      <div class="buttons">
        <button type="submit" disabled={busy} data-submit={name}>
          {t('app.submit')}
        </button>
      </div>
      {recorded ? (
        <p class="toast" role="status" data-recorded={recorded}>
          {t('scores.form.recorded', { id: recorded })}
        </p>
      ) : null}
      {failure ? <ErrorNote code={failure} /> : null}
    </form>
  );
}

export interface When {
  readonly date: string;
  readonly time: string;
  setDate(date: string): void;
  setTime(time: string): void;
  /** The instant the fields name, at the site. */
  ms(): number;
}

/**
 * A date and time at the site for something that happened in `month`: this month, a minute ago
 * (never the future, which the store refuses); an earlier month, its last day mid-morning.
 * `daysLater` moves the first date on (a deadline).
 */
export function useWhen(month: string, daysLater = 0): When {
  const { live } = useSession();
  const zone = useSiteZone();
  const now = wallClockAt(live.now() - 60_000, zone);
  const inThisMonth = monthAt(live.now(), zone) === month;
  const [date, setDate] = useState(addDays(inThisMonth ? now.date : lastDayOf(month), daysLater));
  const [time, setTime] = useState(inThisMonth ? now.time : '10:00');
  return { date, time, setDate, setTime, ms: () => zonedMs(date, time, zone) };
}

/** The date and time fields of `when`; `month` keeps the date inside it. */
export function WhenFields({
  when,
  month,
  prefix = '',
  label = 'scores.form.date',
}: {
  when: When;
  month?: string;
  /** Names the inputs apart when a form has two instants (`deadline` → deadlineDate, deadlineTime). */
  prefix?: string;
  label?: MessageKey;
}) {
  return (
    <>
      <label>
        {t(label)}
        <input
          type="date"
          name={prefix ? `${prefix}Date` : 'date'}
          required
          {...(month ? { min: `${month}-01`, max: lastDayOf(month) } : {})}
          value={when.date}
          onInput={(event) => when.setDate(event.currentTarget.value)}
        />
      </label>
      <label>
        {t('scores.form.time')}
        <input
          type="time"
          name={prefix ? `${prefix}Time` : 'time'}
          required
          value={when.time}
          onInput={(event) => when.setTime(event.currentTarget.value)}
        />
      </label>
    </>
  );
}

/**
 * One of `ids` (records waiting for a check or a conclusion), the first until another is picked;
 * a picked one that left the list (recorded meanwhile) falls back to the first.
 */
export function usePick(ids: readonly string[]): [string, (id: string) => void] {
  const [picked, setPicked] = useState(ids[0] ?? '');
  return [ids.includes(picked) ? picked : (ids[0] ?? ''), setPicked];
}

/** A choice among codes, each worded by `text`. */
export function Choice<T extends string>({
  name,
  label,
  value,
  options,
  text,
  onChange,
}: {
  name: string;
  label: MessageKey;
  value: T;
  options: readonly T[];
  text: (option: T) => string;
  onChange: (value: T) => void;
}) {
  return (
    <label>
      {t(label)}
      <select name={name} value={value} onChange={(event) => onChange(event.currentTarget.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {text(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A free text; `required` unless the label says it is optional. */
export function TextField({
  name,
  label,
  value,
  onInput,
  required = true,
  maxLength = 2_000,
  lines = 3,
}: {
  name: string;
  label: MessageKey;
  value: string;
  onInput: (value: string) => void;
  required?: boolean;
  maxLength?: number;
  lines?: number;
}) {
  const common = {
    name,
    required,
    maxLength,
    value,
    onInput: (event: { currentTarget: { value: string } }) => onInput(event.currentTarget.value),
  };
  // A label per branch: the linter sees the control inside it.
  return lines === 1 ? (
    <label>
      {t(label)}
      <input type="text" {...common} />
    </label>
  ) : (
    <label>
      {t(label)}
      <textarea rows={lines} {...common} />
    </label>
  );
}

/** The same schemes the API accepts; a browser opens only http(s) ones (text.ts `openableUri`). */
const URI_PATTERN = '[A-Za-z][A-Za-z0-9+.\\-]*://\\S+';

/**
 * The evidence of a record: documents and photos kept elsewhere (the document system, the photo
 * store), each by its name and address. Rows left empty are not sent.
 */
export function EvidenceFields({
  value,
  onChange,
}: {
  value: readonly Attachment[];
  onChange: (value: Attachment[]) => void;
}) {
  const rows = value.length === 0 ? [{ name: '', uri: '' }] : value;
  const set = (index: number, change: Partial<Attachment>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <fieldset class="evidence-fields" data-testid="evidence">
      <legend>{t('scores.form.evidence')}</legend>
      {rows.map((row, index) => {
        const started = row.name.trim() !== '' || row.uri.trim() !== '';
        return (
          <div class="controls" key={index}>
            <label>
              {t('scores.form.evidenceName')}
              <input
                type="text"
                name="evidenceName"
                maxLength={200}
                required={started}
                value={row.name}
                onInput={(event) => set(index, { name: event.currentTarget.value })}
              />
            </label>
            <label>
              {t('scores.form.evidenceUri')}
              <input
                type="url"
                name="evidenceUri"
                placeholder="https://"
                maxLength={2_000}
                pattern={URI_PATTERN}
                required={started}
                value={row.uri}
                onInput={(event) => set(index, { uri: event.currentTarget.value })}
              />
            </label>
          </div>
        );
      })}
      <button type="button" class="link" onClick={() => onChange([...rows, { name: '', uri: '' }])}>
        {t('scores.form.addEvidence')}
      </button>
    </fieldset>
  );
}

/** The rows of `EvidenceFields` worth sending, trimmed; `{}` when there are none (the field is optional). */
export function attachmentsOf(rows: readonly Attachment[]): { attachments?: Attachment[] } {
  const filled = rows
    .map((row) => ({ name: row.name.trim(), uri: row.uri.trim() }))
    .filter((row) => row.name !== '' && row.uri !== '');
  return filled.length === 0 ? {} : { attachments: filled };
}

/** `{ [name]: text }` when the optional text is filled, else `{}` (the API refuses blank texts). */
export const optionalText = <K extends string>(name: K, text: string): { [P in K]?: string } =>
  (text.trim() === '' ? {} : { [name]: text.trim() }) as { [P in K]?: string };
