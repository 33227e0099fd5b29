import type {
  AccordRealtime,
  CoalitionDetail,
  CoalitionRole,
  PresenceUser,
  RoomComment,
  RoomState,
} from '@accord/client';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { ModeratorPanel, type RoomSettings } from '../components/ModeratorPanel';
import {
  type CommentContext,
  commentElementId,
  RoomCommentItem,
} from '../components/RoomCommentItem';
import {
  ackError,
  anchorChoices,
  anchorFromQuery,
  canComment,
  canModerate,
  formatDuration,
  initialAnchorKey,
  outranks,
  recommendationCode,
} from '../components/RoomFormat';
import { formatDateTime, t } from '../i18n';
import { Link, useLocation } from '../router';
import { errorMessage, field, useSession } from '../session';
import '../room.css';

type Connection = 'connecting' | 'connected' | 'reconnecting';
const NO_SETTINGS: RoomSettings = { locked: false, slowModeSeconds: 0, pinnedCommentId: null };
/** The longest wait setTimeout takes (a mute may last 30 days). */
const MAX_TIMER_MS = 2_147_483_647;

function settingsOf(state: RoomState | RoomSettings): RoomSettings {
  return {
    locked: state.locked,
    slowModeSeconds: state.slowModeSeconds,
    pinnedCommentId: state.pinnedCommentId,
  };
}

/** Why this person cannot write in the room now (null when they can, or it is not known yet). */
function whyCannotWrite(p: {
  out: boolean;
  joined: boolean;
  role: CoalitionRole | null;
  mutedUntil: string | null;
  locked: boolean;
}): string | null {
  if (p.out) return t('room.cannotWrite.removed');
  if (!p.joined) return null;
  if (p.role === 'observer') return t('room.cannotWrite.observer');
  if (!canComment(p.role)) return t('room.cannotWrite.outsider');
  if (p.mutedUntil) return t('room.cannotWrite.muted', { time: formatDateTime(p.mutedUntil) });
  if (p.locked && !canModerate(p.role)) return t('room.cannotWrite.locked');
  return null;
}

/**
 * A coalition's live room: who is here, the conversation in threads with reactions, typing, a
 * pinned comment, comments anchored to the coalition's recommendations (or a plan section named
 * in the URL), editing and deleting one's own, and flagging others' for the moderators. The
 * room's state shows for everyone (locked, slow mode, one's own mute or removal), and the
 * composer says why it cannot be used. Moderators and organisers get the moderation panel.
 * After a lost connection it joins again and replays what it missed; new comments are announced
 * politely to screen readers, refused actions in an alert.
 */
