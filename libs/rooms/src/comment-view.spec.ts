import { Types } from 'mongoose';
import type { CommentRecord } from './comment.schema';
import { toCommentView } from './comment-view';
import { EMOJI_PATTERN } from './dto/room.dto';

function record(overrides: Partial<CommentRecord> = {}): CommentRecord {
  const at = new Date('2026-11-27T10:00:00.000Z');
  return {
    _id: new Types.ObjectId(),
    coalitionId: new Types.ObjectId(),
    seq: 7,
    authorId: new Types.ObjectId(),
    organisationId: null,
    clientMsgId: 'm-1',
    body: 'The body',
    parentId: null,
    anchor: null,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    deletedById: null,
    hidden: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

const reactions = [{ emoji: '👍', count: 1, userIds: ['u1'] }];

describe('toCommentView', () => {
  it('shows a plain comment alike to everyone', () => {
    const c = record();
    expect(toCommentView(c, 'public', reactions)).toEqual(toCommentView(c, 'moderator', reactions));
    expect(toCommentView(c, 'public', reactions)).toMatchObject({
      body: 'The body',
      hidden: false,
      deleted: false,
      reactions,
    });
  });

  it('gives moderators a hidden comment with its reason, and others a placeholder', () => {
    const byId = new Types.ObjectId();
    const c = record({ hidden: { byId, reason: 'Personal attack', at: new Date() } });
    const others = toCommentView(c, 'public', reactions);
    expect(others).toMatchObject({ hidden: true, body: '', reactions: [] });
    expect(others).not.toHaveProperty('hiddenReason');
    expect(others).not.toHaveProperty('hiddenById');
    expect(toCommentView(c, 'moderator', reactions)).toMatchObject({
      reactions,
      hidden: true,
      body: 'The body',
      hiddenReason: 'Personal attack',
      hiddenById: byId.toString(),
    });
  });

  it('keeps a deleted comment as a tombstone with no body or reactions, even for moderators', () => {
    const c = record({
      body: '',
      deletedAt: new Date(),
      deletedBy: 'moderator',
      hidden: { byId: new Types.ObjectId(), reason: 'r', at: new Date() },
    });
    for (const audience of ['public', 'moderator'] as const) {
      const view = toCommentView(c, audience, reactions);
      expect(view).toMatchObject({
        deleted: true,
        deletedBy: 'moderator',
        body: '',
        hidden: false,
      });
      expect(view.reactions).toEqual([]);
      expect(view.seq).toBe(7);
    }
  });
});

describe('EMOJI_PATTERN', () => {
  it.each(['👍', '👍🏽', '❤️', '🇰🇪', '👩‍👩‍👧', '1️⃣', '#️⃣'])('accepts %s', (emoji) => {
    expect(EMOJI_PATTERN.test(emoji)).toBe(true);
  });
  it.each(['', '1', 'a', 'ok', '👍a', ':+1:'])('refuses %p', (text) => {
    expect(EMOJI_PATTERN.test(text)).toBe(false);
  });
});
