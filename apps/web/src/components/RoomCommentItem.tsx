import type { AccordRealtime, RoomComment } from '@accord/client';
import { type FormEvent, memo, type ReactNode, useEffect, useRef, useState } from 'react';
import { formatDateTime, t } from '../i18n';
import { field } from '../session';
import { RoomConfirmAction, RoomReasonAction } from './RoomActions';
import type { Thread } from './RoomFormat';

const QUICK_REACTIONS = ['👍', '❤️', '🎉'];

/**
 * What a comment of the room needs from the page: who is looking, and the actions. The page
 * keeps it the same object while none of this changes (typing and presence do not), so the
 * memoised comments do not render again.
 */
export interface CommentContext {
  me: string | undefined;
  /** Moderates the room (moderator or organiser). */
  moderator: boolean;
  /** May comment in this coalition at all (members and above). */
  member: boolean;
  /** May write now: a member, in the room, not muted, and the room not locked for them. */
  canWrite: boolean;
  /** A member of any role: may flag others' comments. */
  canFlag: boolean;
  pinnedId: string | null;
  /** Comments this person flagged since opening the room. */
  flagged: ReadonlySet<string>;
  nameOf: (userId: string) => string;
  /** The caller outranks this author (moderation acts only downwards). */
  outranks: (userId: string) => boolean;
  anchorOf: (comment: RoomComment) => ReactNode;
  onReply: (comment: RoomComment) => void;
  /** Runs a change of a comment; true when done (the page shows the error otherwise). */
  change: (run: (live: AccordRealtime) => Promise<RoomComment>) => Promise<boolean>;
  flag: (comment: RoomComment, reason: string) => Promise<boolean>;
  pin: (comment: RoomComment, pinned: boolean) => Promise<boolean>;
}

export function commentElementId(commentId: string): string {
  return `c-${commentId}`;
}

/** Moves focus to a comment (after an action that removed the button that had it). */
export function focusComment(commentId: string): void {
  document.getElementById(commentElementId(commentId))?.focus();
}

/**
 * One comment of the conversation with its replies: author, time, anchor and text (or why it is
 * not shown), reactions, and what this person may do with it — reply, edit or delete their own,
 * flag someone else's; moderators hide, unhide and pin. A reply whose parent is not loaded says
 * so. Memoised: it renders again only when its thread or the page's context changed.
 */
export const RoomCommentItem = memo(function RoomCommentItem({
  thread,
  ctx,
}: {
  thread: Thread;
  ctx: CommentContext;
}) {
  const [editing, setEditing] = useState(false);
  const { comment: c, replies, orphan } = thread;
  const own = c.authorId === ctx.me;
  const shown = !c.deleted && !c.hidden;
  return (
    <li
      className={`comment${ctx.pinnedId === c.id ? ' is-pinned' : ''}`}
      id={commentElementId(c.id)}
      tabIndex={-1}
      aria-labelledby={`by-${c.id}`}
    >
      <p className="meta" id={`by-${c.id}`}>
        <strong>{ctx.nameOf(c.authorId)}</strong>{' '}
        <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
        {c.editedAt && shown && <> {t('room.edited')}</>}
        {ctx.pinnedId === c.id && <span className="tag">{t('room.pinned')}</span>}
      </p>
      {orphan && <p className="in-reply">{t('room.replyToEarlier')}</p>}
      {c.anchor && <p className="anchor">{ctx.anchorOf(c)}</p>}
      <CommentBody comment={c} moderator={ctx.moderator} />
      {editing ? (
        <EditForm comment={c} ctx={ctx} onClose={() => setEditing(false)} />
      ) : (
        <CommentActions comment={c} ctx={ctx} own={own} onEdit={() => setEditing(true)} />
      )}
      {replies.length > 0 && (
        <ul className="replies">
          {replies.map((r) => (
            <RoomCommentItem key={r.comment.id} thread={r} ctx={ctx} />
          ))}
        </ul>
      )}
    </li>
  );
});

function CommentBody({ comment: c, moderator }: { comment: RoomComment; moderator: boolean }) {
  if (c.deleted) return <p className="muted">{t('room.deleted')}</p>;
  if (!c.hidden) return <p className="body">{c.body}</p>;
  return (
    <>
      <p className="muted">
        {t('room.hidden')}
        {moderator && c.body && <> — {c.body}</>}
      </p>
      {moderator && c.hiddenReason && (
        <p className="muted">{t('room.hiddenBecause', { reason: c.hiddenReason })}</p>
      )}
    </>
  );
}

