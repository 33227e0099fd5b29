import type {
  AccordRealtime,
  CoalitionDetail,
  CoalitionRole,
  PresenceUser,
  RoomComment,
  RoomFlag,
} from '@accord/client';
import { type FormEvent, memo, useEffect, useMemo, useRef, useState } from 'react';
import { formatDateTime, type MessageKey, t } from '../i18n';
import { errorMessage, field, useSession } from '../session';
import { Notice } from './Layout';
import { RoomConfirmAction, RoomReasonAction } from './RoomActions';
import { commentElementId } from './RoomCommentItem';
import { ackError, formatDuration, outranks } from './RoomFormat';

/** The room's settings as `room:join` and `room:updated` give them. */
export interface RoomSettings {
  locked: boolean;
  slowModeSeconds: number;
  pinnedCommentId: string | null;
}

/** A flag with its comment; the REST queue also names who flagged (flag:created does not). */
type QueuedFlag = RoomFlag & { comment: RoomComment; flaggedByName?: string | null };

const SLOW_MODE_CHOICES = [0, 10, 30, 60, 300];
const MUTE_MINUTES = [5, 15, 60, 1440];
/** The flag queue's first page is all the panel shows (the server's largest page). */
const FLAG_PAGE = 100;

interface Person {
  userId: string;
  name: string;
  role: CoalitionRole | null;
  here: boolean;
}

export interface ModeratorPanelProps {
  coalitionId: string;
  coalition: CoalitionDetail | null;
  live: AccordRealtime | null;
  /** Counts the room's joins: the flag queue loads again after each (a reconnect misses events). */
  joins: number;
  role: CoalitionRole;
  me: string | undefined;
  settings: RoomSettings;
  onSettings: (settings: RoomSettings) => void;
  comments: ReadonlyMap<string, RoomComment>;
  onComment: (comment: RoomComment) => void;
  presence: PresenceUser[];
  nameOf: (userId: string) => string;
}

/**
 * The room's moderation, for its moderators and organisers: the flag queue (loaded on joining,
 * kept live by flag:created and flag:resolved) where a flagged comment is hidden with a reason or
 * kept; locking the room and slow mode; and for each person they outrank, mute, kick, ban and
 * unban. Every action asks in the page first and says what it did in a polite status.
 * Memoised (the page passes stable callbacks): typing in the room does not render it again.
 */
export const ModeratorPanel = memo(function ModeratorPanel(props: ModeratorPanelProps) {
  const [open, setOpen] = useState(true);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  /** Runs a moderation event; true when done (its error shown otherwise). */
  async function attempt<T>(
    run: (live: AccordRealtime) => Promise<T>,
    done?: (result: T) => string,
  ): Promise<boolean> {
    if (!props.live) return false;
    setError(null);
    try {
      const result = await run(props.live);
      if (done) setStatus(done(result));
      return true;
    } catch (e) {
      setError(ackError(e));
      return false;
    }
  }

  return (
    <section aria-labelledby="moderation" className="card moderator-panel">
      <h2 id="moderation" className="panel-heading">
        <button
          type="button"
          aria-expanded={open}
          aria-controls="moderation-tools"
          onClick={() => setOpen(!open)}
        >
          {t('room.mod.title')}
        </button>
      </h2>
      <p className="mod-status" role="status">
        {status}
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      <div id="moderation-tools" hidden={!open}>
        <FlagQueue {...props} attempt={attempt} onStatus={setStatus} onError={setError} />
        <Settings {...props} attempt={attempt} />
        <People {...props} attempt={attempt} />
      </div>
    </section>
  );
});

type Attempt = <T>(
  run: (live: AccordRealtime) => Promise<T>,
  done?: (result: T) => string,
) => Promise<boolean>;

