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
  focusComment,
  RoomCommentItem,
} from '../components/RoomCommentItem';
import {
  ackError,
  anchorChoices,
  anchorFromQuery,
  anchorKey,
  buildThreads,
  canComment,
  canModerate,
  formatDuration,
  initialAnchorKey,
  lowestSeq,
  outranks,
  recommendationCode,
  snippet,
  type Thread,
} from '../components/RoomFormat';
import { formatDateTime, t } from '../i18n';
import { Link, useLocation } from '../router';
import { errorMessage, field, useSession } from '../session';
import '../room.css';

type Connection = 'connecting' | 'connected' | 'reconnecting';
const NO_SETTINGS: RoomSettings = { locked: false, slowModeSeconds: 0, pinnedCommentId: null };
/** The longest wait setTimeout takes (a mute may last 30 days). */
const MAX_TIMER_MS = 2_147_483_647;
/**
 * Someone typing is shown this long after their last "typing" (sent about every 2 s while they
 * type): a stop is not always relayed (sending a comment ends it on the server), nor is a tab
 * that closed.
 */
const TYPING_SHOWN_MS = 6_000;
/** The coalition (its members and their roles) is loaded again at most this often. */
const COALITION_RELOAD_MS = 5_000;
/** How many earlier comments "Show earlier comments" loads at a time. */
const EARLIER_PAGE = 50;
const NO_NAMES = new Map<string, string>();

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

function sameNames(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, name] of a) if (b.get(id) !== name) return false;
  return true;
}

