import { useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { t } from '../i18n';
import { Link, navigate } from '../router';
import { errorMessage, useSession } from '../session';

/** An invitation link: accept it, acting for the organisation one chose. */
export function InvitationPage({ token }: { token: string }) {
  const { client, organisation } = useSession();
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    setError(null);
    try {
      const coalition = await client.invitations.accept(token, organisation?.id);
      navigate(`/coalitions/${coalition.id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <Layout title={t('invitation.title')}>
      {error && <Notice kind="error">{error}</Notice>}
      {organisation ? (
        <p>{t('invitation.as', { organisation: organisation.name })}</p>
      ) : (
        <p>
          <Link to="/organisation">{t('invitation.chooseFirst')}</Link>
        </p>
      )}
      <button type="button" className="primary" onClick={() => void accept()}>
        {t('invitation.accept')}
      </button>
    </Layout>
  );
}