function CommentActions({
  comment: c,
  ctx,
  own,
  onEdit,
}: {
  comment: RoomComment;
  ctx: CommentContext;
  own: boolean;
  onEdit: () => void;
}) {
  if (c.deleted) return null;
  const back = () => focusComment(c.id);
  if (c.hidden) {
    if (!ctx.moderator || !ctx.outranks(c.authorId)) return null;
    return (
      <div className="comment-actions">
        <button
          type="button"
          onClick={() =>
            void ctx.change((live) => live.moderation.unhide(c.id)).then((done) => done && back())
          }
        >
          {t('room.unhide')}
        </button>
      </div>
    );
  }
  const pinned = ctx.pinnedId === c.id;
  return (
    <div className="comment-actions">
      {ctx.member &&
        QUICK_REACTIONS.map((emoji) => {
          const reaction = c.reactions.find((r) => r.emoji === emoji);
          const mine = reaction?.userIds.includes(ctx.me ?? '') ?? false;
          return (
            <button
              key={emoji}
              type="button"
              aria-pressed={mine}
              aria-label={t('room.react', { emoji, count: reaction?.count ?? 0 })}
              disabled={!ctx.canWrite}
              onClick={() => void ctx.change((live) => live.comments.react(c.id, emoji, mine))}
            >
              {emoji} {reaction?.count ?? ''}
            </button>
          );
        })}
      {ctx.member && (
        <button type="button" disabled={!ctx.canWrite} onClick={() => ctx.onReply(c)}>
          {t('room.reply')}
        </button>
      )}
      {own && ctx.member && (
        <button type="button" disabled={!ctx.canWrite} onClick={onEdit}>
          {t('room.edit')}
        </button>
      )}
      {own && ctx.member && (
        <RoomConfirmAction
          label={t('room.delete')}
          question={t('room.deleteConfirm')}
          confirmLabel={t('room.deleteYes')}
          onConfirm={() => ctx.change((live) => live.comments.delete(c.id))}
          afterDone={back}
        />
      )}
      {!own && ctx.canFlag && !ctx.flagged.has(c.id) && (
        <RoomReasonAction
          label={t('room.flag')}
          fieldLabel={t('room.flagReason')}
          submitLabel={t('room.flagSubmit')}
          onSubmit={(reason) => ctx.flag(c, reason)}
          afterDone={back}
        />
      )}
      {!own && ctx.flagged.has(c.id) && <span className="muted">{t('room.flagged')}</span>}
      {ctx.moderator && ctx.outranks(c.authorId) && (
        <RoomReasonAction
          label={t('room.hide')}
          fieldLabel={t('room.hideReason')}
          submitLabel={t('room.hideSubmit')}
          onSubmit={(reason) => ctx.change((live) => live.moderation.hide(c.id, reason))}
          afterDone={back}
        />
      )}
      {ctx.moderator && (
        <button type="button" onClick={() => void ctx.pin(c, !pinned)}>
          {pinned ? t('room.unpin') : t('room.pin')}
        </button>
      )}
    </div>
  );
}

/** Edits one's own comment in place; focus goes into the text, and back to the comment after. */
function EditForm({
  comment: c,
  ctx,
  onClose,
}: {
  comment: RoomComment;
  ctx: CommentContext;
  onClose: () => void;
}) {
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);

  const close = () => {
    onClose();
    requestAnimationFrame(() => focusComment(c.id));
  };

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = field(new FormData(event.currentTarget), 'body').trim();
    if (!body) return;
    if (body === c.body || (await ctx.change((live) => live.comments.edit(c.id, body)))) close();
  }

  return (
    <form
      className="reason-form"
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        close();
      }}
    >
      <p className="field">
        <label htmlFor={`edit-${c.id}`}>{t('room.editLabel')}</label>
        <textarea
          ref={input}
          id={`edit-${c.id}`}
          name="body"
          rows={3}
          maxLength={10000}
          required
          defaultValue={c.body}
        />
      </p>
      <p className="actions">
        <button type="submit" className="primary">
          {t('room.save')}
        </button>
        <button type="button" onClick={close}>
          {t('common.cancel')}
        </button>
      </p>
    </form>
  );
}