/**
 * A coalition's live room: who is here, the conversation in threads with reactions, typing, a
 * pinned comment, comments anchored to the coalition's recommendations (or a plan section named
 * in the URL), editing and deleting one's own, and flagging others' for the moderators. The
 * room's state shows for everyone (locked, slow mode, one's own mute or removal), and the
 * composer says why it cannot be used. Moderators and organisers get the moderation panel.
 * After a lost connection it joins again and replays everything it missed, page by page; earlier
 * comments than the latest 50 load on request. A comment sent again (after a lost answer) is
 * stored once. New comments are announced politely to screen readers, refused actions in an alert.
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
  /** The latest announcement; a new key makes a new node, so the same words are read again. */
  const [announcement, setAnnouncement] = useState({ text: '', key: 0 });
  const [replyTo, setReplyTo] = useState<RoomComment | null>(null);
  const [flagged, setFlagged] = useState<Set<string>>(new Set());
  const [clock, setClock] = useState(0);
  /** The lowest seq asked for by "Show earlier comments" (Infinity before it is used). */
  const [earliestAsked, setEarliestAsked] = useState(Infinity);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const cursor = useRef<{ seq: number; syncedAt: string | null }>({ seq: 0, syncedAt: null });
  const lastTyping = useRef(0);
  const rejoin = useRef<(() => Promise<void>) | null>(null);
  const removedRef = useRef<string | null>(null);
  const roleRef = useRef<CoalitionRole | null>(null);
  const bodyField = useRef<HTMLTextAreaElement>(null);
  /** The draft being sent and its clientMsgId, kept until it is stored (a retry reuses it). */
  const draft = useRef<{ key: string; clientMsgId: string } | null>(null);
  /** Loads the coalition again (throttled); set by the connection's effect. */
  const reloadCoalition = useRef<() => void>(() => undefined);
  /** People not among the coalition's members for whom it was loaded again already. */
  const askedAbout = useRef(new Set<string>());
  const namesRef = useRef<ReadonlyMap<string, string>>(NO_NAMES);
  const threadsRef = useRef<ReadonlyMap<string, Thread>>(new Map());

  // Names change far less often than presence: the same map while they are the same.
  const names = useMemo(() => {
    const byId = new Map<string, string>();
    for (const m of coalition?.members ?? []) byId.set(m.userId, m.displayName);
    for (const p of presence) byId.set(p.userId, p.displayName);
    if (sameNames(byId, namesRef.current)) return namesRef.current;
    namesRef.current = byId;
    return byId;
  }, [coalition, presence]);
  const nameOf = useCallback((userId: string) => names.get(userId) ?? t('room.someone'), [names]);
  const roles = useMemo(
    () => new Map((coalition?.members ?? []).map((m) => [m.userId, m.role] as const)),
    [coalition],
  );

  /** Adds or replaces comments; a copy older than the one shown (a replay page read before a
   *  live change) does not undo the change. */
  const merge = useCallback((list: RoomComment[]) => {
    if (list.length === 0) return;
    setComments((current) => {
      let next: Map<string, RoomComment> | null = null;
      for (const c of list) {
        const shown = (next ?? current).get(c.id);
        if (shown === c) continue;
        if (shown && Date.parse(shown.updatedAt) > Date.parse(c.updatedAt)) continue;
        next ??= new Map(current);
        next.set(c.id, c);
      }
      return next ?? current;
    });
  }, []);

  useEffect(() => {
    let alive = true;

    // The coalition: its members' names and roles decide what moderators are offered. Loaded
    // again when someone it does not list shows up, on a role change and after a reconnect.
    let loads = 0;
    let applied = 0;
    let lastLoad = 0;
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    const loadCoalition = () => {
      const n = ++loads;
      lastLoad = Date.now();
      client.coalitions
        .get(id)
        .then((found) => {
          if (!alive || n < applied) return;
          applied = n;
          setCoalition(found);
        })
        .catch((e: unknown) => {
          // A later load failing keeps what is shown; the first one failing is the page's error.
          if (alive && n === 1) setError(errorMessage(e));
        });
    };
    const reload = () => {
      if (reloadTimer !== undefined) return;
      const wait = lastLoad + COALITION_RELOAD_MS - Date.now();
      if (wait <= 0) {
        loadCoalition();
        return;
      }
      reloadTimer = setTimeout(() => {
        reloadTimer = undefined;
        if (alive) loadCoalition();
      }, wait);
    };
    reloadCoalition.current = reload;
    loadCoalition();

    // Who is typing: until they stop, send their comment, leave, or go quiet.
    const typists = new Map<string, ReturnType<typeof setTimeout>>();
    const stopTyping = (userIds: string[]) => {
      const stopped = userIds.filter((userId) => typists.has(userId));
      if (stopped.length === 0) return;
      for (const userId of stopped) {
        clearTimeout(typists.get(userId));
        typists.delete(userId);
      }
      setTyping((current) => {
        const next = new Set(current);
        for (const userId of stopped) next.delete(userId);
        return next;
      });
    };
    const startTyping = (userId: string) => {
      const known = typists.has(userId);
      clearTimeout(typists.get(userId));
      typists.set(
        userId,
        setTimeout(() => stopTyping([userId]), TYPING_SHOWN_MS),
      );
      if (!known) setTyping((current) => new Set(current).add(userId));
    };
    const onlyHere = (users: PresenceUser[]) => {
      const here = new Set(users.map((u) => u.userId));
      stopTyping([...typists.keys()].filter((userId) => !here.has(userId)));
    };

    const realtime = connect();
    setLive(realtime);
    const socket = realtime.socket;
    // While a replay runs, live comments do not move the cursor (what lies between is not here
    // yet): the newest is kept aside and counts once the replay is done.
    const replay = { running: false, newest: 0 };

    /** Everything after `from`, page by page, and older comments changed since `from`. */
    const catchUp = async (from: { seq: number; syncedAt: string }) => {
      let afterSeq = from.seq;
      let updatedSince: string | undefined = from.syncedAt;
      let syncedAt: string | null = null;
      for (;;) {
        const page = await realtime.room.sync(id, afterSeq, updatedSince);
        merge([...page.updated, ...page.comments]);
        // The first page's time: changes since then reached this socket live, or are in pages.
        syncedAt ??= page.syncedAt;
        // Later pages are read as they are now: no need to ask again for changed ones.
        updatedSince = undefined;
        const last = page.comments[page.comments.length - 1]?.seq;
        // A page is at most the server's limit (500), oldest first: go on from its last comment
        // until the room's latest seq is reached (or a page comes back empty).
        if (last === undefined || last <= afterSeq) break;
        afterSeq = last;
        if (afterSeq >= page.seq) break;
      }
      return { seq: afterSeq, syncedAt };
    };

    const join = async () => {
      try {
        const snapshot = await realtime.room.join(id);
        const { seq, syncedAt } = cursor.current;
        if (syncedAt) {
          // Back after a lost connection: what was missed, then what changed meanwhile.
          replay.running = true;
          replay.newest = 0;
          const done = await catchUp({ seq, syncedAt });
          cursor.current = {
            seq: Math.max(done.seq, replay.newest),
            syncedAt: done.syncedAt ?? syncedAt,
          };
          // Members may have joined (or changed roles) while this page was away.
          reload();
        } else {
          merge(snapshot.comments);
          cursor.current = { seq: snapshot.seq, syncedAt: snapshot.syncedAt };
        }
        removedRef.current = null;
        setRemoved(null);
        setRefused(false);
        setError(null);
        setPresence(snapshot.presence);
        onlyHere(snapshot.presence);
        roleRef.current = snapshot.role;
        setRole(snapshot.role);
        setSettings(settingsOf(snapshot));
        setMutedUntil(snapshot.mutedUntil);
        setConnection('connected');
        setJoins((n) => n + 1);
      } catch (e) {
        setRefused(true);
        setError(ackError(e));
      } finally {
        replay.running = false;
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
      if (!ours(p)) return;
      setPresence(p.users);
      onlyHere(p.users);
    });
    socket.on('comment:created', (c) => {
      if (!ours(c)) return;
      merge([c]);
      if (replay.running) replay.newest = Math.max(replay.newest, c.seq);
      else cursor.current.seq = Math.max(cursor.current.seq, c.seq);
      // Sending ends typing on the server, which relays no stop for it.
      stopTyping([c.authorId]);
      if (c.authorId === me?.id) return;
      const name = nameOfRef.current(c.authorId);
      const text =
        c.body && !c.hidden && !c.deleted
          ? t('room.announceSnippet', { name, snippet: snippet(c.body) })
          : t('room.announce', { name });
      setAnnouncement((now) => ({ text, key: now.key + 1 }));
    });
    for (const event of ['comment:updated', 'comment:deleted', 'comment:hidden'] as const) {
      socket.on(event, (c: RoomComment) => {
        if (ours(c)) merge([c]);
      });
    }
    socket.on('typing', (p) => {
      if (!ours(p)) return;
      if (p.isTyping) startTyping(p.userId);
      else stopTyping([p.userId]);
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
      // The members' roles changed: what this person may do to whom is known again.
      reload();
      // Moderators see hidden comments: on becoming or ceasing to be one, load the room afresh.
      if (canModerate(was) !== canModerate(p.role) && !removedRef.current) {
        cursor.current = { seq: 0, syncedAt: null };
        setComments(new Map());
        setEarliestAsked(Infinity);
        void join();
      }
    });
    socket.on('room:removed', (p) => {
      if (!ours(p)) return;
      removedRef.current = p.reason;
      setRemoved(p.reason);
      setActionError(null);
      setPresence([]);
      stopTyping([...typists.keys()]);
    });
    return () => {
      alive = false;
      clearTimeout(reloadTimer);
      for (const timer of typists.values()) clearTimeout(timer);
      typists.clear();
      reloadCoalition.current = () => undefined;
      void realtime.room.leave(id).catch(() => undefined);
      realtime.close();
      rejoin.current = null;
    };
  }, [client, connect, id, me?.id, merge]);

  // The latest names for handlers registered once.
  const nameOfRef = useRef(nameOf);
  nameOfRef.current = nameOf;

  // Someone here the coalition does not list (they joined it after this page loaded it): load
  // it again, once per person, so their role (and name) is known.
  useEffect(() => {
    if (!coalition) return;
    const members = new Set((coalition.members ?? []).map((m) => m.userId));
    let unknown = false;
    for (const p of presence) {
      if (members.has(p.userId) || askedAbout.current.has(p.userId)) continue;
      askedAbout.current.add(p.userId);
      unknown = true;
    }
    if (unknown) reloadCoalition.current();
  }, [coalition, presence]);

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
  const attempt = useCallback(
    async <T,>(run: (live: AccordRealtime) => Promise<T>): Promise<T | undefined> => {
      if (!live) return undefined;
      setActionError(null);
      try {
        return await run(live);
      } catch (e) {
        setActionError(ackError(e));
        return undefined;
      }
    },
    [live],
  );

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canWrite || !live) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    const body = field(data, 'body').trim();
    if (!body) return;
    const anchor = choices.find((c) => c.key === field(data, 'anchor'))?.anchor;
    const parentId = replyTo?.id;
    // One clientMsgId per draft: the same draft sent again (its answer lost with the
    // connection, say) is the same comment to the server, stored once. Another text, reply
    // target or anchor is another comment.
    const key = JSON.stringify([body, parentId ?? null, anchor ? anchorKey(anchor) : null]);
    if (draft.current?.key !== key) draft.current = { key, clientMsgId: crypto.randomUUID() };
    const { clientMsgId } = draft.current;
    const created = await attempt((l) =>
      l.comments.create({
        coalitionId: id,
        body,
        clientMsgId,
        ...(parentId ? { parentId } : {}),
        ...(anchor ? { anchor } : {}),
      }),
    );
    if (!created) return;
    if (draft.current?.clientMsgId === clientMsgId) draft.current = null;
    merge([created]);
    form.reset();
    setReplyTo(null);
    lastTyping.current = 0;
    void live.room.typing(id, false).catch(() => undefined);
  }

  function onTyping(event: FormEvent<HTMLTextAreaElement>) {
    const emptied = event.currentTarget.value.trim() === '';
    // An emptied draft is done with: what is written next is another comment.
    if (emptied) draft.current = null;
    if (!live) return;
    if (emptied) {
      if (lastTyping.current === 0) return;
      lastTyping.current = 0;
      void live.room.typing(id, false).catch(() => undefined);
      return;
    }
    const now = Date.now();
    if (now - lastTyping.current < 2000) return;
    lastTyping.current = now;
    void live.room.typing(id, true).catch(() => undefined);
  }

  function rejoinRoom() {
    void rejoin.current?.().then(() => requestAnimationFrame(() => bodyField.current?.focus()));
  }

  function cancelReply() {
    setReplyTo(null);
    // The button goes with the reply: focus goes back to the comment being written.
    bodyField.current?.focus();
  }

  const threads = useMemo(() => {
    const built = buildThreads(comments, threadsRef.current);
    threadsRef.current = built.byId;
    return built.roots;
  }, [comments]);
  const earliest = Math.min(lowestSeq(comments), earliestAsked);
  const hasEarlier = joined && Number.isFinite(earliest) && earliest > 1;

  /** Loads the comments just before the earliest shown (REST pages forwards: a window). */
  async function showEarlier() {
    if (loadingEarlier || !hasEarlier) return;
    const afterSeq = Math.max(0, earliest - 1 - EARLIER_PAGE);
    setLoadingEarlier(true);
    setActionError(null);
    try {
      const page = await client.coalitions.comments(id, {
        afterSeq,
        limit: earliest - 1 - afterSeq,
      });
      merge(page.items);
      setEarliestAsked((now) => Math.min(now, afterSeq + 1));
      setAnnouncement((now) => ({
        text: t('room.earlierShown', { count: page.items.length }),
        key: now.key + 1,
      }));
      // At the start of the conversation the button goes: focus goes to its first comment.
      const first = page.items[0];
      if (afterSeq === 0 && first) requestAnimationFrame(() => focusComment(first.id));
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setLoadingEarlier(false);
    }
  }

  const others = [...typing].filter((userId) => userId !== me?.id);
  const pinned = settings.pinnedCommentId ? comments.get(settings.pinnedCommentId) : undefined;

  const meId = me?.id;
  const outranksAuthor = useCallback(
    (userId: string) => userId !== meId && outranks(role, roles.get(userId) ?? null),
    [meId, role, roles],
  );
  const anchorOf = useCallback(
    (c: RoomComment) => {
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
    [coalition],
  );
  const onReply = useCallback((c: RoomComment) => {
    setReplyTo(c);
    bodyField.current?.focus();
  }, []);
  const change = useCallback(
    async (run: (live: AccordRealtime) => Promise<RoomComment>) => {
      const changed = await attempt(run);
      if (changed) merge([changed]);
      return changed !== undefined;
    },
    [attempt, merge],
  );
  const flag = useCallback(
    async (c: RoomComment, reason: string) => {
      const done = await attempt((l) => l.comments.flag(c.id, reason));
      if (done) setFlagged((now) => new Set(now).add(c.id));
      return done !== undefined;
    },
    [attempt],
  );
  const pin = useCallback(
    async (c: RoomComment, pinIt: boolean) => {
      const state = await attempt((l) => l.moderation.pin(c.id, pinIt));
      if (state) setSettings(settingsOf(state));
      return state !== undefined;
    },
    [attempt],
  );
  const canFlag = role !== null && !removed;
  const pinnedId = settings.pinnedCommentId;
  // The same object while nothing in it changes: typing and presence leave the comments be.
  const ctx: CommentContext = useMemo(
    () => ({
      me: meId,
      moderator,
      member,
      canWrite,
      canFlag,
      pinnedId,
      flagged,
      nameOf,
      outranks: outranksAuthor,
      anchorOf,
      onReply,
      change,
      flag,
      pin,
    }),
    [
      meId,
      moderator,
      member,
      canWrite,
      canFlag,
      pinnedId,
      flagged,
      nameOf,
      outranksAuthor,
      anchorOf,
      onReply,
      change,
      flag,
      pin,
    ],
  );
  const onSettings = useCallback((state: RoomSettings) => setSettings(settingsOf(state)), []);
  const onComment = useCallback((c: RoomComment) => merge([c]), [merge]);

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
          me={meId}
          settings={settings}
          onSettings={onSettings}
          comments={comments}
          onComment={onComment}
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
          {hasEarlier && (
            <p className="earlier">
              <button
                type="button"
                aria-disabled={loadingEarlier || undefined}
                onClick={() => void showEarlier()}
              >
                {loadingEarlier ? t('room.loadingEarlier') : t('room.showEarlier')}
              </button>
            </p>
          )}
          {threads.length === 0 && <p>{t('room.empty')}</p>}
          <ul className="comments">
            {threads.map((thread) => (
              <RoomCommentItem key={thread.comment.id} thread={thread} ctx={ctx} />
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
                <button type="button" onClick={cancelReply}>
                  {t('room.cancelReply')}
                </button>
              </p>
            )}
            {/* Blocked while in use (a mute or a lock arriving), the fields stay focusable:
                read-only and marked unavailable, with the reason, rather than disabled. */}
            {choices.length > 0 && (
              <p className="field">
                <label htmlFor="anchor">{t('room.anchor')}</label>
                <select
                  id="anchor"
                  name="anchor"
                  key={initialAnchor}
                  defaultValue={initialAnchor}
                  aria-disabled={blocked !== null || undefined}
                  aria-describedby={blocked ? 'compose-reason' : undefined}
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
                readOnly={blocked !== null}
                aria-disabled={blocked !== null || undefined}
                aria-describedby={blocked ? 'compose-reason' : undefined}
                onInput={onTyping}
              />
            </p>
            <p id="compose-reason" className="compose-reason" aria-live="polite">
              {blocked}
            </p>
            <button
              type="submit"
              className="primary"
              aria-disabled={!canWrite || undefined}
              aria-describedby={blocked ? 'compose-reason' : undefined}
            >
              {t('room.send')}
            </button>
          </form>
        </section>
      </div>
      <div className="visually-hidden" aria-live="polite">
        {announcement.text && <p key={announcement.key}>{announcement.text}</p>}
      </div>
    </Layout>
  );
}
