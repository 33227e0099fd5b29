import type { CoalitionRole, MyOrganisation, PlanEndorsement, PlanStatus } from '@accord/client';
import { useCallback, useEffect, useState } from 'react';
import { formatDateTime, type MessageKey, t } from '../i18n';
import { errorMessage, useSession } from '../session';
import { FieldError, useTask } from './PlanControls';
import { usePlanEditor } from './PlanFields';

/** Endorsements are taken while the plan is in review (and still once it is endorsed). */
const ENDORSABLE: PlanStatus[] = ['in_review', 'endorsed'];
const EDITOR_ROLES: CoalitionRole[] = ['member', 'moderator', 'organiser'];
/** How long after the last change the list is read again (its "up to date" flags). */
const RELOAD_AFTER_MS = 1500;

/**
 * The plan's endorsements (organisation, version, date, whether the plan changed since), and for
 * members acting for their organisation an "Endorse for …" button while the plan's status takes
 * endorsements. The server has the last word (its admins only, a named version first): its
 * refusal is shown as it gives it.
 */
export function PlanEndorsements({
  status,
  role,
}: {
  status: PlanStatus;
  role: CoalitionRole | null;
}) {
  const { client, planId, session } = usePlanEditor();
  const { organisation } = useSession();
  const { error, setError, busy, run } = useTask();
  const [items, setItems] = useState<PlanEndorsement[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(
    () => client.plans.endorsements(planId).then(setItems),
    [client, planId],
  );
  useEffect(() => {
    load().catch((e: unknown) => setError(errorMessage(e)));
  }, [load, setError, status]);
  // Someone else's endorsement arrives live.
  useEffect(() => {
    const socket = session.realtime.socket;
    const onEndorsed = (event: { planId: string }) => {
      if (event.planId === planId) void load().catch(() => undefined);
    };
    socket.on('plan:endorsed', onEndorsed);
    return () => {
      socket.off('plan:endorsed', onEndorsed);
    };
  }, [session, planId, load]);
  useEffect(() => {
    if (!ENDORSABLE.includes(status)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onUpdate = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load().catch(() => undefined), RELOAD_AFTER_MS);
    };
    session.doc.on('update', onUpdate);
    return () => {
      clearTimeout(timer);
      session.doc.off('update', onUpdate);
    };
  }, [session, load, status]);

  const endorse = (acting: MyOrganisation) => {
    setDone(null);
    void run(async () => {
      const endorsement = await client.plans.endorse(planId, acting.id);
      setDone(
        t('plan.endorsedBy', {
          organisation: endorsement.organisationName ?? acting.name,
          version: versionOf(endorsement),
        }),
      );
      await load();
    });
  };

  return (
    <section aria-labelledby="endorsements" className="card">
      <h2 id="endorsements">{t('plan.endorsements', { count: items.length })}</h2>
      {items.length === 0 ? (
        <p className="muted">{t('plan.noEndorsements')}</p>
      ) : (
        <EndorsementTable items={items} />
      )}
      {role !== null && EDITOR_ROLES.includes(role) && (
        <EndorseControl status={status} acting={organisation} busy={busy} onEndorse={endorse} />
      )}
      {error && <FieldError>{error}</FieldError>}
      <p role="status">{done}</p>
    </section>
  );
}

function versionOf(endorsement: PlanEndorsement): string {
  return endorsement.versionNumber === null
    ? '—'
    : t('plan.version', {
        number: endorsement.versionNumber,
        name: endorsement.versionName ?? '',
      });
}

function EndorsementTable({ items }: { items: PlanEndorsement[] }) {
  return (
    <table className="plan-endorsements" aria-labelledby="endorsements">
      <thead>
        <tr>
          <th scope="col">{t('plan.endorsementOrganisation')}</th>
          <th scope="col">{t('plan.endorsementVersion')}</th>
          <th scope="col">{t('plan.endorsementDate')}</th>
          <th scope="col">{t('plan.endorsementState')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <th scope="row">{e.organisationName ?? e.organisationId}</th>
            <td>{versionOf(e)}</td>
            <td>
              <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>
            </td>
            <td className={e.stale ? 'plan-stale' : 'plan-current'}>
              {t(e.stale ? 'plan.endorsementStale' : 'plan.endorsementCurrent')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The button, or why there is none for this person now. */
function EndorseControl(props: {
  status: PlanStatus;
  acting: MyOrganisation | null;
  busy: boolean;
  onEndorse: (acting: MyOrganisation) => void;
}) {
  const { status, acting, busy, onEndorse } = props;
  if (!acting) return <p className="muted">{t('plan.endorseChoose')}</p>;
  if (!ENDORSABLE.includes(status)) {
    return (
      <p className="muted">
        {t('plan.endorseWhen', { status: t(`planStatus.${status}` as MessageKey) })}
      </p>
    );
  }
  if (acting.role !== 'admin') {
    return <p className="muted">{t('plan.endorseAdmins', { organisation: acting.name })}</p>;
  }
  return (
    <button type="button" className="primary" disabled={busy} onClick={() => onEndorse(acting)}>
      {t('plan.endorseFor', { organisation: acting.name })}
    </button>
  );
}