export function RoomPage({ id }: { id: string }) {
  const { client, live: connect, me } = useSession();
  const anchorParam = useLocation().query.get('anchor');
  const [coalition, setCoalition] = useState<CoalitionDetail | null>(null);
  const [comments, setComments] = useState<Map<string, RoomComment>>(new Map());
  const [presence, setPresence] = useState<PresenceUser[]>([]);
  const [typing, setTyping] = useState<Set<string>>(new Set());
  const [connection, setConnection] = useState<Connection>('connecting');
  const [role, setRole] = useState<CoalitionRole | null>(null);
  const [settings, setSettings] = useState<RoomSettings>(NO_SETTINGS);
  const [mutedUntil, setMutedUntil] = useState<string | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [joins, setJoins] = useState(0);
  const [live, setLive] = useState<AccordRealtime | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [replyTo, setReplyTo] = useState<RoomComment | null>(null);
  const [flagged, setFlagged] = useState<Set<string>>(new Set());
  const [clock, setClock] = useState(0);
  const cursor = useRef<{ seq: number; syncedAt: string | null }>({ seq: 0, syncedAt: null });
  const lastTyping = useRef(0);
  const rejoin = useRef<(() => Promise<void>) | null>(null);
  const removedRef = useRef<string | null>(null);
  const roleRef = useRef<CoalitionRole | null>(null);
  const bodyField = useRef<HTMLTextAreaElement>(null);

  const names = useMemo(() => {
    const byId = new Map<string, string>();
    for (const m of coalition?.members ?? []) byId.set(m.userId, m.displayName);
    for (const p of presence) byId.set(p.userId, p.displayName);
    return byId;
  }, [coalition, presence]);
  const nameOf = useCallback((userId: string) => names.get(userId) ?? t('room.someone'), [names]);
  const roles = useMemo(
    () => new Map((coalition?.members ?? []).map((m) => [m.userId, m.role] as const)),
    [coalition],
  );

  const merge = useCallback((list: RoomComment[]) => {
    setComments((current) => {
      const next = new Map(current);
      for (const c of list) next.set(c.id, c);
      return next;
    });
  }, []);

  useEffect(() => {
    client.coalitions
      .get(id)
      .then(setCoalition)
      .catch((e: unknown) => setError(errorMessage(e)));
    const realtime = connect();
    setLive(realtime);
    const socket = realtime.socket;
    const join = async () => {
      try {
        const snapshot = await realtime.room.join(id);
        const { seq, syncedAt } = cursor.current;
        if (syncedAt) {
          // Back after a lost connection: what was missed, then what changed meanwhile.
          const missed = await realtime.room.sync(id, seq, syncedAt);
          merge([...missed.comments, ...missed.updated]);
          cursor.current = { seq: missed.seq, syncedAt: missed.syncedAt };
        } else {
          merge(snapshot.comments);
          cursor.current = { seq: snapshot.seq, syncedAt: snapshot.syncedAt };
        }
        removedRef.current = null;
        setRemoved(null);
        setRefused(false);
        setError(null);
        setPresence(snapshot.presence);
        roleRef.current = snapshot.role;
        setRole(snapshot.role);
        setSettings(settingsOf(snapshot));
        setMutedUntil(snapshot.mutedUntil);
        setConnection('connected');
        setJoins((n) => n + 1);
      } catch (e) {
        setRefused(true);
        setError(ackError(e));
      }
    };
    rejoin.current = join;
    const ours = (p: { coalitionId: string }) => p.coalitionId === id;
    // Someone taken out of the room comes back only by choice (kicked) or not at all (banned).
    socket.on('connect', () => {
      if (!removedRef.current) void join();
    });
    socket.on('disconnect', () => setConnection('reconnecting'));
    socket.on('presence:update', (p) => {
      if (ours(p)) setPresence(p.users);
    });
    socket.on('comment:created', (c) => {
      if (!ours(c)) return;
      merge([c]);
      cursor.current.seq = Math.max(cursor.current.seq, c.seq);
      if (c.authorId !== me?.id)
        setAnnouncement(t('room.announce', { name: nameOfRef.current(c.authorId) }));
    });
    for (const event of ['comment:updated', 'comment:deleted', 'comment:hidden'] as const) {
      socket.on(event, (c: RoomComment) => {
        if (ours(c)) merge([c]);
      });
    }
    socket.on('typing', (p) => {
      if (!ours(p)) return;
      setTyping((current) => {
        const next = new Set(current);
        if (p.isTyping) next.add(p.userId);
        else next.delete(p.userId);
        return next;
      });
    });
    // A refusal shown before the room's state (or one's own) changed may no longer hold.
    socket.on('room:updated', (state) => {
      if (!ours(state)) return;
      setSettings(settingsOf(state));
      setActionError(null);
    });
    // Mutes, roles and removals reach all of a person's sockets: only this room's count here.
    socket.on('room:muted', (p) => {
      if (!ours(p)) return;
      setMutedUntil(p.mutedUntil);
      setActionError(null);
    });
    socket.on('room:role', (p) => {
      if (!ours(p)) return;
      const was = roleRef.current;
      roleRef.current = p.role;
      setRole(p.role);
      // Moderators see hidden comments: on becoming or ceasing to be one, load the room afresh.
      if (canModerate(was) !== canModerate(p.role) && !removedRef.current) {
        cursor.current = { seq: 0, syncedAt: null };
        setComments(new Map());
        void join();
      }
    });
    socket.on('room:removed', (p) => {
      if (!ours(p)) return;
      removedRef.current = p.reason;
      setRemoved(p.reason);
      setActionError(null);
      setPresence([]);
      setTyping(new Set());
    });
    return () => {
      void realtime.room.leave(id).catch(() => undefined);
      realtime.close();
      rejoin.current = null;
    };
  }, [client, connect, id, me?.id, merge]);

  // The latest names for handlers registered once.
  const nameOfRef = useRef(nameOf);
  nameOfRef.current = nameOf;

  // A mute ends by itself: the composer opens again when its time has come.
  useEffect(() => {
    if (!mutedUntil) return;
    const wait = Date.parse(mutedUntil) - Date.now();
    if (wait <= 0) {
      setMutedUntil(null);
      return;
    }
    const timer = setTimeout(() => setClock((n) => n + 1), Math.min(wait + 500, MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [mutedUntil, clock]);

  const queryAnchor = useMemo(() => anchorFromQuery(anchorParam), [anchorParam]);
  const choices = useMemo(() => anchorChoices(coalition, queryAnchor), [coalition, queryAnchor]);
  const initialAnchor = initialAnchorKey(coalition, queryAnchor);

  const moderator = canModerate(role);
  const member = canComment(role);
  const joined = joins > 0;
  const out = removed !== null || refused;
  const blocked = whyCannotWrite({ out, joined, role, mutedUntil, locked: settings.locked });
  const canWrite = joined && connection === 'connected' && blocked === null;

  /** Runs a socket event; its data, or undefined when refused (the alert says why). */
  async function attempt<T>(run: (live: AccordRealtime) => Promise<T>): Promise<T | undefined> {
    if (!live) return undefined;
    setActionError(null);
    try {
      return await run(live);
    } catch (e) {
      setActionError(ackError(e));
      return undefined;
    }
  }

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const body = field(data, 'body').trim();
    if (!body || !live) return;
    const anchor = choices.find((c) => c.key === field(data, 'anchor'))?.anchor;
    const created = await attempt((l) =>
      l.comments.create({
        coalitionId: id,
        body,
        clientMsgId: crypto.randomUUID(),
        ...(replyTo ? { parentId: replyTo.id } : {}),
        ...(anchor ? { anchor } : {}),
      }),
    );
    if (!created) return;
    merge([created]);
    form.reset();
    setReplyTo(null);
    void live.room.typing(id, false).catch(() => undefined);
  }

  function onTyping() {
    const now = Date.now();
    if (now - lastTyping.current < 2000) return;
    lastTyping.current = now;
    void live?.room.typing(id, true).catch(() => undefined);
  }

  function rejoinRoom() {
    void rejoin.current?.().then(() => requestAnimationFrame(() => bodyField.current?.focus()));
  }

  const all = [...comments.values()].sort((a, b) => a.seq - b.seq);
  const threads = all.filter((c) => !c.parentId || !comments.has(c.parentId));
  const others = [...typing].filter((userId) => userId !== me?.id);
  const pinned = settings.pinnedCommentId ? comments.get(settings.pinnedCommentId) : undefined;

  const ctx: CommentContext = {
    me: me?.id,
    moderator,
    member,
    canWrite,
    canFlag: role !== null && !removed,
    pinnedId: settings.pinnedCommentId,
    flagged,
    nameOf,
    outranks: (userId) => userId !== me?.id && outranks(role, roles.get(userId) ?? null),
    anchorOf: (c) => {
      if (c.anchor?.type === 'recommendation') {
        const code = recommendationCode(coalition, c.anchor.id) ?? c.anchor.id;
        return <span className="tag">{t('room.on', { code })}</span>;
      }
      if (c.anchor?.type === 'plan-section') {
        return (
          <Link to={`/plans/${encodeURIComponent(c.anchor.id)}`}>
            {c.anchor.path ? t('room.onPlanSection', { path: c.anchor.path }) : t('room.onPlan')}
          </Link>
        );
      }
      return null;
    },
    repliesOf: (parentId) => all.filter((c) => c.parentId === parentId),
    onReply: (c) => {
      setReplyTo(c);
      bodyField.current?.focus();
    },
    change: async (run) => {
      const changed = await attempt(run);
      if (changed) merge([changed]);
      return changed !== undefined;
    },
    flag: async (c, reason) => {
      const done = await attempt((l) => l.comments.flag(c.id, reason));
      if (done) setFlagged((now) => new Set(now).add(c.id));
      return done !== undefined;
    },
    pin: async (c, pin) => {
      const state = await attempt((l) => l.moderation.pin(c.id, pin));
      if (state) setSettings(settingsOf(state));
      return state !== undefined;
    },
  };

  return (
    <Layout title={coalition ? t('room.title', { name: coalition.name }) : t('common.loading')}>
      <p>
        <Link to={`/coalitions/${id}`}>{t('room.back')}</Link>
      </p>
      <p className={`connection connection-${out ? 'out' : connection}`} role="status">
        {out ? t('room.notInRoom') : t(`room.${connection}`)}
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      {removed && (
        <Notice kind="error">
          {removed === 'kicked'
            ? t('room.removed.kicked')
            : removed === 'banned'
              ? t('room.removed.banned')
              : t('room.removed')}{' '}
          {removed === 'kicked' && (
            <button type="button" onClick={rejoinRoom}>
              {t('room.rejoin')}
            </button>
          )}
        </Notice>
      )}
      <div className="room-banners" role="status">
        {settings.locked && (
          <p className="banner banner-locked">
            {moderator ? t('room.state.lockedModerator') : t('room.state.locked')}
          </p>
        )}
        {settings.slowModeSeconds > 0 && (
          <p className="banner">
            {t(moderator ? 'room.state.slowModeModerator' : 'room.state.slowMode', {
              duration: formatDuration(settings.slowModeSeconds),
            })}
          </p>
        )}
      </div>
      {moderator && role && !removed && (
        <ModeratorPanel
          coalitionId={id}
          coalition={coalition}
          live={live}
          joins={joins}
          role={role}
          me={me?.id}
          settings={settings}
          onSettings={(state) => setSettings(settingsOf(state))}
          comments={comments}
          onComment={(c) => merge([c])}
          presence={presence}
          nameOf={nameOf}
        />
      )}
      <div className="room">
        <section aria-labelledby="here" className="presence">
          <h2 id="here">{t('room.here', { count: presence.length })}</h2>
          <ul>
            {presence.map((p) => (
              <li key={p.userId}>{p.displayName}</li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="conversation" className="conversation">
          <h2 id="conversation">{t('room.conversation')}</h2>
          {settings.pinnedCommentId && (
            <section aria-labelledby="pinned" className="pinned">
              <h3 id="pinned">{t('room.pinned')}</h3>
              {pinned ? (
                <>
                  <p className="meta">
                    <strong>{nameOf(pinned.authorId)}</strong>{' '}
                    <time dateTime={pinned.createdAt}>{formatDateTime(pinned.createdAt)}</time>
                  </p>
                  <p className="body">{pinned.body}</p>
                  <p>
                    <a href={`#${commentElementId(pinned.id)}`}>{t('room.goToComment')}</a>
                  </p>
                </>
              ) : (
                <p>{t('room.pinnedElsewhere')}</p>
              )}
            </section>
          )}
          {threads.length === 0 && <p>{t('room.empty')}</p>}
          <ul className="comments">
            {threads.map((c) => (
              <RoomCommentItem key={c.id} comment={c} ctx={ctx} />
            ))}
          </ul>
          <p className="typing" aria-live="off">
            {others.length > 0 && t('room.typing', { names: others.map(nameOf).join(', ') })}
          </p>
          {actionError && <Notice kind="error">{actionError}</Notice>}
          <form onSubmit={(e) => void send(e)} className="compose">
            {replyTo && (
              <p>
                {t('room.replyingTo', { name: nameOf(replyTo.authorId) })}{' '}
                <button type="button" onClick={() => setReplyTo(null)}>
                  {t('common.cancel')}
                </button>
              </p>
            )}
            {choices.length > 0 && (
              <p className="field">
                <label htmlFor="anchor">{t('room.anchor')}</label>
                <select
                  id="anchor"
                  name="anchor"
                  key={initialAnchor}
                  defaultValue={initialAnchor}
                  disabled={blocked !== null}
                >
                  <option value="">{t('room.anchorNone')}</option>
                  {choices.map((choice) => (
                    <option key={choice.key} value={choice.key}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              </p>
            )}
            <p className="field">
              <label htmlFor="body">{t('room.message')}</label>
              <textarea
                ref={bodyField}
                id="body"
                name="body"
                rows={3}
                maxLength={10000}
                required
                disabled={blocked !== null}
                aria-describedby={blocked ? 'compose-reason' : undefined}
                onInput={onTyping}
              />
            </p>
            <p id="compose-reason" className="compose-reason" aria-live="polite">
              {blocked}
            </p>
            <button type="submit" className="primary" disabled={!canWrite}>
              {t('room.send')}
            </button>
          </form>
        </section>
      </div>
      <div className="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </Layout>
  );
}
