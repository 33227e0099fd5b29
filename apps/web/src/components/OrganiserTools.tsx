import type { CoalitionDetail, CoalitionRole, JoinRequest } from '@accord/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type MessageKey, t } from '../i18n';
import { errorMessage, field, useSession } from '../session';
import { Notice } from './Layout';

const INVITABLE: Record<string, CoalitionRole[]> = {
  organiser: ['member', 'observer', 'moderator', 'organiser'],
  moderator: ['member', 'observer'],
};

/** Invitations and join requests, for the coalition's organisers and moderators. */
export function OrganiserTools({ coalition }: { coalition: CoalitionDetail }) {
  const { client } = useSession();
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const roles = INVITABLE[coalition.myRole ?? ''] ?? [];

  const load = useCallback(async () => {
    const page = await client.coalitions.joinRequests(coalition.id, { status: 'pending' });
    setRequests(page.items);
  }, [client, coalition.id]);

  useEffect(() => {
    void load().catch((e: unknown) => setError(errorMessage(e)));
  }, [load]);

  async function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const created = await client.coalitions.invite(coalition.id, {
        email: field(form, 'email').trim(),
        role: field(form, 'role') as CoalitionRole,
      });
      setLink(`${window.location.origin}/invitations/${created.token}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function decide(request: JoinRequest, approve: boolean) {
    setError(null);
    try {
      if (approve) await client.coalitions.approveJoinRequest(coalition.id, request.id);
      else await client.coalitions.rejectJoinRequest(coalition.id, request.id);
      await load();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (roles.length === 0) return null;
  return (
    <section aria-labelledby="organise" className="card">
      <h2 id="organise">{t('organise.title')}</h2>
      {error && <Notice kind="error">{error}</Notice>}
      <h3>{t('organise.invite')}</h3>
      <form className="inline-form" onSubmit={(e) => void invite(e)}>
        <p className="field">
          <label htmlFor="invite-email">{t('auth.email')}</label>
          <input id="invite-email" name="email" type="email" required />
        </p>
        <p className="field">
          <label htmlFor="invite-role">{t('organise.role')}</label>
          <select id="invite-role" name="role" defaultValue="member">
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}` as MessageKey)}
              </option>
            ))}
          </select>
        </p>
        <button type="submit">{t('organise.sendInvite')}</button>
      </form>
      {link && (
        <Notice kind="info">
          {t('organise.share')} <code className="invite-link">{link}</code>
        </Notice>
      )}
      <h3>{t('organise.requests', { count: requests.length })}</h3>
      {requests.length === 0 && <p>{t('organise.noRequests')}</p>}
      <ul>
        {requests.map((r) => (
          <li key={r.id}>
            {r.displayName}
            {r.message && <> — “{r.message}”</>}{' '}
            <button type="button" onClick={() => void decide(r, true)}>
              {t('organise.approve', { name: r.displayName })}
            </button>{' '}
            <button type="button" onClick={() => void decide(r, false)}>
              {t('organise.reject', { name: r.displayName })}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
