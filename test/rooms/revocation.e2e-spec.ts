import type { AuthResult, RoomComment, RoomFlag, RoomSync } from '@accord/client';
import type { Socket } from 'socket.io-client';
import { apiError } from '../support/helpers';
import { flush, ok, record, refused, RoomKit, say } from '../support/rooms';
import { connectAs, connected, emitAck, waitForEvent } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

type FlagEvent = RoomFlag & { comment: RoomComment };

/** Resolves with the reason of the socket's next disconnect. */
function disconnection(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/** What a client sees when the server ends its connection (the packet, or the closed transport). */
const SERVER_ENDED = ['io server disconnect', 'transport close'];

describe('revocation in live rooms: what a person may no longer see stops at once', () => {
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

  it('takes a member removed from a private coalition out of the room on every socket', async () => {
    const { c, organiser, mod, ann } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const tabs = [await kit.enter(ann, c.id), await kit.enter(ann, c.id)];
    const removed = tabs.map(({ socket }) =>
      waitForEvent<{ coalitionId: string; reason: string }>(socket, 'room:removed'),
    );
    const seenByAnn = tabs.map(({ socket }) => record<RoomComment>(socket, 'comment:created'));
    await flush(o.socket); // earlier presence updates have arrived: the next one is the removal's
    const presence = waitForEvent<{ users: { userId: string }[] }>(
      o.socket,
      'presence:update',
      (p) => !p.users.some((u) => u.userId === ann.user.id),
    );

    await organiser.client.coalitions.removeMember(c.id, ann.user.id);
    for (const notice of await Promise.all(removed)) {
      expect(notice).toEqual({ coalitionId: c.id, reason: 'membership_ended' });
    }
    expect((await presence).users.map((u) => u.userId).sort()).toEqual(
      [organiser.user.id, mod.user.id].sort(),
    );

    const heard = waitForEvent<RoomComment>(
      m.socket,
      'comment:created',
      (v) => v.body === 'Members only now',
    );
    const secret = await say(o.socket, c.id, 'Members only now');
    await heard;
    await Promise.all(tabs.map(({ socket }) => flush(socket)));
    expect(seenByAnn).toEqual([[], []]);

    const s = tabs[0].socket;
    await refused(emitAck(s, 'room:join', { coalitionId: c.id }), 'NOT_FOUND');
    await refused(emitAck(s, 'room:sync', { coalitionId: c.id, afterSeq: 0 }), 'NOT_FOUND');
    await refused(emitAck(s, 'comment:react', { commentId: secret.id, emoji: '👍' }), 'NOT_FOUND');
    const create = await emitAck(s, 'comment:create', {
      coalitionId: c.id,
      body: 'Still here?',
      clientMsgId: 'gone-1',
    });
    expect(create.ok).toBe(false);
    expect(s.connected).toBe(true);
    expect((await ann.client.raw('GET', `/coalitions/${c.id}/comments`)).status).toBe(404);
  });

  it('keeps a moderator removed from a public coalition reading, without moderator views', async () => {
    const { c, organiser, mod, ann, bea } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const x = await say(a.socket, c.id, 'Questionable');
    const role = waitForEvent(m.socket, 'room:role');
    const flags = record<FlagEvent>(m.socket, 'flag:created');

    await organiser.client.coalitions.removeMember(c.id, mod.user.id);
    expect(await role).toEqual({ coalitionId: c.id, role: null });
    const alert = waitForEvent<FlagEvent>(o.socket, 'flag:created', (f) => f.commentId === x.id);
    await ok(emitAck(b.socket, 'comment:flag', { commentId: x.id, reason: 'Unkind' }));
    await alert;
    const hidden = waitForEvent<RoomComment>(m.socket, 'comment:hidden', (v) => v.id === x.id);
    await ok(emitAck(o.socket, 'mod:hide', { commentId: x.id, reason: 'Unkind' }));
    const seen = await hidden;
    expect(seen).toMatchObject({ hidden: true, body: '' });
    expect(seen).not.toHaveProperty('hiddenReason');
    await flush(m.socket);
    expect(flags).toEqual([]);

    // A public room stays readable for them, but they are no longer a member or moderator.
    const later = waitForEvent<RoomComment>(m.socket, 'comment:created', (v) => v.body === 'Next');
    await say(a.socket, c.id, 'Next');
    await later;
    await refused(
      emitAck(m.socket, 'comment:create', { coalitionId: c.id, body: 'x', clientMsgId: 'r-1' }),
      'FORBIDDEN',
    );
    await refused(
      emitAck(m.socket, 'mod:unhide', { commentId: x.id, reason: 'Mine to decide' }),
      'FORBIDDEN',
    );
  });

  it('demotes a moderator at once: room:role, no more flag:created, no hidden reasons', async () => {
    const { c, organiser, mod, ann, bea } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const x1 = await say(a.socket, c.id, 'First');
    const x2 = await say(a.socket, c.id, 'Second');
    // While a moderator, they see reasons.
    const before = waitForEvent<RoomComment>(m.socket, 'comment:hidden', (v) => v.id === x1.id);
    await ok(emitAck(o.socket, 'mod:hide', { commentId: x1.id, reason: 'Too early' }));
    expect(await before).toMatchObject({ hiddenReason: 'Too early' });

    const role = waitForEvent(m.socket, 'room:role');
    await organiser.client.coalitions.changeRole(c.id, mod.user.id, 'member');
    expect(await role).toEqual({ coalitionId: c.id, role: 'member' });
    const flags = record<FlagEvent>(m.socket, 'flag:created');

    const alert = waitForEvent<FlagEvent>(o.socket, 'flag:created', (f) => f.commentId === x2.id);
    await ok(emitAck(b.socket, 'comment:flag', { commentId: x2.id, reason: 'Repetitive' }));
    await alert;
    const hidden = waitForEvent<RoomComment>(m.socket, 'comment:hidden', (v) => v.id === x2.id);
    await ok(emitAck(o.socket, 'mod:hide', { commentId: x2.id, reason: 'Repetitive' }));
    const seen = await hidden;
    expect(seen).toMatchObject({ id: x2.id, hidden: true, body: '' });
    expect(seen).not.toHaveProperty('hiddenReason');
    await flush(m.socket);
    expect(flags).toEqual([]);

    const sync = await ok(
      emitAck<RoomSync>(m.socket, 'room:sync', { coalitionId: c.id, afterSeq: 0 }),
    );
    for (const v of sync.comments) expect(v).not.toHaveProperty('hiddenReason');
    await refused(
      emitAck(m.socket, 'mod:unhide', { commentId: x1.id, reason: 'Please' }),
      'FORBIDDEN',
    );
    expect((await mod.client.raw('GET', `/coalitions/${c.id}/flags`)).status).toBe(403);

    // Down to observer: writing stops at once too.
    const observer = waitForEvent(
      m.socket,
      'room:role',
      (r: { role: string }) => r.role === 'observer',
    );
    await organiser.client.coalitions.changeRole(c.id, mod.user.id, 'observer');
    await observer;
    await refused(
      emitAck(m.socket, 'comment:create', { coalitionId: c.id, body: 'x', clientMsgId: 'd-1' }),
      'FORBIDDEN',
    );
  });

  it('promotes a member in the room: flag:created and hidden reasons start reaching them', async () => {
    const { c, organiser, ann, bea } = await kit.room('private', {
      ann: 'member',
      bea: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const x = await say(b.socket, c.id, 'Heated words');

    const role = waitForEvent(a.socket, 'room:role');
    await organiser.client.coalitions.changeRole(c.id, ann.user.id, 'moderator');
    expect(await role).toEqual({ coalitionId: c.id, role: 'moderator' });

    const alert = waitForEvent<FlagEvent>(a.socket, 'flag:created', (f) => f.commentId === x.id);
    const flagged = await ok(
      emitAck<{ flag: RoomFlag }>(o.socket, 'comment:flag', { commentId: x.id, reason: 'Heat' }),
    );
    expect(await alert).toMatchObject({ ...flagged.flag, comment: { id: x.id } });
    const hidden = waitForEvent<RoomComment>(a.socket, 'comment:hidden', (v) => v.id === x.id);
    await ok(emitAck(a.socket, 'mod:hide', { commentId: x.id, reason: 'Cooling off' }));
    expect(await hidden).toMatchObject({
      hidden: true,
      body: 'Heated words',
      hiddenReason: 'Cooling off',
    });
  });

  it('logging out disconnects the sockets of that sign-in only', async () => {
    const { c, organiser, ann } = await kit.room('public', { ann: 'member' });
    const o = await kit.enter(organiser, c.id);
    const first: AuthResult = await t.client().login(ann.email, ann.password);
    const second: AuthResult = await t.client().login(ann.email, ann.password);
    const ending = [
      await kit.enter(first.accessToken, c.id),
      { socket: await kit.open(first.accessToken) },
    ];
    const staying = await kit.enter(second.accessToken, c.id);
    const registered = await kit.open(ann);
    const reasons = ending.map(({ socket }) => disconnection(socket));

    await t.client().logout(first.refreshToken);
    for (const reason of await Promise.all(reasons)) expect(SERVER_ENDED).toContain(reason);

    const heard = waitForEvent<RoomComment>(
      staying.socket,
      'comment:created',
      (v) => v.body === 'Still with us?',
    );
    await say(o.socket, c.id, 'Still with us?');
    await heard;
    await flush(registered);
    expect(staying.socket.connected).toBe(true);
    expect(registered.connected).toBe(true);
    await say(staying.socket, c.id, 'Yes');

    const again = connectAs(t.baseUrl, first.accessToken);
    await expect(connected(again)).rejects.toThrow('unauthorized');
    again.disconnect();
    expect((await t.client(first.accessToken).raw('GET', '/me')).status).toBe(401);
    expect((await t.client(second.accessToken).raw('GET', '/me')).status).toBe(200);
  });

  it('a reused refresh token ends that sign-in, disconnecting its sockets', async () => {
    const { c, organiser, ann } = await kit.room('private', { ann: 'member' });
    const o = await kit.enter(organiser, c.id);
    const stolen: AuthResult = await t.client().login(ann.email, ann.password);
    const other: AuthResult = await t.client().login(ann.email, ann.password);
    const old = await kit.enter(stolen.accessToken, c.id);
    const rotated = await t.client().refresh(stolen.refreshToken);
    const fresh = await kit.enter(rotated.accessToken, c.id);
    const unrelated = await kit.enter(other.accessToken, c.id);
    const reasons = [old.socket, fresh.socket].map(disconnection);

    const reuse = await apiError(t.client().refresh(stolen.refreshToken));
    expect(reuse.status).toBe(401);
    for (const reason of await Promise.all(reasons)) expect(SERVER_ENDED).toContain(reason);
    expect((await apiError(t.client().refresh(rotated.refreshToken))).status).toBe(401);

    const heard = waitForEvent<RoomComment>(
      unrelated.socket,
      'comment:created',
      (v) => v.body === 'Who is left?',
    );
    await say(o.socket, c.id, 'Who is left?');
    await heard;
    expect(unrelated.socket.connected).toBe(true);
  });
});
