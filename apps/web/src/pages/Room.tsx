import {
  type AccordRealtime,
  AccordSocketError,
  type CoalitionDetail,
  type PresenceUser,
  type RoomComment,
} from '@accord/client';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { formatDateTime, t } from '../i18n';
import { Link } from '../router';
import { errorMessage, field, useSession } from '../session';

type Connection = 'connecting' | 'connected' | 'reconnecting';
const QUICK_REACTIONS = ['👍', '❤️', '🎉'];
const MODERATORS = new Set(['moderator', 'organiser']);

/**
 * A coalition's live room: who is here, the conversation in threads with reactions, typing, and
 * (for moderators) hiding comments. After a lost connection it joins again and replays what it
 * missed; new comments are announced politely to screen readers.
 */
export function RoomPage({ id }: { id: string }) {
  const { client, live: connect, me } = useSession();
  const [coalition, setCoalition] = useState<CoalitionDetail | null>(null);
  const [comments, setComments] = useState<Map<string, RoomComment>>(new Map());
  const [presence, setPresence] = useState<PresenceUser[]>([]);
  const [typing, setTyping] = useState<Set<string>>(new Set());
  const [connection, setConnection] = useState<Connection>('connecting');
  const [role, setRole] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [replyTo, setReplyTo] = useState<RoomComment | null>(null);
  const realtime = useRef<AccordRealtime | null>(null);
  const cursor = useRef<{ seq: number; syncedAt: string | null }>({ seq: 0, syncedAt: null });
  const lastTyping = useRef(0);

  const names = useMemo(() => {
    const byId = new Map<string, string>();
    for (const m of coalition?.members ?? []) byId.set(m.userId, m.displayName);
    for (const p of presence) byId.set(p.userId, p.displayName);
    return byId;
  }, [coalition, presence]);
  const nameOf = useCallback((userId: string) => names.get(userId) ?? t('room.someone'), [names]);

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
    const live = connect();
    realtime.current = live;
    const socket = live.socket;
    const join = async () => {
      try {
        const snapshot = await live.room.join(id);
        const { seq, syncedAt } = cursor.current;
        if (syncedAt) {
          // Back after a lost connection: what was missed, then what changed meanwhile.
          const missed = await live.room.sync(id, seq, syncedAt);
          merge([...missed.comments, ...missed.updated]);
          cursor.current = { seq: missed.seq, syncedAt: missed.syncedAt };
        } else {
          merge(snapshot.comments);
          cursor.current = { seq: snapshot.seq, syncedAt: snapshot.syncedAt };
        }
        setPresence(snapshot.presence);
        setRole(snapshot.role);
        setConnection('connected');
      } catch (e) {
        setError(e instanceof AccordSocketError ? e.message : errorMessage(e));
      }
    };
    socket.on('connect', () => void join());
    socket.on('disconnect', () => setConnection('reconnecting'));
    socket.on('presence:update', (p) => setPresence(p.users));
    socket.on('comment:created', (c) => {
      merge([c]);
      cursor.current.seq = Math.max(cursor.current.seq, c.seq);
      if (c.authorId !== me?.id)
        setAnnouncement(t('room.announce', { name: nameOfRef.current(c.authorId) }));
    });
    for (const event of ['comment:updated', 'comment:deleted', 'comment:hidden'] as const) {
      socket.on(event, (c: RoomComment) => merge([c]));
    }
    socket.on('typing', (p) =>
      setTyping((current) => {
        const next = new Set(current);
        if (p.isTyping) next.add(p.userId);
        else next.delete(p.userId);
        return next;
      }),
    );
    socket.on('room:role', (p) => setRole(p.role));
    socket.on('room:removed', () => setError(t('room.removed')));
    return () => {
      void live.room.leave(id).catch(() => undefined);
      live.close();
      realtime.current = null;
    };
  }, [client, connect, id, me?.id, merge]);

  // The latest names for handlers registered once.
  const nameOfRef = useRef(nameOf);
  nameOfRef.current = nameOf;

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const body = field(new FormData(form), 'body').trim();
    if (!body || !realtime.current) return;
    setError(null);
    try {
      const created = await realtime.current.comments.create({
        coalitionId: id,
        body,
        clientMsgId: crypto.randomUUID(),
        ...(replyTo ? { parentId: replyTo.id } : {}),
      });
      merge([created]);
      form.reset();
      setReplyTo(null);
      void realtime.current.room.typing(id, false).catch(() => undefined);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  function onTyping() {
    const now = Date.now();
    if (now - lastTyping.current < 2000) return;
    lastTyping.current = now;
    void realtime.current?.room.typing(id, true).catch(() => undefined);
  }

  async function act(run: (live: AccordRealtime) => Promise<RoomComment>) {
    if (!realtime.current) return;
    try {
      merge([await run(realtime.current)]);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const all = [...comments.values()].sort((a, b) => a.seq - b.seq);
  const threads = all.filter((c) => !c.parentId || !comments.has(c.parentId));
  const repliesOf = (parentId: string) => all.filter((c) => c.parentId === parentId);
  const others = [...typing].filter((userId) => userId !== me?.id);
  const moderator = role !== null && MODERATORS.has(role);

  const renderComment = (c: RoomComment) => (
    <li key={c.id} className="comment" aria-labelledby={`by-${c.id}`}>
      <p className="meta" id={`by-${c.id}`}>
        <strong>{nameOf(c.authorId)}</strong>{' '}
        <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
      </p>
      {c.deleted ? (
        <p className="muted">{t('room.deleted')}</p>
      ) : c.hidden ? (
        <p className="muted">
          {t('room.hidden')}
          {moderator && c.body && <> — {c.body}</>}
        </p>
      ) : (
        <p className="body">{c.body}</p>
      )}
      {!c.deleted && !c.hidden && (
        <div className="comment-actions">
          {QUICK_REACTIONS.map((emoji) => {
            const reaction = c.reactions.find((r) => r.emoji === emoji);
            const mine = reaction?.userIds.includes(me?.id ?? '') ?? false;
            return (
              <button
                key={emoji}
                type="button"
                aria-pressed={mine}
                aria-label={t('room.react', { emoji, count: reaction?.count ?? 0 })}
                onClick={() => void act((live) => live.comments.react(c.id, emoji, mine))}
              >
                {emoji} {reaction?.count ?? ''}
              </button>
            );
          })}
          <button type="button" onClick={() => setReplyTo(c)}>
            {t('room.reply')}
          </button>
          {moderator && c.authorId !== me?.id && (
            <button
              type="button"
              onClick={() => {
                const reason = window.prompt(t('room.hideReason'));
                if (reason) void act((live) => live.moderation.hide(c.id, reason));
              }}
            >
              {t('room.hide')}
            </button>
          )}
        </div>
      )}
      {repliesOf(c.id).length > 0 && (
        <ul className="replies">{repliesOf(c.id).map(renderComment)}</ul>
      )}
    </li>
  );

  return (
    <Layout title={coalition ? t('room.title', { name: coalition.name }) : t('common.loading')}>
      <p>
        <Link to={`/coalitions/${id}`}>{t('room.back')}</Link>
      </p>
      <p className={`connection connection-${connection}`} role="status">
        {t(`room.${connection}`)}
      </p>
      {error && <Notice kind="error">{error}</Notice>}
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
          {threads.length === 0 && <p>{t('room.empty')}</p>}
          <ul className="comments">{threads.map(renderComment)}</ul>
          <p className="typing" aria-live="off">
            {others.length > 0 && t('room.typing', { names: others.map(nameOf).join(', ') })}
          </p>
          <form onSubmit={(e) => void send(e)} className="compose">
            {replyTo && (
              <p>
                {t('room.replyingTo', { name: nameOf(replyTo.authorId) })}{' '}
                <button type="button" onClick={() => setReplyTo(null)}>
                  {t('common.cancel')}
                </button>
              </p>
            )}
            <p className="field">
              <label htmlFor="body">{t('room.message')}</label>
              <textarea
                id="body"
                name="body"
                rows={3}
                maxLength={10000}
                required
                onInput={onTyping}
              />
            </p>
            <button type="submit" className="primary" disabled={connection !== 'connected'}>
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
