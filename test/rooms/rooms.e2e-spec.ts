import { AccordSocketError, type RoomComment } from '@accord/client';
import type { Socket } from 'socket.io-client';
import { createOrganisation, registerUser, type TestUser } from '../support/factories';
import { type AckReply, connectAs, connected, emitAck, waitForEvent } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

interface Snapshot {
  presence: { userId: string }[];
  comments: { seq: number; body: string }[];
  seq: number;
  locked: boolean;
  slowModeSeconds: number;
  role: string | null;
}

interface CommentView {
  id: string;
  seq: number;
  body: string;
  authorId: string;
}

describe('live rooms over socket.io (real engine, real clients)', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  let recommendationId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const reader = await registerUser(t.client());
    recommendationId = (await reader.client.recommendations.get('WP1515-55')).id;
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function open(user: TestUser | string | undefined): Promise<Socket> {
    const token = typeof user === 'object' ? user.accessToken : user;
    const socket = connectAs(t.baseUrl, token);
    sockets.push(socket);
    return connected(socket);
  }

  async function coalition(visibility: 'public' | 'private') {
    const organiser = await registerUser(t.client(), { displayName: 'Organiser' });
    const org = await createOrganisation(organiser, { stakeholderType: 'ngo' });
    const c = await organiser.client.coalitions.create({
      name: `Room ${visibility}`,
      purpose: 'Talk',
      visibility,
      recommendationIds: [recommendationId],
      organisationId: org.id,
    });
    return { organiser, c };
  }

  async function withRole(c: { id: string }, organiser: TestUser, role: 'observer' | 'member') {
    const user = await registerUser(t.client(), { displayName: role });
    const org = await createOrganisation(user, { stakeholderType: 'state' });
    const inv = await organiser.client.coalitions.invite(c.id, {
      email: user.email,
      role,
      organisationId: org.id,
    });
    await user.client.invitations.accept(inv.token);
    return user;
  }

  it('refuses a handshake without a valid token with connect_error "unauthorized"', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const socket = connectAs(t.baseUrl, token);
      sockets.push(socket);
      await expect(connected(socket)).rejects.toThrow('unauthorized');
    }
  });

  it('lets a member join and answers the room snapshot with presence, comments, seq and role', async () => {
    const { organiser, c } = await coalition('private');
    const socket = await open(organiser);
    const ack = await emitAck<Snapshot>(socket, 'room:join', { coalitionId: c.id });
    expect(ack).toEqual(expect.objectContaining({ ok: true, data: expect.anything() }));
    expect(ack.data).toMatchObject({
      comments: [],
      seq: 0,
      locked: false,
      slowModeSeconds: 0,
      role: 'organiser',
    });
    expect(ack.data?.presence.map((p) => p.userId)).toEqual([organiser.user.id]);
  });

  it('answers NOT_FOUND to an outsider joining a private room, and the socket keeps working', async () => {
    const { c } = await coalition('private');
    const outsider = await registerUser(t.client());
    const socket = await open(outsider);
    const ack = await emitAck(socket, 'room:join', { coalitionId: c.id });
    expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await emitAck(socket, 'room:join', { coalitionId: 'nope', extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(socket.connected).toBe(true);
  });

  it('broadcasts a comment to the room, stores a retried clientMsgId once, and replays what was missed', async () => {
    const { organiser, c } = await coalition('public');
    const member = await withRole(c, organiser, 'member');
    const a = await open(organiser);
    const b = await open(member);
    expect((await emitAck(a, 'room:join', { coalitionId: c.id })).ok).toBe(true);
    expect((await emitAck(b, 'room:join', { coalitionId: c.id })).ok).toBe(true);

    const seen = waitForEvent<CommentView>(b, 'comment:created', (x) => x.body === 'First point');
    const first = await emitAck<CommentView>(a, 'comment:create', {
      coalitionId: c.id,
      body: ' First point ',
      clientMsgId: 'm-1',
    });
    expect(first).toMatchObject({
      ok: true,
      data: { seq: 1, body: 'First point', authorId: organiser.user.id },
    });
    expect((await seen).id).toBe(first.data?.id);

    const retry = await emitAck<CommentView>(a, 'comment:create', {
      coalitionId: c.id,
      body: 'First point',
      clientMsgId: 'm-1',
    });
    expect(retry.data?.id).toBe(first.data?.id);

    for (let i = 2; i <= 5; i++) {
      await emitAck(b, 'comment:create', {
        coalitionId: c.id,
        body: `point ${i}`,
        clientMsgId: `b-${i}`,
      });
    }
    const sync = await emitAck<{ comments: CommentView[]; seq: number }>(a, 'room:sync', {
      coalitionId: c.id,
      afterSeq: 2,
    });
    expect(sync.data?.comments.map((x) => x.seq)).toEqual([3, 4, 5]);
    expect(sync.data?.seq).toBe(5);
  });

  it('lets an observer read but not comment (FORBIDDEN), and refuses events before joining', async () => {
    const { organiser, c } = await coalition('private');
    const observer = await withRole(c, organiser, 'observer');
    const socket = await open(observer);
    const early = await emitAck(socket, 'comment:create', {
      coalitionId: c.id,
      body: 'x',
      clientMsgId: 'o-0',
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await emitAck<Snapshot>(socket, 'room:join', { coalitionId: c.id })).data?.role).toBe(
      'observer',
    );
    const ack: AckReply = await emitAck(socket, 'comment:create', {
      coalitionId: c.id,
      body: 'x',
      clientMsgId: 'o-1',
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('counts a person with two tabs once, and relays typing to the others', async () => {
    const { organiser, c } = await coalition('public');
    const member = await withRole(c, organiser, 'member');
    const tab1 = await open(organiser);
    const tab2 = await open(organiser);
    const other = await open(member);
    await emitAck(other, 'room:join', { coalitionId: c.id });
    await emitAck(tab1, 'room:join', { coalitionId: c.id });
    const presence = waitForEvent<{ users: { userId: string }[] }>(
      other,
      'presence:update',
      (p) => p.users.length === 2,
    );
    await emitAck(tab2, 'room:join', { coalitionId: c.id });
    expect((await presence).users.map((u) => u.userId).sort()).toEqual(
      [organiser.user.id, member.user.id].sort(),
    );

    const typing = waitForEvent<{ userId: string; isTyping: boolean }>(other, 'typing');
    await emitAck(tab1, 'typing', { coalitionId: c.id, isTyping: true });
    expect(await typing).toMatchObject({ userId: organiser.user.id, isTyping: true });

    const gone = waitForEvent<{ users: { userId: string }[] }>(
      other,
      'presence:update',
      (p) => p.users.length === 1,
    );
    tab1.disconnect();
    tab2.disconnect();
    expect((await gone).users.map((u) => u.userId)).toEqual([member.user.id]);
  });

  it('takes comments over REST with Idempotency-Key, broadcasts them to the room, and lists them', async () => {
    const { organiser, c } = await coalition('private');
    const listener = await open(organiser);
    await emitAck(listener, 'room:join', { coalitionId: c.id });
    const heard = waitForEvent<CommentView>(
      listener,
      'comment:created',
      (x) => x.body === 'Over REST',
    );
    const post = () =>
      organiser.client.raw<CommentView>('POST', `/coalitions/${c.id}/comments`, {
        body: { body: 'Over REST' },
        headers: { 'idempotency-key': 'rest-key-1' },
      });
    const first = await post();
    const again = await post();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await heard).id).toBe(first.body.id);
    const listed = await organiser.client.raw<{ items: CommentView[]; seq: number }>(
      'GET',
      `/coalitions/${c.id}/comments`,
      {
        query: { afterSeq: 0 },
      },
    );
    expect(listed.body.items.map((x) => x.body)).toEqual(['Over REST']);
    expect(listed.body.seq).toBe(1);

    const outsider = await registerUser(t.client());
    expect((await outsider.client.raw('GET', `/coalitions/${c.id}/comments`)).status).toBe(404);
    expect(
      (await outsider.client.raw('POST', `/coalitions/${c.id}/comments`, { body: { body: 'x' } }))
        .status,
    ).toBe(404);
    const observer = await withRole(c, organiser, 'observer');
    expect(
      (await observer.client.raw('POST', `/coalitions/${c.id}/comments`, { body: { body: 'x' } }))
        .status,
    ).toBe(403);
    const badKey = await organiser.client.raw('POST', `/coalitions/${c.id}/comments`, {
      body: { body: 'x' },
      headers: { 'idempotency-key': 'has spaces' },
    });
    expect(badKey.status).toBe(400);
    const tooLong = await organiser.client.raw('POST', `/coalitions/${c.id}/comments`, {
      body: { body: 'y'.repeat(10_001) },
    });
    expect(tooLong.status).toBe(400);
    expect(
      (await organiser.client.raw<{ seq: number }>('GET', `/coalitions/${c.id}/comments`)).body.seq,
    ).toBe(1);
  });

  it('answers a flood of events with RATE_LIMITED without closing the socket', async () => {
    const { organiser, c } = await coalition('public');
    const socket = await open(organiser);
    await emitAck(socket, 'room:join', { coalitionId: c.id });
    const acks = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        emitAck(socket, 'typing', { coalitionId: c.id, isTyping: i % 2 === 0 }),
      ),
    );
    const limited = acks.filter((a) => !a.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((a) => a.error?.code === 'RATE_LIMITED')).toBe(true);
    expect(socket.connected).toBe(true);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await emitAck(socket, 'typing', { coalitionId: c.id, isTyping: false })).ok).toBe(true);
  });

  it('closes a socket that sends more than 64 KB, storing nothing', async () => {
    const { organiser, c } = await coalition('public');
    const socket = await open(organiser);
    await emitAck(socket, 'room:join', { coalitionId: c.id });
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    socket.emit('comment:create', {
      coalitionId: c.id,
      body: 'x'.repeat(1024 * 1024),
      clientMsgId: 'big',
    });
    await closed;
    const check = await open(organiser);
    const snapshot = await emitAck<Snapshot>(check, 'room:join', { coalitionId: c.id });
    expect(snapshot.data?.seq).toBe(0);
  });

  it('works through the SDK realtime client: typed calls, contract codes as AccordSocketError', async () => {
    const { organiser, c } = await coalition('public');
    const member = await withRole(c, organiser, 'member');
    const live = await member.client
      .realtime({ transports: ['websocket'], reconnection: false })
      .connected();
    const watcher = await organiser.client
      .realtime({ transports: ['websocket'], reconnection: false })
      .connected();
    try {
      const snapshot = await live.room.join(c.id);
      expect(snapshot.role).toBe('member');
      await watcher.room.join(c.id);
      const updated = new Promise<RoomComment>((resolve) =>
        watcher.on('comment:updated', (comment) => {
          if (comment.reactions.length > 0) resolve(comment);
        }),
      );
      const comment = await live.comments.create({
        coalitionId: c.id,
        body: 'via SDK',
        clientMsgId: 'sdk-1',
      });
      const edited = await live.comments.edit(comment.id, 'via SDK, edited');
      expect(edited.editedAt).not.toBeNull();
      const reacted = await live.comments.react(comment.id, '👍');
      expect(reacted.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [member.user.id] }]);
      expect((await updated).body).toBe('via SDK, edited');
      const error = await live.moderation.lock(c.id, true).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AccordSocketError);
      expect(error).toMatchObject({ code: 'FORBIDDEN', event: 'mod:lock' });
      const rest = await member.client.coalitions.comments(c.id, { afterSeq: 0 });
      expect(rest.items.map((i) => i.body)).toEqual(['via SDK, edited']);
      const sync = await live.room.sync(c.id, 0, snapshot.syncedAt);
      expect(sync.comments.map((i) => i.id)).toEqual([comment.id]);
    } finally {
      live.close();
      watcher.close();
    }
  });
});
