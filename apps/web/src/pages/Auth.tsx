import { type FormEvent, useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { t } from '../i18n';
import { Link, navigate, nextPath, useLocation, withNext } from '../router';
import { errorMessage, field, useSession } from '../session';

/** Sign in, or create an account (`register`); then on to `?next=` (through the organisation). */
export function AuthPage({ register }: { register: boolean }) {
  const { client, signIn } = useSession();
  const next = nextPath(useLocation().query);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = field(form, 'email');
    const password = field(form, 'password');
    setBusy(true);
    setError(null);
    try {
      const result = register
        ? await client.register({ email, password, displayName: field(form, 'displayName') })
        : await client.login(email, password);
      signIn(result);
      navigate(withNext('/organisation', next), { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Layout title={register ? t('auth.register') : t('auth.signIn')}>
      <form className="card narrow" onSubmit={(e) => void submit(e)} noValidate>
        {error && <Notice kind="error">{error}</Notice>}
        {register && (
          <p className="field">
            <label htmlFor="displayName">{t('auth.displayName')}</label>
            <input
              id="displayName"
              name="displayName"
              autoComplete="name"
              required
              maxLength={100}
            />
          </p>
        )}
        <p className="field">
          <label htmlFor="email">{t('auth.email')}</label>
          <input id="email" name="email" type="email" autoComplete="email" required />
        </p>
        <p className="field">
          <label htmlFor="password">{t('auth.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={register ? 'new-password' : 'current-password'}
            required
            aria-describedby={register ? 'password-hint' : undefined}
          />
          {register && (
            <span id="password-hint" className="hint">
              {t('auth.passwordHint')}
            </span>
          )}
        </p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('auth.working') : register ? t('auth.register') : t('auth.signIn')}
        </button>
        <p>
          {register ? t('auth.haveAccount') : t('auth.noAccount')}{' '}
          <Link to={withNext(register ? '/sign-in' : '/register', next)}>
            {register ? t('auth.signIn') : t('auth.register')}
          </Link>
        </p>
      </form>
    </Layout>
  );
}
