import type { CoalitionDetail, CoalitionMember, CoalitionRole } from '@accord/client';
import { type FormEvent, useRef, useState } from 'react';
import { formatDate, type MessageKey, t } from '../i18n';
import { navigate } from '../router';
import { errorMessage, field, useSession } from '../session';
import { Notice } from './Layout';

/** Coalition roles from the lowest rank to the highest (the server's order). */
const RANKS: CoalitionRole[] = ['observer', 'member', 'moderator', 'organiser'];
const rank = (role: CoalitionRole) => RANKS.indexOf(role);

/**
 * The roles `me` may give `target`, the server's rules mirrored so only possible choices are
 * offered (the server still decides): one's own role only goes down; others' only from a
 * moderator or organiser of a higher rank than theirs, and only organisers grant organiser or
 * moderator.
 */
export function rolesFor(me: CoalitionRole, target: CoalitionMember, self: boolean) {
  if (self) return RANKS.filter((r) => rank(r) < rank(target.role));
  if (rank(me) < rank('moderator') || rank(me) <= rank(target.role)) return [];
  return RANKS.filter((r) => r !== target.role && (me === 'organiser' || rank(r) < rank(me)));
}

/** Whether `me` may remove `target` (a higher rank, moderator or above). */
function canRemove(me: CoalitionRole, target: CoalitionMember) {
  return rank(me) >= rank('moderator') && rank(me) > rank(target.role);
}

/**
 * The coalition's people with the organisation each acts for and their role. Moderators and
 * organisers change the roles of lower ranks and remove them (after a confirmation on the page);
 * anyone steps down or leaves. `onChange` reloads the coalition after a change.
 */
export function CoalitionMembers({
  coalition,
  onChange,
}: {
  coalition: CoalitionDetail;
  onChange: () => Promise<void>;
}) {
  const { client, me } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const myRole = coalition.myRole;
  const members = coalition.members ?? [];
  if (!myRole || members.length === 0) return null;
  const organisations = new Map(coalition.organisations.map((o) => [o.id, o.name]));
  const roleName = (role: CoalitionRole) => t(`role.${role}` as MessageKey);

  async function run(task: () => Promise<unknown>, message: string, after?: () => void) {
    setError(null);
    setDone(null);
    try {
      await task();
      setConfirming(null);
      if (after) after();
      else await onChange();
      setDone(message);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  function changeRole(event: FormEvent<HTMLFormElement>, member: CoalitionMember) {
    event.preventDefault();
    const role = field(new FormData(event.currentTarget), 'role') as CoalitionRole;
    if (!role || role === member.role) return;
    void run(
      () => client.coalitions.changeRole(coalition.id, member.userId, role),
      t('members.roleChanged', { name: member.displayName, role: roleName(role) }),
    );
  }

  function remove(member: CoalitionMember, self: boolean) {
    void run(
      () =>
        self
          ? client.coalitions.leave(coalition.id)
          : client.coalitions.removeMember(coalition.id, member.userId),
      self ? t('members.left') : t('members.removed', { name: member.displayName }),
      self ? () => navigate('/recommendations') : undefined,
    ).then(() => {
      // The row (and its focused button) is gone: the list's heading takes the focus.
      if (!self && document.activeElement === document.body) heading.current?.focus();
    });
  }

  return (
    <section aria-labelledby="people">
      <h2 id="people" ref={heading} tabIndex={-1}>
        {t('members.title', { count: members.length })}
      </h2>
      {error && <Notice kind="error">{error}</Notice>}
      {done && <Notice kind="info">{done}</Notice>}
      <table className="members">
        <thead>
          <tr>
            <th scope="col">{t('members.person')}</th>
            <th scope="col">{t('members.organisation')}</th>
            <th scope="col">{t('members.role')}</th>
            <th scope="col">{t('members.since')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('members.manage')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const self = m.userId === me?.id;
            const roles = rolesFor(myRole, m, self);
            const removable = self ? true : canRemove(myRole, m);
            const name = self ? t('members.you', { name: m.displayName }) : m.displayName;
            return (
              <tr key={m.userId}>
                <th scope="row">{name}</th>
                <td>{organisations.get(m.organisationId) ?? '—'}</td>
                <td>{roleName(m.role)}</td>
                <td>
                  <time dateTime={m.joinedAt}>{formatDate(m.joinedAt)}</time>
                </td>
                <td>
                  <div className="member-actions">
                    {roles.length > 0 && (
                      <form className="inline-form" onSubmit={(e) => changeRole(e, m)}>
                        <label htmlFor={`role-${m.userId}`} className="visually-hidden">
                          {t('members.newRole', { name: m.displayName })}
                        </label>
                        <select id={`role-${m.userId}`} name="role" defaultValue={m.role}>
                          {RANKS.filter((r) => r === m.role || roles.includes(r)).map((r) => (
                            <option key={r} value={r}>
                              {roleName(r)}
                            </option>
                          ))}
                        </select>
                        <button type="submit">
                          {self
                            ? t('members.stepDown')
                            : t('members.changeRole', { name: m.displayName })}
                        </button>
                      </form>
                    )}
                    {removable && confirming !== m.userId && (
                      <button type="button" onClick={() => setConfirming(m.userId)}>
                        {self ? t('members.leave') : t('members.remove', { name: m.displayName })}
                      </button>
                    )}
                    {removable && confirming === m.userId && (
                      <span role="group" aria-label={t('members.confirmGroup')}>
                        <span>
                          {self
                            ? t('members.confirmLeave')
                            : t('members.confirmRemove', { name: m.displayName })}
                        </span>{' '}
                        <button
                          type="button"
                          className="danger"
                          autoFocus
                          onClick={() => remove(m, self)}
                        >
                          {self ? t('members.yesLeave') : t('members.yesRemove')}
                        </button>{' '}
                        <button type="button" onClick={() => setConfirming(null)}>
                          {t('common.cancel')}
                        </button>
                      </span>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
