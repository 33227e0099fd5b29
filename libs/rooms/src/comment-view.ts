import type { CommentRecord } from './comment.schema';
import type { ReactionSummary } from './moderation.repository';

/** A comment as a client sees it. Hidden and deleted comments keep their place (seq, thread). */
export interface CommentView {
  id: string;
  coalitionId: string;
  seq: number;
  authorId: string;
  organisationId: string | null;
  /** Empty for a deleted comment, and for a hidden one unless the viewer moderates the room. */
  body: string;
  parentId: string | null;
  anchor: { type: string; id: string; path: string | null } | null;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  deleted: boolean;
  deletedBy: 'author' | 'moderator' | null;
  hidden: boolean;
  /** Moderators only: why and by whom the comment was hidden. */
  hiddenReason?: string;
  hiddenById?: string;
  hiddenAt?: string;
  reactions: ReactionSummary[];
}

/** Who is looking: moderators see hidden comments and the reason, everyone else a placeholder. */
export type Audience = 'moderator' | 'public';

export function toCommentView(
  c: CommentRecord,
  audience: Audience,
  reactions: ReactionSummary[] = [],
): CommentView {
  const deleted = c.deletedAt != null;
  const hidden = !deleted && c.hidden != null;
  const view: CommentView = {
    id: c._id.toString(),
    coalitionId: c.coalitionId.toString(),
    seq: c.seq,
    authorId: c.authorId.toString(),
    organisationId: c.organisationId ? c.organisationId.toString() : null,
    body: deleted || (hidden && audience !== 'moderator') ? '' : c.body,
    parentId: c.parentId ? c.parentId.toString() : null,
    anchor: c.anchor ? { type: c.anchor.type, id: c.anchor.id, path: c.anchor.path ?? null } : null,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt ?? c.createdAt).toISOString(),
    editedAt: c.editedAt ? new Date(c.editedAt).toISOString() : null,
    deleted,
    deletedBy: deleted ? (c.deletedBy ?? 'author') : null,
    hidden,
    // Who reacted to a hidden comment says something about it: moderators only.
    reactions: deleted || (hidden && audience !== 'moderator') ? [] : reactions,
  };
  if (hidden && audience === 'moderator' && c.hidden) {
    view.hiddenReason = c.hidden.reason;
    view.hiddenById = c.hidden.byId.toString();
    view.hiddenAt = new Date(c.hidden.at).toISOString();
  }
  return view;
}
