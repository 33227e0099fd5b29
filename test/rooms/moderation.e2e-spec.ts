import type { ErrorBody, RoomComment, RoomFlag, RoomState, RoomSync } from '@accord/client';
import type { Socket } from 'socket.io-client';
import type { TestUser } from '../support/factories';
import { apiError } from '../support/helpers';
import { flush, NO_SUCH_ID, ok, record, refused, RoomKit, roomAudit, say } from '../support/rooms';
import { emitAck, waitForEvent } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

interface FlagReply {
  flag: RoomFlag;
  alreadyFlagged: boolean;
}

type FlagEvent = RoomFlag & { flaggedByName: string; comment: RoomComment };

const forComment = (c: { id: string }) => (v: RoomComment) => v.id === c.id;

describe('live-room moderation and the comment lifecycle (real engine, real clients)', () => {
  let t: TestApp;
  let kit: RoomKit;

  beforeAll(async () => {
    t = await startTestApp();
    kit = new RoomKit(t);
  });

  afterEach(() => {
    kit?.closeSockets();
  });

  afterAll(async () => {
    await t?.close();
  });

  /** GET comments with whatever status it answers. */
  function comments(user: TestUser, coalitionId: string) {
    return user.client.raw<{ items: RoomComment[]; seq: number }>(
      'GET',
      `/coalitions/${coalitionId}/comments`,
    );
  }

  /** POST a comment with whatever status it answers. */
  function postComment(user: TestUser, coalitionId: string, body: string) {
    return user.client.raw<RoomComment & ErrorBody>('POST', `/coalitions/${coalitionId}/comments`, {
      body: { body },
    });
  }

  it('lets only the author edit, and the author or an outranking moderator delete, leaving tombstones', async () => {
    const { c, organiser, mod, ann, bea } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const first = await say(a.socket, c.id, 'First draft');
    const second = await say(a.socket, c.id, 'Second thought');
    const organisers = await say(o.socket, c.id, 'Organiser speaking');

    const edit = (s: Socket, commentId: string, body: string) =>
      emitAck<RoomComment>(s, 'comment:edit', { commentId, body });
    await refused(edit(b.socket, first.id, 'Hijacked'), 'FORBIDDEN');
    await refused(edit(m.socket, first.id, 'Moderated wording'), 'FORBIDDEN');
    await refused(edit(a.socket, first.id, '   '), 'VALIDATION', 'body');
    await refused(edit(a.socket, 'not-an-id', 'x'), 'VALIDATION', 'commentId');
    await refused(edit(a.socket, NO_SUCH_ID, 'x'), 'NOT_FOUND');

    const heard = waitForEvent<RoomComment>(b.socket, 'comment:updated', forComment(first));
    const edited = await ok(edit(a.socket, first.id, ' Final wording '));
    expect(edited).toMatchObject({ id: first.id, seq: first.seq, body: 'Final wording' });
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(await heard).toMatchObject({
      id: first.id,
      body: 'Final wording',
      editedAt: edited.editedAt,
    });

    const del = (s: Socket, commentId: string) =>
      emitAck<RoomComment>(s, 'comment:delete', { commentId });
    await refused(del(b.socket, first.id), 'FORBIDDEN');
    await refused(del(m.socket, organisers.id), 'FORBIDDEN');

    const tombstone = { deleted: true, body: '', reactions: [] };
    const gone = waitForEvent<RoomComment>(b.socket, 'comment:deleted', forComment(second));
    const own = await ok(del(a.socket, second.id));
    expect(own).toMatchObject({ ...tombstone, id: second.id, seq: 2, deletedBy: 'author' });
    expect(await gone).toMatchObject({ ...tombstone, id: second.id, deletedBy: 'author' });

    const removed = waitForEvent<RoomComment>(a.socket, 'comment:deleted', forComment(first));
    const moderated = await ok(del(m.socket, first.id));
    expect(moderated).toMatchObject({ ...tombstone, id: first.id, seq: 1, deletedBy: 'moderator' });
    expect(await removed).toMatchObject({ ...tombstone, id: first.id, deletedBy: 'moderator' });
    await refused(edit(a.socket, first.id, 'Undo'), 'CONFLICT');

    const listed = await ann.client.coalitions.comments(c.id);
    expect(listed.items.map((x) => [x.seq, x.deleted, x.deletedBy, x.body])).toEqual([
      [1, true, 'moderator', ''],
      [2, true, 'author', ''],
      [3, false, null, 'Organiser speaking'],
    ]);

    // Only the moderator's deletion is audited; the author's own is not.
    expect(await roomAudit(organiser, c.id)).toEqual([
      expect.objectContaining({
        action: 'room.comment.deleted',
        actorId: mod.user.id,
        target: { type: 'comment', id: first.id },
      }),
    ]);
    expect((await mod.client.raw('GET', `/coalitions/${c.id}/audit`)).status).toBe(403);
    expect((await ann.client.raw('GET', `/coalitions/${c.id}/audit`)).status).toBe(403);
  });

  it('counts one reaction per person and emoji, refuses what is not one emoji, and observers', async () => {
    const { c, ann, bea, obs } = await kit.room('public', {
      ann: 'member',
      bea: 'member',
      obs: 'observer',
    });
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const o = await kit.enter(obs, c.id);
    const x = await say(a.socket, c.id, 'React to me');
    const react = (s: Socket, emoji: unknown, remove?: boolean) =>
      emitAck<RoomComment>(s, 'comment:react', {
        commentId: x.id,
        emoji,
        ...(remove === undefined ? {} : { remove }),
      });

    const heard = waitForEvent<RoomComment>(
      o.socket,
      'comment:updated',
      (v) => v.id === x.id && v.reactions.length > 0,
    );
    const thumbs = await ok(react(b.socket, '👍'));
    expect(thumbs.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bea.user.id] }]);
    expect((await heard).reactions).toEqual(thumbs.reactions);
    expect((await ok(react(b.socket, '👍'))).reactions).toEqual(thumbs.reactions);

    expect((await ok(react(a.socket, '👍'))).reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [bea.user.id, ann.user.id] },
    ]);
    await ok(react(b.socket, '🇰🇪'));
    await ok(react(b.socket, '👍🏽'));
    const taken = await ok(react(b.socket, '👍', true));
    expect(taken.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [ann.user.id] },
      { emoji: '🇰🇪', count: 1, userIds: [bea.user.id] },
      { emoji: '👍🏽', count: 1, userIds: [bea.user.id] },
    ]);

    for (const bad of ['a', '👍👍', '', ':+1:', 7]) {
      await refused(react(b.socket, bad), 'VALIDATION', 'emoji');
    }
    await refused(react(o.socket, '👍'), 'FORBIDDEN');
    await refused(
      emitAck(b.socket, 'comment:react', { commentId: NO_SUCH_ID, emoji: '👍' }),
      'NOT_FOUND',
    );
    expect(b.socket.connected).toBe(true);
    await ok(react(b.socket, '🎉'));
    const listed = await obs.client.coalitions.comments(c.id);
    expect(listed.items[0].reactions.map((r) => [r.emoji, r.count])).toEqual([
      ['👍', 1],
      ['🇰🇪', 1],
      ['👍🏽', 1],
      ['🎉', 1],
    ]);
  });

  it('takes flags from any member (observers too), alerts moderators live, and keeps a queue', async () => {
    const { c, organiser, mod, ann, bea, obs, out } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
      obs: 'observer',
      out: 'outsider',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const ob = await kit.enter(obs, c.id);
    const toMod = record<FlagEvent>(m.socket, 'flag:created');
    const toOrganiser = record<FlagEvent>(o.socket, 'flag:created');
    const toMember = record<FlagEvent>(b.socket, 'flag:created');
    const toObserver = record<FlagEvent>(ob.socket, 'flag:created');
    const x1 = await say(a.socket, c.id, 'You are all wrong');
    const x2 = await say(a.socket, c.id, 'Buy cheap watches');
    const x3 = await say(a.socket, c.id, 'Unrelated musings');
    const flag = (s: Socket, commentId: string, reason: unknown) =>
      emitAck<FlagReply>(s, 'comment:flag', { commentId, reason });

    await refused(flag(a.socket, x1.id, 'I regret it'), 'FORBIDDEN');
    await refused(flag(b.socket, x1.id, ''), 'VALIDATION', 'reason');
    await refused(emitAck(b.socket, 'comment:flag', { commentId: x1.id }), 'VALIDATION', 'reason');

    const alert = waitForEvent<FlagEvent>(m.socket, 'flag:created', (f) => f.commentId === x1.id);
    const first = await ok(flag(ob.socket, x1.id, 'Personal attack'));
    expect(first).toEqual({
      alreadyFlagged: false,
      flag: {
        id: expect.any(String),
        coalitionId: c.id,
        commentId: x1.id,
        userId: obs.user.id,
        reason: 'Personal attack',
        createdAt: expect.any(String),
      },
    });
    expect(await alert).toEqual({
      ...first.flag,
      flaggedByName: 'obs',
      comment: expect.objectContaining({ id: x1.id, body: 'You are all wrong' }),
    });
    const again = await ok(flag(ob.socket, x1.id, 'Still offensive'));
    expect(again).toEqual({ alreadyFlagged: true, flag: first.flag });
    await ok(flag(b.socket, x2.id, 'Spam'));
    await ok(flag(b.socket, x3.id, 'Off topic'));

    await Promise.all([m, o, b, ob].map(({ socket }) => flush(socket)));
    expect(toMod.map((f) => f.commentId)).toEqual([x1.id, x2.id, x3.id]);
    expect(toOrganiser.map((f) => f.commentId)).toEqual([x1.id, x2.id, x3.id]);
    expect(toMember).toEqual([]);
    expect(toObserver).toEqual([]);

    const open = await mod.client.coalitions.flags(c.id);
    expect(open).toMatchObject({ total: 3, page: 1, limit: 20 });
    expect(open.items.map((i) => i.commentId)).toEqual([x3.id, x2.id, x1.id]);
    expect(open.items[2]).toEqual({
      ...first.flag,
      flaggedByName: 'obs',
      status: 'open',
      resolution: null,
      comment: expect.objectContaining({ id: x1.id, body: 'You are all wrong', hidden: false }),
    });
    const paged = await mod.client.coalitions.flags(c.id, { page: 2, limit: 2 });
    expect(paged).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(paged.items.map((i) => i.commentId)).toEqual([x1.id]);

    await ok(emitAck(m.socket, 'mod:hide', { commentId: x1.id, reason: 'Abusive' }));
    await ok(emitAck(m.socket, 'comment:delete', { commentId: x2.id }));
    const stillOpen = await organiser.client.coalitions.flags(c.id, { status: 'open' });
    expect(stillOpen.items.map((i) => [i.commentId, i.status])).toEqual([[x3.id, 'open']]);
    expect(stillOpen.total).toBe(1);
    const resolved = await mod.client.coalitions.flags(c.id, { status: 'resolved' });
    expect(resolved.items.map((i) => [i.commentId, i.status, i.resolution])).toEqual([
      [x2.id, 'resolved', 'deleted'],
      [x1.id, 'resolved', 'hidden'],
    ]);
    expect(resolved.items[1].comment).toMatchObject({
      hidden: true,
      body: 'You are all wrong',
      hiddenReason: 'Abusive',
    });
    expect(resolved.items[0].comment).toMatchObject({ deleted: true, body: '' });
    expect((await mod.client.coalitions.flags(c.id, { status: 'all' })).total).toBe(3);

    for (const [who, status] of [
      [bea, 403],
      [obs, 403],
      [out, 404],
    ] as const) {
      expect((await apiError(who.client.coalitions.flags(c.id))).status).toBe(status);
    }
    const badStatus = await mod.client.raw('GET', `/coalitions/${c.id}/flags`, {
      query: { status: 'closed' },
    });
    expect(badStatus.status).toBe(400);
  });

  it('hides a comment from everyone but moderators (live, on join, sync and REST) and unhides it', async () => {
    const { c, organiser, mod, ann, bea } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const x = await say(a.socket, c.id, 'Something rude');

    await refused(
      emitAck(m.socket, 'mod:hide', { commentId: x.id, reason: '   ' }),
      'VALIDATION',
      'reason',
    );
    const toMember = waitForEvent<RoomComment>(b.socket, 'comment:hidden', forComment(x));
    const toAuthor = waitForEvent<RoomComment>(a.socket, 'comment:hidden', forComment(x));
    const toOrganiser = waitForEvent<RoomComment>(o.socket, 'comment:hidden', forComment(x));
    const hidden = await ok(
      emitAck<RoomComment>(m.socket, 'mod:hide', { commentId: x.id, reason: 'Off topic' }),
    );
    const forModerators = {
      id: x.id,
      hidden: true,
      body: 'Something rude',
      hiddenReason: 'Off topic',
      hiddenById: mod.user.id,
    };
    expect(hidden).toMatchObject(forModerators);
    const expectPlaceholder = (v: RoomComment | undefined) => {
      expect(v).toMatchObject({ id: x.id, seq: x.seq, hidden: true, body: '' });
      expect(v).not.toHaveProperty('hiddenReason');
      expect(v).not.toHaveProperty('hiddenById');
    };
    expectPlaceholder(await toMember);
    expectPlaceholder(await toAuthor);
    expect(await toOrganiser).toMatchObject(forModerators);

    const memberJoin = await kit.enter(bea, c.id);
    expectPlaceholder(memberJoin.snapshot.comments.find(forComment(x)));
    const organiserJoin = await kit.enter(organiser, c.id);
    expect(organiserJoin.snapshot.comments.find(forComment(x))).toMatchObject(forModerators);
    const sync = (s: Socket) =>
      ok(emitAck<RoomSync>(s, 'room:sync', { coalitionId: c.id, afterSeq: 0 }));
    expectPlaceholder((await sync(b.socket)).comments[0]);
    expect((await sync(m.socket)).comments[0]).toMatchObject(forModerators);
    expectPlaceholder((await bea.client.coalitions.comments(c.id)).items[0]);
    expect((await mod.client.coalitions.comments(c.id)).items[0]).toMatchObject(forModerators);
    await refused(emitAck(b.socket, 'comment:react', { commentId: x.id, emoji: '👍' }), 'CONFLICT');

    const shownToMember = waitForEvent<RoomComment>(b.socket, 'comment:updated', forComment(x));
    const shownToOrganiser = waitForEvent<RoomComment>(o.socket, 'comment:updated', forComment(x));
    const shown = await ok(
      emitAck<RoomComment>(m.socket, 'mod:unhide', { commentId: x.id, reason: 'Fair enough' }),
    );
    expect(shown).toMatchObject({ id: x.id, hidden: false, body: 'Something rude' });
    expect(shown).not.toHaveProperty('hiddenReason');
    expect(await shownToMember).toMatchObject({ hidden: false, body: 'Something rude' });
    expect(await shownToOrganiser).toMatchObject({ hidden: false, body: 'Something rude' });

    expect(await roomAudit(organiser, c.id)).toEqual([
      expect.objectContaining({
        action: 'room.comment.hidden',
        actorId: mod.user.id,
        target: { type: 'comment', id: x.id },
        data: expect.objectContaining({ reason: 'Off topic' }),
      }),
      expect.objectContaining({
        action: 'room.comment.unhidden',
        actorId: mod.user.id,
        target: { type: 'comment', id: x.id },
        data: expect.objectContaining({ reason: 'Fair enough' }),
      }),
    ]);
  });

  it('mutes someone: all their sockets are told, they read but cannot write until it is lifted', async () => {
    const { c, organiser, mod, ann } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const otherTab = await kit.open(ann);
    const before = await say(a.socket, c.id, 'Before the mute');
    const modSays = await say(m.socket, c.id, 'Calm down please');

    const told = [a.socket, otherTab].map((s) =>
      waitForEvent<{ coalitionId: string; mutedUntil: string | null }>(
        s,
        'room:muted',
        (e) => e.coalitionId === c.id && e.mutedUntil !== null,
      ),
    );
    const asked = Date.now();
    const muted = await ok(
      emitAck<{ userId: string; mutedUntil: string }>(m.socket, 'mod:mute', {
        coalitionId: c.id,
        userId: ann.user.id,
        minutes: 10,
      }),
    );
    expect(muted).toEqual({ userId: ann.user.id, mutedUntil: expect.any(String) });
    expect(Date.parse(muted.mutedUntil)).toBeGreaterThanOrEqual(asked + 10 * 60_000 - 1000);
    for (const notice of await Promise.all(told)) {
      expect(notice).toEqual({ coalitionId: c.id, mutedUntil: muted.mutedUntil });
    }

    await refused(
      emitAck(a.socket, 'comment:create', { coalitionId: c.id, body: 'x', clientMsgId: 'mu-1' }),
      'MUTED',
    );
    await refused(
      emitAck(a.socket, 'comment:edit', { commentId: before.id, body: 'Edited' }),
      'MUTED',
    );
    await refused(
      emitAck(a.socket, 'comment:react', { commentId: modSays.id, emoji: '👎' }),
      'MUTED',
    );
    const rest = await postComment(ann, c.id, 'Over REST');
    expect(rest.status).toBe(403);
    expect(rest.body.code).toBe('MUTED');
    const joined = await ok(
      emitAck<{ mutedUntil: string | null }>(otherTab, 'room:join', {
        coalitionId: c.id,
      }),
    );
    expect(joined.mutedUntil).toBe(muted.mutedUntil);
    // Reading goes on.
    expect((await comments(ann, c.id)).status).toBe(200);

    await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: -1 }),
      'VALIDATION',
      'minutes',
    );
    await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 1.5 }),
      'VALIDATION',
      'minutes',
    );
    await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: 'ann', minutes: 5 }),
      'VALIDATION',
      'userId',
    );
    await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: NO_SUCH_ID, minutes: 5 }),
      'NOT_FOUND',
    );

    const lifted = waitForEvent<{ mutedUntil: string | null }>(
      a.socket,
      'room:muted',
      (e) => e.mutedUntil === null,
    );
    expect(
      await ok(
        emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 0 }),
      ),
    ).toEqual({ userId: ann.user.id, mutedUntil: null });
    expect(await lifted).toEqual({ coalitionId: c.id, mutedUntil: null });
    await say(a.socket, c.id, 'Free again');
    expect((await postComment(ann, c.id, 'And over REST')).status).toBe(201);

    expect(await roomAudit(organiser, c.id)).toEqual([
      expect.objectContaining({
        action: 'room.user.muted',
        actorId: mod.user.id,
        target: { type: 'user', id: ann.user.id },
        data: expect.objectContaining({ minutes: 10, until: muted.mutedUntil }),
      }),
      expect.objectContaining({
        action: 'room.user.unmuted',
        actorId: mod.user.id,
        target: { type: 'user', id: ann.user.id },
      }),
    ]);
  });

  it('kicks someone: every socket of theirs leaves the room and its broadcasts, and they may rejoin', async () => {
    const { c, organiser, mod, ann } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const tabs = [await kit.enter(ann, c.id), await kit.enter(ann, c.id)];
    const elsewhere = await kit.open(ann);
    const removed = [...tabs.map(({ socket }) => socket), elsewhere].map((socket) =>
      waitForEvent(socket, 'room:removed'),
    );
    const seenByAnn = tabs.map(({ socket }) => record<RoomComment>(socket, 'comment:created'));
    const presence = waitForEvent<{ users: { userId: string }[] }>(
      m.socket,
      'presence:update',
      (p) => !p.users.some((u) => u.userId === ann.user.id),
    );

    expect(
      await ok(emitAck(m.socket, 'mod:kick', { coalitionId: c.id, userId: ann.user.id })),
    ).toEqual({ userId: ann.user.id });
    for (const notice of await Promise.all(removed)) {
      expect(notice).toEqual({ coalitionId: c.id, reason: 'kicked' });
    }
    expect((await presence).users.map((u) => u.userId).sort()).toEqual(
      [organiser.user.id, mod.user.id].sort(),
    );

    const heard = waitForEvent<RoomComment>(
      m.socket,
      'comment:created',
      (v) => v.body === 'After the kick',
    );
    await say(o.socket, c.id, 'After the kick');
    await heard;
    await Promise.all(tabs.map(({ socket }) => flush(socket)));
    expect(seenByAnn).toEqual([[], []]);
    await refused(
      emitAck(tabs[0].socket, 'comment:create', {
        coalitionId: c.id,
        body: 'Let me in',
        clientMsgId: 'k-1',
      }),
      'FORBIDDEN',
    );
    await refused(
      emitAck(tabs[1].socket, 'typing', { coalitionId: c.id, isTyping: true }),
      'FORBIDDEN',
    );

    const back = await ok(
      emitAck<{ role: string }>(tabs[0].socket, 'room:join', { coalitionId: c.id }),
    );
    expect(back.role).toBe('member');
    const welcome = waitForEvent<RoomComment>(
      tabs[0].socket,
      'comment:created',
      (v) => v.body === 'Welcome back',
    );
    await say(o.socket, c.id, 'Welcome back');
    await welcome;

    expect(await roomAudit(organiser, c.id)).toEqual([
      expect.objectContaining({
        action: 'room.user.kicked',
        actorId: mod.user.id,
        target: { type: 'user', id: ann.user.id },
      }),
    ]);
  });

  it('bans someone from the room and its REST routes until they are unbanned', async () => {
    const { c, organiser, mod, ann } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const mine = await say(a.socket, c.id, 'Before the ban');
    const theirs = await say(m.socket, c.id, 'Moderator note');
    await flush(a.socket);
    const seenByAnn = record<RoomComment>(a.socket, 'comment:created');
    const removed = waitForEvent(a.socket, 'room:removed');
    expect(
      await ok(emitAck(m.socket, 'mod:ban', { coalitionId: c.id, userId: ann.user.id })),
    ).toEqual({ userId: ann.user.id, banned: true });
    expect(await removed).toEqual({ coalitionId: c.id, reason: 'banned' });

    await say(m.socket, c.id, 'After the ban');
    await flush(a.socket);
    expect(seenByAnn).toEqual([]);
    await refused(emitAck(a.socket, 'room:join', { coalitionId: c.id }), 'FORBIDDEN');
    await refused(emitAck(a.socket, 'room:sync', { coalitionId: c.id, afterSeq: 0 }), 'FORBIDDEN');
    await refused(
      emitAck(a.socket, 'comment:edit', { commentId: mine.id, body: 'Edited' }),
      'FORBIDDEN',
    );
    await refused(
      emitAck(a.socket, 'comment:flag', { commentId: theirs.id, reason: 'Unfair' }),
      'FORBIDDEN',
    );
    const fresh = await kit.open(ann);
    await refused(emitAck(fresh, 'room:join', { coalitionId: c.id }), 'FORBIDDEN');
    expect(fresh.connected).toBe(true);
    const listed = await comments(ann, c.id);
    expect(listed.status).toBe(403);
    const posted = await postComment(ann, c.id, 'Let me back');
    expect(posted.status).toBe(403);
    expect(posted.body.code).toBe('FORBIDDEN');

    expect(
      await ok(emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: ann.user.id })),
    ).toEqual({ userId: ann.user.id, banned: false });
    await ok(emitAck(fresh, 'room:join', { coalitionId: c.id }));
    await say(fresh, c.id, 'Thank you');
    expect((await comments(ann, c.id)).status).toBe(200);

    const audit = await roomAudit(organiser, c.id);
    expect(audit.map((e) => [e.action, e.actorId, e.target])).toEqual([
      ['room.user.banned', mod.user.id, { type: 'user', id: ann.user.id }],
      ['room.user.unbanned', mod.user.id, { type: 'user', id: ann.user.id }],
    ]);
  });

  it('locks the room: members get ROOM_LOCKED (REST 423) while moderators still write', async () => {
    const { c, organiser, mod, ann } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const told = waitForEvent<RoomState>(a.socket, 'room:updated', (u) => u.locked);
    const state = await ok(emitAck(m.socket, 'mod:lock', { coalitionId: c.id, locked: true }));
    expect(state).toMatchObject({ coalitionId: c.id, locked: true, slowModeSeconds: 0 });
    expect(await told).toEqual({
      coalitionId: c.id,
      locked: true,
      slowModeSeconds: 0,
      pinnedCommentId: null,
    });

    await refused(
      emitAck(a.socket, 'comment:create', {
        coalitionId: c.id,
        body: 'Hello?',
        clientMsgId: 'l-1',
      }),
      'ROOM_LOCKED',
    );
    const rest = await postComment(ann, c.id, 'Hello over REST?');
    expect(rest.status).toBe(423);
    expect(rest.body.code).toBe('ROOM_LOCKED');
    await say(m.socket, c.id, 'Moderators may');
    await say(o.socket, c.id, 'Organisers may');
    expect((await postComment(mod, c.id, 'Also over REST')).status).toBe(201);
    const late = await kit.enter(ann, c.id);
    expect(late.snapshot.locked).toBe(true);
    await refused(
      emitAck(m.socket, 'mod:lock', { coalitionId: c.id, locked: 'yes' }),
      'VALIDATION',
      'locked',
    );

    const reopened = waitForEvent<RoomState>(a.socket, 'room:updated', (u) => !u.locked);
    await ok(emitAck(m.socket, 'mod:lock', { coalitionId: c.id, locked: false }));
    expect(await reopened).toMatchObject({ coalitionId: c.id, locked: false });
    await say(a.socket, c.id, 'Open again');

    const audit = await roomAudit(organiser, c.id);
    expect(audit.map((e) => [e.action, e.actorId, e.target])).toEqual([
      ['room.locked', mod.user.id, { type: 'room', id: c.id }],
      ['room.unlocked', mod.user.id, { type: 'room', id: c.id }],
    ]);
  });

  it('slows the room: one comment per window for members, retries still answered, moderators exempt', async () => {
    const { c, organiser, mod, ann } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const told = waitForEvent<RoomState>(a.socket, 'room:updated', (u) => u.slowModeSeconds > 0);
    await ok(emitAck(m.socket, 'mod:slow', { coalitionId: c.id, seconds: 60 }));
    expect(await told).toEqual({
      coalitionId: c.id,
      locked: false,
      slowModeSeconds: 60,
      pinnedCommentId: null,
    });

    const first = await say(a.socket, c.id, 'One', 'slow-1');
    await refused(
      emitAck(a.socket, 'comment:create', {
        coalitionId: c.id,
        body: 'Two',
        clientMsgId: 'slow-2',
      }),
      'RATE_LIMITED',
    );
    const retry = await say(a.socket, c.id, 'One', 'slow-1');
    expect(retry.id).toBe(first.id);
    const rest = await postComment(ann, c.id, 'Two over REST');
    expect(rest.status).toBe(429);
    expect(rest.body.code).toBe('RATE_LIMITED');
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
    await say(m.socket, c.id, 'Moderator one');
    await say(m.socket, c.id, 'Moderator two');
    const snapshot = await kit.enter(ann, c.id);
    expect(snapshot.snapshot.slowModeSeconds).toBe(60);

    await refused(
      emitAck(m.socket, 'mod:slow', { coalitionId: c.id, seconds: 3601 }),
      'VALIDATION',
      'seconds',
    );
    await refused(
      emitAck(m.socket, 'mod:slow', { coalitionId: c.id, seconds: -5 }),
      'VALIDATION',
      'seconds',
    );
    await ok(emitAck(m.socket, 'mod:slow', { coalitionId: c.id, seconds: 0 }));
    await say(a.socket, c.id, 'Two', 'slow-2');

    const audit = await roomAudit(organiser, c.id);
    expect(audit.map((e) => [e.action, e.actorId, e.target, e.data])).toEqual([
      ['room.slow_mode_changed', mod.user.id, { type: 'room', id: c.id }, { from: 0, to: 60 }],
      ['room.slow_mode_changed', mod.user.id, { type: 'room', id: c.id }, { from: 60, to: 0 }],
    ]);
  });

  it('in slow mode, stores only one of several comments a member sends at once', async () => {
    const { c, mod, ann } = await kit.room('public', { mod: 'moderator', ann: 'member' });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    await ok(emitAck(m.socket, 'mod:slow', { coalitionId: c.id, seconds: 60 }));
    const acks = await Promise.all(
      [1, 2, 3].map((i) =>
        emitAck<RoomComment>(a.socket, 'comment:create', {
          coalitionId: c.id,
          body: `Burst ${i}`,
          clientMsgId: `burst-${i}`,
        }),
      ),
    );
    const stored = (await mod.client.coalitions.comments(c.id)).items;
    expect(stored.map((x) => x.authorId)).toEqual([ann.user.id]);
    expect(acks.filter((x) => x.ok)).toHaveLength(1);
    expect(acks.filter((x) => !x.ok).map((x) => x.error?.code)).toEqual([
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });

  it('pins one comment at a time and unpins it, announcing room:updated', async () => {
    const { c, organiser, mod, ann } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const x1 = await say(a.socket, c.id, 'Pin me');
    const x2 = await say(a.socket, c.id, 'Or me');
    const x3 = await say(a.socket, c.id, 'Hide me');
    const pin = (commentId: string, pinned?: unknown) =>
      emitAck<RoomState>(m.socket, 'mod:pin', {
        commentId,
        ...(pinned === undefined ? {} : { pinned }),
      });
    const announced = (id: string | null) =>
      waitForEvent<RoomState>(a.socket, 'room:updated', (u) => u.pinnedCommentId === id);

    await refused(emitAck(a.socket, 'mod:pin', { commentId: x1.id }), 'FORBIDDEN');
    let told = announced(x1.id);
    expect(await ok(pin(x1.id))).toMatchObject({ coalitionId: c.id, pinnedCommentId: x1.id });
    expect(await told).toEqual({
      coalitionId: c.id,
      locked: false,
      slowModeSeconds: 0,
      pinnedCommentId: x1.id,
    });
    expect((await kit.enter(ann, c.id)).snapshot.pinnedCommentId).toBe(x1.id);

    told = announced(x2.id);
    await ok(pin(x2.id, true));
    await told;
    // Unpinning a comment that is not the pinned one changes nothing.
    expect(await ok(pin(x1.id, false))).toMatchObject({ pinnedCommentId: x2.id });
    told = announced(null);
    expect(await ok(pin(x2.id, false))).toMatchObject({ pinnedCommentId: null });
    await told;

    await ok(emitAck(m.socket, 'mod:hide', { commentId: x3.id, reason: 'Spoiler' }));
    await refused(pin(x3.id), 'CONFLICT');
    await refused(pin(NO_SUCH_ID), 'NOT_FOUND');
    await refused(pin(x1.id, 'yes'), 'VALIDATION', 'pinned');

    const audit = await roomAudit(organiser, c.id);
    expect(audit.map((e) => [e.action, e.actorId, e.target, e.data.commentId])).toEqual([
      ['room.comment.pinned', mod.user.id, { type: 'room', id: c.id }, x1.id],
      ['room.comment.pinned', mod.user.id, { type: 'room', id: c.id }, x2.id],
      ['room.comment.unpinned', mod.user.id, { type: 'room', id: c.id }, x2.id],
      ['room.comment.hidden', mod.user.id, { type: 'comment', id: x3.id }, undefined],
    ]);

    // A pinned comment that gets hidden or deleted stops being the pinned one, announced.
    told = announced(x1.id);
    await ok(pin(x1.id));
    await told;
    told = announced(null);
    await ok(emitAck(m.socket, 'mod:hide', { commentId: x1.id, reason: 'Outdated' }));
    await told;
    told = announced(x2.id);
    await ok(pin(x2.id));
    await told;
    told = announced(null);
    await ok(emitAck(a.socket, 'comment:delete', { commentId: x2.id }));
    await told;
    expect((await kit.enter(ann, c.id)).snapshot.pinnedCommentId).toBeNull();
  });

  it('applies the rank rules: nobody acts on themselves or on an equal or higher rank', async () => {
    const { c, organiser, mod, mod2, ann } = await kit.room('private', {
      mod: 'moderator',
      mod2: 'moderator',
      ann: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const m2 = await kit.enter(mod2, c.id);
    const a = await kit.enter(ann, c.id);
    const byOrganiser = await say(o.socket, c.id, 'From the organiser');
    const byMod2 = await say(m2.socket, c.id, 'From the other moderator');
    const byMod = await say(m.socket, c.id, 'My own');
    const byAnn = await say(a.socket, c.id, 'From a member');
    const against = (userId: string): [string, object][] => [
      ['mod:mute', { coalitionId: c.id, userId, minutes: 5 }],
      ['mod:kick', { coalitionId: c.id, userId }],
      ['mod:ban', { coalitionId: c.id, userId }],
      ['mod:unban', { coalitionId: c.id, userId }],
    ];

    for (const target of [organiser, mod2, mod]) {
      for (const [event, payload] of against(target.user.id)) {
        await refused(emitAck(m.socket, event, payload), 'FORBIDDEN');
      }
    }
    for (const x of [byOrganiser, byMod2, byMod]) {
      await refused(emitAck(m.socket, 'mod:hide', { commentId: x.id, reason: 'No' }), 'FORBIDDEN');
    }
    for (const x of [byOrganiser, byMod2]) {
      await refused(emitAck(m.socket, 'comment:delete', { commentId: x.id }), 'FORBIDDEN');
    }
    for (const [event, payload] of against(organiser.user.id)) {
      await refused(emitAck(o.socket, event, payload), 'FORBIDDEN');
    }
    await refused(
      emitAck(o.socket, 'mod:hide', { commentId: byOrganiser.id, reason: 'Mine' }),
      'FORBIDDEN',
    );

    // One rank above is enough.
    await ok(emitAck(o.socket, 'mod:hide', { commentId: byMod2.id, reason: 'Too long' }));
    await ok(
      emitAck(o.socket, 'mod:mute', { coalitionId: c.id, userId: mod2.user.id, minutes: 5 }),
    );
    await ok(
      emitAck(o.socket, 'mod:mute', { coalitionId: c.id, userId: mod2.user.id, minutes: 0 }),
    );
    await ok(emitAck(m.socket, 'mod:hide', { commentId: byAnn.id, reason: 'Rude' }));
    expect(m.socket.connected).toBe(true);
    await say(m.socket, c.id, 'Still here');
    // Nothing refused reached the log.
    expect((await roomAudit(organiser, c.id)).map((e) => e.action)).toEqual([
      'room.comment.hidden',
      'room.user.muted',
      'room.user.unmuted',
      'room.comment.hidden',
    ]);
  });

  it('answers FORBIDDEN to members and observers for every mod:* event', async () => {
    const { c, ann, bea, obs } = await kit.room('public', {
      ann: 'member',
      bea: 'member',
      obs: 'observer',
    });
    const b = await kit.enter(bea, c.id);
    const x = await say(b.socket, c.id, 'A target');
    const events: [string, object][] = [
      ['mod:hide', { commentId: x.id, reason: 'r' }],
      ['mod:unhide', { commentId: x.id }],
      ['mod:mute', { coalitionId: c.id, userId: bea.user.id, minutes: 5 }],
      ['mod:kick', { coalitionId: c.id, userId: bea.user.id }],
      ['mod:ban', { coalitionId: c.id, userId: bea.user.id }],
      ['mod:unban', { coalitionId: c.id, userId: bea.user.id }],
      ['mod:lock', { coalitionId: c.id, locked: true }],
      ['mod:slow', { coalitionId: c.id, seconds: 30 }],
      ['mod:pin', { commentId: x.id }],
      ['comment:delete', { commentId: x.id }],
    ];
    for (const who of [ann, obs]) {
      const { socket } = await kit.enter(who, c.id);
      for (const [event, payload] of events) {
        await refused(emitAck(socket, event, payload), 'FORBIDDEN');
      }
      expect(socket.connected).toBe(true);
      expect(
        (await ok(emitAck<RoomSync>(socket, 'room:sync', { coalitionId: c.id, afterSeq: 0 })))
          .comments,
      ).toEqual([expect.objectContaining({ id: x.id, hidden: false, deleted: false })]);
    }
  });

  it('answers FORBIDDEN to a member for mod:* events whatever state the target is in', async () => {
    const { c, mod, ann, bea } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const x = await say(b.socket, c.id, 'Soon hidden');
    await ok(emitAck(m.socket, 'mod:hide', { commentId: x.id, reason: 'Spam' }));
    // A member is no moderator, whether the comment can be pinned or the user exists.
    const answers = await Promise.all([
      emitAck(a.socket, 'mod:pin', { commentId: x.id }),
      emitAck(a.socket, 'mod:mute', { coalitionId: c.id, userId: NO_SUCH_ID, minutes: 5 }),
      emitAck(a.socket, 'mod:kick', { coalitionId: c.id, userId: NO_SUCH_ID }),
    ]);
    expect(answers.map((x) => x.error?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  it('answers NOT_FOUND to an outsider of a private coalition for every event that names it', async () => {
    const { c, ann, out } = await kit.room('private', { ann: 'member', out: 'outsider' });
    const a = await kit.enter(ann, c.id);
    const x = await say(a.socket, c.id, 'Members only');
    const s = await kit.open(out);
    const events: [string, object][] = [
      ['room:join', { coalitionId: c.id }],
      ['room:sync', { coalitionId: c.id, afterSeq: 0 }],
      ['comment:edit', { commentId: x.id, body: 'x' }],
      ['comment:delete', { commentId: x.id }],
      ['comment:react', { commentId: x.id, emoji: '👍' }],
      ['comment:flag', { commentId: x.id, reason: 'r' }],
      ['mod:hide', { commentId: x.id, reason: 'r' }],
      ['mod:unhide', { commentId: x.id }],
      ['mod:pin', { commentId: x.id }],
      ['mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 5 }],
      ['mod:kick', { coalitionId: c.id, userId: ann.user.id }],
      ['mod:ban', { coalitionId: c.id, userId: ann.user.id }],
      ['mod:unban', { coalitionId: c.id, userId: ann.user.id }],
      ['mod:lock', { coalitionId: c.id, locked: true }],
      ['mod:slow', { coalitionId: c.id, seconds: 30 }],
    ];
    for (const [event, payload] of events) {
      await refused(emitAck(s, event, payload), 'NOT_FOUND');
    }
    // Events that need a seat answer the same as for a coalition that does not exist at all.
    for (const [event, payload] of [
      ['typing', { isTyping: true }],
      ['comment:create', { body: 'x', clientMsgId: 'o-1' }],
    ] as const) {
      const real = await emitAck(s, event, { ...payload, coalitionId: c.id });
      const none = await emitAck(s, event, { ...payload, coalitionId: NO_SUCH_ID });
      expect(real).toEqual(none);
    }
    for (const path of ['comments', 'flags', 'audit']) {
      expect((await out.client.raw('GET', `/coalitions/${c.id}/${path}`)).status).toBe(404);
    }
    expect((await postComment(out, c.id, 'x')).status).toBe(404);
    expect(s.connected).toBe(true);
  });

  it('answers NOT_FOUND for unknown comments and VALIDATION naming the field, keeping the socket', async () => {
    const { c, mod } = await kit.room('public', { mod: 'moderator' });
    const m = await kit.enter(mod, c.id);
    const x = await say(m.socket, c.id, 'Exists');
    const unknown: [string, object][] = [
      ['comment:edit', { commentId: NO_SUCH_ID, body: 'x' }],
      ['comment:delete', { commentId: NO_SUCH_ID }],
      ['comment:react', { commentId: NO_SUCH_ID, emoji: '👍' }],
      ['comment:flag', { commentId: NO_SUCH_ID, reason: 'r' }],
      ['mod:hide', { commentId: NO_SUCH_ID, reason: 'r' }],
      ['mod:unhide', { commentId: NO_SUCH_ID }],
      ['mod:pin', { commentId: NO_SUCH_ID }],
      ['mod:kick', { coalitionId: c.id, userId: NO_SUCH_ID }],
      ['mod:lock', { coalitionId: NO_SUCH_ID, locked: true }],
    ];
    for (const [event, payload] of unknown) {
      await refused(emitAck(m.socket, event, payload), 'NOT_FOUND');
    }
    const invalid: [string, unknown, string][] = [
      ['mod:hide', { commentId: 'x', reason: 'r' }, 'commentId'],
      ['mod:hide', { commentId: x.id }, 'reason'],
      ['mod:hide', { commentId: x.id, reason: 'r'.repeat(501) }, 'reason'],
      ['mod:unhide', { commentId: x.id, reason: 5 }, 'reason'],
      ['mod:mute', { coalitionId: c.id, userId: x.authorId, minutes: 'ten' }, 'minutes'],
      ['mod:mute', { coalitionId: c.id, userId: x.authorId, minutes: 43_201 }, 'minutes'],
      ['mod:kick', { coalitionId: 'x', userId: x.authorId }, 'coalitionId'],
      ['mod:ban', { coalitionId: c.id }, 'userId'],
      ['mod:lock', { coalitionId: c.id }, 'locked'],
      ['mod:lock', { coalitionId: c.id, locked: true, $where: '1' }, '$where'],
      ['mod:slow', { coalitionId: c.id, seconds: '60' }, 'seconds'],
      ['mod:pin', { commentId: x.id, pinned: 1 }, 'pinned'],
      ['comment:react', { commentId: x.id, emoji: 'ok' }, 'emoji'],
      ['comment:react', { commentId: x.id, emoji: '👍', remove: 'yes' }, 'remove'],
      ['comment:flag', { commentId: x.id, reason: '' }, 'reason'],
      ['room:sync', { coalitionId: c.id, afterSeq: -1 }, 'afterSeq'],
      ['room:sync', { coalitionId: c.id, afterSeq: 0, updatedSince: 'yesterday' }, 'updatedSince'],
      ['typing', { coalitionId: c.id, isTyping: 'yes' }, 'isTyping'],
    ];
    for (const [event, payload, field] of invalid) {
      await refused(emitAck(m.socket, event, payload), 'VALIDATION', field);
    }
    for (const payload of ['just text', null, 42, [c.id]]) {
      await refused(emitAck(m.socket, 'mod:lock', payload), 'VALIDATION');
    }
    expect(m.socket.connected).toBe(true);
    expect(
      await ok(emitAck(m.socket, 'mod:lock', { coalitionId: c.id, locked: true })),
    ).toMatchObject({ locked: true });
  });

  it('throttles typing: a start at most every 2 s per socket, a stop only after a relayed start', async () => {
    const { c, ann, bea } = await kit.room('public', { ann: 'member', bea: 'member' });
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const relayed = record<{ coalitionId: string; userId: string; isTyping: boolean }>(
      b.socket,
      'typing',
    );
    const typing = (s: Socket, isTyping: boolean) =>
      ok(
        emitAck<{ coalitionId: string; relayed: boolean }>(s, 'typing', {
          coalitionId: c.id,
          isTyping,
        }),
      );

    expect(await typing(a.socket, true)).toEqual({ coalitionId: c.id, relayed: true });
    expect(await typing(a.socket, true)).toEqual({ coalitionId: c.id, relayed: false });
    expect(await typing(a.socket, false)).toEqual({ coalitionId: c.id, relayed: true });
    expect(await typing(a.socket, false)).toEqual({ coalitionId: c.id, relayed: false });
    // Per socket: another tab of the same person has its own throttle.
    const otherTab = await kit.enter(ann, c.id);
    expect(await typing(otherTab.socket, true)).toEqual({ coalitionId: c.id, relayed: true });
    await flush(b.socket);
    expect(relayed).toEqual([
      { coalitionId: c.id, userId: ann.user.id, isTyping: true },
      { coalitionId: c.id, userId: ann.user.id, isTyping: false },
      { coalitionId: c.id, userId: ann.user.id, isTyping: true },
    ]);
  });

  it('replays exactly the 50 comments posted while a client was away, and the changes to older ones', async () => {
    const { c, mod, ann, bea } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const b = await kit.enter(bea, c.id);
    const away = await kit.enter(ann, c.id);
    const older: RoomComment[] = [];
    for (const body of ['Old one', 'Old two', 'Old three'])
      older.push(await say(b.socket, c.id, body));
    const before = await ok(
      emitAck<RoomSync>(away.socket, 'room:sync', { coalitionId: c.id, afterSeq: 0 }),
    );
    expect(before.seq).toBe(3);
    const gone = new Promise<void>((resolve) => away.socket.once('disconnect', () => resolve()));
    away.socket.disconnect();
    await gone;

    // Over REST, which the per-person socket event limit does not apply to; in order.
    const posted: RoomComment[] = [];
    for (let i = 1; i <= 50; i++) {
      posted.push(
        await bea.client.coalitions.postComment(c.id, { body: `Offline ${i}` }, `offline-${i}`),
      );
    }
    await ok(
      emitAck(b.socket, 'comment:edit', { commentId: older[0].id, body: 'Old one, edited' }),
    );
    await ok(emitAck(m.socket, 'mod:hide', { commentId: older[1].id, reason: 'Off topic' }));
    await ok(emitAck(m.socket, 'mod:hide', { commentId: posted[9].id, reason: 'Spam' }));

    const back = await kit.open(ann);
    const sync = await ok(
      emitAck<RoomSync>(back, 'room:sync', {
        coalitionId: c.id,
        afterSeq: before.seq,
        updatedSince: before.syncedAt,
      }),
    );
    expect(sync.seq).toBe(53);
    expect(sync.comments.map((x) => x.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 4));
    expect(sync.comments.map((x) => x.id)).toEqual(posted.map((p) => p.id));
    expect(new Set(sync.comments.map((x) => x.id)).size).toBe(50);
    expect(sync.comments.map((x) => x.body)).toEqual(posted.map((p, i) => (i === 9 ? '' : p.body)));
    expect(sync.comments[9]).toMatchObject({ hidden: true });
    expect(sync.comments[9]).not.toHaveProperty('hiddenReason');

    expect(sync.updated.map((x) => x.id)).toEqual([older[0].id, older[1].id]);
    expect(sync.updated[0]).toMatchObject({
      body: 'Old one, edited',
      editedAt: expect.any(String),
    });
    expect(sync.updated[1]).toMatchObject({ hidden: true, body: '' });
    expect(sync.updated[1]).not.toHaveProperty('hiddenReason');

    // Without updatedSince only the new comments come back; after the last seq nothing does.
    expect(
      (await ok(emitAck<RoomSync>(back, 'room:sync', { coalitionId: c.id, afterSeq: 3 }))).updated,
    ).toEqual([]);
    const next = await ok(
      emitAck<RoomSync>(back, 'room:sync', {
        coalitionId: c.id,
        afterSeq: sync.seq,
        updatedSince: sync.syncedAt,
      }),
    );
    expect(next.comments).toEqual([]);
    expect(next.seq).toBe(53);
  });
});
