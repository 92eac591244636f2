import { useState } from 'preact/hooks';
import { ApiFailure, api, type MeReply } from '../api.ts';
import { errorText, t } from '../i18n/i18n.ts';

export function Login({
  onSignedIn,
  onSwitchLanguage,
}: {
  onSignedIn: (me: MeReply) => Promise<void>;
  onSwitchLanguage: () => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [, setLang] = useState(0);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const { user } = await api.login(username.trim(), password);
      await onSignedIn(user);
    } catch (error) {
      setFailure(errorText(error instanceof ApiFailure ? error.code : 'network'));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form onSubmit={submit} aria-label={t('login.title')}>
        <h1>{t('app.title')}</h1>
        <label>
          {t('login.username')}
          <input
            name="username"
            autocomplete="username"
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
            required
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
            required
          />
        </label>
        {failure ? (
          <p class="error" role="alert">
            {t('login.failed', { reason: failure })}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            onSwitchLanguage();
            setLang((n) => n + 1);
          }}
        >
          {t('app.language')}
        </button>
      </form>
    </main>
  );
}