/** Open flags, one entry per flagged comment with every reason given, newest first. */
function FlagQueue({
  coalitionId,
  coalition,
  live,
  joins,
  role,
  comments,
  onComment,
  nameOf,
  attempt,
  onStatus,
  onError,
}: ModeratorPanelProps & {
  attempt: Attempt;
  onStatus: (status: string) => void;
  onError: (error: string) => void;
}) {
  const { client } = useSession();
  const [flags, setFlags] = useState<Map<string, QueuedFlag>>(new Map());
  const heading = useRef<HTMLHeadingElement>(null);
  // The latest names and callbacks for handlers registered once per join.
  const latest = useRef({ nameOf, onStatus });
  latest.current = { nameOf, onStatus };

  useEffect(() => {
    if (!live || joins === 0) return;
    let current = true;
    // Flags that arrive or are resolved while the queue loads are not lost or brought back.
    const arrived = new Map<string, QueuedFlag>();
    const resolved = new Set<string>();
    const offCreated = live.on('flag:created', (flag) => {
      // A flag on a hidden comment is resolved already (as the REST queue counts it).
      if (flag.coalitionId !== coalitionId || flag.comment.hidden || flag.comment.deleted) return;
      arrived.set(flag.id, flag);
      setFlags((now) => new Map(now).set(flag.id, flag));
      latest.current.onStatus(
        t('room.mod.flagAnnounce', { name: latest.current.nameOf(flag.comment.authorId) }),
      );
    });
    const offResolved = live.on('flag:resolved', (p) => {
      if (p.coalitionId !== coalitionId) return;
      resolved.add(p.commentId);
      for (const [id, flag] of arrived) if (flag.commentId === p.commentId) arrived.delete(id);
      setFlags((now) => withoutComment(now, p.commentId));
    });
    client.coalitions
      .flags(coalitionId, { status: 'open', limit: FLAG_PAGE })
      .then((page) => {
        if (!current) return;
        const next = new Map<string, QueuedFlag>();
        for (const flag of page.items) if (!resolved.has(flag.commentId)) next.set(flag.id, flag);
        for (const [id, flag] of arrived) next.set(id, flag);
        setFlags(next);
      })
      .catch((e: unknown) => current && onError(errorMessage(e)));
    return () => {
      current = false;
      offCreated();
      offResolved();
    };
  }, [client, coalitionId, live, joins, onError]);

  const groups = useMemo(() => {
    const byComment = new Map<string, QueuedFlag[]>();
    for (const flag of flags.values()) {
      byComment.set(flag.commentId, [...(byComment.get(flag.commentId) ?? []), flag]);
    }
    const newest = (list: QueuedFlag[]) => list[list.length - 1].createdAt;
    return [...byComment.values()]
      .map((list) => list.sort((a, b) => a.createdAt.localeCompare(b.createdAt)))
      .sort((a, b) => newest(b).localeCompare(newest(a)));
  }, [flags]);

  const roles = useMemo(
    () => new Map((coalition?.members ?? []).map((m) => [m.userId, m.role] as const)),
    [coalition],
  );
  const resolve = (commentId: string) => setFlags((now) => withoutComment(now, commentId));
  const backToQueue = () => heading.current?.focus();

  return (
    <>
      <h3 id="mod-flags" ref={heading} tabIndex={-1}>
        {t('room.mod.flags', { count: groups.length })}
      </h3>
      {groups.length === 0 && <p>{t('room.mod.noFlags')}</p>}
      <ul className="flag-queue" aria-labelledby="mod-flags">
        {groups.map((list) => {
          const comment = comments.get(list[0].commentId) ?? list[list.length - 1].comment;
          return (
            <FlaggedComment
              key={comment.id}
              comment={comment}
              flags={list}
              nameOf={nameOf}
              mayAct={outranks(role, roles.get(comment.authorId) ?? null)}
              onHide={(reason) =>
                attempt(async (l) => {
                  onComment(await l.moderation.hide(comment.id, reason));
                  resolve(comment.id);
                })
              }
              onDismiss={(reason) =>
                attempt(async (l) => {
                  // Dismissing a comment's latest flag resolves all its flags so far.
                  const latestFlag = list[list.length - 1];
                  await l.moderation.dismissFlags(coalitionId, latestFlag.id, reason || undefined);
                  resolve(comment.id);
                })
              }
              afterDone={backToQueue}
            />
          );
        })}
      </ul>
    </>
  );
}

/** A flagged comment in the queue: who wrote what, each flag's reason, hide it or keep it. */
function FlaggedComment({
  comment,
  flags,
  nameOf,
  mayAct,
  onHide,
  onDismiss,
  afterDone,
}: {
  comment: RoomComment;
  flags: QueuedFlag[];
  nameOf: (userId: string) => string;
  /** The moderator outranks the author (else someone of a higher rank decides). */
  mayAct: boolean;
  onHide: (reason: string) => Promise<boolean>;
  onDismiss: (reason: string) => Promise<boolean>;
  afterDone: () => void;
}) {
  return (
    <li className="flag-item" aria-labelledby={`flagged-${comment.id}`}>
      <p className="meta" id={`flagged-${comment.id}`}>
        {t('room.mod.wrote', {
          name: nameOf(comment.authorId),
          time: formatDateTime(comment.createdAt),
        })}
      </p>
      <blockquote className="flagged-body">
        {comment.deleted ? t('room.deleted') : comment.body}
      </blockquote>
      {comment.hidden && <p className="muted">{t('room.mod.hidden')}</p>}
      <ul className="flag-reasons">
        {flags.map((flag) => (
          <li key={flag.id}>
            {t('room.mod.flaggedBy', {
              name: flag.flaggedByName ?? nameOf(flag.userId),
              time: formatDateTime(flag.createdAt),
            })}{' '}
            <q>{flag.reason}</q>
          </li>
        ))}
      </ul>
      <div className="actions">
        {mayAct ? (
          <>
            <RoomReasonAction
              label={t('room.hide')}
              fieldLabel={t('room.hideReason')}
              submitLabel={t('room.hideSubmit')}
              onSubmit={onHide}
              afterDone={afterDone}
            />
            <RoomReasonAction
              label={t('room.mod.dismiss')}
              fieldLabel={t('room.mod.dismissReason')}
              submitLabel={t('room.mod.dismissSubmit')}
              optional
              onSubmit={onDismiss}
              afterDone={afterDone}
            />
          </>
        ) : (
          <span className="muted">{t('room.mod.outranked')}</span>
        )}
        <a href={`#${commentElementId(comment.id)}`}>{t('room.goToComment')}</a>
      </div>
    </li>
  );
}

