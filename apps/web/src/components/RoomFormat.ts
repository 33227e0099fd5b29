import {
  AccordSocketError,
  type CoalitionDetail,
  type CoalitionRole,
  type CommentAnchor,
  type RoomComment,
} from '@accord/client';
import { locale, type MessageKey, t } from '../i18n';
import { errorMessage } from '../session';

/** What the live room shows and sends, in the reader's language: errors, durations, anchors. */

const ROLE_RANK: Record<CoalitionRole, number> = {
  observer: 1,
  member: 2,
  moderator: 3,
  organiser: 4,
};

/** Moderators and organisers moderate the room. */
export function canModerate(role: CoalitionRole | null): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK.moderator;
}

/** Members and above write (observers and outsiders of a public room read). */
export function canComment(role: CoalitionRole | null): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK.member;
}

/** The server's rank rule: a moderator acts only on people of a lower rank (outsiders lowest). */
export function outranks(actor: CoalitionRole | null, target: CoalitionRole | null): boolean {
  if (actor === null || !canModerate(actor)) return false;
  return ROLE_RANK[actor] > (target === null ? 0 : ROLE_RANK[target]);
}

const ERROR_CODES = [
  'ROOM_LOCKED',
  'MUTED',
  'RATE_LIMITED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;

/** A refused socket event for people: what kind of refusal (by its code), then the server's words. */
export function ackError(error: unknown): string {
  const code = error instanceof AccordSocketError ? error.code : '';
  if (!(ERROR_CODES as readonly string[]).includes(code)) return errorMessage(error);
  return t('room.error', {
    title: t(`room.error.${code}` as MessageKey),
    message: errorMessage(error),
  });
}

const UNITS: [number, 'day' | 'hour' | 'minute'][] = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
];

/** Intl formatters cost far more to make than to use: one per unit, made on first use. */
const durationFormats = new Map<string, Intl.NumberFormat>();

/** A number of seconds in words: "30 seconds", "5 minutes", "1 day". */
export function formatDuration(seconds: number): string {
  const [size, unit] = UNITS.find(([s]) => seconds >= s && seconds % s === 0) ?? [1, 'second'];
  let format = durationFormats.get(unit);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' });
    durationFormats.set(unit, format);
  }
  return format.format(seconds / size);
}

/** The start of a comment for an announcement: one line, at most `max` characters. */
export function snippet(body: string, max = 80): string {
  const line = body.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= max
    ? line
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/** A comment of the conversation with its replies, as the page shows it. */
export interface Thread {
  comment: RoomComment;
  replies: readonly Thread[];
  /** A reply whose parent is not loaded (an earlier comment): shown on its own. */
  orphan: boolean;
}

/**
 * The conversation as threads in seq order, replies grouped by parent in one pass. Threads that
 * did not change are the very objects of `previous` (the last result's `byId`), so a memoised
 * comment renders again only when it or one of its replies changed.
 */
export function buildThreads(
  comments: ReadonlyMap<string, RoomComment>,
  previous: ReadonlyMap<string, Thread>,
): { roots: Thread[]; byId: Map<string, Thread> } {
  const sorted = [...comments.values()].sort((a, b) => a.seq - b.seq);
  const children = new Map<string, RoomComment[]>();
  const tops: RoomComment[] = [];
  for (const c of sorted) {
    if (c.parentId && c.parentId !== c.id && comments.has(c.parentId)) {
      const siblings = children.get(c.parentId);
      if (siblings) siblings.push(c);
      else children.set(c.parentId, [c]);
    } else {
      tops.push(c);
    }
  }
  const byId = new Map<string, Thread>();
  const seen = new Set<string>();
  const build = (c: RoomComment, orphan: boolean): Thread => {
    seen.add(c.id);
    const replies = (children.get(c.id) ?? [])
      .filter((r) => !seen.has(r.id))
      .map((r) => build(r, false));
    const before = previous.get(c.id);
    const thread =
      before &&
      before.comment === c &&
      before.orphan === orphan &&
      before.replies.length === replies.length &&
      before.replies.every((r, i) => r === replies[i])
        ? before
        : { comment: c, replies, orphan };
    byId.set(c.id, thread);
    return thread;
  };
  const roots = tops.map((c) => build(c, Boolean(c.parentId)));
  // Replies in a loop of parents (never made by the server) would not show: show them alone.
  if (byId.size < sorted.length) {
    for (const c of sorted) if (!seen.has(c.id)) roots.push(build(c, true));
  }
  return { roots, byId };
}

/** The lowest seq among the comments (Infinity when there are none). */
export function lowestSeq(comments: ReadonlyMap<string, RoomComment>): number {
  let lowest = Infinity;
  for (const c of comments.values()) if (c.seq < lowest) lowest = c.seq;
  return lowest;
}

/** The server's limits on an anchor (AnchorDto). */
const MAX_ANCHOR_ID = 100;
const MAX_ANCHOR_PATH = 200;

/**
 * An anchor named in the page's URL, `?anchor=plan-section:<planId>:<path>` (the plan editor's
 * "discuss this section") or `?anchor=recommendation:<id or code>`; null if there is none or it
 * is not one the server would take.
 */
export function anchorFromQuery(value: string | null): CommentAnchor | null {
  if (!value) return null;
  const [type, id = '', ...rest] = value.split(':');
  const path = rest.join(':');
  if (!id || id.length > MAX_ANCHOR_ID || path.length > MAX_ANCHOR_PATH) return null;
  if (type === 'plan-section') return path ? { type, id, path } : { type, id };
  if (type === 'recommendation') return { type, id };
  return null;
}

/** The value of an anchor in the composer's select. */
export function anchorKey(anchor: CommentAnchor): string {
  return [anchor.type, anchor.id, anchor.path ?? ''].join(':');
}

/** The code of a coalition's recommendation named by its id (or code). */
export function recommendationCode(
  coalition: CoalitionDetail | null,
  idOrCode: string,
): string | null {
  const found = coalition?.recommendations.find((r) => r.id === idOrCode || r.code === idOrCode);
  return found?.code ?? null;
}

/** The choices of anchors for a new comment: the coalition's recommendations, and the URL's. */
export function anchorChoices(
  coalition: CoalitionDetail | null,
  fromQuery: CommentAnchor | null,
): { key: string; anchor: CommentAnchor; label: string }[] {
  const choices = (coalition?.recommendations ?? []).map((r) => {
    const anchor: CommentAnchor = { type: 'recommendation', id: r.id };
    return {
      key: anchorKey(anchor),
      anchor,
      label: t('room.anchorRecommendation', { code: r.code }),
    };
  });
  if (fromQuery?.type === 'plan-section') {
    choices.unshift({
      key: anchorKey(fromQuery),
      anchor: fromQuery,
      label: fromQuery.path
        ? t('room.anchorPlanSection', { path: fromQuery.path })
        : t('room.anchorPlan'),
    });
  }
  return choices;
}

/** Which choice the composer starts with: the URL's anchor, if the coalition has it. */
export function initialAnchorKey(
  coalition: CoalitionDetail | null,
  fromQuery: CommentAnchor | null,
): string {
  if (!fromQuery) return '';
  if (fromQuery.type === 'plan-section') return anchorKey(fromQuery);
  const found = coalition?.recommendations.find(
    (r) => r.id === fromQuery.id || r.code === fromQuery.id,
  );
  return found ? anchorKey({ type: 'recommendation', id: found.id }) : '';
}
