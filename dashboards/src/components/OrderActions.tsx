import { useState } from 'preact/hooks';
import { ApiFailure, api } from '../api.ts';
import { t, tOr } from '../i18n/i18n.ts';
import { ErrorNote } from './Badges.tsx';

/** Actions whose request needs a written reason (the API refuses them without one). */
const NEEDS_REASON = new Set(['reject', 'fail_verification', 'cancel', 'deny_pause', 'reopen']);
/** Actions these buttons offer; the others (dispatch, reassign, pauses) live in the API for now. */
export const OFFERED = new Set([
  'accept',
  'arrive',
  'resolve',
  'verify',
  'fail_verification',
  'reject',
  'cancel',
  'close',
]);

/**
 * Buttons for the actions given, with the small form an action needs: the cause and the action
 * taken for `resolve`, a reason for refusals. Calls `onDone` after the API accepted the action.
 */
export function OrderActions({
  orderId,
  actions,
  onDone,
}: {
  orderId: string;
  actions: readonly string[];
  onDone: (action: string) => void;
}) {
  const [form, setForm] = useState<string | undefined>(undefined);
  const [cause, setCause] = useState('');
  const [actionTaken, setActionTaken] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const offered = actions.filter((action) => OFFERED.has(action));

  const run = async (action: string, body?: unknown) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await api.act(orderId, action, body);
      setForm(undefined);
      setCause('');
      setActionTaken('');
      setReason('');
      onDone(action);
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.code : 'network');
    } finally {
      setBusy(false);
    }
  };

  const click = (action: string) => {
    if (action === 'resolve' || NEEDS_REASON.has(action)) setForm(action);
    else void run(action);
  };

  return (
    <div class="order-actions" data-order={orderId}>
      <div class="buttons">
        {offered.map((action) => (
          <button
            key={action}
            type="button"
            class={`action-${action}`}
            data-action={action}
            disabled={busy}
            onClick={() => click(action)}
          >
            {tOr(`order.action.${action}`, action)}
          </button>
        ))}
      </div>
      {form ? (
        <form
          class="action-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run(form, form === 'resolve' ? { cause, actionTaken } : { reason });
          }}
        >
          {form === 'resolve' ? (
            <>
              <label>
                {t('order.resolve.cause')}
                <textarea
                  name="cause"
                  required
                  value={cause}
                  onInput={(event) => setCause(event.currentTarget.value)}
                />
              </label>
              <label>
                {t('order.resolve.actionTaken')}
                <textarea
                  name="actionTaken"
                  required
                  value={actionTaken}
                  onInput={(event) => setActionTaken(event.currentTarget.value)}
                />
              </label>
            </>
          ) : (
            <label>
              {t('order.reason')}
              <textarea
                name="reason"
                required
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
            </label>
          )}
          <div class="buttons">
            <button type="submit" disabled={busy} data-submit={form}>
              {t('app.submit')}
            </button>
            <button type="button" class="link" onClick={() => setForm(undefined)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      {failure ? <ErrorNote code={failure} /> : null}
    </div>
  );
}