function withoutComment(
  flags: Map<string, QueuedFlag>,
  commentId: string,
): Map<string, QueuedFlag> {
  const next = new Map(flags);
  for (const [id, flag] of flags) if (flag.commentId === commentId) next.delete(id);
  return next;
}

/** Locking the room and slow mode. */
function Settings({
  coalitionId,
  settings,
  onSettings,
  attempt,
}: ModeratorPanelProps & { attempt: Attempt }) {
  const choices = SLOW_MODE_CHOICES.includes(settings.slowModeSeconds)
    ? SLOW_MODE_CHOICES
    : [...SLOW_MODE_CHOICES, settings.slowModeSeconds].sort((a, b) => a - b);
  const slowLabel = (seconds: number) =>
    seconds === 0 ? t('room.mod.slowOff') : formatDuration(seconds);

  async function slowMode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const seconds = Number(field(new FormData(event.currentTarget), 'seconds'));
    await attempt(
      async (live) => onSettings(await live.moderation.slowMode(coalitionId, seconds)),
      () => t('room.mod.slowDone', { value: slowLabel(seconds) }),
    );
  }

  return (
    <>
      <h3>{t('room.mod.settings')}</h3>
      <p>
        {settings.locked ? t('room.mod.isLocked') : t('room.mod.isOpen')}{' '}
        <button
          type="button"
          onClick={() =>
            void attempt(
              async (live) => onSettings(await live.moderation.lock(coalitionId, !settings.locked)),
              () => (settings.locked ? t('room.mod.isOpen') : t('room.mod.isLocked')),
            )
          }
        >
          {settings.locked ? t('room.mod.unlock') : t('room.mod.lock')}
        </button>
      </p>
      <form className="inline-form" onSubmit={(e) => void slowMode(e)}>
        <p className="field">
          <label htmlFor="slow-mode">{t('room.mod.slowMode')}</label>
          <select
            id="slow-mode"
            name="seconds"
            key={settings.slowModeSeconds}
            defaultValue={String(settings.slowModeSeconds)}
          >
            {choices.map((seconds) => (
              <option key={seconds} value={seconds}>
                {slowLabel(seconds)}
              </option>
            ))}
          </select>
        </p>
        <button type="submit">{t('room.mod.slowSet')}</button>
      </form>
    </>
  );
}

/**
 * The people this moderator outranks: the coalition's members, whoever is in the room (here
 * first) and whoever is banned. Who is banned or muted now comes from the server (loaded again
 * after each join), so unban and lifting a mute are offered only where they apply.
 */
function People({
  coalitionId,
  coalition,
  role,
  me,
  presence,
  joins,
  attempt,
}: ModeratorPanelProps & { attempt: Attempt }) {
  const { client } = useSession();
  const [muted, setMuted] = useState<Map<string, string>>(new Map());
  const [banned, setBanned] = useState<Map<string, string>>(new Map());
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    client.coalitions
      .restrictions(coalitionId)
      .then((now) => {
        if (!current) return;
        setBanned(new Map(now.bans.map((b) => [b.userId, b.displayName ?? t('room.someone')])));
        setMuted(new Map(now.mutes.map((m) => [m.userId, m.mutedUntil])));
      })
      .catch(() => undefined); // the list stays as this page knows it
    return () => {
      current = false;
    };
  }, [client, coalitionId, joins]);

  const people = useMemo(() => {
    const byId = new Map<string, Person>();
    for (const m of coalition?.members ?? []) {
      byId.set(m.userId, { userId: m.userId, name: m.displayName, role: m.role, here: false });
    }
    for (const p of presence) {
      const known = byId.get(p.userId);
      byId.set(p.userId, {
        userId: p.userId,
        name: p.displayName,
        role: null,
        ...known,
        here: true,
      });
    }
    for (const [userId, name] of banned) {
      if (!byId.has(userId)) byId.set(userId, { userId, name, role: null, here: false });
    }
    return [...byId.values()]
      .filter((p) => p.userId !== me && outranks(role, p.role))
      .sort((a, b) => Number(b.here) - Number(a.here) || a.name.localeCompare(b.name));
  }, [coalition, presence, banned, me, role]);

  const update = (set: typeof setMuted, userId: string, value: string | null) =>
    set((now) => {
      const next = new Map(now);
      if (value === null) next.delete(userId);
      else next.set(userId, value);
      return next;
    });

  async function mute(person: Person, minutes: number): Promise<boolean> {
    return attempt(
      async (live) => {
        const result = await live.moderation.mute(coalitionId, person.userId, minutes);
        update(setMuted, person.userId, result.mutedUntil);
        return result;
      },
      (result) =>
        result.mutedUntil
          ? t('room.mod.muted', { name: person.name, time: formatDateTime(result.mutedUntil) })
          : t('room.mod.unmuted', { name: person.name }),
    );
  }

  function submitMute(person: Person) {
    return (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      void mute(person, Number(field(new FormData(event.currentTarget), 'minutes')));
    };
  }

  const focusPerson = (userId: string) => () =>
    (document.getElementById(`person-${userId}`) ?? heading.current)?.focus();

  return (
    <>
      <h3 id="mod-people" ref={heading} tabIndex={-1}>
        {t('room.mod.people', { count: people.length })}
      </h3>
      {people.length === 0 && <p>{t('room.mod.noPeople')}</p>}
      <ul className="people" aria-labelledby="mod-people">
        {people.map((person) => {
          const until = muted.get(person.userId);
          const isBanned = banned.has(person.userId);
          const facts = [
            person.role ? t(`role.${person.role}` as MessageKey) : t('room.mod.outsider'),
            ...(person.here ? [t('room.mod.here')] : []),
            ...(until ? [t('room.mod.mutedUntil', { time: formatDateTime(until) })] : []),
            ...(isBanned ? [t('room.mod.bannedMark')] : []),
          ];
          return (
            <li
              key={person.userId}
              id={`person-${person.userId}`}
              tabIndex={-1}
              aria-labelledby={`person-name-${person.userId}`}
            >
              <p className="person" id={`person-name-${person.userId}`}>
                <strong>{person.name}</strong> <span className="muted">({facts.join(', ')})</span>
              </p>
              <div className="actions">
                <form className="inline-form" onSubmit={submitMute(person)}>
                  <p className="field">
                    <label htmlFor={`mute-${person.userId}`}>
                      {t('room.mod.muteFor', { name: person.name })}
                    </label>
                    <select id={`mute-${person.userId}`} name="minutes" defaultValue="15">
                      {MUTE_MINUTES.map((minutes) => (
                        <option key={minutes} value={minutes}>
                          {formatDuration(minutes * 60)}
                        </option>
                      ))}
                    </select>
                  </p>
                  <button type="submit">{t('room.mod.mute')}</button>
                </form>
                {until && (
                  <button type="button" onClick={() => void mute(person, 0)}>
                    {t('room.mod.unmute')}
                  </button>
                )}
                {person.here && (
                  <RoomConfirmAction
                    label={t('room.mod.kick')}
                    question={t('room.mod.kickConfirm', { name: person.name })}
                    confirmLabel={t('room.mod.kickYes')}
                    onConfirm={() =>
                      attempt(
                        (live) => live.moderation.kick(coalitionId, person.userId),
                        () => t('room.mod.kicked', { name: person.name }),
                      )
                    }
                    afterDone={focusPerson(person.userId)}
                  />
                )}
                {!isBanned && (
                  <RoomConfirmAction
                    label={t('room.mod.ban')}
                    question={t('room.mod.banConfirm', { name: person.name })}
                    confirmLabel={t('room.mod.banYes')}
                    onConfirm={() =>
                      attempt(
                        async (live) => {
                          await live.moderation.ban(coalitionId, person.userId);
                          update(setBanned, person.userId, person.name);
                        },
                        () => t('room.mod.banned', { name: person.name }),
                      )
                    }
                    afterDone={focusPerson(person.userId)}
                  />
                )}
                {isBanned && (
                  <button
                    type="button"
                    onClick={() =>
                      void attempt(
                        async (live) => {
                          await live.moderation.unban(coalitionId, person.userId);
                          update(setBanned, person.userId, null);
                        },
                        () => t('room.mod.unbanned', { name: person.name }),
                      )
                    }
                  >
                    {t('room.mod.unban')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
